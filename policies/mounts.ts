import * as path from "path";
import { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { volumeAt } from "./backup";
import { TYPE, UNKNOWN, at, defineRule, isUnknown, known, listOf, unknownMessage, withPulumiType } from "./ruleKit";

/**
 * What a container can reach on the host (the Colima VM, which mounts the Mac's home at /Users/<you>).
 * The reference tools compare paths literally, so `/etc/../etc/shadow`, `/var/run//docker.sock` or a mount of
 * `/var` (which holds the docker socket) slip past. Here every path is normalized and matched by prefix, by
 * ancestor (a mount that CONTAINS a socket exposes it) and by segment (`.ssh` anywhere).
 */
export interface HostMount {
  /** Where it was declared, e.g. `volumes[0].hostPath`, `mounts[1].source`, `driverOpts.device`. */
  at: string;
  hostPath: string;
  readOnly: boolean;
  propagation?: string;
}

export function normalizeHostPath(p: string): string {
  const trimmed = p.trim();
  if (trimmed.startsWith("~")) return trimmed.replace(/\/+/g, "/").replace(/\/$/, "");
  const n = path.posix.normalize(`/${trimmed}`);
  return n.length > 1 ? n.replace(/\/+$/, "") : n;
}

const under = (p: string, dir: string) => dir === "/" || p === dir || p.startsWith(`${dir}/`);

/** Host directories whose contents (or writes) compromise the VM or the Mac user. */
export const SENSITIVE_PREFIXES = [
  "/boot", "/dev", "/etc", "/lib", "/lib64", "/lib32", "/proc", "/sys", "/usr", "/bin", "/sbin", "/root", "/home", "/Users",
  "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet", "/private/etc", "/System", "/Library",
];
/** Credential directories, wherever they sit. */
export const SENSITIVE_SEGMENTS = [".ssh", ".aws", ".kube", ".docker", ".gnupg", ".config/gcloud", ".lima", ".colima"];

export function sensitiveReason(p: string): string | undefined {
  const n = normalizeHostPath(p);
  if (n === "/") return "the host's root filesystem";
  if (n === "~" || n.startsWith("~/")) return "a home directory";
  const prefix = SENSITIVE_PREFIXES.find((d) => under(n, d));
  if (prefix) return `under ${prefix}`;
  const seg = SENSITIVE_SEGMENTS.find((s) => n.includes(`/${s}/`) || n.endsWith(`/${s}`));
  return seg ? `a credentials directory (${seg})` : undefined;
}

/** Container-runtime sockets and the directories that hold them. */
export const RUNTIME_SOCKET_PATHS = [
  "/var/run/docker.sock", "/run/docker.sock", "/var/run/docker", "/run/docker", "/run/containerd", "/var/run/containerd",
  "/run/crio", "/var/run/crio", "/run/podman", "/var/run/podman", "/run/user", "/var/run/user",
];
const SOCKET_FILE = /(docker|containerd|crio|podman|dockershim)[^/]*\.sock$/;

export function runtimeSocketReason(p: string): string | undefined {
  const n = normalizeHostPath(p);
  if (SOCKET_FILE.test(n)) return `a container-runtime socket (${n})`;
  const inside = RUNTIME_SOCKET_PATHS.find((s) => under(n, s));
  if (inside) return `inside ${inside}`;
  // A mount of /var, /run or / contains the docker socket.
  const holds = RUNTIME_SOCKET_PATHS.find((s) => under(s, n));
  return holds ? `a directory holding ${holds}` : undefined;
}

/** local-driver options `o: "bind,ro"` make a named volume a host bind mount. */
function bindVolume(props: Record<string, unknown>, report: ReportViolation): HostMount | typeof UNKNOWN | undefined {
  const driver = known(() => props.driver);
  const opts = known(() => props.driverOpts as Record<string, unknown> | undefined);
  if (isUnknown(driver) || isUnknown(opts)) {
    report(unknownMessage("driver/driverOpts"));
    return UNKNOWN;
  }
  if (driver !== undefined && driver !== "" && driver !== "local") return undefined;
  const o = opts ? known(() => String(opts.o ?? "")) : "";
  const device = opts ? known(() => opts.device) : undefined;
  if (isUnknown(o) || isUnknown(device)) {
    report(unknownMessage("driverOpts"));
    return UNKNOWN;
  }
  const flags = o.split(",").map((f) => f.trim());
  if (!flags.includes("bind") && !flags.includes("rbind")) return undefined;
  return { at: "driverOpts.device", hostPath: String(device ?? ""), readOnly: flags.includes("ro") };
}

/** Every host path a Container or a Volume declares; unknown paths are reported, not skipped. */
export function hostMountsOf(type: string, props: Record<string, unknown>, report: ReportViolation): HostMount[] {
  const out: HostMount[] = [];
  const get = (obj: Record<string, unknown>, key: string, at: string) => {
    const v = known(() => obj[key]);
    if (isUnknown(v)) report(unknownMessage(at));
    return isUnknown(v) ? undefined : v;
  };
  if (type === TYPE.volume) {
    const b = bindVolume(props, report);
    if (b && !isUnknown(b)) out.push(b);
    return out;
  }
  listOf<Record<string, unknown>>(get(props, "volumes", "volumes")).forEach((v, i) => {
    const hostPath = get(v, "hostPath", `volumes[${i}].hostPath`);
    if (typeof hostPath === "string" && hostPath !== "") {
      out.push({ at: `volumes[${i}].hostPath`, hostPath, readOnly: get(v, "readOnly", `volumes[${i}].readOnly`) === true });
    }
  });
  listOf<Record<string, unknown>>(get(props, "mounts", "mounts")).forEach((m, i) => {
    const type = get(m, "type", `mounts[${i}].type`);
    if (type === "bind") {
      const bind = get(m, "bindOptions", `mounts[${i}].bindOptions`) as Record<string, unknown> | undefined;
      const propagation = bind ? get(bind, "propagation", `mounts[${i}].bindOptions.propagation`) : undefined;
      out.push({
        at: `mounts[${i}].source`, hostPath: String(get(m, "source", `mounts[${i}].source`) ?? ""),
        readOnly: get(m, "readOnly", `mounts[${i}].readOnly`) === true, propagation: typeof propagation === "string" ? propagation : undefined,
      });
    }
    if (type === "volume") {
      const vo = get(m, "volumeOptions", `mounts[${i}].volumeOptions`) as Record<string, unknown> | undefined;
      const driverOpts = vo ? get(vo, "driverOptions", `mounts[${i}].volumeOptions.driverOptions`) : undefined;
      const b = vo ? bindVolume({ driver: get(vo, "driverName", `mounts[${i}].volumeOptions.driverName`), driverOpts }, report) : undefined;
      if (b && !isUnknown(b)) out.push({ ...b, at: `mounts[${i}].volumeOptions.driverOptions.device`, readOnly: b.readOnly || get(m, "readOnly", `mounts[${i}]`) === true });
    }
  });
  return out;
}

function mountRule(
  name: string, anchors: string[], description: string, check: (m: HostMount, type: string) => string | undefined,
): ResourceValidationPolicy {
  const validate = (type: string) =>
    withPulumiType((args: { type: string; urn: string; props: Record<string, unknown> }, report: ReportViolation) => {
      if (args.type !== type) return;
      for (const m of hostMountsOf(args.type, args.props, report)) {
        const problem = check(m, args.type);
        // In the user's terms: a container's mounts[i] is services.x.unsafe.hostMounts[i]; a volume names its service.
        const where = args.type === TYPE.volume ? volumeAt(args.props, args.urn, m.at) : at(args.props, m.at);
        if (problem) report(`${where} ${JSON.stringify(m.hostPath)}: ${problem}`);
      }
    }, type);
  return defineRule("mounts", anchors, {
    name, description, enforcementLevel: "mandatory",
    validateResource: [validate(TYPE.container), validate(TYPE.volume)],
  });
}

export const noSensitiveHostPaths = mountRule("mounts-no-sensitive-host-paths", ["CIS 5.6", "KS C-0048"],
  "Containers must not mount sensitive host paths (/, /etc, /proc, /sys, /dev, /usr, /boot, /lib, home directories, ~/.ssh ...), including local-driver volumes that bind a host path.",
  (m) => {
    if (m.hostPath.trim() === "") return "empty host path";
    const why = sensitiveReason(m.hostPath);
    return why ? `mounts ${why}; mount a named volume or a dedicated directory instead` : undefined;
  });

export const noRuntimeSocket = mountRule("mounts-no-runtime-socket", ["CIS 5.32", "KS C-0074"],
  "Containers must not mount a container-runtime socket (docker.sock, containerd.sock, crio, podman) or a directory holding one.",
  (m) => {
    const why = runtimeSocketReason(m.hostPath);
    return why ? `exposes ${why}: whoever reaches it is root on the host (read-only does not help, a socket takes writes)` : undefined;
  });

export const hostMountsReadOnly = mountRule("mounts-host-read-only", ["CIS 5.6", "KS C-0045"],
  "Host bind mounts must be read-only (volumes[].readOnly, mounts[].readOnly, or `ro` in a bind volume's options).",
  (m) => (m.readOnly ? undefined : "is writable; set readOnly: true"));

export const noSharedPropagation = mountRule("mounts-no-shared-propagation", ["CIS 5.20"],
  "Bind mounts must not use shared or rshared propagation.",
  (m) => (m.propagation && /^r?shared$/.test(m.propagation) ? `propagation ${m.propagation} lets mounts flow back to the host; use rprivate` : undefined));

export const mountsPolicies: ResourceValidationPolicy[] = [noSensitiveHostPaths, noRuntimeSocket, hostMountsReadOnly, noSharedPropagation];
