import { backupPlatform } from "./backup";
import { PlatformServiceDefinition } from "./definition";
import { dockerApiProxyPlatform } from "./dockerApiProxy";
import { monitoringPlatform } from "./monitoring";
import { tailscalePlatform } from "./tailscale";

/**
 * Every platform service minidock can run, one entry each: the config contract, its cross-checks and the
 * deployment all iterate this list (lib/stackConfig.ts, lib/platform/plan.ts). Order is the order of their config
 * keys in messages and of their containers in the plan; a service that needs the others' specs says so itself
 * (needsOtherServices) instead of relying on its place here. docs/architecture.md#adding-a-platform-service.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is typed by its own section
export const PLATFORM_SERVICES: readonly PlatformServiceDefinition<any>[] = [
  backupPlatform,
  tailscalePlatform,
  dockerApiProxyPlatform,
  monitoringPlatform,
];
