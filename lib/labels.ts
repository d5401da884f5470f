import { Allocation, LogDisk, logDiskOf } from "./budget";
import { PROJECT, Tier } from "./naming";
import { ROLLOUT_ORDERS, RolloutOrder } from "./rollout";

/**
 * The label contract: every `minidock.*` label the program writes on containers, volumes and networks, and the one
 * way to read them back. The labels are the interface between the program, the policy pack, the tools and
 * monitoring (the pack sees resources, not the stack config), so writers and readers share this module and a
 * label is spelled, formatted and parsed in one place. Pure: the pack loads it without any Pulumi SDK.
 */
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
  /**
   * On containers: how a change replaces them (lib/rollout.ts), `start-first` or `stop-first`. The budget counts a
   * start-first service's extra replica during its rollout from it.
   */
  rollout: "minidock.rollout",
} as const;

/** The host budget labels, in the order the budget rule names missing ones. */
export const HOST_BUDGET_LABELS = [LABEL.hostMemoryMb, LABEL.hostReserveMb, LABEL.hostCpus, LABEL.hostDiskGb] as const;

/**
 * The container labels cAdvisor keeps on its metrics (--whitelisted_container_labels): what the dashboards and
 * alerts group by, and the host budget for the memory panels.
 */
export const MONITORED_CONTAINER_LABELS = [LABEL.service, LABEL.host, LABEL.tier, LABEL.hostMemoryMb] as const;

