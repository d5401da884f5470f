import {
  Allocation, BudgetOptions, HostBudget, HostReport, ServiceLine, biggestLogs, describeLogDisk, describeMemory, describeSurge, evaluateBudget, formatBytes,
  logDiskArithmetic, memoryArithmetic, round2,
} from "../lib/budget";
import { TYPE } from "../lib/dockerTypes";
import { containerAllocation, parseContainerLabels } from "../lib/labels";
import { RecordedResource } from "./offline/evaluate";

/**
 * `npm run budget` rendering. The numbers come from lib/budget.ts only (the same functions the program's
 * outputs and the budget policy use); this file reads the evaluated containers' allocations and prints them.
 */

/**
 * One allocation per container the program declared, read back from its labels, memory and log inputs by
 * lib/labels.ts containerAllocation (as the pack reads them), so platform services the program adds (monitoring,
 * backups, tailnet) count exactly like the user's services.
 */
export function allocationsFromResources(resources: RecordedResource[]): Allocation[] {
  return resources
    .filter((r) => r.type === TYPE.container)
    .flatMap((r) => {
      const a = containerAllocation({
        name: r.name, labels: parseContainerLabels(r.inputs.labels), memory: r.inputs.memory, cpus: r.inputs.cpus, logDriver: r.inputs.logDriver, logOpts: r.inputs.logOpts,
      });
      return a ? [a] : [];
    });
}

export function budgetReports(hosts: HostBudget[], resources: RecordedResource[], opts: BudgetOptions = {}): HostReport[] {
  return evaluateBudget(hosts, allocationsFromResources(resources), opts);
}

/** Fits both budgets: memory and log disk. */
export const hostFits = (r: HostReport) => r.fits && r.logFits;

const sumMb = (lines: ServiceLine[]) => lines.reduce((a, l) => a + l.memoryMb, 0);

function tierRows(title: string, lines: ServiceLine[]): string[] {
  const rows = lines.map((l) => `| ${l.service} | ${l.tier} | ${l.replicas} | ${l.rollout} | ${l.memoryEachMb} | ${l.memoryMb} | ${round2(l.cpus)} |`);
  if (lines.length === 0) rows.push(`| _none_ | ${title} | 0 | | | 0 | |`);
  rows.push(`| **${title} total** | | ${lines.reduce((a, l) => a + l.replicas, 0)} | | | **${sumMb(lines)}** | |`);
  return rows;
}

/** The heading's verdict: against the rollout peak, with the host at rest beside it when a surge makes them differ. */
function memoryStatus(r: HostReport): string {
  if (r.fits) return r.surge ? `fits during a rollout, ${r.rolloutHeadroomMb} MB headroom (${r.headroomMb} MB at rest)` : `fits, ${r.headroomMb} MB headroom`;
  if (r.fitsAtRest) return `OVER BUDGET by ${-r.rolloutHeadroomMb} MB during a rollout (fits at rest, ${r.headroomMb} MB headroom)`;
  return `OVER BUDGET by ${-r.rolloutHeadroomMb} MB${r.surge ? ` during a rollout, ${-r.headroomMb} MB at rest` : ""}`;
}

/** Per host, disk: each service's log rotation and what it may keep, biggest first, against the allowance. */
export function logTable(r: HostReport): string {
  const lines = [...biggestLogs(r.services), ...r.services.filter((s) => s.logBytes === 0)];
  const status = r.logFits ? `fits, ${formatBytes(r.logAllowanceBytes - r.logBytes)} headroom` : `OVER ALLOWANCE by ${formatBytes(r.logBytes - r.logAllowanceBytes)}`;
  return [
    `#### host ${r.host} log disk: ${status}`,
    "",
    "| service | replicas | rotation (max-size x max-file) | each | total |",
    "|---|---:|---|---:|---:|",
    ...lines.map((l) => `| ${l.service} | ${l.replicas} | ${l.logRotation} | ${formatBytes(l.logEachBytes)} | ${formatBytes(l.logBytes)} |`),
    `| **all containers** | ${r.services.reduce((a, l) => a + l.replicas, 0)} | | | **${formatBytes(r.logBytes)}** |`,
    `| allowance | | ${r.logDiskPercent} % of diskGb ${r.diskGb} | | ${formatBytes(r.logAllowanceBytes)} |`,
    "",
    describeLogDisk(r),
  ].join("\n");
}

/**
 * Per host: platform services, then workload, each with a subtotal and how it rolls; then reserve, the host at
 * rest, the rollout surge (one extra replica of the largest start-first service, while `npm run deploy` rolls
 * it), the rollout peak, the budget and the headroom left at that peak.
 */
