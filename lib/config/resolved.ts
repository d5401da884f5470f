import { Tier } from "../naming";
import { ColimaConfig, HostConfig, NetworkConfig } from "./hosts";
import { ServiceConfig } from "./services";
import { ParsedStack } from "./stack";

/**
 * The resolved stack config: what resolve.ts returns and every feature reads. Types only, apart from the schema
 * types they extend, so a feature depends on the shape of the config and not on the resolver that builds it.
 */

/** A host with every default applied and its docker daemon address worked out. */
export interface ResolvedHost extends Omit<HostConfig, "colima"> {
  name: string;
  /** ssh://user@address[:port] or the configured dockerHost. */
  dockerHost: string;
  /** The daemon's socket on the host, for the containers that read the daemon (docker-state, cadvisor). */
  dockerSocket: string;
  remote: boolean;
  /** Only for hosts reached over SSH: Colima runs there. */
  colima?: ColimaConfig;
}

/** A service placed on exactly one host and attached to declared networks. */
export interface ResolvedService extends Omit<ServiceConfig, "host" | "networks" | "logs"> {
  name: string;
  /** Config services are the user's workload; minidock's own monitoring, backups and tailnet are platform. */
  tier: Tier;
  logs: { driver: ServiceConfig["logs"]["driver"]; maxSize: string; maxFiles: number };
  host: string;
  networks: string[];
}

export interface StackConfig extends Omit<ParsedStack, "hosts" | "services" | "networks"> {
  stack: string;
  hosts: ResolvedHost[];
  networks: Record<string, NetworkConfig>;
  services: ResolvedService[];
}
