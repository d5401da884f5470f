import { DEFAULTS } from "./defaults";
import { Tier } from "./naming";
import type { RolloutOrder } from "./rollout";

/**
 * The host budget arithmetic, memory and log disk, in one place. The program reports it as stack outputs, the
 * budget policy enforces it at preview, and `npm run budget` prints it: all three call these functions, on
 * allocations that lib/labels.ts containerAllocation reads off the containers.
 *
 * Memory is in MB (Docker's unit in @pulumi/docker). A host's budget is the memory of its Colima VM;
 * VZ does not give memory back to macOS, so the VM size is treated as fully used.
 *
 * Log disk is in bytes, counted the way the daemon reads log sizes: `10m` is 10,000,000 bytes (json-file and
 * local parse max-size with go-units FromHumanSize, decimal). A host's diskGb counts 10^9 bytes per GB, a little
 * less than the GiB Colima gives, so the allowance never overstates the disk.
 *
 * A host's memory is checked at its rollout peak, not only at rest. `npm run deploy` rolls one service at a
 * time and one replica at a time; a start-first replica (lib/rollout.ts) runs beside its old copy until it is
 * healthy, so during a rollout the host holds at most one container more than at rest: the largest single
 * replica among its start-first services (the surge). A stop-first replica is stopped before its replacement
 * starts and adds nothing. The host fits only if at rest + surge fits: a stack that fits at rest but not during
 * its own rollout is refused at preview, like one that does not fit at all.
 */

export interface HostBudget {
  host: string;
  memoryMb: number;
  reserveMb: number;
  cpus: number;
  /** The Colima VM's disk (hosts.<name>.diskGb): images, volumes, the backup archive and every container's logs. */
  diskGb: number;
}

/** One container's declared resources. Replicas of a service are separate allocations with the same service. */
export interface Allocation {
  host: string;
  service: string;
  tier: Tier;
  memoryMb: number;
  cpus: number;
  /** What its logs may take on the host's disk (logDiskOf). */
  logs: LogDisk;
  /** How a change replaces it (minidock.rollout): a start-first container briefly has a second copy. */
  rollout: RolloutOrder;
}

// ---- Log disk -------------------------------------------------------------------------------------------------

/**
 * A Docker log size as the daemon reads max-size (github.com/docker/go-units FromHumanSize, which json-file and
 * local both use): a number, an optional space, then k, m, g, t or p, any case, optionally followed by `b` or
 * `ib`, all decimal (`1g` = 10^9 bytes). No unit is bytes. Undefined for anything the daemon would refuse.
 * The config contract accepts a subset (lib/config/primitives.ts sizeString: `10m`); a raw container may use more.
 */
export function dockerSizeBytes(size: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(size.trim());
  if (!m) return undefined;
  const power = m[2] ? "kmgtp".indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.floor(Number(m[1]) * 1000 ** power);
}

/**
 * The `local` driver's rotation when max-size / max-file are unset: 20 MiB x 5 files (docs.docker.com, Local file
 * logging driver: "a 20M default size for each file and a default count of 5"; moby daemon/logger/local).
 */
export const LOCAL_DRIVER_DEFAULTS = { maxSize: "20m", maxSizeBytes: 20 * 1024 * 1024, maxFiles: 5 } as const;

/**
 * Where a container's logs go and how much disk they may take:
 * - `files`: rotated files on the host's disk, at most maxSize x maxFiles (compression only makes it smaller);
 * - `unbounded`: json-file without max-size, which grows until the disk is full (hardening-log-rotation refuses it,
 *   so the disk budget leaves it out instead of refusing the host twice for one cause);
 * - `elsewhere`: driver `none`, or a driver that ships logs off the container (journald, syslog, fluentd...);
 * - `invalid`: a max-size or max-file the daemon would refuse at create time.
 */
export type LogDisk =
  | { kind: "files"; driver: string; maxSize: string; sizeBytes: number; files: number; bytes: number }
  | { kind: "unbounded"; driver: string }
  | { kind: "elsewhere"; driver: string }
  | { kind: "invalid"; driver: string; option: "max-size" | "max-file"; problem: string };

/** Disk bytes of one container's logs: 0 unless they are rotated files on the host. */
export const logBytesOf = (l: LogDisk) => (l.kind === "files" ? l.bytes : 0);

