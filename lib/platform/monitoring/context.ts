import { MonitoringConfig } from "./config";
import { PORTS } from "../../ports";

/**
 * What the monitoring generators need to know about one host: plain data, so every generator is a pure function
 * of it and is tested without Pulumi. Built from the stack config by monitoringContext() in containers.ts.
 */
export interface MonitoringContext {
  stack: string;
  host: string;
  /** The host's budget (Colima VM memory) and reserve, MB: what the memory alert and dashboard compare against. */
  memoryMb: number;
  reserveMb: number;
  monitoring: MonitoringConfig;
  /** Whether the backup service runs (and pushes its success time): the backup-age alert only exists then. */
  backupEnabled: boolean;
  /** The host's docker socket (ResolvedHost.dockerSocket): cAdvisor hides it under its / mount behind a proxy. */
  dockerSocket: string;
  /** Every service declared on this host with its replica count: ServiceDown compares running against it. */
  expected: { service: string; replicas: number }[];
}

/** Where uploaded config lands: a named volume, because Docker refuses uploads into a read-only root filesystem. */
export const CONFIG_DIR = "/etc/minidock";

/** Pushgateway job names: the contract with the backup service (docs/architecture.md#how-backup-reports-to-monitoring). */
export const JOBS = { dockerState: "minidock_docker_state", backup: "minidock_backup" } as const;

/** The always-firing alert that proves the alerting path works (sent to the heartbeat URL, if configured). */
export const WATCHDOG = "Watchdog";

export const BACKUP_METRIC = "minidock_backup_last_success_timestamp_seconds";

export const MB = 1024 * 1024;

/** `http://<service>:<port>`: Service joins networks with its service name as alias. */
export function serviceUrl(service: keyof typeof PORTS): string {
  return `http://${service}:${PORTS[service]}`;
}

export function runbookUrl(alert: string): string {
  return `docs/runbook.md#${alert.toLowerCase()}`;
}
