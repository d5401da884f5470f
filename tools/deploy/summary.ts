import type { OpMap } from "@pulumi/pulumi/automation";
import { HostBudget, logDiskArithmetic, memoryArithmetic } from "../../lib/budget";
import { budgetReports, hostFits } from "../budgetReport";
import { RecordedResource } from "../offline/evaluate";
import { EngineViolation, isMandatory } from "../engine/preview";
import { Outcome, PhaseRecord } from "./plan";
import { DeployedContainer } from "./verify";

/**
 * What `npm run deploy` and `npm run rollback` report at the end: as text, and as the --json document (the same
 * object). Pure, so its rendering is tested on given reports.
 */
export interface FailedContainer {
  name: string;
  service?: string;
  host?: string;
  reason: string;
  /** "As declared" differences, one per line. */
  problems: string[];
  /** The last health probes' outputs (State.Health.Log), oldest first. */
  health: string[];
  /** The container's last log lines. */
  logs: string[];
}

export interface BudgetLine {
  host: string;
  fits: boolean;
  memoryFits: boolean;
  logFits: boolean;
  declaredMb: number;
  reserveMb: number;
  memoryMb: number;
  headroomMb: number;
  /** lib/budget.ts's own sentences: the memory arithmetic and the log disk's. */
  memory: string;
  logs: string;
}

export interface RunReport {
  /** The plan's phases as they ran, with their durations. */
  phases: PhaseRecord[];
  /** The update's resource changes (summary.resourceChanges; a rolling update's summed). */
  changes?: OpMap;
  /** The rolling update's lines: each replica rolled, or where the rollout stopped. */
  rollout?: string[];
  /** The update's version in the stack's history. */
  version?: number;
  violations: EngineViolation[];
  /** Containers verified, and those that failed. */
  containers?: number;
  failed: FailedContainer[];
  error?: string;
}

export interface RollbackInfo {
  /** The version whose config was restored. */
  target: number;
  targetVerified: boolean;
  /** Config keys whose value the rollback changed back. */
  changedKeys: string[];
  restoredSecrets: string[];
  keptSecrets: string[];
  missingSecrets: string[];
  run: RunReport;
}

export interface DeployReport {
  command: "deploy" | "rollback";
  stack: string;
  outcome: Outcome;
  exitCode: number;
  /** deploy's own run (for `rollback`, the rollback's). */
  run: RunReport;
  rollback?: RollbackInfo;
  /** Per host, after the last update that ran. */
  budget: BudgetLine[];
  notes: string[];
  totalMs: number;
}

/**
 * Each host's budget for what the state holds now: lib/budget.ts evaluateBudget through tools/budgetReport.ts, on
 * the containers' recorded inputs (labels, memory, cpus, log options), as `npm run budget` does on evaluated ones.
 */
