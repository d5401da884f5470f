/**
 * Names and labels: how a service, replica, volume or network is called on the daemon and in Pulumi state,
 * and the labels that let policies, monitoring and backups find things again. Pure, so everyone shares it.
 */
export const PROJECT = "minidock";

export type Tier = "platform" | "workload";

/** Label keys. Policies and the budget read these back, so they are a contract, not decoration. */
export const LABEL = {
  project: "minidock.project",
  stack: "minidock.stack",
  host: "minidock.host",
  service: "minidock.service",
  replica: "minidock.replica",
  tier: "minidock.tier",
  /** The host's budget travels with each container, so a stack policy can check it without the config. */
  hostMemoryMb: "minidock.host.memory-mb",
  hostReserveMb: "minidock.host.reserve-mb",
  hostCpus: "minidock.host.cpus",
  /** The host's disk (hosts.<name>.diskGb), for the log disk budget. */
  hostDiskGb: "minidock.host.disk-gb",
  /** On volumes: whether the backup service must cover it, or why it is exempt. */
  backup: "minidock.backup",
  backupExemptReason: "minidock.backup.exempt-reason",
  /** On a pg_dump sidecar container: the data volumes (docker names, comma-separated) its dumps cover. */
  backupDumpOf: "minidock.backup.dump-of",
  volume: "minidock.volume",
  /**
   * On containers: the env names whose values come from Pulumi secrets (comma-separated names, never values).
   * Service makes the whole env list secret when any is, and the engine shows policies plaintext, so this is how
   * the env policy tells a secret reference from a literal typed into config.
   */
  secretEnv: "minidock.secret-env",
  /**
   * On containers of config services: the stack config key they come from (`services.postgres`). Policies
   * name the user's key (lib/configKeys.ts) from it instead of the docker input; platform containers have none.
   */
  configKey: "minidock.config-key",
} as const;

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
  if (!resourceName.endsWith(IMAGE_SUFFIX)) return undefined;
  const service = resourceName.slice(0, -IMAGE_SUFFIX.length);
  return NAME_PATTERN.test(service) ? service : undefined;
}

/** A volume shared by all replicas keeps the plain name; a per-replica volume carries the replica. */
export function volumeName(service: string, volume: string, replica?: number): string {
  return replica === undefined ? `${PROJECT}-${service}-${volume}` : `${PROJECT}-${service}-${replica}-${volume}`;
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
  if (!resourceName.endsWith(PROVIDER_SUFFIX)) return undefined;
  const host = resourceName.slice(0, -PROVIDER_SUFFIX.length);
  return NAME_PATTERN.test(host) ? host : undefined;
}

export function hostScopedResourceName(host: string, name: string): string {
  return `${host}-${name}`;
}

export interface ContainerLabelInput {
  stack: string;
  host: string;
  service: string;
  replica: number;
  tier: Tier;
  hostMemoryMb: number;
  hostReserveMb: number;
  hostCpus: number;
  hostDiskGb: number;
  /** lib/configKeys.ts serviceConfigKey, for containers of config services. */
  configKey?: string;
}

export function containerLabels(l: ContainerLabelInput): Record<string, string> {
  return {
    [LABEL.project]: PROJECT,
    [LABEL.stack]: l.stack,
    [LABEL.host]: l.host,
    [LABEL.service]: l.service,
    [LABEL.replica]: String(l.replica),
    [LABEL.tier]: l.tier,
    [LABEL.hostMemoryMb]: String(l.hostMemoryMb),
    [LABEL.hostReserveMb]: String(l.hostReserveMb),
    [LABEL.hostCpus]: String(l.hostCpus),
    [LABEL.hostDiskGb]: String(l.hostDiskGb),
    ...(l.configKey ? { [LABEL.configKey]: l.configKey } : {}),
  };
}

/** docker.Container and docker.Volume take labels as a list of {label, value}. */
export function toLabelList(labels: Record<string, string>): { label: string; value: string }[] {
  return Object.entries(labels).map(([label, value]) => ({ label, value }));
}

export function fromLabelList(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (item && typeof item === "object" && typeof item.label === "string") out[item.label] = String(item.value ?? "");
  }
  return out;
}
