/**
 * `npm run bench [-- --runs N] [--write-docs]`: how the offline check scales with the number of services.
 *
 * Generates stack configs of 1, 10, 100 and 1000 services spread over two hosts (budgets large enough, every
 * rule satisfied, each service with a volume and a unique loopback port so the per-host stack policies have real
 * work), runs `tools/check.ts --config <file>` for each in a child process, and reports the median wall time and
 * the child's peak RSS (process.resourceUsage().maxRSS, printed by the check when MINIDOCK_CHECK_STATS=1).
 *
 * Linearity: the 1-service stack measures the fixed cost (node + ts-node start, loading the SDKs, one program
 * evaluation). Marginal time per service at n is (t(n) - t(1)) / (n - 1). Growth counts as linear when the
 * marginal cost at 1000 is at most 1.5x the marginal cost at 100: a quadratic step (e.g. a stack policy
 * comparing every container with every other) makes that ratio about 10. Exit 1 when it is exceeded or any
 * check fails.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { PROJECT_DIR, UsageError, parseToolArgs, runMain } from "./stackRun";

export const USAGE = "npm run bench -- [--runs N] [--write-docs]   (N runs per size, default 3; --write-docs updates docs/policies.md)";

export interface BenchOptions {
  runs: number;
  writeDocs: boolean;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseToolArgs(argv, { runs: { type: "string", default: "3" }, "write-docs": { type: "boolean", default: false } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs ${values.runs}: expected a whole number of at least 1`);
  return { runs, writeDocs: values["write-docs"] === true };
}

export const SIZES = [1, 10, 100, 1000];
export const MAX_RATIO = 1.5;

/** A clean stack of `n` services over hosts a and b: 16 MB each, so 1000 services fit two 14 GB budgets. */
export function benchStack(n: number): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    services[`svc-${i}`] = {
      image: "nginx:1.27.3-alpine",
      host: i % 2 === 0 ? "a" : "b",
      memoryMb: 16,
      cpus: "0.015",
      user: "1000:1000",
      ports: [{ published: 20000 + i, target: 8080 }],
      volumes: [{ name: "data", path: "/data", backup: false, backupExemptReason: "bench fixture: scratch data, nothing to restore" }],
      healthcheck: { test: ["CMD", "true"] },
    };
  }
  const host = (addr: string) => ({ ssh: `dev@${addr}.example.ts.net`, memoryMb: 14336, reserveMb: 1024, cpus: 8 });
  return { config: { "minidock:hosts": { a: host("mini-a"), b: host("mini-b") }, "minidock:networks": { apps: {} }, "minidock:services": services } };
}

interface Run {
  wallMs: number;
  maxRssKb: number;
  resources: number;
}

function runCheck(file: string): Run {
  const t0 = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["-r", path.join(__dirname, "register.js"), path.join(__dirname, "check.ts"), "--config", file], {
    cwd: PROJECT_DIR,
    env: { ...process.env, MINIDOCK_CHECK_STATS: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (child.status !== 0) throw new Error(`check of ${path.basename(file)} exited ${child.status}:\n${child.stdout.slice(-2000)}\n${child.stderr.slice(-2000)}`);
  const stats = /MINIDOCK_CHECK_STATS (.*)/.exec(child.stderr)?.[1];
  if (!stats) throw new Error(`check of ${path.basename(file)} printed no stats:\n${child.stderr.slice(-2000)}`);
  const s = JSON.parse(stats) as { maxRssKb: number; resources: number };
  return { wallMs, maxRssKb: s.maxRssKb, resources: s.resources };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface BenchRow {
  services: number;
  resources: number;
  wallMs: number;
  maxRssMb: number;
  /** (t(n) - t(1)) / (n - 1); undefined for the baseline. */
  marginalMs?: number;
}

export function marginal(rows: BenchRow[]): BenchRow[] {
  const base = rows.find((r) => r.services === 1)!;
  return rows.map((r) => (r.services === 1 ? r : { ...r, marginalMs: (r.wallMs - base.wallMs) / (r.services - 1) }));
}

export function linearityRatio(rows: BenchRow[]): number {
  const at = (n: number) => rows.find((r) => r.services === n)!.marginalMs!;
  return at(1000) / at(100);
}

/** `loadBefore`: the 1-minute load average when the bench started; other jobs on the machine inflate times. */
export function benchTable(rows: BenchRow[], runs: number, loadBefore?: number): string {
  const ratio = linearityRatio(rows);
  return [
    `| services | resources | wall time (s, median of ${runs}) | marginal ms per service | peak RSS (MB) |`,
    "|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.services} | ${r.resources} | ${(r.wallMs / 1000).toFixed(2)} | ${r.marginalMs === undefined ? "baseline" : r.marginalMs.toFixed(2)} | ${r.maxRssMb.toFixed(0)} |`),
    "",
    `Marginal cost at 1000 / at 100 = ${ratio.toFixed(2)} (limit ${MAX_RATIO}): ${ratio <= MAX_RATIO ? "linear" : "FASTER THAN LINEAR"}.`,
    `Measured on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim() ?? "unknown"}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}` +
      (loadBefore === undefined ? "." : `, load average ${loadBefore.toFixed(1)} at the start (other jobs share the machine).`),
  ].join("\n");
}

export const BEGIN = "<!-- bench table: begin, written by `npm run bench -- --write-docs` -->";
export const END = "<!-- bench table: end -->";

export async function main(argv: string[]): Promise<number> {
  const { runs, writeDocs } = parseBenchArgs(argv);
  const started = Date.now();
  // One line per check run, on stderr (stdout is the table): a 1000-service run takes a while.
  const progress = (text: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${text}`);
  const loadBefore = os.loadavg()[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-bench-"));
  const rows: BenchRow[] = [];
  try {
    for (const n of SIZES) {
      const file = path.join(dir, `Pulumi.bench-${n}.yaml`);
      fs.writeFileSync(file, stringify(benchStack(n)));
      const results = Array.from({ length: runs }, (_, i) => {
        progress(`${n} services: run ${i + 1} of ${runs}`);
        return runCheck(file);
      });
      const row = { services: n, resources: results[0].resources, wallMs: median(results.map((r) => r.wallMs)), maxRssMb: Math.max(...results.map((r) => r.maxRssKb)) / 1024 };
      rows.push(row);
      progress(`${n} services: ${results.map((r) => (r.wallMs / 1000).toFixed(2)).join(", ")} s`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const table = benchTable(marginal(rows), runs, loadBefore);
  console.log(table);
  if (writeDocs) {
    const doc = path.join(PROJECT_DIR, "docs", "policies.md");
    const text = fs.readFileSync(doc, "utf8");
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (start < 0 || end < start) throw new Error(`docs/policies.md: expected the markers ${BEGIN} ... ${END}`);
    fs.writeFileSync(doc, `${text.slice(0, start + BEGIN.length)}\n${table}\n${text.slice(end)}`);
    console.error("docs/policies.md: bench table written");
  }
  return linearityRatio(marginal(rows)) <= MAX_RATIO ? 0 : 1;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
