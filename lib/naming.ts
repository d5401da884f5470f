/**
 * Names: how a service, replica, volume or network is called on the daemon and in Pulumi state. Pure, so
 * everyone shares it. The labels that let policies, monitoring and backups find things again are lib/labels.ts.
 */
export const PROJECT = "minidock";

export type Tier = "platform" | "workload";

/** Config keys for services, hosts, networks and volumes: lower-case DNS-label style, so names are safe everywhere. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$|^[a-z]$/;
export const NAME_RULE = "lower-case letters, digits and '-', starting with a letter, at most 40 characters";

/** Container name on the daemon, compose-style: minidock-postgres-1. Replicas count from 1. */
export function containerName(service: string, replica: number): string {
  return `${PROJECT}-${service}-${replica}`;
}

/** Pulumi names must be unique in the whole stack, so they derive from the Service's (host-scoped) name. */
export function containerResourceName(serviceResource: string, replica: number): string {
  return `${serviceResource}-${replica}`;
}

/**
 * Config service names are unique in the stack already; platform services exist once per host, so their
 * Pulumi names carry the host: `mini.cadvisor`. Config names cannot contain a '.', so a pack exemption such as
 * `*.cadvisor-1` covers minidock's cAdvisor on every host and can never match a user's service.
 */
export function serviceResourceName(service: string, host: string, tier: Tier): string {
  return tier === "platform" ? `${host}.${service}` : service;
}

const IMAGE_SUFFIX = "-image";

/** The config name a suffixed resource name was made from (`postgres-image` -> `postgres`), if it is one. */
function configNameBefore(resourceName: string, suffix: string): string | undefined {
  if (!resourceName.endsWith(suffix)) return undefined;
  const name = resourceName.slice(0, -suffix.length);
  return NAME_PATTERN.test(name) ? name : undefined;
}

/** The Pulumi name of a service's docker.RemoteImage: `postgres-image`, `mini.cadvisor-image`. */
export function imageResourceName(serviceResource: string): string {
  return `${serviceResource}${IMAGE_SUFFIX}`;
}

/**
 * The config service whose image a RemoteImage pulls (`postgres-image` -> `postgres`), so a policy can name
 * `services.postgres.image`: a RemoteImage has no labels. Undefined for platform images (their service
 * resource names carry the host and a '.', which no config name has) and for names this program did not make.
 */
export function serviceOfImageResource(resourceName: string): string | undefined {
  return configNameBefore(resourceName, IMAGE_SUFFIX);
}

/** A volume shared by all replicas keeps the plain name; a per-replica volume carries the replica. */
export function volumeName(service: string, volume: string, replica?: number): string {
  return replica === undefined ? `${PROJECT}-${service}-${volume}` : `${PROJECT}-${service}-${replica}-${volume}`;
}

/** Docker volume names of one service volume: one if shared or the service has one replica, else one per replica. */
export function dockerVolumeNames(
  spec: { name: string; replicas: number },
  v: { name: string; shared: boolean },
): { name: string; replica?: number }[] {
  if (v.shared || spec.replicas === 1) return [{ name: volumeName(spec.name, v.name) }];
  return Array.from({ length: spec.replicas }, (_, i) => ({ name: volumeName(spec.name, v.name, i + 1), replica: i + 1 }));
}

export function networkName(network: string): string {
  return `${PROJECT}-${network}`;
}

const PROVIDER_SUFFIX = "-docker";

/** The Pulumi name of a host's docker provider: `mini-docker`. */
export function providerResourceName(host: string): string {
  return `${host}${PROVIDER_SUFFIX}`;
}

/** The host (`hosts.<name>` key) whose daemon a docker provider reaches, or undefined for a name we did not make. */
export function hostOfProviderResource(resourceName: string): string | undefined {
  return configNameBefore(resourceName, PROVIDER_SUFFIX);
}

export function hostScopedResourceName(host: string, name: string): string {
  return `${host}-${name}`;
}
