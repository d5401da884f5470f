import { CHECK_IDS, HostReport, Status } from "./checks";

/** The doctor's output: one line per check and host, or one JSON document; and the exit code they imply. */

export interface DoctorReport {
  stack: string;
  hosts: HostReport[];
  counts: Record<Status, number>;
  /** 0 when nothing failed, 1 when a check failed. */
  exitCode: 0 | 1;
}

export function buildReport(stack: string, hosts: HostReport[]): DoctorReport {
  const counts: Record<Status, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const h of hosts) for (const c of h.checks) counts[c.status]++;
  return { stack, hosts, counts, exitCode: counts.fail > 0 ? 1 : 0 };
}

const WIDTH = Math.max(...CHECK_IDS.map((id) => id.length));

/**
 * `<status> <check> <detail>`, then for a warning or failure ` | fix: <fix> (<doc>)` on the same line, so a line
 * can be grepped (`npm run doctor -- --stack mini | grep ^fail`). A skipped check says why in its detail.
 */
export function formatText(r: DoctorReport): string {
  const lines: string[] = [];
  for (const h of r.hosts) {
    lines.push(`host ${h.host} (${h.dockerHost})`);
    for (const c of h.checks) {
      const tail = c.status === "warn" || c.status === "fail" ? ` | fix: ${c.fix ?? "-"} (${c.doc})` : "";
      lines.push(`${c.status.padEnd(4)}  ${c.id.padEnd(WIDTH)}  ${c.detail}${tail}`);
    }
    lines.push(`host ${h.host}: ${h.verdict}`);
    lines.push("");
  }
  const n = r.counts;
  lines.push(`doctor: stack ${r.stack}: ${n.fail} fail, ${n.warn} warn, ${n.ok} ok, ${n.skip} skipped`);
  return `${lines.join("\n")}\n`;
}

export function formatJson(r: DoctorReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
