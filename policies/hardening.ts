import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULTS } from "../lib/defaults";
import { TYPE, at, defineRule, forType, isUnknown, known, listOf, normalizeCap, unknownMessage } from "./ruleKit";
import { EXEMPTION_REASON_MIN } from "./exemptions";

/**
 * Container hardening: docker.Container inputs of @pulumi/docker 5.x checked before anything is created.
 * Anchors: CIS Docker Benchmark 1.6 section 4/5 ids, Checkov (CKV_*), Kubescape (KS C-*), kube-linter, Kubernetes
 * Pod Security Standards. "Unset" is read as the provider/daemon default (restart "no", networkMode "bridge",
 * user = the image's). Mandatory rules report a value they cannot see at preview instead of letting the engine
 * demote them. Every message starts with the user's config key (ruleKit.ts `at`).
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
  if (isUnknown(v)) report(unknownMessage(at(props, key)));
  return v;
}

/** The stack of a resource, from its URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
function stackOfUrn(urn: string): string {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? "<stack>";
}

/**
 * How to exempt this resource, for rules whose remedy may be an exemption: the exact entry to add to the stack's
 * pack config (the file `npm run check -- --stack <stack>` and `pulumi preview --policy-pack` read).
 */
export function exemptionHint(args: Pick<ResourceValidationArgs, "urn" | "name">, policy: string): string {
  const entry = JSON.stringify({ resource: args.name, reason: `<why, at least ${EXEMPTION_REASON_MIN} characters>` });
  return `or, if it must, exempt it in policies/${stackOfUrn(args.urn)}.json: "${policy}": {"exemptions": [${entry}]}`;
}

export const noPrivileged = containerRule("hardening-no-privileged", ["CIS 5.5", "CKV_K8S_16"], "mandatory",
  "Containers must not run privileged (all devices, all capabilities, no confinement).",
  (props, report) => {
    if (read(props, "privileged", report) === true) report(`${at(props, "privileged")} is true: it gives the container full access to the Colima VM; remove it`);
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
    if (isUnknown(adds)) return report(unknownMessage(at(props, "capabilities.adds")));
    adds.forEach((c, i) => {
      if (DANGEROUS_CAPABILITIES.includes(normalizeCap(c))) {
        report(`${at(props, `capabilities.adds[${i}]`)} is ${JSON.stringify(c)}: add only the narrow capability the process needs (e.g. NET_BIND_SERVICE)`);
      }
    });
  });

export const dropAllCapabilities = containerRule("hardening-drop-all-capabilities", ["CKV_K8S_28", "CKV_K8S_37", "KS C-0055"], "mandatory",
  "Containers must drop ALL capabilities and add back only what they need.",
  (props, report) => {
    const caps = read(props, "capabilities", report) as { drops?: unknown } | undefined;
    if (isUnknown(caps)) return;
    const drops = caps ? known(() => listOf<string>(caps.drops).map(String)) : [];
    if (isUnknown(drops)) return report(unknownMessage(at(props, "capabilities.drops")));
    if (!drops.some((c) => normalizeCap(c) === "ALL")) report(`${at(props, "capabilities.drops")} is ${JSON.stringify(drops)}; expected it to include "ALL"`);
  });

/** One --security-opt entry, split the way the Docker daemon splits it. */
export interface SecurityOpt {
  raw: string;
  /** Position in the container's securityOpts input. */
  index: number;
  /** Trimmed and lower-cased: Docker itself is strict, so a variant spelling is refused rather than read past. */
  key: string;
  /** Trimmed, case kept (seccomp profiles are JSON); undefined for a bare option. */
  value?: string;
}

/**
 * Docker's parser (moby daemon/create parseSecurityOpt): bare `no-new-privileges` and bare `disable` (labels off)
 * are options on their own; otherwise the first `=` splits key and value, and only without one the first `:`
 * (the deprecated spelling, still honoured).
 */
export function parseSecurityOpt(raw: string, index = 0): SecurityOpt {
  const o = raw.trim();
  if (o.toLowerCase() === "disable") return { raw, index, key: "label", value: "disable" };
  const sep = o.includes("=") ? "=" : o.includes(":") ? ":" : undefined;
  if (sep === undefined) return { raw, index, key: o.toLowerCase() };
  const cut = o.indexOf(sep);
  return { raw, index, key: o.slice(0, cut).trim().toLowerCase(), value: o.slice(cut + 1).trim() };
}

