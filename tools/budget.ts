/**
 * `npm run budget [-- --stack NAME | --config FILE] [--markdown | --json]`: per host, what the program declares against the
 * host's memory budget (platform and workload apart, each service's rollout order), at rest and at the peak of a
 * rollout (one extra replica of the largest start-first service), and what its containers' logs may keep against
 * the host's log disk allowance. Evaluates index.ts under mocks, so platform services the program adds count too. The log
 * share is the stack's pack config (budget-host-log-disk.maxLogDiskPercent), as `npm run check` applies it.
 * Exit 1 when a host is over either budget (memory at its rollout peak) or the config is invalid, 2 on wrong usage.
 */
import * as fs from "fs";
import { DEFAULTS } from "../lib/defaults";
import { budgetJson, budgetReports, formatBudget, hostFits } from "./budgetReport";
import { UsageError, evaluate, loadStack, oneStackTarget, parseCli, relativeToCwd, runMain, validStack } from "./stackRun";

/** maxLogDiskPercent from the policy config file, else the pack's default. */
export function logDiskPercentOf(policyConfigFile: string): number {
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(policyConfigFile, "utf8"));
  } catch (e) {
    throw new UsageError(`policy config ${relativeToCwd(policyConfigFile)}: ${(e as Error).message}`);
  }
  const entry = (config as Record<string, unknown> | null)?.["budget-host-log-disk"];
  const percent = entry && typeof entry === "object" ? (entry as { maxLogDiskPercent?: unknown }).maxLogDiskPercent : undefined;
  return typeof percent === "number" ? percent : DEFAULTS.maxLogDiskPercent;
}

export const USAGE = "npm run budget -- [--stack NAME | --config FILE] [--markdown | --json]   (default stack: mini)";

export async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["markdown", "json", "config"]);
  if (opts.json && opts.markdown) throw new UsageError("--markdown and --json are two renderings: pick one");
  const target = oneStackTarget(opts);
  const first = loadStack(target);
  const valid = validStack(first);
  const ev = valid && (await evaluate(valid));
  const loaded = ev && validStack(valid); // the program can still refuse the config (platform checks)
  if (!ev || !loaded) {
    // The problems went to stderr; --json still answers with one document.
    if (opts.json) console.log(JSON.stringify({ stack: target.stack, pass: false, problems: first.configError?.problems ?? ["the program did not evaluate"], hosts: [] }, null, 2));
    return 1;
  }
  const hosts = loaded.resolved.hosts.map((h) => ({ host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus, diskGb: h.diskGb }));
  const reports = budgetReports(hosts, ev.resources, { logDiskPercent: logDiskPercentOf(target.policyConfigFile) });
  console.log(opts.json ? JSON.stringify(budgetJson(target.stack, reports), null, 2) : formatBudget(target.stack, reports, opts.markdown));
  return reports.every(hostFits) ? 0 : 1;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
