import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { LABEL } from "../lib/naming";
import {
  MinidockPolicy, TYPE, defineRule, forStackType, forType, isUnknown, known, labelsOf, listOf, unknownMessage,
} from "./common";

/**
 * Network exposure: what a container publishes, on which address, and how Pulumi reaches each daemon.
 * Ports: Docker publishes on 0.0.0.0 when ports[].ip is unset, and a port without `external` still gets a random
 * host port: every entry in ports[] is published.
 */
export interface PublishedPort {
  index: number;
  ip: string;
  external?: number;
  internal?: number;
  protocol: string;
}

const WILDCARDS = ["", "0.0.0.0", "::", "[::]"];
export const isWildcard = (ip: string) => WILDCARDS.includes(ip.trim());

/** ports[] with defaults applied; unknown values are reported and the port skipped. */
export function publishedPorts(props: Record<string, unknown>, report: ReportViolation): PublishedPort[] {
  const ports = known(() => listOf<Record<string, unknown>>(props.ports));
  if (isUnknown(ports)) {
    report(unknownMessage("ports"));
    return [];
  }
  const out: PublishedPort[] = [];
  ports.forEach((p, index) => {
    const v = known(() => ({ ip: p.ip, external: p.external, internal: p.internal, protocol: p.protocol }));
    if (isUnknown(v)) return report(unknownMessage(`ports[${index}]`));
    out.push({
      index,
      ip: typeof v.ip === "string" ? v.ip.trim() : "0.0.0.0",
      external: typeof v.external === "number" ? v.external : undefined,
      internal: typeof v.internal === "number" ? v.internal : undefined,
      protocol: typeof v.protocol === "string" && v.protocol !== "" ? v.protocol.toLowerCase() : "tcp",
    });
  });
  return out;
}

const describePort = (p: PublishedPort) => `ports[${p.index}] ${p.ip || "0.0.0.0"}:${p.external ?? "<random>"}->${p.internal ?? "?"}/${p.protocol}`;

export const portsBoundToAddress: ResourceValidationPolicy = defineRule("network", ["CIS 5.14"], {
  name: "network-ports-bound-to-address",
  description: "Published ports must be bound to a specific address (ports[].ip); unset means 0.0.0.0, every interface.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    for (const p of publishedPorts(props, report)) {
      if (isWildcard(p.ip)) report(`${describePort(p)} listens on every interface of the host; set bind: 127.0.0.1 or the host's tailnet address`);
    }
  }),
});

export const noPrivilegedHostPorts: ResourceValidationPolicy = defineRule("network", ["CIS 5.8"], {
  name: "network-no-privileged-host-ports",
  description: "Published host ports must be above 1024.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    for (const p of publishedPorts(props, report)) {
      if (p.external !== undefined && p.external < 1025) report(`${describePort(p)} uses privileged host port ${p.external}; publish on a port above 1024`);
    }
  }),
});

/** The host a container runs on: its minidock.host label, else its provider (one provider per daemon). */
function hostKey(r: PolicyResource): string {
  const labels = labelsOf(r.props);
  if (!isUnknown(labels) && labels[LABEL.host]) return `host ${labels[LABEL.host]}`;
  return r.provider ? `provider ${r.provider.name}` : "the default provider";
}

export const noDuplicateHostPorts: StackValidationPolicy = defineRule("network", ["minidock"], {
  name: "network-no-duplicate-host-ports",
  description: "No two containers on one host may publish the same host port and protocol on overlapping addresses (0.0.0.0 overlaps every address).",
  enforcementLevel: "mandatory",
  validateStack: forStackType(TYPE.container, (containers, _args, report) => {
    const seen = new Map<string, { r: PolicyResource; p: PublishedPort }[]>();
    for (const r of containers) {
      const host = hostKey(r);
      for (const p of publishedPorts(r.props, (m) => report(m, r.urn))) {
        if (p.external === undefined) continue;
        const key = `${host}|${p.external}/${p.protocol}`;
        const earlier = seen.get(key) ?? [];
        const clash = earlier.find((e) => e.p.ip === p.ip || isWildcard(e.p.ip) || isWildcard(p.ip));
        if (clash) {
          report(`${host}: ${r.name} ${describePort(p)} collides with ${clash.r.name} ${describePort(clash.p)}; the second container would fail to start`, r.urn);
        }
        seen.set(key, [...earlier, { r, p }]);
      }
    }
  }),
});

