import { addressesOverlap, hostAddress, withPort } from "../addresses";
import { DEFAULTS } from "../defaults";
import { rolloutProblem } from "../rollout";
import { describeValue } from "./errors";
import { HostConfig, colimaSchema } from "./hosts";
import { checkServiceRefs, placeServices } from "./references";
import { CheckContext, checkSecretRef } from "./secrets";
import { ServiceConfig, serviceSchema } from "./services";
import { RawStackConfig } from "./raw";
import { ResolvedHost, ResolvedService, StackConfig } from "./resolved";
import { ConfigError, ParsedStack, PlatformCheckContext, PlatformSection, parseSections, sectionOf, servableOf } from "./stack";

function resolveHost(name: string, h: HostConfig): ResolvedHost {
  const remote = h.ssh !== undefined;
  const dockerHost = remote ? `ssh://${h.ssh}${h.sshPort === 22 ? "" : `:${h.sshPort}`}` : (h.dockerHost as string);
  return {
    ...h,
    name,
    dockerHost,
    // A local daemon at unix://PATH: its containers see the socket at PATH. Over SSH (Colima), the VM's default.
    dockerSocket: !remote && dockerHost.startsWith("unix://") ? dockerHost.slice("unix://".length) : DEFAULTS.dockerSocket,
    remote,
    platform: h.platform ?? (remote ? DEFAULTS.remotePlatform : undefined),
    // No colima block on a remote host still means Colima with every default, not an empty object.
    colima: remote ? (h.colima ?? colimaSchema.parse({})) : undefined,
  };
}

/** Stack-wide log rotation (minidock:logMaxSize / logMaxFiles) fills in what a service leaves unset. */
export function resolveLogs(
  logs: ServiceConfig["logs"],
  stack: { logMaxSize: string; logMaxFiles: number },
): ResolvedService["logs"] {
  return { driver: logs.driver, maxSize: logs.maxSize ?? stack.logMaxSize, maxFiles: logs.maxFiles ?? stack.logMaxFiles };
}

/**
 * Same address in any spelling (::1 and 0:0:0:0:0:0:0:1), or either one every interface (0.0.0.0, ::,
 * ::ffff:0.0.0.0, ...), means the two bindings collide on the daemon. Parsed, not compared as text.
 */
function bindingsOverlap(a: string, b: string): boolean {
  return addressesOverlap(hostAddress(a), hostAddress(b));
}

/** The parts of the stack the cross-references need: host and network names, and the services themselves. */
type CrossCheckView = Pick<ParsedStack, "hosts" | "networks" | "services">;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * When the schema pass fails, the services that did parse are still cross-checked against the declared host
 * and network names, so one run lists every problem instead of revealing them one layer at a time.
 */
function partialView(input: Record<string, unknown>): CrossCheckView {
  const names = (v: unknown) => (isRecord(v) ? Object.fromEntries(Object.keys(v).map((k) => [k, {}])) : {});
  const services: Record<string, ParsedStack["services"][string]> = {};
  if (isRecord(input.services)) {
    for (const [name, svc] of Object.entries(input.services)) {
      const parsed = serviceSchema.safeParse(svc);
      if (parsed.success) services[name] = parsed.data;
    }
  }
  return {
    hosts: names(input.hosts) as CrossCheckView["hosts"],
    networks: (input.networks === undefined ? { apps: {} } : names(input.networks)) as CrossCheckView["networks"],
    services,
  };
}

