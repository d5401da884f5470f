import * as fs from "fs";
import * as path from "path";
import { LABEL } from "../../lib/labels";
import {
  CONTAINER_SELINUX_TYPES, SAFE_SYSCTLS, normalizeSysctl, parseSecurityOpt, securityOptProblem, sysctlClass,
} from "../../policies/hardening";
import { RecordedResource } from "../../tools/offline/evaluate";
import {
  UNKNOWN_ARRAY, UNKNOWN_BOOL, UNKNOWN_OBJECT, UNKNOWN_STRING, check, container, image, mutate, of, setLabel, violations,
} from "./support";

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

/** A container of the config service `app`, as components/service.ts labels it: messages name its config keys. */
const configContainer = () => setLabel(container(), LABEL.configKey, "services.app");

const fails: [policy: string, path: string, value: unknown, message: RegExp][] = [
  ["hardening-no-privileged", "privileged", true, /^privileged is true/],
  ["hardening-no-dangerous-capabilities", "capabilities.adds", ["NET_ADMIN"], /^capabilities\.adds\[0\] is "NET_ADMIN"/],
  ["hardening-no-dangerous-capabilities", "capabilities.adds", ["CHOWN", "cap_sys_admin"], /^capabilities\.adds\[1\] is "cap_sys_admin"/],
  ["hardening-no-dangerous-capabilities", "capabilities.adds", [" all "], /" all "/],
  ["hardening-drop-all-capabilities", "capabilities.drops", ["NET_RAW"], /include "ALL"/],
  ["hardening-drop-all-capabilities", "capabilities", undefined, /include "ALL"/],
  ["hardening-no-new-privileges", "securityOpts", [], /does not set no-new-privileges/],
  ["hardening-no-new-privileges", "securityOpts", ["no-new-privileges:false"], /^securityOpts\[0\] is "no-new-privileges:false"/],
  ["hardening-no-new-privileges", "securityOpts", undefined, /no-new-privileges/],
  ["hardening-no-host-namespaces", "networkMode", "host", /^networkMode is "host".*network namespace/],
  ["hardening-no-host-namespaces", "pidMode", "host", /^pidMode is "host"/],
  ["hardening-no-host-namespaces", "ipcMode", "host", /^ipcMode/],
  ["hardening-no-host-namespaces", "usernsMode", "host", /^usernsMode/],
  ["hardening-no-host-namespaces", "cgroupnsMode", "host", /^cgroupnsMode/],
  ["hardening-no-devices", "devices", [{ hostPath: "/dev/kvm" }], /^devices\[0\] passes the host device "\/dev\/kvm"/],
  ["hardening-no-devices", "deviceRequests", [{ count: 1 }], /^deviceRequests/],
  ["hardening-no-devices", "gpus", "all", /^gpus/],
  ["hardening-default-cgroup-parent", "cgroupParent", "/custom", /^cgroupParent/],
  ["hardening-restart-policy", "restart", undefined, /^restart is unset \(Docker's default is "no"\)/],
  ["hardening-restart-policy", "restart", "no", /^restart is "no"/],
  ["hardening-log-rotation", "logDriver", "none", /^logDriver is "none"/],
  ["hardening-log-rotation", "logOpts", undefined, /^logOpts\.max-size is unset/],
  ["hardening-log-rotation", "logOpts", { "max-file": "3" }, /max-size/],
  ["hardening-healthcheck", "healthcheck", undefined, /^healthcheck is unset/],
  ["hardening-healthcheck", "healthcheck.tests", ["NONE"], /^healthcheck\.tests is \["NONE"\]/],
  ["hardening-read-only-rootfs", "readOnly", false, /^readOnly: the root filesystem is writable \(readOnly false\)/],
  ["hardening-read-only-rootfs", "readOnly", undefined, /\(readOnly unset\)/],
  ["hardening-non-root-user", "user", undefined, /image's USER/],
  ["hardening-non-root-user", "user", "0:0", /root/],
  ["hardening-non-root-user", "user", "root", /root/],
];

describe.each(fails)("%s fails on %s = %j", (policy, path, value, message) => {
  test("reports exactly that rule on the container", async () => {
    const v = await violations(policy, [mutate(container(), path, value), image()]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(/ app-1: /);
    expect(v[0].replace(/^\w+ app-1: /, "")).toMatch(message);
  });
});

const passes: [policy: string, path: string, value: unknown][] = [
  ["hardening-no-dangerous-capabilities", "capabilities.adds", ["NET_BIND_SERVICE", "CHOWN"]],
  ["hardening-drop-all-capabilities", "capabilities.drops", ["all"]],
  ["hardening-no-new-privileges", "securityOpts", ["no-new-privileges"]],
  ["hardening-no-new-privileges", "securityOpts", ["no-new-privileges=true"]],
  ["hardening-no-host-namespaces", "networkMode", "none"],
  ["hardening-no-host-namespaces", "ipcMode", "private"],
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
  expect(await violations("hardening-restart-policy", [c])).toEqual([expect.stringMatching(/: maxRetryCount is 10 with restart on-failure/)]);
});

describe("hardening-no-unconfined-profiles: every spelling that loosens confinement", () => {
  const refused: [opt: string, message: RegExp][] = [
    ["seccomp=unconfined", /turns seccomp off/],
    ["seccomp:unconfined", /turns seccomp off/],
    [" Seccomp = UNCONFINED ", /turns seccomp off/],
    ["seccomp=", /names no seccomp profile/],
    ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', /allows every syscall not listed/],
    ['seccomp={"defaultAction":"SCMP_ACT_LOG","syscalls":[]}', /allows every syscall not listed/],
    ["seccomp={not json", /not a valid JSON seccomp profile/],
    ["apparmor=unconfined", /turns AppArmor off/],
    ["apparmor:unconfined", /turns AppArmor off/],
    ["APPARMOR=Unconfined", /turns AppArmor off/],
    ["systempaths=unconfined", /unmasks \/proc and \/sys/],
    ["systempaths:unconfined", /unmasks \/proc and \/sys/],
    ["label=disable", /SELinux labels off/],
    ["label:disable", /SELinux labels off/],
    ["label=DISABLE", /SELinux labels off/],
    ["disable", /SELinux labels off/],
    ["label=type:spc_t", /SELinux type "spc_t", not a container domain/],
    ["label:type:unconfined_t", /not a container domain/],
    ["label=user:system_u", /SELinux user/],
    ["label=role:system_r", /SELinux role/],
    ["label=nested", /not a label option Docker knows/],
    ["writable-cgroups=true", /cgroup filesystem writable/],
    ["writable-cgroups", /cgroup filesystem writable/],
    ["seccomp-profile=unconfined", /not a security option Docker knows/],
    ["privileged=true", /not a security option Docker knows/],
  ];

  test.each(refused)("%j is refused, at the user's key", async (opt, message) => {
    const c = mutate(configContainer(), "securityOpts", ["no-new-privileges:true", opt]);
    const v = await violations("hardening-no-unconfined-profiles", [c]);
    expect(v).toEqual([expect.stringMatching(new RegExp(`^mandatory app-1: services\\.app\\.unsafe\\.securityOpts\\[0\\] \\(securityOpts\\[1\\]\\) is ${JSON.stringify(opt).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `))]);
    expect(v[0]).toMatch(message);
  });

  const kept: string[] = [
    "seccomp=/etc/docker/seccomp/agent.json",
    "seccomp=builtin",
    'seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}',
    "apparmor=docker-default",
    "apparmor:minidock-agent",
    "label=level:s0:c100,c200",
    "label:level:s0",
    "label=filetype:container_file_t",
    ...CONTAINER_SELINUX_TYPES.map((t) => `label=type:${t}`),
    "writable-cgroups=false",
    "no-new-privileges=true",
  ];

  test.each(kept)("%j keeps the container confined", async (opt) => {
    const c = mutate(container(), "securityOpts", ["no-new-privileges:true", opt]);
    expect(await violations("hardening-no-unconfined-profiles", [c])).toEqual([]);
  });

  test("securityOpts unknown at preview is a mandatory violation", async () => {
    const r = await check([mutate(container(), "securityOpts", UNKNOWN_ARRAY)]);
    expect(of(r, "hardening-no-unconfined-profiles")).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/^securityOpts is not known at preview/) }),
    ]);
  });

  test("without the default no-new-privileges first (unsafe.noNewPrivileges: false), the user's index is the input's", async () => {
    const c = mutate(configContainer(), "securityOpts", ["label=disable"]);
    expect(await violations("hardening-no-unconfined-profiles", [c])).toEqual([
      expect.stringMatching(/: services\.app\.unsafe\.securityOpts\[0\] \(securityOpts\[0\]\) is "label=disable"/),
    ]);
  });
});

