import { formatBytes } from "../../lib/budget";
import { ContainerStatus, HostStatus, StatusDocument } from "./judge";

/** The text `npm run status` prints: one block per host, its verdict first, then its problems with their fix. Pure. */

export function formatUptime(seconds: number | null): string {
  if (seconds === null) return "-";
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return m > 0 ? `${m}m` : `${seconds}s`;
}

function memoryCell(c: ContainerStatus): string {
  const { usedMb, limitMb, percent } = c.memory;
  if (usedMb === null) return limitMb === null ? "-" : `-/${limitMb}`;
  return `${Math.round(usedMb)}/${limitMb ?? "none"}${percent !== null ? ` (${Math.round(percent)} %)` : ""}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ").trimEnd());
}

function hostBlock(h: HostStatus): string[] {
  const lines = [`host ${h.host} (${h.dockerHost}): ${h.verdict.toUpperCase()}${h.serverVersion ? `   docker ${h.serverVersion}` : ""}`];
  if (!h.reachable) {
    lines.push(`  ${h.error}`);
  } else {
    const m = h.memory!;
    lines.push(`  memory   ${Math.round(m.usedMb)} MB in use, ${m.usedPercentOfBudget} % of the ${m.budgetMb} MB budget; limits ${Math.round(m.limitsMb)} MB running (${m.declaredMb} declared) + reserve ${m.reserveMb}, headroom ${Math.round(m.headroomMb)} MB`);
    if (h.disk) {
      const d = h.disk;
      lines.push(`  disk     Docker data ${formatBytes(d.totalBytes)}, ${d.percentOfDisk} % of diskGb ${d.diskGb} (images ${formatBytes(d.imagesBytes)}, containers ${formatBytes(d.containersBytes)}, volumes ${formatBytes(d.volumesBytes)}, build cache ${formatBytes(d.buildCacheBytes)})`);
    } else {
      lines.push("  disk     not readable (docker system df failed)");
    }
    const b = h.backups;
    if (!b.enabled) lines.push("  backups  off");
    else {
      const newest = b.newestArchive ? `newest ${b.newestArchive.name}, ${b.newestArchive.ageHours} h old` : "no archive yet";
      const covered = b.volumes.filter((v) => v.coverage !== "none").length;
      lines.push(`  backups  ${b.state}: ${newest}, ${b.archives} kept; schedule "${b.schedule}"; ${covered} of ${b.volumes.length} backed-up volume(s) covered`);
    }
    if (h.containers.length) {
      const rows = [["CONTAINER", "NAME", "STATE", "HEALTH", "UP", "RESTARTS", "OOM", "MEMORY MB"]];
      for (const c of h.containers) {
        rows.push([
          `${c.service}/${c.replica}`, c.name ?? "-", c.state, c.health, formatUptime(c.uptimeSeconds), String(c.restartCount),
          c.oomKills > 0 || c.oomKilled ? `${c.oomKills}${c.oomKilled ? "!" : ""}` : "0", memoryCell(c),
        ]);
      }
      lines.push("", ...table(rows).map((l) => `  ${l}`));
    }
    const drift = [...h.drift.undeclared.map((d) => `+ ${d.kind} ${d.name}: ${d.detail}`), ...h.drift.missing.map((d) => `- ${d.kind} ${d.name}: ${d.detail}`),
      ...h.drift.differs.map((d) => `~ ${d.kind} ${d.name}: ${d.detail}`)];
    if (drift.length) lines.push("", "  drift (+ not declared, - missing, ~ differs):", ...drift.map((l) => `    ${l}`));
  }
  if (h.problems.length) {
    lines.push("", `  problems (${h.problems.length}):`);
    for (const p of h.problems) lines.push(`    ${p.subject}: ${p.message}`, `      fix: ${p.runbook}`);
  }
  return lines;
}

export function renderText(doc: StatusDocument): string {
  const when = doc.generatedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const out = [`stack ${doc.stack}, ${when}`, ""];
  for (const h of doc.hosts) out.push(...hostBlock(h), "");
  const counts = doc.hosts.map((h) => `${h.host} ${h.verdict}`).join(", ");
  out.push(`verdict: ${doc.verdict} (${counts}; exit ${doc.exitCode})`);
  return out.join("\n");
}
