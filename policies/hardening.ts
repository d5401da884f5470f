import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { TYPE, defineRule, forType, isUnknown, known, listOf, normalizeCap, unknownMessage } from "./common";

/**
 * Container hardening: docker.Container inputs of @pulumi/docker 5.x checked before anything is created.
 * Anchors: CIS Docker Benchmark 1.6 section 4/5 ids, Checkov (CKV_*), Kubescape (KS C-*), kube-linter.
 * "Unset" is read as the provider/daemon default (restart "no", networkMode "bridge", user = the image's).
 * Mandatory rules report a value they cannot see at preview instead of letting the engine demote them.
 */
type Check = (props: Record<string, unknown>, report: ReportViolation, args: ResourceValidationArgs) => void;

function containerRule(
  name: string, anchors: string[], enforcementLevel: "mandatory" | "advisory", description: string, check: Check,
  configSchema?: PolicyConfigSchema,
): ResourceValidationPolicy {
  return defineRule("hardening", anchors, {
    name, description, enforcementLevel, ...(configSchema ? { configSchema } : {}),
    validateResource: forType(TYPE.container, (props, args, report) => check(props, report, args)),
  });
}

/**
 * Reads one input. An unknown is reported here (a mandatory rule must not pass on what it cannot see) and comes
 * back as UNKNOWN, which callers treat as "already reported".
 */
function read(props: Record<string, unknown>, key: string, report: ReportViolation): unknown {
  const v = known(() => props[key]);
  if (isUnknown(v)) report(unknownMessage(key));
  return v;
}

export const noPrivileged = containerRule("hardening-no-privileged", ["CIS 5.5", "CKV_K8S_16"], "mandatory",
  "Containers must not run privileged (all devices, all capabilities, no confinement).",
  (props, report) => {
    if (read(props, "privileged", report) === true) report("privileged: true gives the container full access to the Colima VM; remove it (services.<name>.unsafe.privileged)");
  });

/** Capabilities that amount to root on the VM, or let a container sniff and spoof the network. */
export const DANGEROUS_CAPABILITIES = [
  "ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "BPF", "PERFMON", "SYS_RAWIO", "SYS_BOOT",
  "SYS_TIME", "DAC_READ_SEARCH", "MAC_ADMIN", "MAC_OVERRIDE", "AUDIT_CONTROL", "SYSLOG", "LINUX_IMMUTABLE",
];

export const noDangerousCapabilities = containerRule("hardening-no-dangerous-capabilities", ["CIS 5.4", "KS C-0046"], "mandatory",
  `Containers must not add dangerous capabilities (${DANGEROUS_CAPABILITIES.join(", ")}).`,
  (props, report) => {
    const caps = read(props, "capabilities", report) as { adds?: unknown } | undefined;
    if (isUnknown(caps)) return;
    const adds = caps ? known(() => listOf<string>(caps.adds).map(String)) : [];
    if (isUnknown(adds)) return report(unknownMessage("capabilities.adds"));
    const bad = adds.filter((c) => DANGEROUS_CAPABILITIES.includes(normalizeCap(c)));
    if (bad.length > 0) report(`capabilities.adds has ${bad.map((c) => JSON.stringify(c)).join(", ")}; add only the narrow capability the process needs (e.g. NET_BIND_SERVICE)`);
  });

export const dropAllCapabilities = containerRule("hardening-drop-all-capabilities", ["CKV_K8S_28", "CKV_K8S_37", "KS C-0055"], "mandatory",
  "Containers must drop ALL capabilities and add back only what they need.",
  (props, report) => {
    const caps = read(props, "capabilities", report) as { drops?: unknown } | undefined;
    if (isUnknown(caps)) return;
    const drops = caps ? known(() => listOf<string>(caps.drops).map(String)) : [];
    if (isUnknown(drops)) return report(unknownMessage("capabilities.drops"));
    if (!drops.some((c) => normalizeCap(c) === "ALL")) report(`capabilities.drops is ${JSON.stringify(drops)}; expected it to include "ALL"`);
  });

/** Docker takes `key:value` and `key=value` alike in --security-opt. */
function securityOpts(props: Record<string, unknown>, report: ReportViolation): { key: string; value?: string; raw: string }[] | undefined {
  const raw = read(props, "securityOpts", report);
  if (isUnknown(raw)) return undefined;
  if (raw === undefined || raw === null) return [];
  const list = known(() => listOf<string>(raw).map(String));
  if (isUnknown(list)) {
    report(unknownMessage("securityOpts"));
    return undefined;
  }
  return list.map((o) => {
    const m = /^([^:=]+)[:=](.*)$/.exec(o.trim());
    return m ? { key: m[1].trim().toLowerCase(), value: m[2].trim().toLowerCase(), raw: o } : { key: o.trim().toLowerCase(), raw: o };
  });
}

