/**
 * `npm run check [-- --stack NAME | --config FILE] [--policy-config FILE] [--json]`: the policy pack, offline.
 *
 * Evaluates index.ts under Pulumi's mock monitor for one stack's config, runs every resource and stack policy
 * of the pack over every registered resource through the runtime mirror (tools/offline/policyRuntime.ts), and
 * prints violations the way `pulumi preview` groups them. No Pulumi CLI, network or credentials.
 *
 * Without --stack/--config it checks every shipped stack (Pulumi.*.yaml beside Pulumi.yaml), each in its own
 * child process because index.ts registers resources at module load (one evaluation per process).
 *
 * Exit: 0 clean (advisory violations allowed), 1 any mandatory violation or an invalid stack config,
 * 2 wrong usage (unknown flag, missing file, unreadable policy config).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CheckResult, formatText, summarize, toJson } from "./checkReport";
import {
  PROJECT_DIR, UsageError, evaluate, loadStack, parseCli, relativeToCwd, resolveTarget, runMain, shippedStacks,
} from "./stackRun";

const USAGE = "npm run check -- [--stack NAME | --config FILE] [--policy-config FILE] [--json]   (no stack: every shipped stack)";

/** Wall-clock phases, printed to stderr when MINIDOCK_CHECK_STATS=1 (npm run bench reads them). */
const started = process.hrtime.bigint();
const ms = () => Number(process.hrtime.bigint() - started) / 1e6;

function readPackConfig(file: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("expected a JSON object");
    return parsed as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`policy config ${relativeToCwd(file)}: ${(e as Error).message}`);
  }
}

function packVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

/** Each shipped stack in a child process (see the header); the worst exit code wins. */
function checkEveryShippedStack(policyConfig: string | undefined): number {
  let worst = 0;
  for (const stack of shippedStacks()) {
    const args = [...process.execArgv, __filename, "--stack", stack, ...(policyConfig ? ["--policy-config", policyConfig] : [])];
    const child = spawnSync(process.execPath, args, { stdio: "inherit" });
    worst = Math.max(worst, child.status ?? 1);
    console.log("");
  }
  return worst;
}

async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["json", "policy-config", "config"]);
  if (opts.stack === undefined && opts.config === undefined) {
    if (opts.json) throw new UsageError("--json describes one stack: add --stack NAME or --config FILE");
    return checkEveryShippedStack(opts.policyConfig);
  }
  const target = resolveTarget(opts);
  const packConfig = readPackConfig(target.policyConfigFile);
  const log = opts.json ? (s: string) => console.error(s) : (s: string) => console.log(s);

  log(`Offline policy check of stack ${target.stack} (${relativeToCwd(target.file)}), policy config ${relativeToCwd(target.policyConfigFile)}`);
  const loaded = loadStack(target);
  // Policies never depend on a secret's text; say which ones the evaluation did not see for real.
  if (loaded.encrypted.length > 0) log(`Secrets encrypted in the file (not decrypted offline), given placeholders: ${loaded.encrypted.join(", ")}`);
  if (loaded.placeholders.length > 0) log(`Secrets referenced but not set in the file, given placeholders: ${loaded.placeholders.join(", ")}`);
  const ev = loaded.configError ? undefined : await evaluate(loaded);
  const evaluatedMs = ms();
  const evaluatedHeapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  if (!ev || loaded.configError) {
    // Config errors go to stderr in both modes: the JSON document describes a stack that evaluated.
    console.error(`${relativeToCwd(target.file)}: ${loaded.configError?.message ?? "the program did not evaluate"}`);
    return 1;
  }

  // Imported here, not at the top: the rules and the mirror are only needed once the program evaluated.
  const { allPolicies, PACK_NAME } = await import("../policies/rules");
  const { runPolicies, PolicyConfigError } = await import("./offline/policyRuntime");
  let outcome: Awaited<ReturnType<typeof runPolicies>>;
  try {
    // The CLI sets these tags on every stack; rules may read them through args.stackTags.
    outcome = await runPolicies(ev.resources, allPolicies, packConfig, { stackTags: { "pulumi:project": "minidock", "pulumi:runtime": "nodejs" } });
  } catch (e) {
    if (!(e instanceof PolicyConfigError)) throw e;
    console.error(`policy config ${relativeToCwd(target.policyConfigFile)}: ${e.message}`);
    return 1;
  }
  for (const key of outcome.unknownConfigKeys) {
    console.error(`warning: policy config ${relativeToCwd(target.policyConfigFile)}: "${key}" names no policy of the pack (typo?)`);
  }
  for (const u of outcome.unusedExemptions) {
    console.error(`warning: exemption of "${u.resource}" from ${u.policy} matched nothing it suppressed (stale or misspelt?)`);
  }
  const result: CheckResult = {
    stack: target.stack,
    pack: { name: PACK_NAME, version: packVersion() },
    resources: ev.resources,
    violations: outcome.violations,
    exemptions: outcome.exemptions,
    secretValues: loaded.secretValues,
  };
  if (opts.json) console.log(JSON.stringify(toJson(result), null, 2));
  else console.log(formatText(result));

  if (process.env.MINIDOCK_CHECK_STATS === "1") {
    const maxRssKb = process.resourceUsage().maxRSS;
    console.error(`MINIDOCK_CHECK_STATS ${JSON.stringify({ resources: ev.resources.length, evaluatedMs, evaluatedHeapMb, totalMs: ms(), maxRssKb })}`);
  }
  return summarize(result.violations).mandatory > 0 ? 1 : 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