/** From the container's logDriver and logOpts as Docker takes them (unset driver: the daemon's json-file). */
export function logDiskOf(driver: string | undefined, opts: Record<string, unknown> | undefined): LogDisk {
  const d = driver && driver.trim() !== "" ? driver : "json-file";
  if (d !== "json-file" && d !== "local") return { kind: "elsewhere", driver: d };
  const rawSize = opts?.["max-size"];
  const rawFiles = opts?.["max-file"];
  const sizeGiven = rawSize !== undefined && rawSize !== null && String(rawSize).trim() !== "";
  const filesGiven = rawFiles !== undefined && rawFiles !== null && String(rawFiles).trim() !== "";
  if (d === "json-file" && !sizeGiven) return { kind: "unbounded", driver: d };
  const maxSize = sizeGiven ? String(rawSize) : LOCAL_DRIVER_DEFAULTS.maxSize;
  const sizeBytes = sizeGiven ? dockerSizeBytes(maxSize) : LOCAL_DRIVER_DEFAULTS.maxSizeBytes;
  if (sizeBytes === undefined) return { kind: "invalid", driver: d, option: "max-size", problem: `max-size ${JSON.stringify(maxSize)} is not a size the daemon reads (e.g. "10m")` };
  // json-file keeps one file when max-file is unset; local keeps five.
  const files = filesGiven ? Number(String(rawFiles).trim()) : d === "json-file" ? 1 : LOCAL_DRIVER_DEFAULTS.maxFiles;
  if (!Number.isInteger(files) || files < 1) return { kind: "invalid", driver: d, option: "max-file", problem: `max-file ${JSON.stringify(rawFiles)} is not a whole number of files >= 1` };
  // local treats max-size 0 as "no limit"; json-file refuses it at create time.
  if (sizeBytes === 0) return d === "local" ? { kind: "unbounded", driver: d } : { kind: "invalid", driver: d, option: "max-size", problem: `max-size ${JSON.stringify(maxSize)} must be positive` };
  return { kind: "files", driver: d, maxSize, sizeBytes, files, bytes: sizeBytes * files };
}

/** Disk sizes in the daemon's decimal units: `12 GB`, `12.5 GB`, `30 MB`, `64 kB`. */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [[1e12, "TB"], [1e9, "GB"], [1e6, "MB"], [1e3, "kB"]];
  const [div, unit] = units.find(([d]) => bytes >= d) ?? [1, "B"];
  return `${Math.round((bytes / div) * 100) / 100} ${unit}`;
}

export interface ServiceLine {
  service: string;
  tier: Tier;
  /** start-first when any of its replicas is (they normally agree), so the line never understates the surge. */
  rollout: RolloutOrder;
  replicas: number;
  memoryEachMb: number;
  memoryMb: number;
  cpus: number;
  /** The largest replica's log disk, and how it is rotated (`1g x 4`), or why it takes none. */
  logEachBytes: number;
  logRotation: string;
  logBytes: number;
}

/** The one extra container a rollout runs on a host at its peak: a replica of a start-first service. */
export interface RolloutSurge {
  service: string;
  tier: Tier;
  memoryMb: number;
}

export interface HostReport extends HostBudget {
  services: ServiceLine[];
  declaredMb: number;
  platformMb: number;
  workloadMb: number;
  cpusDeclared: number;
  /** declaredMb + reserveMb: what the host holds when nothing is rolling. */
  atRestMb: number;
  /** memoryMb - atRestMb (= memoryMb - reserveMb - declaredMb); negative when over budget at rest. */
  headroomMb: number;
  fitsAtRest: boolean;
  /** The largest single replica among the host's start-first services; undefined when none rolls start-first. */
  surge?: RolloutSurge;
  /** surge.memoryMb, or 0. */
  surgeMb: number;
  /** atRestMb + surgeMb: the most the host holds while `npm run deploy` rolls it. */
  rolloutPeakMb: number;
  /** memoryMb - rolloutPeakMb; negative when over budget during a rollout. */
  rolloutHeadroomMb: number;
  /** The host's memory verdict: the rollout peak fits (which implies the host fits at rest). */
  fits: boolean;
  cpuFits: boolean;
  /** The share of diskGb all containers' logs may take together (pack config maxLogDiskPercent). */
  logDiskPercent: number;
  logAllowanceBytes: number;
  logBytes: number;
  logFits: boolean;
  /** Services whose logs are not bounded or not valid (they are refused by other rules, not counted here). */
  logUnbounded: string[];
  logInvalid: { service: string; problem: string }[];
}

/** How a line reads in messages and tables: `1g x 4`, `20m x 5 (local default)`, `off the host (journald)`. */
function rotationOf(l: LogDisk): string {
  switch (l.kind) {
    case "files":
      return `${l.maxSize} x ${l.files}`;
    case "unbounded":
      return `unbounded (${l.driver} without max-size)`;
    case "elsewhere":
      return l.driver === "none" ? "none (driver none)" : `off the host (${l.driver})`;
    case "invalid":
      return `invalid: ${l.problem}`;
  }
}