export const noNewPrivileges = containerRule("hardening-no-new-privileges", ["CIS 5.26"], "mandatory",
  "Containers must set no-new-privileges, so setuid binaries cannot raise privileges.",
  (props, report) => {
    const opts = securityOpts(props, report);
    if (!opts) return;
    const nnp = opts.filter((o) => o.key === "no-new-privileges");
    const on = nnp.length > 0 && nnp.every((o) => o.value === undefined || o.value === "true");
    if (!on) report(`securityOpts ${JSON.stringify(opts.map((o) => o.raw))} does not set no-new-privileges; expected "no-new-privileges:true"`);
  });

export const noUnconfinedProfiles = containerRule("hardening-no-unconfined-profiles", ["CIS 5.22", "CIS 5.2"], "mandatory",
  "seccomp and AppArmor profiles must not be unconfined, and SELinux labels not disabled.",
  (props, report) => {
    const opts = securityOpts(props, report);
    for (const o of opts ?? []) {
      if ((o.key === "seccomp" || o.key === "apparmor") && o.value === "unconfined") report(`securityOpts has "${o.raw}": keep the default ${o.key} profile`);
      if (o.key === "label" && o.value === "disable") report(`securityOpts has "${o.raw}": keep SELinux labels on`);
    }
  });

const NAMESPACES: [key: string, anchor: string][] = [
  ["networkMode", "CIS 5.10"], ["pidMode", "CIS 5.16"], ["ipcMode", "CIS 5.17"], ["usernsMode", "CIS 5.31"], ["cgroupnsMode", "minidock"],
];

export const noHostNamespaces = containerRule("hardening-no-host-namespaces", ["CIS 5.10", "CIS 5.16", "CIS 5.17", "CIS 5.31"], "mandatory",
  "Containers must not share the host's network, pid, ipc, user or cgroup namespace.",
  (props, report) => {
    for (const [key, anchor] of NAMESPACES) {
      // networkMode names a user-defined network through its resource's output, unknown at preview; "host" is
      // always a literal, so an unknown network mode is a network, not the host's.
      const v = key === "networkMode" ? known(() => props[key]) : read(props, key, report);
      if (typeof v === "string" && v.trim().toLowerCase() === "host") report(`${key}: "host" shares the VM's namespace (${anchor}); remove services.<name>.unsafe.${key}`);
    }
  });

export const noDevices = containerRule("hardening-no-devices", ["CIS 5.18"], "mandatory",
  "Containers must not be given host devices or GPUs.",
  (props, report) => {
    for (const key of ["devices", "deviceRequests"]) {
      const v = read(props, key, report);
      if (Array.isArray(v) && v.length > 0) report(`${key} passes ${v.length} host device(s) into the container`);
    }
    const gpus = read(props, "gpus", report);
    if (typeof gpus === "string" && gpus.trim() !== "") report(`gpus: ${JSON.stringify(gpus)} passes host GPUs into the container`);
  });

/** kube-linter's unsafe sysctls: shared kernel state other containers depend on. */
export const UNSAFE_SYSCTLS = [/^kernel\.msg/, /^kernel\.sem$/, /^kernel\.shm/, /^fs\.mqueue\./, /^net\./];

export const noUnsafeSysctls = containerRule("hardening-no-unsafe-sysctls", ["kube-linter unsafe-sysctls"], "mandatory",
  "Containers must not set unsafe sysctls (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*) unless allowed in config.",
  (props, report, args) => {
    const { allowedSysctls } = args.getConfig<{ allowedSysctls: string[] }>();
    const v = read(props, "sysctls", report);
    if (isUnknown(v) || !v || typeof v !== "object") return;
    const keys = known(() => Object.keys(v as object));
    if (isUnknown(keys)) return report(unknownMessage("sysctls"));
    for (const k of keys) {
      if (UNSAFE_SYSCTLS.some((re) => re.test(k)) && !(allowedSysctls ?? []).includes(k)) {
        report(`sysctls.${k} changes kernel state shared with other containers; allow it with allowedSysctls only if you mean it`);
      }
    }
  },
  { properties: { allowedSysctls: { type: "array", items: { type: "string" }, default: [], description: "sysctl keys allowed despite the list" } } });