export const notDefaultBridge: ResourceValidationPolicy = defineRule("network", ["CIS 5.30"], {
  name: "network-not-default-bridge",
  description: "Containers must join a user-defined network, not only Docker's default bridge (where every container reaches every other).",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    // A user-defined network is referenced by its resource's name output, unknown at preview: unknown is not the
    // default bridge, whose name is always the literal "bridge" (or unset).
    const mode = known(() => props.networkMode);
    const advanced = known(() => listOf(props.networksAdvanced).length);
    if (isUnknown(advanced)) return report(unknownMessage("networksAdvanced"));
    if (isUnknown(mode) || advanced > 0) return;
    const m = typeof mode === "string" ? mode.trim() : "";
    if (m === "" || m === "bridge" || m === "default") {
      report(`networkMode is ${m === "" ? "unset" : JSON.stringify(m)} with no networksAdvanced: the container sits on the default bridge; list it under services.<name>.networks`);
    }
  }),
});

const SAFE_SCHEMES = ["ssh:", "unix:", "npipe:", "fd:"];
const CERT_KEYS = ["certMaterial", "keyMaterial", "caMaterial"];

/** Why a docker provider's transport is unsafe, or undefined. Exported for tests and for the docs. */
export function daemonTransportProblem(props: Record<string, unknown>): string | undefined {
  const host = known(() => props.host);
  if (isUnknown(host)) return unknownMessage("host");
  if (typeof host !== "string" || host.trim() === "") {
    return "host is unset: the provider would use DOCKER_HOST of whoever runs pulumi; set host to ssh://user@mini or unix:///...";
  }
  const scheme = (/^([a-z0-9+.-]+:)/i.exec(host.trim())?.[1] ?? "").toLowerCase();
  if (SAFE_SCHEMES.includes(scheme)) return undefined;
  if (scheme === "tcp:" || scheme === "http:" || scheme === "https:") {
    const material = known(() => CERT_KEYS.filter((k) => typeof props[k] === "string" && (props[k] as string).trim() !== ""));
    const certPath = known(() => props.certPath);
    if (isUnknown(material) || isUnknown(certPath)) return unknownMessage("TLS material");
    const hasPath = typeof certPath === "string" && certPath.trim() !== "";
    const hasPair = material.includes("certMaterial") && material.includes("keyMaterial");
    if (hasPath || hasPair) return undefined;
    return `host ${host} is plain TCP without TLS client certificates: anyone on the path controls the daemon; use ssh:// (over Tailscale) or set certMaterial, keyMaterial and caMaterial`;
  }
  return `host ${host}: unknown transport ${JSON.stringify(scheme)}; expected ssh://, unix:// or tcp:// with TLS`;
}

export const daemonTransport: StackValidationPolicy = defineRule("network", ["CIS 2.7"], {
  name: "network-daemon-transport",
  description: "Each docker provider must reach its daemon over ssh:// or a unix socket, or tcp:// with TLS client certificates; never plain tcp://.",
  enforcementLevel: "mandatory",
  // A stack policy, so the same code sees providers in the engine (they are in the stack's resource list) and
  // under the mock harness (which records them as resources of type pulumi:providers:docker).
  validateStack: forStackType(TYPE.provider, (providers, _args, report) => {
    for (const p of providers) {
      const problem = daemonTransportProblem(p.props);
      if (problem) report(`provider ${p.name}: ${problem}`, p.urn);
    }
  }),
});

export const networkPolicies: MinidockPolicy[] = [portsBoundToAddress, noPrivilegedHostPorts, noDuplicateHostPorts, notDefaultBridge, daemonTransport];
