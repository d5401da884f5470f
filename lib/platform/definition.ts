import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";
import { NetworkConfig } from "../config/hosts";
import { PlacedService, ReferenceSource, checkServiceRefs, serviceSources } from "../config/references";
import { resolveLogs } from "../config/resolve";
import { ResolvedHost, ResolvedService, StackConfig } from "../config/resolved";
import { serviceSchema } from "../config/services";
import { PlatformSection, ServableService } from "../config/stack";
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
  /** Volumes of other services to mount; the program creates this service after them and waits for them. */
  extraVolumes?: ExtraVolume[];
  /** Extra container labels (the minidock.* contract labels always win). */
  labels?: Record<string, string>;
}

/** Reads a secret config key as a Pulumi secret, so it stays secret in state. */
export type SecretValue = (key: string) => pulumi.Input<string>;

/** Values the program hands every platform service: they come from the Pulumi runtime or from resources. */
export interface PlatformInputs {
  /** A secret config key's value (lib/config/load.ts secretConfigValue; the early wiring check passes a placeholder). */
  secret: SecretValue;
  /** The auth key the Tailnet component created for a remote host. */
  tailnetAuthKey(host: string): pulumi.Input<string>;
}

/**
 * How containers on a host reach its Docker API: the daemon's socket, mounted (whoever can use it is root on the
 * host), or a filtering proxy that is a platform service itself, reached over a Docker network.
 */
export type DockerApiAccess =
  | { kind: "socket"; hostPath: string }
  | { kind: "proxy"; url: string; service: string; network: string };

/** What a platform service is given to plan its containers on one host. */
export interface HostPlan {
  config: StackConfig;
  host: ResolvedHost;
  inputs: PlatformInputs;
  /** The Docker API for services that declare `usesDockerApi`. */
  dockerApi: DockerApiAccess;
  /** Whether some service on this host declares `usesDockerApi` (a proxy runs only then). */
  dockerApiWanted: boolean;
  /** Every service the tailnet may serve, from every platform service's `servable`. */
  servable: ServableService[];
  /**
   * Only for a definition with `needsOtherServices`: every other platform service planned on this host (the user's
   * are in config.services). Empty otherwise.
   */
  others: PlatformService[];
}

/**
 * A platform service: one folder under lib/platform/ and one entry in lib/platform/allPlatformServices.ts. Its section of the
 * config contract (key, schema, cross-checks) and, from the validated config, the containers it runs on each host,
 * as specs for the same Service component the user's services use. docs/architecture.md#adding-a-platform-service.
 */
export interface PlatformServiceDefinition<C = unknown> extends PlatformSection<C> {
  /** Its containers on one host, with their uploads and secrets; [] where it does not run. Pure. */
  services(plan: HostPlan): PlatformService[];
  /**
   * Declared input: it needs the specs of every other service on its host, so it is planned after all of them
   * (monitoring: ServiceDown watches every service), whatever its place in the list.
   */
  needsOtherServices?: boolean;
  /** Declared input: whether its containers on this host talk to the Docker API (they get HostPlan.dockerApi). */
  usesDockerApi?(config: StackConfig, host: ResolvedHost): boolean;
  /** Docker networks of its own on this host, beside the config's (`minidock:networks`); the host's DockerHost creates them. */
  networks?(plan: HostPlan): Record<string, NetworkConfig>;
  /** It offers the Docker API to the others on this host, through a filtering proxy, instead of the raw socket. */
  providesDockerApi?(config: StackConfig, host: ResolvedHost): Extract<DockerApiAccess, { kind: "proxy" }> | undefined;
}

/** A spec's secretEnv (env name → secret config key) read through `secret`, for the Service component. */
export function configSecrets(spec: ResolvedService, secret: SecretValue): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(Object.entries(spec.secretEnv).map(([env, key]) => [env, secret(key)]));
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
