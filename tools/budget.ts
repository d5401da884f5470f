/**
 * `npm run budget [-- --stack NAME | --config FILE] [--markdown]`: per host, what the program declares against the
 * host's memory budget (platform and workload apart). Evaluates index.ts under mocks, so platform services the
 * program adds count too. Exit 1 when a host is over budget or the config is invalid, 2 on wrong usage.
 */
import { budgetReports, formatBudget } from "./budgetReport";
import { evaluate, loadStack, oneStackTarget, parseCli, runMain, validStack } from "./stackRun";

const USAGE = "npm run budget -- [--stack NAME | --config FILE] [--markdown]   (default stack: mini)";

async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["markdown", "config"]);
  const target = oneStackTarget(opts);
  const valid = validStack(loadStack(target));
  const ev = valid && (await evaluate(valid));
  const loaded = ev && validStack(valid); // the program can still refuse the config (platform checks)
  if (!ev || !loaded) return 1;
  const hosts = loaded.resolved.hosts.map((h) => ({ host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus }));
  const reports = budgetReports(hosts, ev.resources);
  console.log(formatBudget(target.stack, reports, opts.markdown));
  return reports.every((r) => r.fits) ? 0 : 1;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