export const defaultCgroupParent = containerRule("hardening-default-cgroup-parent", ["CIS 5.25"], "mandatory",
  "Containers must stay in the daemon's default cgroup parent, so their limits are enforced.",
  (props, report) => {
    const v = read(props, "cgroupParent", report);
    if (typeof v === "string" && v.trim() !== "") report(`cgroupParent: ${JSON.stringify(v)}; leave it unset`);
  });

const RESTARTING = ["always", "unless-stopped", "on-failure"];

export const restartPolicy = containerRule("hardening-restart-policy", ["CIS 5.15"], "mandatory",
  "Containers must restart on their own (unless-stopped, always, or on-failure with at most 5 retries): the minis run unattended.",
  (props, report) => {
    const restart = read(props, "restart", report);
    if (isUnknown(restart)) return;
    const value = typeof restart === "string" ? restart : "no";
    if (!RESTARTING.includes(value)) return report(`restart is ${restart === undefined ? "unset (Docker's default is \"no\")" : JSON.stringify(value)}; expected one of ${RESTARTING.join(", ")}`);
    const retries = read(props, "maxRetryCount", report);
    if (value === "on-failure" && typeof retries === "number" && retries > 5) report(`restart on-failure with maxRetryCount ${retries}; CIS 5.15 expects at most 5`);
  });

export const logRotation = containerRule("hardening-log-rotation", ["minidock"], "mandatory",
  "Container logs must rotate (json-file or local with max-size), so a chatty container cannot fill the VM disk.",
  (props, report) => {
    const driver = read(props, "logDriver", report);
    if (isUnknown(driver)) return;
    const d = typeof driver === "string" && driver !== "" ? driver : "json-file";
    if (d === "none") return report(`logDriver "none" throws logs away; use json-file with max-size`);
    // Other drivers (journald, syslog, fluentd...) ship logs off the container: rotation is the destination's job.
    if (d !== "json-file" && d !== "local") return;
    const opts = read(props, "logOpts", report) as Record<string, unknown> | undefined;
    if (isUnknown(opts)) return;
    const maxSize = opts ? known(() => opts["max-size"]) : undefined;
    if (isUnknown(maxSize)) return report(unknownMessage("logOpts.max-size"));
    if (typeof maxSize !== "string" || maxSize.trim() === "") report(`logDriver ${d} without logOpts "max-size" grows without bound; set logs.maxSize or minidock:logMaxSize`);
  });

export const healthcheckDefined = containerRule("hardening-healthcheck", ["CIS 4.6", "CIS 5.27", "CKV_DOCKER_2"], "mandatory",
  "Containers must define a healthcheck (not NONE), so restarts, waits and alerts see a broken service.",
  (props, report) => {
    const hc = read(props, "healthcheck", report) as { tests?: unknown } | undefined;
    if (isUnknown(hc)) return;
    const tests = hc ? known(() => listOf<string>(hc.tests).map(String)) : [];
    if (isUnknown(tests)) return report(unknownMessage("healthcheck.tests"));
    if (tests.length === 0) report("no healthcheck: set services.<name>.healthcheck.test");
    else if (tests[0].toUpperCase() === "NONE") report(`healthcheck.tests is ["NONE"]: the image's healthcheck is switched off`);
  });

export const readOnlyRootFs = containerRule("hardening-read-only-rootfs", ["CIS 5.13", "CKV_K8S_22"], "advisory",
  "The root filesystem should be read-only, with tmpfs or volumes for the paths the service writes.",
  (props, report) => {
    if (props.readOnly !== true) report("readOnly is not true: the container can modify its own image layer; set readOnlyRootFs: true and list writable paths in tmpfs");
  });

export const nonRootUser = containerRule("hardening-non-root-user", ["CIS 4.1", "CKV_K8S_40"], "advisory",
  "Containers should run as a non-root user.",
  (props, report) => {
    const user = typeof props.user === "string" ? props.user.trim() : "";
    const who = user.split(":")[0];
    if (who === "") report("user is unset: the image's USER applies, which is root for most images; set user: \"<uid>:<gid>\"");
    else if (who === "0" || who === "root") report(`user ${JSON.stringify(user)} is root; set a numeric non-root uid`);
  });

export const hardeningPolicies: ResourceValidationPolicy[] = [
  noPrivileged, noDangerousCapabilities, dropAllCapabilities, noNewPrivileges, noUnconfinedProfiles, noHostNamespaces,
  noDevices, noUnsafeSysctls, defaultCgroupParent, restartPolicy, logRotation, healthcheckDefined, readOnlyRootFs, nonRootUser,
];
