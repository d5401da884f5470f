import { Allocation, evaluateHost } from "../../lib/budget";
import { LABEL, containerAllocation, parseContainerLabels, toLabelList } from "../../lib/labels";
import { Tier } from "../../lib/naming";
import { BACKUP_SERVICE } from "../../lib/platform/backup/sources";
import { Inspect } from "../engine/daemon";
import { envelopeProblems } from "../engine/envelope";
import { Schedule, parseSchedule, previousFiring } from "../../lib/platform/backup/schedule";
import { DeclaredContainer, DeclaredHost, DeclaredStack, replicaKey } from "./declared";
import { Observation, ObservedContainer, OOM_LOOKBACK_MS } from "./observe";
import { RUNBOOK, RunbookSection } from "./runbook";

/**
 * The verdict on one host: what the stack declares (tools/status/declared.ts) against what its daemon runs
 * (tools/status/observe.ts), at one instant. Pure: the clock is an argument. The document it builds is what
 * `status --json` prints, described by schemas/status.schema.json.
 *
 * Verdicts:
 * - down: the daemon does not answer, or not one declared container runs on it;
 * - degraded: anything listed in `problems` (each with the runbook section that fixes it);
 * - ok: nothing listed.
 */

export type Verdict = "ok" | "degraded" | "down";

