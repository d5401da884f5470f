import { check, container, image, mutate, of, UNKNOWN_ARRAY, UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING, violations } from "./support";

/**
 * Container hardening rules, run through the engine mirror (tests/policies/support). Each case mutates ONE input of
 * a container that passes everything, so a failure names the rule that broke and nothing else.
 */
describe("hardening: the happy-path container", () => {
  test("passes every hardening rule, with network and volume names unknown as at preview", async () => {
    const r = await check([container(), image()]);
    expect(r.violations.filter((v) => v.policy.startsWith("hardening-"))).toEqual([]);
  });
});

const fails: [policy: string, path: string, value: unknown, message: RegExp][] = [
  ["hardening-no-privileged", "privileged", true, /privileged: true/],
  ["hardening-no-dangerous-capabilities", "capabilities.adds", ["NET_ADMIN"], /"NET_ADMIN"/],
  ["hardening-no-dangerous-capabilities", "capabilities.adds", ["cap_sys_admin"], /"cap_sys_admin"/],
  ["hardening-no-dangerous-capabilities", "capabilities.adds", [" all "], /" all "/],
  ["hardening-drop-all-capabilities", "capabilities.drops", ["NET_RAW"], /include "ALL"/],
  ["hardening-drop-all-capabilities", "capabilities", undefined, /include "ALL"/],
  ["hardening-no-new-privileges", "securityOpts", [], /no-new-privileges/],
  ["hardening-no-new-privileges", "securityOpts", ["no-new-privileges:false"], /no-new-privileges/],
  ["hardening-no-new-privileges", "securityOpts", undefined, /no-new-privileges/],
  ["hardening-no-unconfined-profiles", "securityOpts", ["no-new-privileges", "seccomp=unconfined"], /seccomp/],
  ["hardening-no-unconfined-profiles", "securityOpts", ["no-new-privileges", "apparmor:unconfined"], /apparmor/],
  ["hardening-no-unconfined-profiles", "securityOpts", ["no-new-privileges", "label=disable"], /SELinux/],
  ["hardening-no-host-namespaces", "networkMode", "host", /networkMode: "host"/],
  ["hardening-no-host-namespaces", "pidMode", "host", /pidMode/],
  ["hardening-no-host-namespaces", "ipcMode", "host", /ipcMode/],
  ["hardening-no-host-namespaces", "usernsMode", "host", /usernsMode/],
  ["hardening-no-host-namespaces", "cgroupnsMode", "host", /cgroupnsMode/],
  ["hardening-no-devices", "devices", [{ hostPath: "/dev/kvm" }], /devices passes 1/],
  ["hardening-no-devices", "deviceRequests", [{ count: 1 }], /deviceRequests/],
  ["hardening-no-devices", "gpus", "all", /gpus/],
  ["hardening-no-unsafe-sysctls", "sysctls", { "net.ipv4.ip_forward": "1" }, /net\.ipv4\.ip_forward/],
  ["hardening-no-unsafe-sysctls", "sysctls", { "kernel.shmmax": "1" }, /kernel\.shmmax/],
  ["hardening-no-unsafe-sysctls", "sysctls", { "fs.mqueue.msg_max": "1" }, /fs\.mqueue/],
  ["hardening-default-cgroup-parent", "cgroupParent", "/custom", /cgroupParent/],
  ["hardening-restart-policy", "restart", undefined, /unset \(Docker's default is "no"\)/],
  ["hardening-restart-policy", "restart", "no", /"no"/],
  ["hardening-log-rotation", "logDriver", "none", /"none"/],
  ["hardening-log-rotation", "logOpts", undefined, /max-size/],
  ["hardening-log-rotation", "logOpts", { "max-file": "3" }, /max-size/],
  ["hardening-healthcheck", "healthcheck", undefined, /no healthcheck/],
  ["hardening-healthcheck", "healthcheck.tests", ["NONE"], /\["NONE"\]/],
  ["hardening-read-only-rootfs", "readOnly", false, /readOnly is not true/],
  ["hardening-read-only-rootfs", "readOnly", undefined, /readOnly is not true/],
  ["hardening-non-root-user", "user", undefined, /image's USER/],
  ["hardening-non-root-user", "user", "0:0", /root/],
  ["hardening-non-root-user", "user", "root", /root/],
];

describe.each(fails)("%s fails on %s = %j", (policy, path, value, message) => {
  test("reports exactly that rule on the container", async () => {
    const v = await violations(policy, [mutate(container(), path, value), image()]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(message);
    expect(v[0]).toMatch(/ app-1: /);
  });
});

const passes: [policy: string, path: string, value: unknown][] = [
  ["hardening-no-dangerous-capabilities", "capabilities.adds", ["NET_BIND_SERVICE", "CHOWN"]],
  ["hardening-drop-all-capabilities", "capabilities.drops", ["all"]],
  ["hardening-no-new-privileges", "securityOpts", ["no-new-privileges"]],
  ["hardening-no-new-privileges", "securityOpts", ["no-new-privileges=true"]],
  ["hardening-no-unconfined-profiles", "securityOpts", ["no-new-privileges:true", "seccomp=/etc/docker/seccomp.json"]],
  ["hardening-no-host-namespaces", "networkMode", "none"],
  ["hardening-no-host-namespaces", "ipcMode", "private"],
  ["hardening-no-unsafe-sysctls", "sysctls", { "vm.overcommit_memory": "1" }],
  ["hardening-restart-policy", "restart", "on-failure"],
  ["hardening-restart-policy", "restart", "always"],
  ["hardening-log-rotation", "logDriver", "local"],
  ["hardening-log-rotation", "logDriver", "journald"],
  ["hardening-non-root-user", "user", "1000"],
  ["hardening-non-root-user", "user", "app:app"],
];

describe.each(passes)("%s passes with %s = %j", (policy, path, value) => {
  test("no violation", async () => {
    expect(await violations(policy, [mutate(container(), path, value), image()])).toEqual([]);
  });
});

test("on-failure with more than 5 retries breaks CIS 5.15", async () => {
  const c = mutate(mutate(container(), "restart", "on-failure"), "maxRetryCount", 10);
  expect(await violations("hardening-restart-policy", [c])).toEqual([expect.stringMatching(/maxRetryCount 10/)]);
});

test("an allowed sysctl passes only when configured", async () => {
  const c = () => mutate(container(), "sysctls", { "net.core.somaxconn": "1024" });
  expect(await violations("hardening-no-unsafe-sysctls", [c()])).toHaveLength(1);
  expect(await violations("hardening-no-unsafe-sysctls", [c()], { "hardening-no-unsafe-sysctls": { allowedSysctls: ["net.core.somaxconn"] } })).toEqual([]);
});

/**
 * A mandatory rule that reads an unknown must not pass silently: these rules report it themselves, as mandatory.
 * Left to the engine, the UnknownValueError would demote the whole rule to an advisory "can't run policy".
 */
const unknowns: [policy: string, path: string, value: unknown][] = [
  ["hardening-no-privileged", "privileged", UNKNOWN_BOOL],
  ["hardening-no-dangerous-capabilities", "capabilities", UNKNOWN_OBJECT],
  ["hardening-drop-all-capabilities", "capabilities.drops", UNKNOWN_ARRAY],
  ["hardening-no-new-privileges", "securityOpts", UNKNOWN_ARRAY],
  ["hardening-no-host-namespaces", "pidMode", UNKNOWN_STRING],
  ["hardening-no-devices", "devices", UNKNOWN_ARRAY],
  ["hardening-restart-policy", "restart", UNKNOWN_STRING],
  ["hardening-log-rotation", "logOpts", UNKNOWN_OBJECT],
  ["hardening-healthcheck", "healthcheck", UNKNOWN_OBJECT],
];

describe.each(unknowns)("%s with %s unknown at preview", (policy, path, value) => {
  test("is a mandatory violation, not a silent pass", async () => {
    const r = await check([mutate(container(), path, value)]);
    const v = of(r, policy);
    expect(v).toHaveLength(1);
    expect(v[0].enforcementLevel).toBe("mandatory");
    expect(v[0].message).toMatch(/not known at preview/);
  });
});

test("an advisory rule reading an unknown gets the engine's advisory 'can't run policy during preview'", async () => {
  const r = await check([mutate(container(), "user", UNKNOWN_STRING)]);
  expect(of(r, "hardening-non-root-user")).toEqual([
    expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringMatching(/^can't run policy 'hardening-non-root-user' from policy pack 'minidock@v0\.1\.0' during preview: string value at \.user can't be known during preview/) }),
  ]);
});
