import * as pulumi from "@pulumi/pulumi";
import { backupPlatformServices } from "./platform/backup/containers";
import { StackConfig } from "./config/resolved";
import { monitoringServices } from "./platform/monitoring/containers";
import { PlatformService, assertReferencesReachable } from "./platform/definition";
import { tailscaleSpec } from "./platform/tailscale/container";

/**
 * Every service the stack will run, user and platform alike, from the same pure builders components/platform.ts
 * uses, but with no resource: the tailnet's auth keys and the secrets are left out (secret uploads stay Outputs).
 * The program checks this plan right after the config, so a wiring problem is refused before anything is
 * registered; tests/lib/platformReferences.test.ts holds it to what the program deploys.
 */
export function plannedServices(config: StackConfig): PlatformService[] {
  const unread = () => pulumi.secret("");
  const platform: PlatformService[] = [...backupPlatformServices(config)];
  if (config.tailscale.enabled) platform.push(...config.hosts.filter((h) => h.remote).map((h) => ({ spec: tailscaleSpec(config, h) })));
  for (const host of config.hosts) {
    const others = platform.filter((p) => p.spec.host === host.name).map((p) => ({ service: p.spec.name, replicas: p.spec.replicas }));
    platform.push(...monitoringServices(config, host, unread, others));
  }
  return [...config.services.map((spec) => ({ spec })), ...platform];
}

/** The wiring check of lib/platform.ts over the planned services: a ConfigError listing every unreachable name. */
export function assertPlannedReferencesReachable(config: StackConfig): void {
  assertReferencesReachable(plannedServices(config));
}