export function hostTable(r: HostReport): string {
  // Biggest first, like the budget policy's message: the top row is what to cut.
  const bySize = [...r.services].sort((a, b) => b.memoryMb - a.memoryMb || a.service.localeCompare(b.service));
  const platform = bySize.filter((s) => s.tier === "platform");
  const workload = bySize.filter((s) => s.tier === "workload");
  const surge = r.surge ? `rollout surge: ${describeSurge(r.surge)}` : "rollout surge: none (no start-first service)";
  return [
    `### host ${r.host}: ${memoryStatus(r)}`,
    "",
    "| service | tier | replicas | rollout | memory each (MB) | total (MB) | cpus |",
    "|---|---|---:|---|---:|---:|---:|",
    ...tierRows("platform", platform),
    ...tierRows("workload", workload),
    `| declared | | | | | ${r.declaredMb} | ${r.cpusDeclared} |`,
    `| reserve | | | | | ${r.reserveMb} | |`,
    `| at rest | | | | | ${r.atRestMb} | |`,
    `| ${surge} | | | | | ${r.surgeMb} | |`,
    `| during a rollout | | | | | ${r.rolloutPeakMb} | |`,
    `| budget | | | | | ${r.memoryMb} | ${r.cpus} |`,
    `| **headroom** | | | | | **${r.rolloutHeadroomMb}** | ${round2(r.cpus - r.cpusDeclared)} |`,
    "",
    describeMemory(r),
  ].join("\n");
}

/** A mermaid pie of where the host's memory goes; GitHub renders it in PR comments. */
export function hostPie(r: HostReport): string {
  const slices: [string, number][] = [...r.services].sort((a, b) => b.memoryMb - a.memoryMb).map((s) => [
    s.replicas > 1 ? `${s.service} (${s.replicas}x${s.memoryEachMb} MB)` : `${s.service} (${s.memoryMb} MB)`,
    s.memoryMb,
  ]);
  slices.push([`reserve (${r.reserveMb} MB)`, r.reserveMb]);
  if (r.surge && r.surgeMb > 0) slices.push([`rollout surge (${describeSurge(r.surge)}, ${r.surgeMb} MB)`, r.surgeMb]);
  if (r.rolloutHeadroomMb > 0) slices.push([`headroom (${r.rolloutHeadroomMb} MB)`, r.rolloutHeadroomMb]);
  const over = r.fitsAtRest && r.surge ? " during a rollout" : "";
  const title = r.fits ? `host ${r.host}: ${r.memoryMb} MB budget` : `host ${r.host}: OVER ${r.memoryMb} MB budget by ${-r.rolloutHeadroomMb} MB${over}`;
  return ["```mermaid", `pie showData title ${title}`, ...slices.map(([label, mb]) => `    "${label.replace(/"/g, "'")}" : ${mb}`), "```"].join("\n");
}

export function formatBudget(stack: string, reports: HostReport[], markdown: boolean): string {
  const over = reports.filter((r) => !hostFits(r));
  const what = (r: HostReport) => [!r.fits && (r.fitsAtRest ? "memory during a rollout" : "memory"), !r.logFits && "log disk"].filter(Boolean).join(" and ");
  const verdict = over.length === 0 ? `all ${reports.length} host(s) within budget` : `over budget: ${over.map((r) => `${r.host} (${what(r)})`).join(", ")}`;
  const parts: string[] = [];
  if (markdown) parts.push(`## Memory and log disk budget: stack \`${stack}\` (${over.length === 0 ? "✅" : "❌"} ${verdict})`);
  for (const r of reports) {
    parts.push(hostTable(r));
    if (markdown) parts.push(hostPie(r));
    parts.push(logTable(r));
  }
  if (!markdown) parts.push(`${over.length === 0 ? "PASS" : "FAIL"}: stack ${stack}: ${verdict}`);
  else parts.push("<sub>Generated by `npm run budget -- --markdown` from the program evaluated offline under mocks.</sub>");
  return parts.join("\n\n");
}

/**
 * `npm run budget -- --json`: the same numbers as one document, for scripts. Memory per host at rest and at its
 * rollout peak (the surge names its service, null when nothing rolls start-first), log disk in bytes, each
 * service's replicas and order, and lib/budget.ts's own sentences. `pass` is the exit code's verdict.
 */
export function budgetJson(stack: string, reports: HostReport[]) {
  return {
    stack,
    pass: reports.every(hostFits),
    hosts: reports.map((r) => ({
      host: r.host,
      fits: hostFits(r),
      memory: {
        budgetMb: r.memoryMb, reserveMb: r.reserveMb, declaredMb: r.declaredMb, platformMb: r.platformMb, workloadMb: r.workloadMb,
        atRestMb: r.atRestMb, headroomMb: r.headroomMb, fitsAtRest: r.fitsAtRest,
        surge: r.surge ?? null, surgeMb: r.surgeMb, rolloutPeakMb: r.rolloutPeakMb, rolloutHeadroomMb: r.rolloutHeadroomMb, fits: r.fits,
        arithmetic: memoryArithmetic(r),
      },
      cpus: { declared: r.cpusDeclared, available: r.cpus, fits: r.cpuFits },
      logDisk: {
        diskGb: r.diskGb, allowancePercent: r.logDiskPercent, allowanceBytes: r.logAllowanceBytes, maxBytes: r.logBytes, fits: r.logFits,
        arithmetic: logDiskArithmetic(r),
      },
      services: r.services.map((l) => ({
        service: l.service, tier: l.tier, rollout: l.rollout, replicas: l.replicas, memoryEachMb: l.memoryEachMb, memoryMb: l.memoryMb,
        cpus: round2(l.cpus), logMaxBytes: l.logBytes,
      })),
    })),
  };
}
