import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";
import { PlacedService, ReferenceSource, checkServiceRefs, serviceSources } from "../config/references";
import { resolveLogs } from "../config/resolve";
import { ResolvedService, StackConfig } from "../config/resolved";
import { serviceSchema } from "../config/services";
import { Tier } from "../naming";

/** An existing docker volume (created by another Service) mounted by name, e.g. into the backup container. */
export interface ExtraVolume {
  /** Docker volume name, as lib/naming.ts volumeName() gives it. */
  volumeName: string;
  path: string;
  readOnly: boolean;
}

/**
 * A service minidock adds on its own (monitoring, backups, tailnet access). It goes through the same Service
 * component, with the same hardening and the same budget, as the user's services.
 */
export interface PlatformService {
  spec: ResolvedService;
  /** Generated config files, shipped into the container with the provider's `uploads`. */
  uploads?: { file: string; content: pulumi.Input<string>; executable?: boolean }[];
  /** Values for spec.secretEnv that come from resources (e.g. a Tailscale auth key), not from config. */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /** Volumes of other services to mount; index.ts creates this service after them and waits for them. */
  extraVolumes?: ExtraVolume[];
  /** Extra container labels (the minidock.* contract labels always win). */
  labels?: Record<string, string>;
}

/**
 * A platform service written in the same shape as a config service and parsed by the same schema, so it gets
 * every secure default a user's service gets (and a typo in minidock's own spec fails the same way).
 */
export function platformServiceSpec(
  name: string,
  host: string,
  networks: string[],
  config: Pick<StackConfig, "logMaxSize" | "logMaxFiles">,
  raw: Record<string, unknown>,
): ResolvedService {
  const parsed = serviceSchema.parse(raw);
  const tier: Tier = "platform";
  return { ...parsed, name, tier, host, networks, logs: resolveLogs(parsed.logs, config) };
}

/** A config service may not take a name minidock uses for a platform service on the same host. */
export function assertUniqueOnEachHost(specs: ResolvedService[]): void {
  const seen = new Map<string, ResolvedService>();
  const problems: string[] = [];
  for (const spec of specs) {
    const key = `${spec.host}/${spec.name}`;
    const first = seen.get(key);
    if (first) {
      problems.push(
        `services.${spec.name}: the name is taken on host ${spec.host} by minidock's ${first.tier === "platform" ? first.name : spec.name} platform service; rename the service`,
      );
    }
    seen.set(key, spec);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * The docker provider extracts `uploads` at "/", which Docker refuses on a read-only root even when the file
 * lands in a volume ("container rootfs is marked read-only"; reproduced on dockerd 20.10). Mocks cannot see
 * that, so a spec that uploads files must keep a writable root, and this says so before anything is created.
 */
export function assertUploadsHaveWritableRoot(services: PlatformService[]): void {
  const bad = services.filter((p) => (p.uploads?.length ?? 0) > 0 && !p.spec.unsafe.writableRootFs);
  if (bad.length > 0) {
    throw new Error(
      bad.map((p) => `${p.spec.host}.${p.spec.name}: uploads config files but has a read-only root; Docker refuses the upload. ` +
        "Set unsafe.writableRootFs: true (with a hardening-read-only-rootfs exemption) and keep the files in a volume, or pass them through env.").join("\n"),
    );
  }
}

/** How messages call a service: the user's config key, or minidock's own service on its host. */
function serviceLabel(spec: ResolvedService): string {
  return spec.tier === "workload" ? `services.${spec.name}` : `minidock's ${spec.name}`;
}

/**
 * Every service as the reference check sees it. A platform service's env, arguments and generated files (the string
 * `uploads`; a secret one is an Output and holds only credentials and external URLs) are its sources.
 */
function placed(p: PlatformService): PlacedService {
  const { spec } = p;
  const workload = spec.tier === "workload";
  const key = workload ? `services.${spec.name}` : `minidock's ${spec.name} on host ${spec.host},`;
  const sources: ReferenceSource[] = serviceSources(key, spec, workload ? "." : " ");
  for (const u of p.uploads ?? []) {
    if (typeof u.content === "string") sources.push({ kind: "file", at: `${key} file ${u.file}`, content: u.content });
  }
  return {
    name: spec.name,
    label: serviceLabel(spec),
    host: spec.host,
    networks: spec.unsafe.networkMode ? [] : spec.networks,
    replicas: spec.replicas,
    networkMode: spec.unsafe.networkMode,
    sources,
  };
}

/**
 * minidock wires its own services together by name: Prometheus scrapes `cadvisor:8080`, Grafana reads
 * `http://prometheus:9090`, the backup pushes to the Pushgateway, a pg_dump sidecar dials its database, the
 * tailnet proxies to served services. The same check as the config's (lib/config/references.ts) runs over those
 * specs and generated files, and over config services naming a platform service, before any service is
 * registered: a generated file can never point at a container on another host or on no shared network.
 */
export function assertReferencesReachable(services: PlatformService[]): void {
  const problems = checkServiceRefs(services.map(placed));
  if (problems.length > 0) throw new ConfigError(problems);
}