/** Groups allocations into services, keeping declaration order so reports read like the config. */
function serviceLines(allocations: Allocation[]): ServiceLine[] {
  const lines = new Map<string, ServiceLine>();
  for (const a of allocations) {
    const line = lines.get(a.service);
    const logBytes = logBytesOf(a.logs);
    if (!line) {
      lines.set(a.service, {
        service: a.service, tier: a.tier, rollout: a.rollout, replicas: 1, memoryEachMb: a.memoryMb, memoryMb: a.memoryMb, cpus: a.cpus,
        logEachBytes: logBytes, logRotation: rotationOf(a.logs), logBytes,
      });
    } else {
      line.replicas += 1;
      line.memoryMb += a.memoryMb;
      line.cpus += a.cpus;
      line.logBytes += logBytes;
      if (a.rollout === "start-first") line.rollout = "start-first";
      // Replicas normally match; if one differs, show the largest so the line never understates.
      line.memoryEachMb = Math.max(line.memoryEachMb, a.memoryMb);
      if (logBytes > line.logEachBytes) {
        line.logEachBytes = logBytes;
        line.logRotation = rotationOf(a.logs);
      }
    }
  }
  return [...lines.values()];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** CPU counts are decimals ("0.5"); keep sums readable. */
export const round2 = (n: number) => Math.round(n * 100) / 100;

/** Options of an evaluation: the log share is pack config (budget-host-log-disk), so callers pass what it says. */
export interface BudgetOptions {
  logDiskPercent?: number;
}

/** What all containers' logs may take on a host: a share of its disk, so images and volumes keep the rest. */
export function logAllowanceBytes(diskGb: number, percent: number): number {
  return Math.floor((diskGb * 1e9 * percent) / 100);
}

/**
 * The surge of a host's rollout: the largest single replica (memory) among its start-first containers, first
 * declared on a tie. One, not a sum: `npm run deploy` rolls one service at a time and one replica at a time, so
 * at most one replacement runs beside its old copy. Stop-first containers add nothing: the old one stops first.
 * Undefined when nothing on the host rolls start-first.
 */
export function rolloutSurge(allocations: Allocation[]): RolloutSurge | undefined {
  let surge: RolloutSurge | undefined;
  for (const a of allocations) {
    if (a.rollout !== "start-first") continue;
    if (!surge || a.memoryMb > surge.memoryMb) surge = { service: a.service, tier: a.tier, memoryMb: a.memoryMb };
  }
  return surge;
}

export function evaluateHost(budget: HostBudget, allocations: Allocation[], opts: BudgetOptions = {}): HostReport {
  const mine = allocations.filter((a) => a.host === budget.host);
  const logDiskPercent = opts.logDiskPercent ?? DEFAULTS.maxLogDiskPercent;
  const logBytes = sum(mine.map((a) => logBytesOf(a.logs)));
  const allowance = logAllowanceBytes(budget.diskGb, logDiskPercent);
  const distinct = (xs: string[]) => [...new Set(xs)];
  const services = serviceLines(mine);
  const declaredMb = sum(mine.map((a) => a.memoryMb));
  const platformMb = sum(mine.filter((a) => a.tier === "platform").map((a) => a.memoryMb));
  const cpusDeclared = round2(sum(mine.map((a) => a.cpus)));
  const atRestMb = declaredMb + budget.reserveMb;
  const headroomMb = budget.memoryMb - atRestMb;
  const surge = rolloutSurge(mine);
  const surgeMb = surge?.memoryMb ?? 0;
  const rolloutPeakMb = atRestMb + surgeMb;
  return {
    ...budget,
    services,
    declaredMb,
    platformMb,
    workloadMb: declaredMb - platformMb,
    cpusDeclared,
    atRestMb,
    headroomMb,
    fitsAtRest: headroomMb >= 0,
    surge,
    surgeMb,
    rolloutPeakMb,
    rolloutHeadroomMb: budget.memoryMb - rolloutPeakMb,
    fits: rolloutPeakMb <= budget.memoryMb,
    cpuFits: cpusDeclared <= budget.cpus,
    logDiskPercent,
    logAllowanceBytes: allowance,
    logBytes,
    logFits: logBytes <= allowance,
    logUnbounded: distinct(mine.filter((a) => a.logs.kind === "unbounded").map((a) => a.service)),
    logInvalid: mine.flatMap((a) => (a.logs.kind === "invalid" ? [{ service: a.service, problem: a.logs.problem }] : []))
      .filter((x, i, all) => all.findIndex((y) => y.service === x.service && y.problem === x.problem) === i),
  };
}

export function evaluateBudget(hosts: HostBudget[], allocations: Allocation[], opts: BudgetOptions = {}): HostReport[] {
  return hosts.map((h) => evaluateHost(h, allocations, opts));
}

/** `agent 3x2048, postgres 1024`: biggest first, so the message starts with what to cut. */
export function describeServices(services: ServiceLine[]): string {
  return [...services]
    .sort((a, b) => b.memoryMb - a.memoryMb)
    .map((s) => (s.replicas > 1 ? `${s.service} ${s.replicas}x${s.memoryEachMb}` : `${s.service} ${s.memoryMb}`))
    .join(", ");
}

/** `one extra agent replica, start-first`: what the surge is, in the words of the budget messages. */
export function describeSurge(s: RolloutSurge): string {
  return `one extra ${s.service} replica, start-first`;
}

/**
 * The memory check as one line, against the rollout peak:
 * - nothing rolls start-first: `13824 MB declared + 1024 reserve = 14848 > 14336 budget (agent 3x2048, ...)`;
 * - a surge: `9904 MB at rest (8880 declared + 1024 reserve) + 2048 rollout surge (one extra agent replica,
 *   start-first) = 11952 <= 14336 budget (agent 3x2048, ...)`.
 */
export function memoryArithmetic(r: HostReport): string {
  const op = r.fits ? "<=" : ">";
  const services = describeServices(r.services);
  if (!r.surge) return `${r.declaredMb} MB declared + ${r.reserveMb} reserve = ${r.atRestMb} ${op} ${r.memoryMb} budget (${services})`;
  return `${r.atRestMb} MB at rest (${r.declaredMb} declared + ${r.reserveMb} reserve) + ${r.surgeMb} rollout surge (${describeSurge(r.surge)}) = ` +
    `${r.rolloutPeakMb} ${op} ${r.memoryMb} budget (${services})`;
}

/** `host mini: 13824 MB declared + 1024 reserve = 14848 > 14336 budget (agent 3x2048, postgres 1024, ...)` */
export function describeMemory(r: HostReport): string {
  return `host ${r.host}: ${memoryArithmetic(r)}`;
}

/** The services whose logs take the most disk, biggest first: the first is what to cut. */
export function biggestLogs(services: ServiceLine[]): ServiceLine[] {
  return services.filter((s) => s.logBytes > 0).sort((a, b) => b.logBytes - a.logBytes || a.service.localeCompare(b.service));
}

/**
 * `agent 3x 1g x 4 = 12 GB, postgres 10m x 3 = 30 MB, ... and 9 more = 270 MB`: per service, replicas x max-size x
 * max-file. The first `shown` services are spelled out; the rest are summed so the message stays one line.
 */
export function describeLogServices(services: ServiceLine[], shown = 4): string {
  const lines = biggestLogs(services);
  const spelled = lines.slice(0, shown).map((s) => `${s.service} ${s.replicas > 1 ? `${s.replicas}x ` : ""}${s.logRotation} = ${formatBytes(s.logBytes)}`);
  const rest = lines.slice(shown);
  if (rest.length > 0) spelled.push(`and ${rest.length} more = ${formatBytes(sum(rest.map((s) => s.logBytes)))}`);
  return spelled.join(", ");
}

/** `logs may take 12.5 GB (agent 3x 1g x 4 = 12 GB, ...) > 10 GB allowance (10 % of diskGb 100)` */
export function logDiskArithmetic(r: HostReport): string {
  const op = r.logFits ? "<=" : ">";
  const parts = describeLogServices(r.services);
  return `logs may take ${formatBytes(r.logBytes)}${parts ? ` (${parts})` : ""} ${op} ${formatBytes(r.logAllowanceBytes)} allowance (${r.logDiskPercent} % of diskGb ${r.diskGb})`;
}

/** `host mini: logs may take 510 MB (...) <= 10 GB allowance (10 % of diskGb 100)` */
export function describeLogDisk(r: HostReport): string {
  return `host ${r.host}: ${logDiskArithmetic(r)}`;
}

export function describeCpu(r: HostReport): string {
  const op = r.cpuFits ? "<=" : ">";
  return `host ${r.host}: ${r.cpusDeclared} CPUs declared ${op} ${r.cpus} available`;
}

/** A resolved log rotation (lib/config/resolve.ts resolveLogs): what lib/containerInputs.ts turns into logDriver/logOpts. */
export interface LogRotation {
  driver: string;
  maxSize: string;
  maxFiles: number;
}

/** The log options Service gives Docker for a resolved rotation (lib/containerInputs.ts containerInputs). */
export function logOptsOf(logs: LogRotation): Record<string, string> | undefined {
  return logs.driver === "none" ? undefined : { "max-size": logs.maxSize, "max-file": String(logs.maxFiles) };
}