function securityOpts(props: Record<string, unknown>, report: ReportViolation): SecurityOpt[] | undefined {
  const raw = read(props, "securityOpts", report);
  if (isUnknown(raw)) return undefined;
  if (raw === undefined || raw === null) return [];
  const list = known(() => listOf<string>(raw).map(String));
  if (isUnknown(list)) {
    report(unknownMessage(at(props, "securityOpts")));
    return undefined;
  }
  return list.map((o, i) => parseSecurityOpt(o, i));
}

/**
 * The config key of securityOpts entry i. lib/containerInputs.ts puts DEFAULTS.securityOpts first (unless
 * unsafe.noNewPrivileges is false) and the user's unsafe.securityOpts after, so the user's index is shifted by
 * that prefix. (A user list that itself starts with the default, under noNewPrivileges: false, is off by one.)
 */
function securityOptKey(opts: SecurityOpt[], i: number): string {
  const offset = DEFAULTS.securityOpts.every((d, j) => opts[j]?.raw === d) ? DEFAULTS.securityOpts.length : 0;
  return i >= offset ? `unsafe.securityOpts[${i - offset}]` : "unsafe.noNewPrivileges";
}

const optAt = (props: Record<string, unknown>, opts: SecurityOpt[], o: SecurityOpt) => at(props, `securityOpts[${o.index}]`, securityOptKey(opts, o.index));

const isTrue = (v: string | undefined) => v === undefined || v.toLowerCase() === "true" || v === "1";

export const noNewPrivileges = containerRule("hardening-no-new-privileges", ["CIS 5.26"], "mandatory",
  "Containers must set no-new-privileges, so setuid binaries cannot raise privileges.",
  (props, report) => {
    const opts = securityOpts(props, report);
    if (!opts) return;
    const nnp = opts.filter((o) => o.key === "no-new-privileges");
    const off = nnp.filter((o) => !isTrue(o.value));
    for (const o of off) report(`${optAt(props, opts, o)} is ${JSON.stringify(o.raw)}: setuid binaries could raise privileges; remove it`);
    if (nnp.length === 0) {
      report(`${at(props, "securityOpts", "unsafe.noNewPrivileges")}: ${JSON.stringify(opts.map((o) => o.raw))} does not set no-new-privileges, so setuid binaries can raise privileges; expected "no-new-privileges:true" (remove unsafe.noNewPrivileges: false)`);
    }
  });

/** Security options Docker knows (moby parseSecurityOpt, plus the CLI's systempaths). Anything else is refused. */
export const SECURITY_OPT_KEYS = ["no-new-privileges", "seccomp", "apparmor", "label", "systempaths", "writable-cgroups"];

/**
 * The SELinux process types Kubernetes' Pod Security Standards (baseline) allow: the container domains. Any other
 * type picks the container's confinement itself, and the usual one is spc_t, the "super privileged container"
 * type a --privileged container gets, which SELinux does not confine: labels off by another name.
 */
export const CONTAINER_SELINUX_TYPES = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

/** seccomp default actions that let every syscall through (SCMP_ACT_LOG only logs it). */
const ALLOW_ALL_SECCOMP_ACTIONS = ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG"];

/** Why one security option loosens confinement, or undefined when it keeps it. */
export function securityOptProblem(o: SecurityOpt): string | undefined {
  const value = o.value ?? "";
  const lower = value.toLowerCase();
  switch (o.key) {
    case "no-new-privileges":
      return undefined; // hardening-no-new-privileges
    case "seccomp": {
      if (lower === "unconfined") return "turns seccomp off, so the container can make every syscall (keyctl, bpf, mount...); remove it to keep Docker's default profile";
      if (value === "") return "names no seccomp profile; remove it to keep Docker's default profile";
      if (!value.startsWith("{")) return undefined; // a profile file or "builtin": a deliberate, reviewed profile
      let profile: { defaultAction?: unknown };
      try {
        profile = JSON.parse(value) as { defaultAction?: unknown };
      } catch {
        return "not a valid JSON seccomp profile (Docker refuses it at create)";
      }
      if (ALLOW_ALL_SECCOMP_ACTIONS.includes(String(profile?.defaultAction).toUpperCase())) {
        return `a seccomp profile whose defaultAction ${JSON.stringify(profile.defaultAction)} allows every syscall not listed: unconfined by another name; start from Docker's default profile (defaultAction SCMP_ACT_ERRNO)`;
      }
      return undefined;
    }
    case "apparmor":
      if (lower === "unconfined") return "turns AppArmor off for the container; remove it to keep docker-default";
      if (value === "") return "names no AppArmor profile; remove it to keep docker-default";
      return undefined;
    case "label": {
      // go-selinux InitLabels: `disable`, or `<option>:<value>` with option user, role, type, level or filetype.
      const [option, ...rest] = value.split(":");
      const name = option.trim().toLowerCase();
      const arg = rest.join(":").trim();
      if (name === "disable") return "turns SELinux labels off: SELinux no longer confines the container; remove it";
      if (name === "type") {
        return CONTAINER_SELINUX_TYPES.includes(arg.toLowerCase())
          ? undefined
          : `runs the container in the SELinux type ${JSON.stringify(arg)}, not a container domain (${CONTAINER_SELINUX_TYPES.join(", ")}); spc_t and the like are labels off by another name; remove it`;
      }
      if (name === "user" || name === "role") return `sets the SELinux ${name}, which can reach the host's files (Pod Security Standards baseline forbids it); keep the default, set only level if you need one`;
      if (name === "level" || name === "filetype") return undefined;
      return "not a label option Docker knows (disable, user, role, type, level, filetype); Docker refuses it at create";
    }
    case "systempaths":
      return "unmasks /proc and /sys (kcore, sysrq-trigger, firmware...) and makes them writable; remove it";
    case "writable-cgroups":
      return isTrue(o.value) ? "mounts the cgroup filesystem writable, so the container can manage the cgroups it runs in; remove it" : undefined;
    default:
      return `not a security option Docker knows (${SECURITY_OPT_KEYS.join(", ")}); Docker refuses it at create, and a misspelt option must not hide a loosening`;
  }
}