export const PROBLEM_KINDS = [
  "host-unreachable", "host-nothing-running", "container-missing", "container-stopped", "container-restarting",
  "container-oom-killed", "container-unhealthy", "container-memory-near-limit", "host-memory-high", "host-over-budget",
  "disk-high", "drift-undeclared", "drift-missing", "drift-differs", "backup-late", "backup-unreadable",
  "backup-not-covered",
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

export interface Problem {
  kind: ProblemKind;
  /** What it is about: `web/1` (service/replica), `network minidock-edge`, `host mini`. */
  subject: string;
  message: string;
  /** The runbook section that fixes it: `docs/runbook.md#containerunhealthy`. */
  runbook: string;
}

export type ContainerState = "running" | "restarting" | "paused" | "exited" | "created" | "dead" | "removing" | "missing";

export interface ContainerStatus {
  service: string;
  replica: number;
  tier: Tier;
  /** Its name on the daemon (the declared one while it is missing; null for a missing start-first replica). */
  name: string | null;
  id: string | null;
  state: ContainerState;
  health: "healthy" | "unhealthy" | "starting" | "none";
  startedAt: string | null;
  uptimeSeconds: number | null;
  restartCount: number;
  /** The daemon's State.OOMKilled: its last exit was an OOM kill. */
  oomKilled: boolean;
  /** OOM kills in the daemon's event log over the last oomLookbackHours. */
  oomKills: number;
  memory: { usedMb: number | null; limitMb: number | null; percent: number | null };
  /** The image id it runs. */
  image: string | null;
  /** How it differs from its declared inputs (image, limits, hardening); empty when as declared. */
  drift: string[];
}

export interface ServiceStatus {
  service: string;
  tier: Tier;
  declaredReplicas: number;
  running: number;
  /** up: every replica runs and none is unhealthy; down: none runs; degraded: in between. */
  state: "up" | "degraded" | "down";
}

export interface DriftItem {
  kind: "container" | "network" | "volume";
  name: string;
  detail: string;
}

export interface BackupVolumeStatus {
  volume: string;
  service: string | null;
  /** archive: mounted into the backup container; pg_dump: dumped by a sidecar whose dumps are archived. */
  coverage: "archive" | "pg_dump" | "none";
  via: string | null;
  /** Age of the newest archive on the host, which holds every covered volume (null when none is readable). */
  newestArchiveAgeHours: number | null;
}

export interface BackupStatus {
  enabled: boolean;
  schedule: string | null;
  state: "ok" | "late" | "none-yet" | "unreadable" | "off";
  newestArchive: { name: string; at: string; ageHours: number; bytes: number } | null;
  /** The scheduled run whose archive should exist by now (schedule's last firing at least GRACE before now). */
  expectedSince: string | null;
  archives: number;
  volumes: BackupVolumeStatus[];
}

export interface HostStatus {
  host: string;
  dockerHost: string;
  verdict: Verdict;
  reachable: boolean;
  error: string | null;
  serverVersion: string | null;
  containers: ContainerStatus[];
  services: ServiceStatus[];
  memory: {
    budgetMb: number;
    reserveMb: number;
    /** What the stack's running containers use now (page cache excluded), summed. */
    usedMb: number;
    usedPercentOfBudget: number;
    /** The memory limits of the stack's running containers on the daemon, summed. */
    limitsMb: number;
    /** The limits the program declares for this host (npm run budget's figure). */
    declaredMb: number;
    /** budget - reserve - live limits (lib/budget.ts); negative when the running limits do not fit. */
    headroomMb: number;
    /** The daemon's (Colima VM's) total memory. */
    daemonTotalMb: number;
  } | null;
  disk: {
    diskGb: number;
    imagesBytes: number;
    containersBytes: number;
    volumesBytes: number;
    buildCacheBytes: number;
    totalBytes: number;
    /** Docker's data as a share of hosts.<h>.diskGb. */
    percentOfDisk: number;
  } | null;
  drift: { undeclared: DriftItem[]; missing: DriftItem[]; differs: DriftItem[] };
  backups: BackupStatus;
  problems: Problem[];
}

export interface StatusDocument {
  schemaVersion: 1;
  stack: string;
  generatedAt: string;
  verdict: Verdict;
  exitCode: 0 | 1 | 2;
  thresholds: { containerMemoryPercent: number; hostMemoryPercent: number; diskPercent: number; oomLookbackHours: number; backupGraceHours: number };
  hosts: HostStatus[];
}

const MiB = 1024 * 1024;
/** A scheduled backup run has this long to write its archive before it counts as late. */
export const BACKUP_GRACE_MS = 3_600_000;
/** A restart this recent (with a restart count above 0) means the container is restarting on its own. */
export const RECENT_RESTART_MS = 15 * 60_000;

const round1 = (n: number) => Math.round(n * 10) / 10;
const key = (c: { service: string; replica: number }) => `${c.service}/${c.replica}`;
const problem = (kind: ProblemKind, subject: string, message: string, section: RunbookSection): Problem => ({ kind, subject, message, runbook: RUNBOOK[section] });

export const EXIT_CODE: Record<Verdict, 0 | 1 | 2> = { ok: 0, degraded: 1, down: 2 };
const RANK: Record<Verdict, number> = { ok: 0, degraded: 1, down: 2 };
export const worst = (vs: Verdict[]): Verdict => vs.reduce<Verdict>((a, b) => (RANK[b] > RANK[a] ? b : a), "ok");

function stateOf(c: ObservedContainer): ContainerState {
  const s = c.view.State.Status;
  const known: ContainerState[] = ["running", "restarting", "paused", "exited", "created", "dead", "removing"];
  return (known as string[]).includes(s) ? (s as ContainerState) : "dead";
}

function healthOf(c: ObservedContainer): ContainerStatus["health"] {
  const h = c.view.State.Health?.Status;
  return h === "healthy" || h === "unhealthy" || h === "starting" ? h : "none";
}

/** Of several containers carrying one replica's labels, the one that is it: the declared name, else running, else newest. */
function primaryOf(d: DeclaredContainer, candidates: ObservedContainer[]): ObservedContainer {
  const named = d.name ? candidates.find((c) => c.name === d.name) : undefined;
  if (named) return named;
  return [...candidates].sort((a, b) => Number(b.view.State.Running) - Number(a.view.State.Running) || b.created.localeCompare(a.created))[0];
}

/** How a running container differs from its declaration: tools/engine/envelope.ts (health is judged apart), and the image. */
export function containerDrift(d: DeclaredContainer, c: ObservedContainer, imageIds: Record<string, string | null>): string[] {
  // Health status is judged on its own (unhealthy, starting); that a declared healthcheck runs at all is drift.
  const drift = envelopeProblems(d.inputs, c.view as unknown as Inspect).filter((p) => !p.startsWith("health:"));
  if (d.hasHealthcheck && !c.view.State.Health) drift.push("healthcheck: declared, the daemon runs none");
  if (d.imageRef) {
    const want = imageIds[d.imageRef];
    if (want === null || want === undefined) drift.push(`image: declared ${d.imageRef}, which this host does not have (it runs ${c.view.Image.slice(0, 19)})`);
    else if (want !== c.view.Image) drift.push(`image: declared ${d.imageRef} (${want.slice(0, 19)} on this host), runs ${c.view.Image.slice(0, 19)}`);
  }
  return drift;
}

/** Memory of a set of containers through lib/budget.ts, the one place that adds memory up. */
function allocationOf(c: ObservedContainer, memoryMb: number): Allocation | undefined {
  const hc = c.view.HostConfig;
  return containerAllocation({
    name: c.name,
    labels: parseContainerLabels(toLabelList(c.labels)),
    memory: memoryMb,
    cpus: hc.NanoCpus ? hc.NanoCpus / 1e9 : 0,
    logDriver: hc.LogConfig.Type,
    logOpts: hc.LogConfig.Config,
  });
}

function judgeBackups(host: DeclaredHost, obs: Extract<Observation, { reachable: true }>, mine: ObservedContainer[], nowMs: number, problems: Problem[]): BackupStatus {
  const b = host.backup;
  if (!b) return { enabled: false, schedule: null, state: "off", newestArchive: null, expectedSince: null, archives: 0, volumes: [] };
  let schedule: Schedule;
  try {
    schedule = parseSchedule(b.schedule);
  } catch (e) {
    // The config contract refuses an expression parseSchedule cannot read, so only a stack file edited past the
    // contract reaches here. Lateness cannot be judged then.
    problems.push(problem("backup-unreadable", `host ${host.name}`, `backup.schedule ${JSON.stringify(b.schedule)} cannot be read: ${(e as Error).message}`, "backuptooold"));
    return { enabled: true, schedule: b.schedule, state: "unreadable", newestArchive: null, expectedSince: null, archives: 0, volumes: [] };
  }
  const dueMs = previousFiring(schedule, nowMs - BACKUP_GRACE_MS);
  const backupContainer = mine.find((c) => c.labels[LABEL.service] === BACKUP_SERVICE && c.labels[LABEL.tier] === "platform");
  const listing = obs.archives ?? { error: "not read" };
  const files = "files" in listing ? listing.files : [];
  const newest = files[0];
  const ageHours = newest ? round1((nowMs - newest.mtimeMs) / 3_600_000) : null;
  let state: BackupStatus["state"];
  if ("error" in listing) {
    state = "unreadable";
    // A missing or stopped backup container is its own problem already (ServiceDown), which says why.
    if (backupContainer?.view.State.Running) problems.push(problem("backup-unreadable", `host ${host.name}`, `cannot read the backup archives: ${listing.error}`, "backuptooold"));
  } else if (newest) {
    const late = schedule.kind === "every" ? nowMs - newest.mtimeMs > schedule.everyMs + BACKUP_GRACE_MS : dueMs !== undefined && newest.mtimeMs < dueMs;
    state = late ? "late" : "ok";
    if (late) {
      const expected = schedule.kind === "every" ? `every ${Math.round(schedule.everyMs / 60_000)} min` : `the run of ${new Date(dueMs!).toISOString()}`;
      problems.push(problem("backup-late", `host ${host.name}`, `newest archive ${newest.name} is ${ageHours} h old: schedule "${b.schedule}" expected ${expected} to have written a newer one`, "backuptooold"));
    }
  } else {
    // No archive yet is fine only while the backup container has not lived through a scheduled run.
    const createdMs = backupContainer ? Date.parse(backupContainer.created) : NaN;
    const reference = dueMs ?? (schedule.kind === "every" ? nowMs - schedule.everyMs - BACKUP_GRACE_MS : undefined);
    const expected = reference !== undefined && Number.isFinite(createdMs) && createdMs < reference;
    state = expected ? "late" : "none-yet";
    if (expected) problems.push(problem("backup-late", `host ${host.name}`, `no archive in ${b.archiveDir}, although schedule "${b.schedule}" ran at ${new Date(reference!).toISOString()} since the backup container was created`, "backuptooold"));
  }

  const dumpers = mine.filter((c) => c.labels[LABEL.backupDumpOf]);
  const volumes = host.volumes.filter((v) => v.backup).map((v): BackupVolumeStatus => {
    const mounted = backupContainer?.mounts.find((m) => m.name === v.name && m.destination === `${b.sourceRoot}/${v.name}`);
    const dumper = dumpers.find((c) => c.labels[LABEL.backupDumpOf].split(",").map((s) => s.trim()).includes(v.name));
    const coverage = mounted ? "archive" : dumper ? "pg_dump" : "none";
    if (coverage === "none" && backupContainer) {
      problems.push(problem("backup-not-covered", `volume ${v.name}`, `labelled for backup, but neither mounted at ${b.sourceRoot}/${v.name} in ${backupContainer.name} nor dumped by a pg_dump sidecar`, "drift"));
    }
    return {
      volume: v.name,
      service: v.service ?? null,
      coverage,
      via: mounted ? backupContainer!.name : dumper ? dumper.name : null,
      newestArchiveAgeHours: coverage === "none" ? null : ageHours,
    };
  });
  return {
    enabled: true,
    schedule: b.schedule,
    state,
    newestArchive: newest ? { name: newest.name, at: new Date(newest.mtimeMs).toISOString(), ageHours: ageHours!, bytes: newest.bytes } : null,
    expectedSince: dueMs !== undefined ? new Date(dueMs).toISOString() : null,
    archives: files.length,
    volumes,
  };
}

function emptyHost(host: DeclaredHost, error: string): HostStatus {
  return {
    host: host.name, dockerHost: host.dockerHost, verdict: "down", reachable: false, error, serverVersion: null,
    containers: [], services: [], memory: null, disk: null, drift: { undeclared: [], missing: [], differs: [] },
    backups: { enabled: !!host.backup, schedule: host.backup?.schedule ?? null, state: host.backup ? "unreadable" : "off", newestArchive: null, expectedSince: null, archives: 0, volumes: [] },
    problems: [problem("host-unreachable", `host ${host.name}`, `the Docker daemon at ${host.dockerHost} does not answer: ${error}`, "hostdown")],
  };
}

export function judgeHost(stack: DeclaredStack, host: DeclaredHost, obs: Observation, nowMs: number): HostStatus {
  if (!obs.reachable) return emptyHost(host, obs.error);
  const t = stack.thresholds;
  const problems: Problem[] = [];
  const drift: HostStatus["drift"] = { undeclared: [], missing: [], differs: [] };
  // This stack's containers on this host: by labels, never by name (start-first names are the engine's).
  const mine = obs.containers.filter((c) => c.labels[LABEL.stack] === stack.stack && (c.labels[LABEL.host] ?? host.name) === host.name);
  const byReplica = new Map<string, ObservedContainer[]>();
  for (const c of mine) {
    const k = replicaKey(host.name, c.labels[LABEL.service] ?? "?", c.labels[LABEL.replica] ?? "?");
    byReplica.set(k, [...(byReplica.get(k) ?? []), c]);
  }
  const matched = new Set<string>();
  const containers: ContainerStatus[] = [];
  for (const d of host.containers) {
    const candidates = byReplica.get(replicaKey(host.name, d.service, d.replica)) ?? [];
    const subject = key(d);
    if (candidates.length === 0) {
      containers.push({
        service: d.service, replica: d.replica, tier: d.tier, name: d.name ?? null, id: null, state: "missing", health: "none",
        startedAt: null, uptimeSeconds: null, restartCount: 0, oomKilled: false, oomKills: 0,
        memory: { usedMb: null, limitMb: d.memoryMb ?? null, percent: null }, image: null, drift: [],
      });
      drift.missing.push({ kind: "container", name: d.name ?? `${d.service} replica ${d.replica}`, detail: "declared, not on the daemon" });
      problems.push(problem("container-missing", subject, `declared, but no container with its labels is on the daemon`, "servicedown"));
      continue;
    }
    const c = primaryOf(d, candidates);
    matched.add(c.id);
    const state = stateOf(c);
    const health = healthOf(c);
    const running = state === "running";
    const startedMs = c.startedAt ? Date.parse(c.startedAt) : NaN;
    const limitMb = c.view.HostConfig.Memory > 0 ? c.view.HostConfig.Memory / MiB : null;
    const usedMb = c.memoryUsedBytes !== undefined ? round1(c.memoryUsedBytes / MiB) : null;
    const percent = usedMb !== null && limitMb ? round1((usedMb / limitMb) * 100) : null;
    const containerDriftList = containerDrift(d, c, obs.imageIds);
    containers.push({
      service: d.service, replica: d.replica, tier: d.tier, name: c.name, id: c.id, state, health,
      startedAt: running && Number.isFinite(startedMs) ? c.startedAt! : null,
      uptimeSeconds: running && Number.isFinite(startedMs) ? Math.max(0, Math.round((nowMs - startedMs) / 1000)) : null,
      restartCount: c.view.RestartCount, oomKilled: c.view.State.OOMKilled === true, oomKills: c.oomEvents,
      memory: { usedMb, limitMb, percent }, image: c.view.Image || null, drift: containerDriftList,
    });
    const named = `${subject} (${c.name})`;
    if (state === "restarting") {
      problems.push(problem("container-restarting", named, `restarting: ${c.view.RestartCount} restart(s), last exit code ${c.view.State.ExitCode ?? "?"}`, "containerrestarting"));
    } else if (!running) {
      problems.push(problem("container-stopped", named, `${state}${c.view.State.ExitCode !== undefined ? `, exit code ${c.view.State.ExitCode}` : ""}: it does not run`, "servicedown"));
    } else if (c.view.RestartCount > 0 && Number.isFinite(startedMs) && nowMs - startedMs < RECENT_RESTART_MS) {
      problems.push(problem("container-restarting", named, `restarted ${Math.round((nowMs - startedMs) / 1000)} s ago (${c.view.RestartCount} restart(s) in all)`, "containerrestarting"));
    }
    if (c.view.State.OOMKilled || c.oomEvents > 0) {
      const how = [c.oomEvents > 0 ? `${c.oomEvents} OOM kill(s) in the last ${OOM_LOOKBACK_MS / 3_600_000} h` : "", c.view.State.OOMKilled ? "its last exit was an OOM kill" : ""].filter(Boolean).join("; ");
      problems.push(problem("container-oom-killed", named, `${how} (limit ${limitMb ?? "none"} MB)`, "containerrestarting"));
    }
    if (running && health === "unhealthy") {
      const last = c.view.State.Health?.Log?.slice(-1)[0];
      problems.push(problem("container-unhealthy", named, `unhealthy (${c.view.State.Health?.FailingStreak ?? "?"} failing probe(s) in a row)${last ? `: last probe exit ${last.ExitCode}${last.Output.trim() ? `, ${last.Output.trim().slice(0, 200)}` : ""}` : ""}`, "containerunhealthy"));
    }
    if (percent !== null && percent >= t.containerMemoryPercent) {
      problems.push(problem("container-memory-near-limit", named, `uses ${usedMb} of ${limitMb} MB (${percent} %, threshold ${t.containerMemoryPercent} %)`, "containermemorynearlimit"));
    }
    if (containerDriftList.length > 0) {
      drift.differs.push({ kind: "container", name: c.name, detail: containerDriftList.join("; ") });
      problems.push(problem("drift-differs", named, `not as declared: ${containerDriftList.join("; ")}`, "drift"));
    }
  }
  for (const c of mine.filter((x) => !matched.has(x.id))) {
    const svc = c.labels[LABEL.service] ?? "?";
    const rep = c.labels[LABEL.replica] ?? "?";
    const declaredReplica = host.containers.some((d) => d.service === svc && String(d.replica) === rep);
    const detail = declaredReplica ? `a second container labelled ${svc} replica ${rep}` : `labelled ${svc} replica ${rep}, which the stack does not declare`;
    drift.undeclared.push({ kind: "container", name: c.name, detail: `${detail} (${c.view.State.Status})` });
    problems.push(problem("drift-undeclared", `container ${c.name}`, `${detail}: started by hand, or left over from an earlier deployment`, "drift"));
  }

  // Networks and volumes: by name, as the program creates them.
  const mineLabelled = <T extends { labels: Record<string, string> }>(xs: T[]) => xs.filter((x) => x.labels[LABEL.stack] === stack.stack && (x.labels[LABEL.host] ?? host.name) === host.name);
  const nets = new Map(obs.networks.map((n) => [n.name, n]));
  for (const n of host.networks) {
    const o = nets.get(n.name);
    if (!o) {
      drift.missing.push({ kind: "network", name: n.name, detail: "declared, not on the daemon (or without minidock labels)" });
      problems.push(problem("drift-missing", `network ${n.name}`, "declared, but not on the daemon", "drift"));
    } else {
      const diffs = [
        ...(o.internal !== n.internal ? [`internal: declared ${n.internal}, daemon has ${o.internal}`] : []),
        ...(o.driver !== n.driver ? [`driver: declared ${n.driver}, daemon has ${o.driver}`] : []),
      ];
      if (diffs.length) {
        drift.differs.push({ kind: "network", name: n.name, detail: diffs.join("; ") });
        problems.push(problem("drift-differs", `network ${n.name}`, `not as declared: ${diffs.join("; ")}`, "drift"));
      }
    }
  }
  for (const o of mineLabelled(obs.networks).filter((x) => !host.networks.some((n) => n.name === x.name))) {
    drift.undeclared.push({ kind: "network", name: o.name, detail: "labelled for this stack and host, not declared" });
    problems.push(problem("drift-undeclared", `network ${o.name}`, "labelled for this stack and host, but the stack does not declare it", "drift"));
  }
  const vols = new Set(obs.volumes.map((v) => v.name));
  for (const v of host.volumes.filter((x) => !vols.has(x.name))) {
    drift.missing.push({ kind: "volume", name: v.name, detail: "declared, not on the daemon (or without minidock labels)" });
    problems.push(problem("drift-missing", `volume ${v.name}`, "declared, but not on the daemon: its data is not where the stack expects it", "drift"));
  }
  for (const o of mineLabelled(obs.volumes).filter((x) => !host.volumes.some((v) => v.name === x.name))) {
    drift.undeclared.push({ kind: "volume", name: o.name, detail: "labelled for this stack and host, not declared" });
    problems.push(problem("drift-undeclared", `volume ${o.name}`, "labelled for this stack and host, but the stack does not declare it (kept after its service was removed?)", "drift"));
  }

  // Memory: what the running containers use and are limited to, against the host budget (lib/budget.ts).
  const runningMine = mine.filter((c) => c.view.State.Running);
  const sumOf = (allocs: (Allocation | undefined)[]) => evaluateHost(host.budget, allocs.filter((a): a is Allocation => !!a && a.host === host.name));
  const live = sumOf(runningMine.map((c) => allocationOf(c, c.view.HostConfig.Memory / MiB)));
  const used = sumOf(runningMine.map((c) => allocationOf(c, (c.memoryUsedBytes ?? 0) / MiB)));
  const declared = sumOf(host.containers.map((d) => containerAllocation({
    name: d.name ?? d.resource, labels: parseContainerLabels(d.inputs.labels), memory: d.inputs.memory, cpus: d.inputs.cpus, logDriver: d.inputs.logDriver, logOpts: d.inputs.logOpts,
  })));
  const usedMb = round1(used.declaredMb);
  const usedPercent = round1((usedMb / host.budget.memoryMb) * 100);
  const memory = {
    budgetMb: host.budget.memoryMb, reserveMb: host.budget.reserveMb, usedMb, usedPercentOfBudget: usedPercent,
    limitsMb: round1(live.declaredMb), declaredMb: declared.declaredMb, headroomMb: round1(live.headroomMb),
    daemonTotalMb: Math.round(obs.memTotalBytes / MiB),
  };
  if (usedPercent >= t.hostMemoryPercent) {
    problems.push(problem("host-memory-high", `host ${host.name}`, `containers use ${usedMb} MB, ${usedPercent} % of the ${host.budget.memoryMb} MB budget (threshold ${t.hostMemoryPercent} %)`, "hostmemoryhigh"));
  }
  if (live.headroomMb < 0) {
    problems.push(problem("host-over-budget", `host ${host.name}`, `running limits ${memory.limitsMb} MB + reserve ${host.budget.reserveMb} exceed the ${host.budget.memoryMb} MB budget`, "hostmemoryhigh"));
  }

  let disk: HostStatus["disk"] = null;
  if (obs.disk) {
    const totalBytes = obs.disk.imagesBytes + obs.disk.containersBytes + obs.disk.volumesBytes + obs.disk.buildCacheBytes;
    disk = { diskGb: host.budget.diskGb, ...obs.disk, totalBytes, percentOfDisk: round1((totalBytes / (host.budget.diskGb * 1e9)) * 100) };
    if (disk.percentOfDisk >= t.diskPercent) {
      problems.push(problem("disk-high", `host ${host.name}`, `Docker's images, containers and volumes take ${disk.percentOfDisk} % of diskGb ${host.budget.diskGb} (threshold ${t.diskPercent} %)`, "diskusagehigh"));
    }
  }

  const backups = judgeBackups(host, obs, mine, nowMs, problems);

  const services: ServiceStatus[] = [];
  for (const d of host.containers) {
    let s = services.find((x) => x.service === d.service);
    if (!s) services.push((s = { service: d.service, tier: d.tier, declaredReplicas: 0, running: 0, state: "up" }));
    s.declaredReplicas += 1;
  }
  for (const s of services) {
    const reps = containers.filter((c) => c.service === s.service);
    s.running = reps.filter((c) => c.state === "running").length;
    const healthy = reps.filter((c) => c.state === "running" && c.health !== "unhealthy").length;
    s.state = healthy === 0 ? "down" : healthy < s.declaredReplicas ? "degraded" : "up";
  }

  const anyRunning = containers.some((c) => c.state === "running");
  if (host.containers.length > 0 && !anyRunning) {
    problems.unshift(problem("host-nothing-running", `host ${host.name}`, `none of the ${host.containers.length} declared containers runs`, "hostdown"));
  }
  const verdict: Verdict = host.containers.length > 0 && !anyRunning ? "down" : problems.length > 0 ? "degraded" : "ok";
  return {
    host: host.name, dockerHost: host.dockerHost, verdict, reachable: true, error: null, serverVersion: obs.serverVersion,
    containers, services, memory, disk, drift, backups, problems,
  };
}

export function statusDocument(stack: DeclaredStack, hosts: HostStatus[], nowMs: number): StatusDocument {
  const verdict = worst(hosts.map((h) => h.verdict));
  const t = stack.thresholds;
  return {
    schemaVersion: 1,
    stack: stack.stack,
    generatedAt: new Date(nowMs).toISOString(),
    verdict,
    exitCode: EXIT_CODE[verdict],
    thresholds: {
      containerMemoryPercent: t.containerMemoryPercent, hostMemoryPercent: t.hostMemoryPercent, diskPercent: t.diskPercent,
      oomLookbackHours: OOM_LOOKBACK_MS / 3_600_000, backupGraceHours: BACKUP_GRACE_MS / 3_600_000,
    },
    hosts,
  };
}
