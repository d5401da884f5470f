import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { HostAddress, addressesOverlap, hostAddress, withPort } from "../lib/addresses";
import { DEFAULTS } from "../lib/defaults";
import { hostOfProviderResource } from "../lib/naming";
import {
  MinidockPolicy, TYPE, at, containerLabelsOf, defineRule, forStackType, forType, isUnknown, known, listOf, serviceKeyOf, unknownMessage,
} from "./ruleKit";

/**
 * Network exposure: what a container publishes, on which address, and how Pulumi reaches each daemon.
 * Ports: Docker publishes on every interface when ports[].ip is unset, and a port without `external` still gets
 * a random host port: every entry in ports[] is published. Addresses are parsed (lib/addresses.ts), never
 * compared as text, so `::`, `0:0:0:0:0:0:0:0` and `::ffff:0.0.0.0` are every interface like 0.0.0.0.
 */
export interface PublishedPort {
  index: number;
  /** ports[].ip as written ("" when unset). */
  ip: string;
  address: HostAddress;
  external?: number;
  internal?: number;
  protocol: string;
}

/** ports[] with defaults applied; unknown values are reported and the port skipped. */
export function publishedPorts(props: Record<string, unknown>, report: ReportViolation): PublishedPort[] {
  const ports = known(() => listOf<Record<string, unknown>>(props.ports));
  if (isUnknown(ports)) {
    report(unknownMessage(at(props, "ports")));
    return [];
  }
  const out: PublishedPort[] = [];
  ports.forEach((p, index) => {
    const v = known(() => ({ ip: p.ip, external: p.external, internal: p.internal, protocol: p.protocol }));
    if (isUnknown(v)) return report(unknownMessage(at(props, `ports[${index}]`)));
    const ip = typeof v.ip === "string" ? v.ip : "";
    out.push({
      index,
      ip,
      address: hostAddress(ip),
      external: typeof v.external === "number" ? v.external : undefined,
      internal: typeof v.internal === "number" ? v.internal : undefined,
      protocol: typeof v.protocol === "string" && v.protocol !== "" ? v.protocol.toLowerCase() : "tcp",
    });
  });
  return out;
}

/** `127.0.0.1:5432/tcp`, `[::1]:5432/tcp`, `*:<random>/tcp`: the published side as `docker ps` shows it. */
function hostPort(p: PublishedPort): string {
  const ip = p.address.kind === "all" ? "*" : p.address.kind === "one" ? p.address.canonical : JSON.stringify(p.ip);
  return `${withPort(ip, p.external ?? "<random>")}/${p.protocol}`;
}

/** How an every-interface address reads in a message: 0.0.0.0 as itself, other spellings with what they mean. */
function describeEveryInterface(ip: string): string {
  const t = ip.trim();
  if (t === "") return "unset, which Docker publishes on every interface";
  return t === "0.0.0.0" || t === "::" ? `${t} (every interface)` : `${JSON.stringify(ip)}, which is every interface (like 0.0.0.0)`;
}

export const portsBoundToAddress: ResourceValidationPolicy = defineRule("network", ["CIS 5.14"], {
  name: "network-ports-bound-to-address",
  description:
    "Published ports must be bound to one address (the config's bind, ports[].ip): every spelling of all interfaces " +
    "(unset, 0.0.0.0, ::, ::ffff:0.0.0.0, ...) and any address Docker cannot read is refused.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    // A config service's bind defaults to DEFAULTS.bindAddress; a container built in code sets ports[].ip itself.
    const fix = serviceKeyOf(props)
      ? `the default bind is ${DEFAULTS.bindAddress}, or set the host's tailnet address`
      : `set ip to ${DEFAULTS.bindAddress} or the host's tailnet address`;
    for (const p of publishedPorts(props, report)) {
      const where = at(props, `ports[${p.index}].ip`);
      if (p.address.kind === "all") report(`${where} is ${describeEveryInterface(p.ip)}; ${fix}`);
      else if (p.address.kind === "invalid") {
        report(
          `${where} is ${JSON.stringify(p.ip)}, which Docker cannot read (${p.address.reason}): the deploy fails, or on ` +
            `older engines the port is published on every interface; ${fix}`,
        );
      }
    }
  }),
});

export const noPrivilegedHostPorts: ResourceValidationPolicy = defineRule("network", ["CIS 5.8"], {
  name: "network-no-privileged-host-ports",
  description: "Published host ports must be above 1024.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    for (const p of publishedPorts(props, report)) {
      if (p.external !== undefined && p.external < 1025) {
        report(`${at(props, `ports[${p.index}].external`)} is ${p.external}, a privileged host port; publish on a port above 1024`);
      }
    }
  }),
});

/** The host a container runs on: its minidock.host label, else its provider (one provider per daemon). */
function hostKey(r: PolicyResource): string {
  const labels = containerLabelsOf(r.props);
  if (!isUnknown(labels) && labels.host) return `host ${labels.host}`;
  return r.provider ? `provider ${r.provider.name}` : "the default provider";
}

export const noDuplicateHostPorts: StackValidationPolicy = defineRule("network", ["minidock"], {
  name: "network-no-duplicate-host-ports",
  description:
    "No two containers on one host may publish the same host port and protocol on overlapping addresses: the same " +
    "address in any spelling, or every interface (which overlaps every address).",
  enforcementLevel: "mandatory",
  validateStack: forStackType(TYPE.container, (containers, _args, report) => {
    const seen = new Map<string, { r: PolicyResource; p: PublishedPort }[]>();
    for (const r of containers) {
      const host = hostKey(r);
      for (const p of publishedPorts(r.props, (m) => report(m, r.urn))) {
        if (p.external === undefined) continue;
        const key = `${host}|${p.external}/${p.protocol}`;
        const earlier = seen.get(key) ?? [];
        const clash = earlier.find((e) => addressesOverlap(e.p.address, p.address));
        if (clash) {
          report(
            `${at(r.props, `ports[${p.index}].external`)}: ${hostPort(p)} on ${host} collides with ${clash.r.name} ` +
              `(${at(clash.r.props, `ports[${clash.p.index}].external`)}, ${hostPort(clash.p)}); the second container would fail to start`,
            r.urn,
          );
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
    if (isUnknown(advanced)) return report(unknownMessage(at(props, "networksAdvanced")));
    if (isUnknown(mode) || advanced > 0) return;
    const m = typeof mode === "string" ? mode.trim() : "";
    if (m === "" || m === "bridge" || m === "default") {
      report(
        `${at(props, "networksAdvanced")} is empty and networkMode is ${m === "" ? "unset" : JSON.stringify(m)}: the container ` +
          `sits on the default bridge, where every container reaches every other; list a declared network under services.<name>.networks`,
      );
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
      // A provider per host (lib/naming.ts providerResourceName): its daemon address is the host's dockerHost key.
      const host = hostOfProviderResource(p.name);
      if (problem) report(`${host ? `hosts.${host}.dockerHost (host)` : `provider ${p.name}`}: ${problem}`, p.urn);
    }
  }),
});

export const networkPolicies: MinidockPolicy[] = [portsBoundToAddress, noPrivilegedHostPorts, noDuplicateHostPorts, notDefaultBridge, daemonTransport];