export const noUnconfinedProfiles = containerRule("hardening-no-unconfined-profiles", ["CIS 5.2", "CIS 5.3", "CIS 5.22", "PSS baseline"], "mandatory",
  "Security options must keep the container confined: seccomp and AppArmor not unconfined (nor an allow-all seccomp profile), SELinux labels on and in a container type, /proc and /sys masked (no systempaths=unconfined), cgroups read-only, no option Docker does not know.",
  (props, report) => {
    const opts = securityOpts(props, report) ?? [];
    for (const o of opts) {
      const problem = securityOptProblem(o);
      if (problem) report(`${optAt(props, opts, o)} is ${JSON.stringify(o.raw)}: ${problem}`);
    }
  });

const NAMESPACES: [key: string, namespace: string, anchor: string][] = [
  ["networkMode", "network", "CIS 5.10"], ["pidMode", "pid", "CIS 5.16"], ["ipcMode", "ipc", "CIS 5.17"],
  ["usernsMode", "user", "CIS 5.31"], ["cgroupnsMode", "cgroup", "minidock"],
];

export const noHostNamespaces = containerRule("hardening-no-host-namespaces", ["CIS 5.10", "CIS 5.16", "CIS 5.17", "CIS 5.31"], "mandatory",
  "Containers must not share the host's network, pid, ipc, user or cgroup namespace.",
  (props, report, args) => {
    for (const [key, namespace, anchor] of NAMESPACES) {
      // networkMode names a user-defined network through its resource's output, unknown at preview; "host" is
      // always a literal, so an unknown network mode is a network, not the host's.
      const v = key === "networkMode" ? known(() => props[key]) : read(props, key, report);
      if (typeof v === "string" && v.trim().toLowerCase() === "host") {
        report(`${at(props, key)} is "host": the container shares the VM's ${namespace} namespace (${anchor}); remove it, ${exemptionHint(args, "hardening-no-host-namespaces")}`);
      }
    }
  });

export const noDevices = containerRule("hardening-no-devices", ["CIS 5.18"], "mandatory",
  "Containers must not be given host devices or GPUs.",
  (props, report) => {
    const devices = read(props, "devices", report);
    if (Array.isArray(devices)) {
      devices.forEach((d, i) => {
        const path = known(() => (d as { hostPath?: unknown } | undefined)?.hostPath);
        report(`${at(props, `devices[${i}]`)} passes the host device ${isUnknown(path) ? "(unknown at preview)" : JSON.stringify(path)} into the container; remove it`);
      });
    }
    const requests = read(props, "deviceRequests", report);
    if (Array.isArray(requests) && requests.length > 0) report(`${at(props, "deviceRequests")} passes ${requests.length} host device request(s) into the container`);
    const gpus = read(props, "gpus", report);
    if (typeof gpus === "string" && gpus.trim() !== "") report(`${at(props, "gpus")} is ${JSON.stringify(gpus)}: it passes host GPUs into the container`);
  });

