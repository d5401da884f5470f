/**
 * `npm run budget [-- --stack NAME | --config FILE] [--markdown]`: per host, what the program declares against the
 * host's memory budget (platform and workload apart). Evaluates index.ts under mocks, so platform services the
 * program adds count too. Exit 1 when a host is over budget or the config is invalid, 2 on wrong usage.
 */
import { budgetReports, formatBudget } from "./budgetReport";
import { evaluate, loadStack, parseCli, relativeToCwd, resolveTarget, runMain } from "./stackRun";

const USAGE = "npm run budget -- [--stack NAME | --config FILE] [--markdown]   (default stack: mini)";

async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["markdown", "config"]);
  // The budget is about one mini; mini is the stack users deploy, so it is the default.
  const target = resolveTarget({ stack: opts.config === undefined ? (opts.stack ?? "mini") : opts.stack, config: opts.config });
  const loaded = loadStack(target);
  const ev = loaded.configError ? undefined : await evaluate(loaded);
  if (!ev || loaded.configError || !loaded.resolved) {
    console.error(`${relativeToCwd(target.file)}: ${loaded.configError?.message ?? "invalid stack config"}`);
    return 1;
  }
  const hosts = loaded.resolved.hosts.map((h) => ({ host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus }));
  const reports = budgetReports(hosts, ev.resources);
  console.log(formatBudget(target.stack, reports, opts.markdown));
  return reports.every((r) => r.fits) ? 0 : 1;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
