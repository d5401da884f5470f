import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config/hosts";
import { ResolvedHost, StackConfig } from "../config/resolved";
import { ServableService, servableOf } from "../config/stack";
import { resolveImage } from "../images";
import { dockerVolumeNames } from "../naming";
import { PLATFORM_SERVICES } from "./allPlatformServices";
import {
  DockerApiAccess, HostPlan, PlatformInputs, PlatformService, PlatformServiceDefinition,
  assertReferencesReachable, assertUniqueOnEachHost, assertUploadsHaveWritableRoot, configSecrets,
} from "./definition";

/**
 * Every service the stack runs, user and platform alike, as specs for the Service component: the one assembly the
 * program deploys and checks. Pure apart from the Pulumi values in `inputs` (secrets, the tailnet's auth keys).
 */

/** The platform services the tailnet may serve (Grafana), from every definition's `servable`. */
export function servableServices(config: StackConfig, platforms: readonly PlatformServiceDefinition[] = PLATFORM_SERVICES): ServableService[] {
  return servableOf(platforms, config);
}

/** What every definition is given on one host, before any service is planned. */
function hostPlan(
  config: StackConfig,
  host: ResolvedHost,
  inputs: PlatformInputs,
  platforms: readonly PlatformServiceDefinition[],
  servable: ServableService[] = servableServices(config, platforms),
): HostPlan {
  const dockerApiWanted = platforms.some((d) => d.usesDockerApi?.(config, host) ?? false);
  const proxy = dockerApiWanted ? platforms.map((d) => d.providesDockerApi?.(config, host)).find((p) => p !== undefined) : undefined;
  const dockerApi: DockerApiAccess = proxy ?? { kind: "socket", hostPath: host.dockerSocket };
  return { config, host, inputs, dockerApi, dockerApiWanted, servable, others: [] };
}

/** The Docker networks of a host: the config's, then those platform services add there (a proxy's own network). */
export function networksOn(
  config: StackConfig,
  host: ResolvedHost,
  platforms: readonly PlatformServiceDefinition[] = PLATFORM_SERVICES,
): Record<string, NetworkConfig> {
  const plan = hostPlan(config, host, PLACEHOLDER_INPUTS, platforms);
  return Object.assign({ ...config.networks }, ...platforms.map((d) => d.networks?.(plan) ?? {}));
}

/**
 * Per host, each definition in list order, then those that declare needsOtherServices with every platform service
 * planned before them on that host. User services come first; every image goes through minidock:images.
 */
export function plannedServices(
  config: StackConfig,
  inputs: PlatformInputs,
  platforms: readonly PlatformServiceDefinition[] = PLATFORM_SERVICES,
): PlatformService[] {
  const user: PlatformService[] = config.services.map((spec) => ({ spec, secretEnv: configSecrets(spec, inputs.secret) }));
  const servable = servableServices(config, platforms);
  const platform = config.hosts.flatMap((host) => {
    const plan = hostPlan(config, host, inputs, platforms, servable);
    const first = platforms.filter((d) => !d.needsOtherServices).flatMap((d) => d.services(plan));
    const last = platforms.filter((d) => d.needsOtherServices).flatMap((d) => d.services({ ...plan, others: first }));
    return [...first, ...last];
  });
  return [...user, ...platform].map((p) => ({ ...p, spec: { ...p.spec, image: resolveImage(p.spec.image, config.images) } }));
}

/** Stand-ins for the early check: it runs before any resource exists, and reads no secret. */
const PLACEHOLDER_INPUTS: PlatformInputs = { secret: () => pulumi.secret(""), tailnetAuthKey: () => pulumi.secret("") };

/**
 * The program's second step, right after the config: the planned services must be deployable before anything is
 * registered. Unique names per host, uploads only with a writable root, every name a service or a generated file
 * dials reachable on a shared network, and every volume a service mounts from another created on its host.
 */
export function assertPlanDeployable(config: StackConfig, platforms: readonly PlatformServiceDefinition[] = PLATFORM_SERVICES): void {
  const all = plannedServices(config, PLACEHOLDER_INPUTS, platforms);
  assertUniqueOnEachHost(all.map((p) => p.spec));
  assertUploadsHaveWritableRoot(all);
  assertReferencesReachable(all);
  assertExtraVolumesExist(all);
}

/** A platform service mounting another service's volume (the backup) needs that volume on its own host. */
function assertExtraVolumesExist(all: PlatformService[]): void {
  const created = new Set(all.flatMap((p) => p.spec.volumes.flatMap((v) => dockerVolumeNames(p.spec, v).map((d) => `${p.spec.host}/${d.name}`))));
  const missing = all.flatMap((p) => (p.extraVolumes ?? [])
    .filter((x) => !created.has(`${p.spec.host}/${x.volumeName}`))
    .map((x) => `volume ${x.volumeName} on host ${p.spec.host} is mounted by ${p.spec.name}, but no service on that host creates it`));
  if (missing.length > 0) throw new Error(missing.join("\n"));
}

/** Services that mount other services' volumes come last, so they are created after the volumes they mount. */
export function inCreationOrder(all: PlatformService[]): PlatformService[] {
  return [...all].sort((a, b) => Number(a.extraVolumes !== undefined) - Number(b.extraVolumes !== undefined));
}