/**
 * Kubernetes' safe sysctls ("Using sysctls in a Kubernetes Cluster", as of Kubernetes 1.32): namespaced per
 * container AND isolated, so setting one cannot affect another container on the VM, the VM's health, or take
 * memory or CPU beyond the container's limits. The kernel versions they need are all below Colima's.
 */
export const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
] as const;

/** Sysctls the kernel namespaces per container (IPC and network namespaces); runc refuses every other one. */
const NAMESPACED_SYSCTLS = [/^kernel\.shm/, /^kernel\.msg/, /^kernel\.sem$/, /^fs\.mqueue\./, /^net\./];

/** sysctl.d(5): a name whose first separator is `/` uses `/` and `.` the other way round. */
export function normalizeSysctl(name: string): string {
  const n = name.trim();
  const first = /[./]/.exec(n)?.[0];
  return first === "/" ? n.replace(/[./]/g, (c) => (c === "/" ? "." : "/")) : n;
}

export type SysctlClass = "safe" | "namespaced" | "host";

/** Where a sysctl acts: Kubernetes' safe set, the container's namespace but shared resources, or the whole VM. */
export function sysctlClass(name: string, hostNetwork = false): SysctlClass {
  const n = normalizeSysctl(name);
  // With the host's network namespace a net.* sysctl is the VM's own (Docker refuses it there too).
  if (hostNetwork && n.startsWith("net.")) return "host";
  if ((SAFE_SYSCTLS as readonly string[]).includes(n)) return "safe";
  return NAMESPACED_SYSCTLS.some((re) => re.test(n)) ? "namespaced" : "host";
}

export const noUnsafeSysctls = containerRule("hardening-no-unsafe-sysctls", ["kube-linter unsafe-sysctls", "PSS baseline"], "mandatory",
  "Containers may set the sysctls Kubernetes classes as safe; other namespaced ones (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*) only when listed in allowedSysctls; the VM's own (vm.*, most fs.* and kernel.*) never.",
  (props, report, args) => {
    const { allowedSysctls } = args.getConfig<{ allowedSysctls: string[] }>();
    const allowed = new Set((allowedSysctls ?? []).map(normalizeSysctl));
    const v = read(props, "sysctls", report);
    if (isUnknown(v) || !v || typeof v !== "object") return;
    const keys = known(() => Object.keys(v as object));
    if (isUnknown(keys)) return report(unknownMessage(at(props, "sysctls")));
    const networkMode = known(() => props.networkMode);
    const hostNetwork = typeof networkMode === "string" && networkMode.trim().toLowerCase() === "host";
    for (const k of keys) {
      const name = normalizeSysctl(k);
      const where = `${at(props, `sysctls.${k}`)}${name === k ? "" : ` (${name})`}`;
      const cls = sysctlClass(k, hostNetwork);
      if (cls === "namespaced" && !allowed.has(name)) {
        report(`${where} is namespaced but not in Kubernetes' safe set: it sizes kernel resources the containers on the VM share (memory, queues, connection tables); if you mean it, add "${name}" to allowedSysctls in policies/${stackOfUrn(args.urn)}.json: "hardening-no-unsafe-sysctls": {"allowedSysctls": ["${name}"]}`);
      } else if (cls === "host") {
        report(hostNetwork && name.startsWith("net.")
          ? `${where} would change the VM's own network stack: the container shares the host network namespace, where Docker refuses net.* sysctls; remove it`
          : `${where} is not namespaced per container: it is the Colima VM's setting, shared by every container (runc refuses to set it); remove it, and tune the VM itself if you need it`);
      }
    }
  },
  { properties: { allowedSysctls: { type: "array", items: { type: "string" }, default: [], description: "namespaced sysctls allowed beyond Kubernetes' safe set (never the VM's own)" } } });

export const defaultCgroupParent = containerRule("hardening-default-cgroup-parent", ["CIS 5.25"], "mandatory",
  "Containers must stay in the daemon's default cgroup parent, so their limits are enforced.",
  (props, report) => {
    const v = read(props, "cgroupParent", report);
    if (typeof v === "string" && v.trim() !== "") report(`${at(props, "cgroupParent")} is ${JSON.stringify(v)}; leave it unset`);
  });

const RESTARTING = ["always", "unless-stopped", "on-failure"];