/** The Prometheus label cAdvisor gives a container label: `minidock.host.memory-mb` -> `container_label_minidock_host_memory_mb`. */
export function cadvisorLabelName(label: string): string {
  return `container_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

// ---- Writing ----------------------------------------------------------------------------------------------------

/** What every minidock resource on a host's daemon carries: found again by project, stack and host. */
export function ownerLabels(stack: string, host: string): Record<string, string> {
  return { [LABEL.project]: PROJECT, [LABEL.stack]: stack, [LABEL.host]: host };
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
  rollout: RolloutOrder;
}

export function containerLabels(l: ContainerLabelInput): Record<string, string> {
  return {
    ...ownerLabels(l.stack, l.host),
    [LABEL.service]: l.service,
    [LABEL.replica]: String(l.replica),
    [LABEL.tier]: l.tier,
    [LABEL.hostMemoryMb]: String(l.hostMemoryMb),
    [LABEL.hostReserveMb]: String(l.hostReserveMb),
    [LABEL.hostCpus]: String(l.hostCpus),
    [LABEL.hostDiskGb]: String(l.hostDiskGb),
    [LABEL.rollout]: l.rollout,
    ...(l.configKey ? { [LABEL.configKey]: l.configKey } : {}),
  };
}

/** The env names whose values are secrets (names only, sorted): Service applies it last, so nothing can override it. */
export function secretEnvLabel(names: string[]): Record<string, string> {
  return { [LABEL.secretEnv]: [...names].sort().join(",") };
}

/** On a pg_dump sidecar: the data volumes (docker names) its dumps cover, for backup-volume-covered. */
export function backupDumpOfLabel(volumes: string[]): Record<string, string> {
  return { [LABEL.backupDumpOf]: volumes.join(",") };
}

export interface VolumeLabelInput {
  stack: string;
  host: string;
  service: string;
  /** The volume's config name (`pgdata`), not its docker name. */
  volume: string;
  backup: boolean;
  backupExemptReason?: string;
}

export function volumeLabels(v: VolumeLabelInput): Record<string, string> {
  return {
    ...ownerLabels(v.stack, v.host),
    [LABEL.service]: v.service,
    [LABEL.volume]: v.volume,
    [LABEL.backup]: String(v.backup),
    ...(v.backupExemptReason ? { [LABEL.backupExemptReason]: v.backupExemptReason } : {}),
  };
}

/** docker.Container and docker.Volume take labels as a list of {label, value}. */
export function toLabelList(labels: Record<string, string>): { label: string; value: string }[] {
  return Object.entries(labels).map(([label, value]) => ({ label, value }));
}

// ---- Reading ----------------------------------------------------------------------------------------------------

/** Docker's label list as a plain record; anything that is not a list reads as no labels. */
export function fromLabelList(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (item && typeof item === "object" && typeof item.label === "string") out[item.label] = String(item.value ?? "");
  }
  return out;
}

/** A number label: undefined when absent, blank or not a finite number. */
const numberOf = (v: string | undefined) => (v !== undefined && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined);
/** A comma-separated label (secret-env, dump-of) as its non-empty, trimmed items. */
const listOfNames = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
/** Empty means unset: Docker cannot tell an empty label from a missing one in a filter. */
const textOf = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

export interface ContainerLabels {
  project?: string;
  stack?: string;
  host?: string;
  service?: string;
  replica?: number;
  /** `workload` unless the label says `platform`: an unlabelled container is budgeted like the user's. */
  tier: Tier;
  /** The host's budget as this container carries it; a field is undefined when its label is missing or not a number. */
  hostBudget: { memoryMb?: number; reserveMb?: number; cpus?: number; diskGb?: number };
  configKey?: string;
  /**
   * How a change replaces the container (minidock.rollout). Absent reads as `stop-first`: only Service writes
   * `start-first`, and only on containers it leaves unnamed so a replacement can run beside them. A container
   * without the label was made some other way (a raw docker.Container, or a state written before the label
   * existed), keeps a fixed name, and so cannot have its replacement beside it: it adds no replica to a rollout.
   * A value that is neither order is listed in `invalid` and also reads as `stop-first`.
   */
  rollout: RolloutOrder;
  secretEnv: string[];
  backupDumpOf: string[];
  /** Contract labels that are absent or empty. */
  missing: string[];
  /**
   * Contract labels that are set but unreadable: a number label that is not a number, a tier or a rollout order
   * that is neither of its two values.
   */
  invalid: string[];
  /** Every label as given, for messages that quote them. */
  raw: Record<string, string>;
}

const REQUIRED = [LABEL.project, LABEL.stack, LABEL.host, LABEL.service, LABEL.replica, LABEL.tier, ...HOST_BUDGET_LABELS];

/** A container's labels (Docker's list form), parsed once: numbers as numbers, the tier as a Tier, lists as lists. */
export function parseContainerLabels(list: unknown): ContainerLabels {
  const raw = fromLabelList(list);
  const replica = numberOf(raw[LABEL.replica]);
  const tierText = textOf(raw[LABEL.tier]);
  const rolloutText = textOf(raw[LABEL.rollout]);
  const missing = REQUIRED.filter((k) => textOf(raw[k]) === undefined);
  const invalid = [
    ...(tierText !== undefined && tierText !== "platform" && tierText !== "workload" ? [LABEL.tier] : []),
    ...(raw[LABEL.replica] && (replica === undefined || !Number.isInteger(replica) || replica < 1) ? [LABEL.replica] : []),
    ...HOST_BUDGET_LABELS.filter((k) => textOf(raw[k]) !== undefined && numberOf(raw[k]) === undefined),
    ...(rolloutText !== undefined && !(ROLLOUT_ORDERS as readonly string[]).includes(rolloutText) ? [LABEL.rollout] : []),
  ];
  return {
    project: textOf(raw[LABEL.project]),
    stack: textOf(raw[LABEL.stack]),
    host: textOf(raw[LABEL.host]),
    service: textOf(raw[LABEL.service]),
    replica: invalid.includes(LABEL.replica) ? undefined : replica,
    tier: tierText === "platform" ? "platform" : "workload",
    hostBudget: {
      memoryMb: numberOf(raw[LABEL.hostMemoryMb]),
      reserveMb: numberOf(raw[LABEL.hostReserveMb]),
      cpus: numberOf(raw[LABEL.hostCpus]),
      diskGb: numberOf(raw[LABEL.hostDiskGb]),
    },
    configKey: textOf(raw[LABEL.configKey]),
    rollout: rolloutText === "start-first" ? "start-first" : "stop-first",
    secretEnv: listOfNames(raw[LABEL.secretEnv]),
    backupDumpOf: listOfNames(raw[LABEL.backupDumpOf]),
    missing,
    invalid,
    raw,
  };
}

export interface VolumeLabels {
  host?: string;
  service?: string;
  volume?: string;
  /** Only the exact `true` the program writes counts as covered by backups. */
  backup: boolean;
  /** Trimmed; undefined when absent or blank. */
  backupExemptReason?: string;
}

export function parseVolumeLabels(list: unknown): VolumeLabels {
  const raw = fromLabelList(list);
  return {
    host: textOf(raw[LABEL.host]),
    service: textOf(raw[LABEL.service]),
    volume: textOf(raw[LABEL.volume]),
    backup: raw[LABEL.backup] === "true",
    backupExemptReason: textOf((raw[LABEL.backupExemptReason] ?? "").trim()),
  };
}

// ---- A container as a budget allocation -------------------------------------------------------------------------

/** What the budget reads of one container: its parsed labels and the inputs Docker limits it by. */
export interface BudgetedContainer {
  /** The container's name, for a container without a service label. */
  name: string;
  labels: ContainerLabels;
  /** docker.Container memory (MB); anything but a positive number counts as none. */
  memory: unknown;
  /** docker.Container cpus (`"1.5"`); anything unreadable counts as none. */
  cpus: unknown;
  logDriver: unknown;
  logOpts: unknown;
  /** Where the logs go when the caller already knows better than the inputs (the pack at preview: unknown). */
  logs?: LogDisk;
}

/**
 * The one way a container becomes a budget allocation: the program's outputs (through Service), the pack's budget
 * rules and `npm run budget` all call it, so the three can never count a container differently. Undefined for a
 * container without a host label: it belongs to no host budget (budget-container-host-labels reports it).
 */
export function containerAllocation(c: BudgetedContainer): Allocation | undefined {
  const host = c.labels.host;
  if (!host) return undefined;
  const opts = c.logOpts && typeof c.logOpts === "object" ? (c.logOpts as Record<string, unknown>) : undefined;
  return {
    host,
    service: c.labels.service ?? c.name,
    tier: c.labels.tier,
    memoryMb: typeof c.memory === "number" && c.memory > 0 ? c.memory : 0,
    cpus: Number(c.cpus ?? 0) || 0,
    rollout: c.labels.rollout,
    logs: c.logs ?? logDiskOf(typeof c.logDriver === "string" ? c.logDriver : undefined, opts && { "max-size": opts["max-size"], "max-file": opts["max-file"] }),
  };
}