export function budgetLines(hosts: HostBudget[], containers: DeployedContainer[], logDiskPercent: number): BudgetLine[] {
  const resources = containers.map((c): RecordedResource => ({
    type: "docker:index/container:Container", name: c.name, urn: c.urn, custom: true, inputs: c.inputs, secretInputs: [],
    options: { dependencies: [], deleteBeforeReplace: true },
  }));
  return budgetReports(hosts, resources, { logDiskPercent }).map((r) => ({
    host: r.host,
    fits: hostFits(r),
    memoryFits: r.fits,
    logFits: r.logFits,
    declaredMb: r.declaredMb,
    reserveMb: r.reserveMb,
    memoryMb: r.memoryMb,
    headroomMb: r.headroomMb,
    memory: memoryArithmetic(r),
    logs: logDiskArithmetic(r),
  }));
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The part of a failed CLI run worth reading: its "Diagnostics:" section (per resource, what went wrong), without
 * the outputs and resource counts after it and without the toolchain's "using ... from $PATH" warnings; else its
 * last lines. The whole output is what --verbose streams.
 */
export function conciseEngineError(text: string, maxLines = 40): string {
  const at = text.indexOf("Diagnostics:");
  let lines: string[];
  if (at >= 0) {
    const section = text.slice(at);
    const end = ["\nOutputs:", "\nResources:", "\nDuration:"].map((m) => section.indexOf(m)).filter((i) => i > 0).sort((a, b) => a - b)[0];
    lines = section.slice(0, end).split("\n");
  } else {
    lines = text.split("\n");
  }
  lines = lines.filter((l) => !/warning: using pulumi-[a-z-]+ from \$PATH/.test(l)).map((l) => l.trimEnd());
  // A resource whose only diagnostics were those warnings leaves its header alone: drop it.
  lines = lines.filter((l, i) => !(/^ {2}\S.*:$/.test(l) && (i + 1 >= lines.length || !/^ {4}/.test(lines[i + 1]))));
  const kept = lines.join("\n").replace(/\n{3,}/g, "\n\n").trim().split("\n");
  return (kept.length > maxLines ? ["...", ...kept.slice(-maxLines)] : kept).join("\n");
}

export function describeChanges(changes: OpMap | undefined): string {
  const entries = Object.entries(changes ?? {}).filter(([, n]) => (n ?? 0) > 0);
  const changed = entries.filter(([op]) => op !== "same");
  if (entries.length === 0) return "no resources";
  const same = changes?.same ?? 0;
  const text = changed.map(([op, n]) => `${n} ${op}`).join(", ");
  return changed.length === 0 ? `no changes (${same} unchanged)` : `${text}${same ? `, ${same} unchanged` : ""}`;
}

function violationLine(v: EngineViolation): string {
  const name = v.resource ? v.resource.split("::").pop() : "(stack)";
  return `[${v.enforcementLevel}] ${v.policy} (${name}): ${v.message.split("\n").filter(Boolean).pop() ?? ""}`;
}

function failedLines(f: FailedContainer): string[] {
  const where = [f.service && `service ${f.service}`, f.host && `host ${f.host}`].filter(Boolean).join(", ");
  return [
    `  ${f.name}${where ? ` (${where})` : ""}: ${f.reason}`,
    ...f.problems.map((p) => `    ${p}`),
    ...(f.health.length ? ["    health output, last probes:", ...f.health.map((h) => `      ${h}`)] : []),
    ...(f.logs.length ? [`    last ${f.logs.length} log line(s):`, ...f.logs.map((l) => `      ${l}`)] : []),
  ];
}

function runLines(title: string, r: RunReport): string[] {
  const lines = [`${title}: ${r.phases.map((p) => `${p.phase} ${seconds(p.ms)}${p.ok ? "" : " FAILED"}`).join(", ") || "nothing ran"}`];
  // A failed update reports no counts (the CLI exits non-zero): its failed resources say what happened.
  if (r.changes && Object.keys(r.changes).length) lines.push(`  changes: ${describeChanges(r.changes)}${r.version !== undefined ? ` (version ${r.version})` : ""}`);
  if (r.rollout?.length) lines.push("  rollout:", ...r.rollout.map((l) => `    ${l}`));
  const mandatory = r.violations.filter(isMandatory);
  if (mandatory.length) lines.push(`  ${mandatory.length} mandatory policy violation(s):`, ...mandatory.map((v) => `    ${violationLine(v)}`));
  if (r.containers !== undefined) lines.push(`  containers: ${r.containers - r.failed.length} of ${r.containers} running, healthy and as declared`);
  if (r.failed.length) lines.push("  failed:", ...r.failed.flatMap(failedLines));
  if (r.error && !mandatory.length) lines.push(...r.error.split("\n").map((l) => `  ${l}`));
  return lines;
}

const HEADLINE: Record<Outcome, (r: DeployReport) => string> = {
  deployed: (r) => r.command === "rollback"
    ? `rolled back to version ${r.rollback?.target} and verified`
    : "deployed and verified",
  refused: () => "REFUSED at preview: nothing was changed",
  failed: (r) => r.command === "rollback"
    ? `FAILED: the rollback${r.rollback ? ` to version ${r.rollback.target}` : ""} did not complete`
    : "FAILED: not rolled back",
  "rolled-back": (r) => `FAILED, rolled back to version ${r.rollback?.target}, which is verified again`,
  "rollback-failed": (r) => `FAILED, and the rollback to version ${r.rollback?.target} failed too: the stack needs a look`,
  unrecorded: () => "deployed and verified, but the verified record could not be written (the next rollback will not know this version)",
};

export function renderSummary(r: DeployReport): string[] {
  const lines = [`${r.command} ${r.stack}: ${HEADLINE[r.outcome](r)} (${seconds(r.totalMs)})`];
  lines.push(...runLines(r.command === "rollback" ? "rollback" : "deploy", r.run));
  if (r.rollback && r.command === "deploy") {
    const b = r.rollback;
    lines.push(...runLines(`rollback to version ${b.target}`, b.run));
  }
  if (r.rollback) {
    const b = r.rollback;
    if (b.changedKeys.length) lines.push(`  config restored: ${b.changedKeys.join(", ")}`);
    if (b.restoredSecrets.length) lines.push(`  secrets restored from the history: ${b.restoredSecrets.join(", ")}`);
    if (b.keptSecrets.length) lines.push(`  secrets NOT restored (the history gave no value), kept as they are now: ${b.keptSecrets.join(", ")}`);
    if (b.missingSecrets.length) lines.push(`  secrets with no value anywhere: ${b.missingSecrets.join(", ")}`);
  }
  for (const b of r.budget) {
    lines.push(`budget ${b.host}: ${b.fits ? "inside" : "OUTSIDE"} (${b.memory}; ${b.logs})`);
  }
  lines.push(...r.notes.map((n) => `note: ${n}`));
  return lines;
}