export const restartPolicy = containerRule("hardening-restart-policy", ["CIS 5.15"], "mandatory",
  "Containers must restart on their own (unless-stopped, always, or on-failure with at most 5 retries): the minis run unattended.",
  (props, report) => {
    const restart = read(props, "restart", report);
    if (isUnknown(restart)) return;
    const value = typeof restart === "string" ? restart : "no";
    if (!RESTARTING.includes(value)) return report(`${at(props, "restart")} is ${restart === undefined ? "unset (Docker's default is \"no\")" : JSON.stringify(value)}; expected one of ${RESTARTING.join(", ")}`);
    const retries = read(props, "maxRetryCount", report);
    if (value === "on-failure" && typeof retries === "number" && retries > 5) report(`${at(props, "maxRetryCount")} is ${retries} with restart on-failure; CIS 5.15 expects at most 5`);
  });

export const logRotation = containerRule("hardening-log-rotation", ["minidock"], "mandatory",
  "Container logs must rotate (json-file or local with max-size), so a chatty container cannot fill the VM disk.",
  (props, report) => {
    const driver = read(props, "logDriver", report);
    if (isUnknown(driver)) return;
    const d = typeof driver === "string" && driver !== "" ? driver : "json-file";
    if (d === "none") return report(`${at(props, "logDriver")} is "none": it throws logs away; use json-file with a max-size (logs.maxSize)`);
    // Other drivers (journald, syslog, fluentd...) ship logs off the container: rotation is the destination's job.
    if (d !== "json-file" && d !== "local") return;
    const opts = read(props, "logOpts", report) as Record<string, unknown> | undefined;
    if (isUnknown(opts)) return;
    const maxSize = opts ? known(() => opts["max-size"]) : undefined;
    if (isUnknown(maxSize)) return report(unknownMessage(at(props, "logOpts.max-size")));
    if (typeof maxSize !== "string" || maxSize.trim() === "") report(`${at(props, "logOpts.max-size")} is unset: logDriver ${d} grows without bound; set logs.maxSize or minidock:logMaxSize`);
  });

export const healthcheckDefined = containerRule("hardening-healthcheck", ["CIS 4.6", "CIS 5.27", "CKV_DOCKER_2"], "mandatory",
  "Containers must define a healthcheck (not NONE), so restarts, waits and alerts see a broken service.",
  (props, report, args) => {
    const hc = read(props, "healthcheck", report) as { tests?: unknown } | undefined;
    if (isUnknown(hc)) return;
    const tests = hc ? known(() => listOf<string>(hc.tests).map(String)) : [];
    if (isUnknown(tests)) return report(unknownMessage(at(props, "healthcheck.tests")));
    if (tests.length === 0) report(`${at(props, "healthcheck")} is unset: nothing notices a hung service; set healthcheck.test, ${exemptionHint(args, "hardening-healthcheck")}`);
    else if (tests[0].toUpperCase() === "NONE") report(`${at(props, "healthcheck.tests")} is ["NONE"]: the image's healthcheck is switched off; set a test, ${exemptionHint(args, "hardening-healthcheck")}`);
  });

export const readOnlyRootFs = containerRule("hardening-read-only-rootfs", ["CIS 5.13", "CKV_K8S_22"], "mandatory",
  "The root filesystem must be read-only, with tmpfs or volumes for the paths the service writes; unsafe.writableRootFs needs an exemption with a reason.",
  (props, report, args) => {
    const readOnly = read(props, "readOnly", report);
    if (isUnknown(readOnly) || readOnly === true) return;
    report(`${at(props, "readOnly")}: the root filesystem is writable (readOnly ${readOnly === undefined ? "unset" : JSON.stringify(readOnly)}), so the container can rewrite its own binaries and config; list the paths it writes in tmpfs or volumes and drop unsafe.writableRootFs, ${exemptionHint(args, "hardening-read-only-rootfs")}`);
  });

export const nonRootUser = containerRule("hardening-non-root-user", ["CIS 4.1", "CKV_K8S_40"], "advisory",
  "Containers should run as a non-root user.",
  (props, report, args) => {
    const user = typeof props.user === "string" ? props.user.trim() : "";
    const who = user.split(":")[0];
    if (who === "") report(`${at(props, "user")} is unset: the image's USER applies, which is root for most images; set user: "<uid>:<gid>", ${exemptionHint(args, "hardening-non-root-user")}`);
    else if (who === "0" || who === "root") report(`${at(props, "user")} is ${JSON.stringify(user)}, which is root; set a numeric non-root uid, ${exemptionHint(args, "hardening-non-root-user")}`);
  });

export const hardeningPolicies: ResourceValidationPolicy[] = [
  noPrivileged, noDangerousCapabilities, dropAllCapabilities, noNewPrivileges, noUnconfinedProfiles, noHostNamespaces,
  noDevices, noUnsafeSysctls, defaultCgroupParent, restartPolicy, logRotation, healthcheckDefined, readOnlyRootFs, nonRootUser,
];