function crossCheck(parsed: CrossCheckView, ctx: CheckContext): void {
  const { problems } = ctx;
  const hostNames = Object.keys(parsed.hosts);
  const networkNames = Object.keys(parsed.networks);
  const published: { host: string; service: string; index: number; bind: string; port: number; protocol: string }[] = [];

  for (const [name, svc] of Object.entries(parsed.services)) {
    const at = `services.${name}`;
    const host = svc.host ?? hostNames[0];
    if (svc.host !== undefined && !hostNames.includes(svc.host)) {
      problems.push(`${at}.host: unknown host ${describeValue(svc.host)} (declared hosts: ${hostNames.join(", ")})`);
    }
    (svc.networks ?? []).forEach((n, i) => {
      if (!networkNames.includes(n)) {
        problems.push(`${at}.networks.${i}: unknown network ${describeValue(n)} (declared networks: ${networkNames.join(", ")})`);
      }
    });
    for (const [env, key] of Object.entries(svc.secretEnv)) {
      checkSecretRef(ctx, `${at}.secretEnv.${env}`, key);
      if (env in svc.env) problems.push(`${at}.secretEnv.${env}: also set in env; keep it in one place`);
    }
    const rollout = rolloutProblem(at, svc);
    if (rollout) problems.push(rollout);
    svc.ports.forEach((p, index) => published.push({ host, service: name, index, bind: p.bind, port: p.published, protocol: p.protocol }));
    // Docker publishes no port of a container whose only networks are internal: the port would be unreachable,
    // and the provider, reading back no ports, would replace the container on every `pulumi up`.
    const joined = (svc.networks ?? networkNames.slice(0, 1)).filter((n) => networkNames.includes(n));
    if (svc.ports.length > 0 && svc.unsafe?.networkMode === undefined && joined.length > 0 && joined.every((n) => parsed.networks[n]?.internal === true)) {
      problems.push(
        `${at}.ports: ${svc.ports.map((p) => p.published).join(", ")} cannot be published: every network of ${name} ` +
          `(${joined.join(", ")}) is internal, and Docker publishes no port of such a container; add a network ` +
          `without "internal: true" to ${at}.networks, or drop the ports and reach ${name} over the network`,
      );
    }
  }

  problems.push(...checkServiceRefs(placeServices(parsed.services, hostNames, networkNames)));

  published.forEach((p, i) => {
    const clash = published.slice(0, i).find(
      (q) => q.host === p.host && q.port === p.port && q.protocol === p.protocol && bindingsOverlap(q.bind, p.bind),
    );
    if (clash) {
      const everywhere = [p.bind, clash.bind].find((b) => hostAddress(b).kind === "all");
      problems.push(
        `services.${p.service}.ports.${p.index}.published: ${withPort(p.bind, p.port)}/${p.protocol} on host ${p.host} ` +
          `is already published by services.${clash.service} (${withPort(clash.bind, clash.port)})` +
          `${everywhere === undefined ? "" : `; ${everywhere} is every interface, so it overlaps any address`}`,
      );
    }
  });
}

/**
 * Raw config → typed, cross-checked stack config, or one ConfigError listing every problem. `platforms` are the
 * platform services' sections (lib/platform/allPlatformServices.ts; lib/stackConfig.ts passes them): each is parsed with its
 * schema and cross-checked with its own check. Pure: the Pulumi runtime is read by load.ts, so this is tested directly.
 */
export function resolveStackConfigWith(stack: string, raw: RawStackConfig, platforms: readonly PlatformSection[]): StackConfig {
  const { parsed, problems, input } = parseSections(raw, platforms);
  const ctx: CheckContext = { raw, problems, missingSecrets: new Set() };
  if (!parsed) {
    crossCheck(partialView(input), ctx);
    throw new ConfigError(problems, [...ctx.missingSecrets]);
  }
  crossCheck(parsed, ctx);
  for (const [name, h] of Object.entries(parsed.hosts)) {
    if (h.colima?.sshPrivateKeySecret) checkSecretRef(ctx, `hosts.${name}.colima.sshPrivateKeySecret`, h.colima.sshPrivateKeySecret);
  }
  // Each platform service checks its own references (secrets, hosts, services it names), in the list's order.
  const platformCtx: PlatformCheckContext = { ...ctx, servable: servableOf(platforms, parsed) };
  for (const p of platforms) p.check?.(sectionOf(parsed, p), parsed, platformCtx);
  if (problems.length > 0) throw new ConfigError(problems, [...ctx.missingSecrets]);

  const hostNames = Object.keys(parsed.hosts);
  const networkNames = Object.keys(parsed.networks);
  return {
    ...parsed,
    stack,
    hosts: Object.entries(parsed.hosts).map(([name, h]) => resolveHost(name, h)),
    networks: parsed.networks,
    services: Object.entries(parsed.services).map(([name, s]) => ({
      ...s,
      logs: resolveLogs(s.logs, parsed),
      name,
      tier: "workload" as const,
      host: s.host ?? hostNames[0],
      networks: s.networks ?? [networkNames[0]],
    })),
  };
}