describe("parseSecurityOpt splits like the Docker daemon", () => {
  test.each([
    ["seccomp=unconfined", "seccomp", "unconfined"],
    ["seccomp:unconfined", "seccomp", "unconfined"],
    // With an `=` anywhere, Docker cuts there: `label:type=x` is the unknown key "label:type".
    ["label:type=spc_t", "label:type", "spc_t"],
    ["label=type:spc_t", "label", "type:spc_t"],
    ["disable", "label", "disable"],
    ["no-new-privileges", "no-new-privileges", undefined],
  ])("%j -> %s / %s", (raw, key, value) => {
    const { key: k, value: v } = parseSecurityOpt(raw);
    expect({ key: k, value: v }).toEqual({ key, value });
  });
  test("an = inside a JSON profile stays in the value", () => {
    expect(securityOptProblem(parseSecurityOpt('seccomp={"defaultAction":"SCMP_ACT_ALLOW","x":"a=b"}'))).toMatch(/allows every syscall/);
  });
});

describe("hardening-no-unsafe-sysctls: Kubernetes' safe set passes, everything else is refused", () => {
  test("the safe set is Kubernetes' (1.32): 12 names, each namespaced", () => {
    expect(SAFE_SYSCTLS).toHaveLength(12);
    expect(SAFE_SYSCTLS).toEqual(expect.arrayContaining(["net.ipv4.tcp_keepalive_time", "net.ipv4.ip_local_port_range", "kernel.shm_rmid_forced", "net.ipv4.tcp_rmem"]));
  });

  test("docs/policies.md lists exactly the safe set", () => {
    const docs = fs.readFileSync(path.join(__dirname, "../../docs/policies.md"), "utf8");
    const section = docs.slice(docs.indexOf("**`hardening-no-unsafe-sysctls`**"), docs.indexOf("(`SAFE_SYSCTLS` in policies/hardening.ts)"));
    const listed = section.slice(section.indexOf("needs nothing:")).match(/`[a-z0-9_.]+`/g)!.map((n) => n.slice(1, -1));
    expect(listed.sort()).toEqual([...SAFE_SYSCTLS].sort());
  });

  test.each([...SAFE_SYSCTLS])("%s needs no exemption", async (name) => {
    expect(await violations("hardening-no-unsafe-sysctls", [mutate(container(), "sysctls", { [name]: "1" })])).toEqual([]);
  });

  test("the sysctl.d slash spelling of a safe one is the same sysctl", async () => {
    expect(await violations("hardening-no-unsafe-sysctls", [mutate(container(), "sysctls", { "net/ipv4/tcp_keepalive_time": "600" })])).toEqual([]);
  });

  const refused: [name: string, message: RegExp][] = [
    ["net.core.somaxconn", /is namespaced but not in Kubernetes' safe set.*"allowedSysctls": \["net\.core\.somaxconn"\]/],
    ["net.ipv4.ip_forward", /namespaced but not in Kubernetes' safe set/],
    ["net.ipv4.conf.all.rp_filter", /namespaced but not in Kubernetes' safe set/],
    ["kernel.shmmax", /namespaced but not in Kubernetes' safe set/],
    ["kernel.msgmax", /namespaced but not in Kubernetes' safe set/],
    ["kernel.sem", /namespaced but not in Kubernetes' safe set/],
    ["fs.mqueue.msg_max", /namespaced but not in Kubernetes' safe set/],
    ["vm.swappiness", /is not namespaced per container: it is the Colima VM's setting/],
    ["vm.overcommit_memory", /not namespaced per container/],
    ["vm.max_map_count", /not namespaced per container/],
    ["kernel.pid_max", /not namespaced per container/],
    ["kernel.shm_rmid_forced_x", /namespaced but not in Kubernetes' safe set/],
    ["fs.file-max", /not namespaced per container/],
  ];

  test.each(refused)("%j is refused at the user's key", async (name, message) => {
    const v = await violations("hardening-no-unsafe-sysctls", [mutate(configContainer(), "sysctls", { [name]: "1" })]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(new RegExp(`^mandatory app-1: services\\.app\\.unsafe\\.sysctls\\.${name.replace(/\./g, "\\.")} \\(sysctls\\.`));
    expect(v[0]).toMatch(message);
  });

  test("the slash spelling of an unsafe one is refused under its dotted name", async () => {
    const v = await violations("hardening-no-unsafe-sysctls", [mutate(container(), "sysctls", { "vm/swappiness": "10" })]);
    expect(v).toEqual([expect.stringMatching(/sysctls\.vm\/swappiness \(vm\.swappiness\) is not namespaced/)]);
  });

  test("allowedSysctls lets a namespaced one through, and only that one", async () => {
    const c = () => mutate(container(), "sysctls", { "net.core.somaxconn": "1024", "net.ipv4.tcp_tw_reuse": "1" });
    const config = { "hardening-no-unsafe-sysctls": { allowedSysctls: ["net.core.somaxconn"] } };
    expect(await violations("hardening-no-unsafe-sysctls", [c()])).toHaveLength(2);
    expect(await violations("hardening-no-unsafe-sysctls", [c()], config)).toEqual([expect.stringMatching(/net\.ipv4\.tcp_tw_reuse/)]);
  });

  test("allowedSysctls cannot allow the VM's own settings: runc would refuse them anyway", async () => {
    const c = mutate(container(), "sysctls", { "vm.swappiness": "10" });
    expect(await violations("hardening-no-unsafe-sysctls", [c], { "hardening-no-unsafe-sysctls": { allowedSysctls: ["vm.swappiness"] } })).toHaveLength(1);
  });

  test("with the host's network namespace even a safe net.* sysctl is the VM's", async () => {
    const c = mutate(mutate(container(), "networkMode", "host"), "sysctls", { "net.ipv4.tcp_keepalive_time": "600", "kernel.shm_rmid_forced": "1" });
    expect(await violations("hardening-no-unsafe-sysctls", [c])).toEqual([expect.stringMatching(/net\.ipv4\.tcp_keepalive_time would change the VM's own network stack/)]);
  });

  test("sysctls unknown at preview is a mandatory violation", async () => {
    const r = await check([mutate(container(), "sysctls", UNKNOWN_OBJECT)]);
    expect(of(r, "hardening-no-unsafe-sysctls")).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/^sysctls is not known at preview/) }),
    ]);
  });

  test.each([
    ["net.ipv4.tcp_rmem", false, "safe"], ["net.core.somaxconn", false, "namespaced"], ["vm.swappiness", false, "host"],
    ["net.ipv4.tcp_rmem", true, "host"], ["kernel.shm_rmid_forced", true, "safe"], ["kernel/shm_rmid_forced", false, "safe"],
  ] as const)("sysctlClass(%s, hostNetwork %s) = %s", (name, hostNetwork, cls) => {
    expect(sysctlClass(name, hostNetwork)).toBe(cls);
  });

  test("normalizeSysctl follows sysctl.d(5): a leading slash form swaps / and .", () => {
    expect(normalizeSysctl("net/ipv4/conf/eth0.100/rp_filter")).toBe("net.ipv4.conf.eth0/100.rp_filter");
    expect(normalizeSysctl("net.ipv4.conf.eth0/100.rp_filter")).toBe("net.ipv4.conf.eth0/100.rp_filter");
  });
});

describe("hardening-read-only-rootfs is mandatory, and its remedy says how to exempt", () => {
  test("a writable root is a mandatory violation at unsafe.writableRootFs, with the exemption to write", async () => {
    const r = await check([mutate(configContainer(), "readOnly", false)]);
    const [v] = of(r, "hardening-read-only-rootfs");
    expect(v.enforcementLevel).toBe("mandatory");
    expect(v.message).toMatch(/^services\.app\.unsafe\.writableRootFs \(readOnly\): the root filesystem is writable/);
    // The kit's stack is "test"; the path is spelled in parts so the docs link check does not take it for a file.
    expect(v.message).toContain(`exempt it in ${["policies", "test.json"].join("/")}: "hardening-read-only-rootfs": {"exemptions": [{"resource":"app-1","reason":`);
  });

  test("the exemption the message suggests, with a reason, is accepted and silences it", async () => {
    const c = () => mutate(container(), "readOnly", false);
    const [message] = (await check([c()])).violations.filter((v) => v.policy === "hardening-read-only-rootfs").map((v) => v.message);
    const suggested = JSON.parse(`{${/exempt it in policies\/test\.json: (.*)$/.exec(message)![1]}}`) as Record<string, { exemptions: { reason: string }[] }>;
    suggested["hardening-read-only-rootfs"].exemptions[0].reason = "the image writes its PID file to /run, which it cannot move";
    const r = await check([c()], suggested);
    expect(of(r, "hardening-read-only-rootfs")).toEqual([]);
  });

  test("readOnly unknown at preview is a mandatory violation", async () => {
    const r = await check([mutate(container(), "readOnly", UNKNOWN_BOOL)]);
    expect(of(r, "hardening-read-only-rootfs")).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/^readOnly is not known at preview/) }),
    ]);
  });
});

/** Each rule's message starts with the config key the user edits, then the docker input it became. */
const keyed: [policy: string, mutateTo: (c: RecordedResource) => RecordedResource, key: string][] = [
  ["hardening-no-privileged", (c) => mutate(c, "privileged", true), "services.app.unsafe.privileged (privileged)"],
  ["hardening-no-dangerous-capabilities", (c) => mutate(c, "capabilities.adds", ["SYS_ADMIN"]), "services.app.capAdd[0] (capabilities.adds[0])"],
  ["hardening-no-new-privileges", (c) => mutate(c, "securityOpts", []), "services.app.unsafe.noNewPrivileges (securityOpts)"],
  ["hardening-no-new-privileges", (c) => mutate(c, "securityOpts", ["no-new-privileges:true", "no-new-privileges=false"]), "services.app.unsafe.securityOpts[0] (securityOpts[1])"],
  ["hardening-no-unconfined-profiles", (c) => mutate(c, "securityOpts", ["no-new-privileges:true", "systempaths=unconfined"]), "services.app.unsafe.securityOpts[0] (securityOpts[1])"],
  ["hardening-no-host-namespaces", (c) => mutate(c, "pidMode", "host"), "services.app.unsafe.pidMode (pidMode)"],
  ["hardening-no-devices", (c) => mutate(c, "devices", [{ hostPath: "/dev/fuse" }]), "services.app.unsafe.devices[0] (devices[0])"],
  ["hardening-no-unsafe-sysctls", (c) => mutate(c, "sysctls", { "vm.swappiness": "1" }), "services.app.unsafe.sysctls.vm.swappiness (sysctls.vm.swappiness)"],
  ["hardening-default-cgroup-parent", (c) => mutate(c, "cgroupParent", "/x"), "services.app.unsafe.cgroupParent (cgroupParent)"],
  ["hardening-restart-policy", (c) => mutate(c, "restart", "no"), "services.app.restart (restart)"],
  ["hardening-log-rotation", (c) => mutate(c, "logDriver", "none"), "services.app.logs.driver (logDriver)"],
  ["hardening-log-rotation", (c) => mutate(c, "logOpts", { "max-file": "3" }), "services.app.logs.maxSize (logOpts.max-size)"],
  ["hardening-healthcheck", (c) => mutate(c, "healthcheck", undefined), "services.app.healthcheck.test (healthcheck)"],
  ["hardening-read-only-rootfs", (c) => mutate(c, "readOnly", false), "services.app.unsafe.writableRootFs (readOnly)"],
  ["hardening-non-root-user", (c) => mutate(c, "user", "root"), "services.app.user (user)"],
  ["hardening-no-privileged", (c) => mutate(c, "privileged", UNKNOWN_BOOL), "services.app.unsafe.privileged (privileged)"],
];

test.each(keyed)("%s names the config key: %#", async (policy, mutateTo, key) => {
  const v = await violations(policy, [mutateTo(configContainer())]);
  expect(v).toHaveLength(1);
  expect(v[0].replace(/^\w+ app-1: /, "")).toMatch(new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[ :]`));
});

test.each([
  ["hardening-no-host-namespaces", (c: RecordedResource) => mutate(c, "pidMode", "host")],
  ["hardening-healthcheck", (c: RecordedResource) => mutate(c, "healthcheck", undefined)],
  ["hardening-non-root-user", (c: RecordedResource) => mutate(c, "user", undefined)],
])("%s, whose remedy may be an exemption, says how to write one", async (policy, mutateTo) => {
  const [v] = await violations(policy, [mutateTo(container())]);
  expect(v).toContain(`exempt it in ${["policies", "test.json"].join("/")}: "${policy}": {"exemptions": [{"resource":"app-1","reason":"<why, at least 20 characters>"}]}`);
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
  ["hardening-read-only-rootfs", "readOnly", UNKNOWN_BOOL],
  ["hardening-no-unsafe-sysctls", "sysctls", UNKNOWN_OBJECT],
  ["hardening-no-unconfined-profiles", "securityOpts", UNKNOWN_ARRAY],
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
