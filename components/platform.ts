import { backupPlatformServices } from "../lib/platform/backup/containers";
import { secretConfigValue } from "../lib/config/load";
import { ResolvedService, StackConfig } from "../lib/config/resolved";
import { monitoringServices } from "../lib/platform/monitoring/containers";
import { PlatformService } from "../lib/platform/definition";
import { Tailnet } from "./tailnet";

/** secretEnv values named by config keys, read as Pulumi secrets. */
export function configSecrets(spec: ResolvedService) {
  return Object.fromEntries(Object.entries(spec.secretEnv).map(([env, key]) => [env, secretConfigValue(key)]));
}

/**
 * minidock's own services per host, as specs for the same Service component the user's services use:
 * backups, tailnet access (which also declares the Tailscale policy file and auth keys) and monitoring.
 */
export function platformServices(config: StackConfig): PlatformService[] {
  const platform: PlatformService[] = [];
  // Backups: a pg_dump sidecar per Postgres service and one offen/docker-volume-backup container per host.
  platform.push(...backupPlatformServices(config).map((p) => ({ ...p, secretEnv: configSecrets(p.spec) })));
  // Tailnet access: the policy file, and per remote host a Tailscale container serving the chosen services.
  if (config.tailscale.enabled) platform.push(...new Tailnet("tailnet", { config }).platformServices);
  // Monitoring last, so its ServiceDown rule knows the other platform services too.
  for (const host of config.hosts) {
    const others = platform.filter((p) => p.spec.host === host.name).map((p) => ({ service: p.spec.name, replicas: p.spec.replicas }));
    platform.push(...monitoringServices(config, host, secretConfigValue, others));
  }
  return platform;
}
