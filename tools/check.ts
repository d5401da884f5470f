/**
 * `npm run check [-- --stack NAME | --config FILE] [--policy-config FILE] [--format text|json|sarif] [--out FILE]`:
 * the policy pack, offline. `--json` is `--format json`.
 *
 * Evaluates index.ts under Pulumi's mock monitor for one stack's config, runs every resource and stack policy
 * of the pack over every registered resource through the runtime mirror (tools/offline/policyRuntime.ts), and
 * prints violations the way `pulumi preview` groups them. No Pulumi CLI, network or credentials.
 *
 * Without --stack/--config it checks every shipped stack (Pulumi.*.yaml beside Pulumi.yaml), each in its own
 * child process because index.ts registers resources at module load (one evaluation per process).
 *
 * json and sarif print ONE document on stdout (or into --out) whatever the verdict, an invalid config included
 * (its problems as `errors`, or error results located at their keys); notes and warnings go to stderr.
 * Exemptions are judged against today in UTC; MINIDOCK_TODAY=YYYY-MM-DD sets another day.
 *
 * Exit: 0 clean (advisory violations allowed), 1 any mandatory violation or an invalid stack or policy config,
 * 2 wrong usage (unknown flag, missing file, unreadable policy config).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { EXPIRY_NOTICE_DAYS, todayUtc } from "../policies/expiry";
import { CheckError, CheckResult, errorResult, formatText, summarize, toJson } from "./checkReport";
import { SarifRule, keyOfProblem, toSarif } from "./sarif";
import {
  PROJECT_DIR, UsageError, evaluate, loadStack, parseCli, relativeToCwd, resolveTarget, runMain, shippedStacks,
} from "./stackRun";

export const USAGE =
  "npm run check -- [--stack NAME | --config FILE] [--policy-config FILE] [--format text|json|sarif | --json] [--out FILE]   (no stack: every shipped stack)";

const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

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

function formatOf(opts: { json: boolean; format?: string }): Format {
  if (opts.format !== undefined && !(FORMATS as readonly string[]).includes(opts.format)) {
    throw new UsageError(`--format ${opts.format}: expected one of ${FORMATS.join(", ")}`);
  }
  if (opts.json && opts.format !== undefined && opts.format !== "json") throw new UsageError(`--json and --format ${opts.format} disagree`);
  return opts.json ? "json" : ((opts.format as Format | undefined) ?? "text");
}

/** Path under the project directory with `/` separators (a URI reference under SARIF's SRCROOT); outside it, a file: URI. */
function projectUri(file: string): string {
  const rel = path.relative(PROJECT_DIR, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return pathToFileURL(file).href;
  return rel.split(path.sep).map(encodeURIComponent).join("/");
}

/**
 * The policy docs as an absolute URI: the file on GitHub at the commit being checked when run in Actions (so
 * the code-scanning view links to it), the local file otherwise.
 */
function docsUri(env: NodeJS.ProcessEnv = process.env): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (server && repo) return `${server}/${repo}/blob/${sha || "HEAD"}/docs/policies.md`;
  return pathToFileURL(path.join(PROJECT_DIR, "docs", "policies.md")).href;
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["json", "policy-config", "config", "out", "format"]);
  const format = formatOf(opts);
  if (opts.stack === undefined && opts.config === undefined) {
    if (format !== "text") throw new UsageError(`--format ${format} describes one stack: add --stack NAME or --config FILE`);
    if (opts.out !== undefined) throw new UsageError("--out describes one stack: add --stack NAME or --config FILE");
    return checkEveryShippedStack(opts.policyConfig);
  }
  let today: string;
  try {
    // Once per run, so every rule judges exemptions against the same day even across midnight.
    today = todayUtc();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const target = resolveTarget(opts);
  const packConfig = readPackConfig(target.policyConfigFile);
  const machine = format !== "text";
  const log = machine || opts.out !== undefined ? (s: string) => console.error(s) : (s: string) => console.log(s);
  const emit = (doc: string) => {
    if (opts.out === undefined) return console.log(doc);
    fs.writeFileSync(opts.out, doc.endsWith("\n") ? doc : `${doc}\n`);
    console.error(`wrote ${relativeToCwd(path.resolve(opts.out))}`);
  };

  log(`Offline policy check of stack ${target.stack} (${relativeToCwd(target.file)}), policy config ${relativeToCwd(target.policyConfigFile)}`);
  const loaded = loadStack(target);
  // Policies never depend on a secret's text; say which ones the evaluation did not see for real.
  if (loaded.encrypted.length > 0) log(`Secrets encrypted in the file (not decrypted offline), given placeholders: ${loaded.encrypted.join(", ")}`);
  if (loaded.placeholders.length > 0) log(`Secrets referenced but not set in the file, given placeholders: ${loaded.placeholders.join(", ")}`);

  // Imported lazily, not at the top: the rules and the mirror are only needed once the program evaluated (or
  // did not, for the error document), and they must not load before the program runs under its mocks.
  const pack = () => import("../policies/allPolicies");
  const base = async () => ({
    stack: target.stack,
    pack: { name: (await pack()).PACK_NAME, version: packVersion() },
    files: { stack: relativeToCwd(target.file), policyConfig: relativeToCwd(target.policyConfigFile) },
    secretValues: loaded.secretValues,
    expiryNoticeDays: EXPIRY_NOTICE_DAYS,
  });
  const rulesOf = async (): Promise<SarifRule[]> => {
    const { allPolicies, PACK_ENFORCEMENT_LEVEL } = await pack();
    const { resolvePolicyConfig } = await import("./offline/policyConfig");
    let levels: Map<string, { enforcementLevel: string }> | undefined;
    try {
      levels = resolvePolicyConfig(allPolicies, packConfig, PACK_ENFORCEMENT_LEVEL).config;
    } catch {
      levels = undefined; // an invalid policy config: the rules' own levels
    }
    return allPolicies.map((p) => ({
      name: p.name, description: p.description, enforcementLevel: levels?.get(p.name)?.enforcementLevel ?? p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL,
    }));
  };
  const render = async (result: CheckResult): Promise<string> => {
    if (format === "json") return JSON.stringify(toJson(result), null, 2);
    if (format === "sarif") {
      const sarif = toSarif({
        result, rules: await rulesOf(), informationUri: docsUri(),
        stackFile: { uri: projectUri(target.file), text: fs.readFileSync(target.file, "utf8") },
        policyConfigFile: { uri: projectUri(target.policyConfigFile), text: fs.readFileSync(target.policyConfigFile, "utf8") },
      });
      return JSON.stringify(sarif, null, 2);
    }
    return formatText(result);
  };
  /** The config stopped the check before the rules: problems on stderr, and the one document in json/sarif. */
  const refuse = async (source: CheckError["source"], header: string, problems: string[]): Promise<number> => {
    console.error(header);
    if (machine) emit(await render(errorResult(await base(), problems.map((message) => ({ source, message, key: keyOfProblem(source, message) })))));
    return 1;
  };

  const ev = loaded.configError ? undefined : await evaluate(loaded);
  const evaluatedMs = ms();
  const evaluatedHeapMb = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  if (!ev || loaded.configError) {
    const message = loaded.configError?.message ?? "the program did not evaluate";
    return refuse("stack-config", `${relativeToCwd(target.file)}: ${message}`, loaded.configError?.problems ?? [message]);
  }

  const { allPolicies } = await pack();
  const { runPolicies, PolicyConfigError } = await import("./offline/policyRuntime");
  let outcome: Awaited<ReturnType<typeof runPolicies>>;
  try {
    // The CLI sets these tags on every stack; rules may read them through args.stackTags.
    outcome = await runPolicies(ev.resources, allPolicies, packConfig, { stackTags: { "pulumi:project": "minidock", "pulumi:runtime": "nodejs" }, today });
  } catch (e) {
    if (!(e instanceof PolicyConfigError)) throw e;
    return refuse("policy-config", `policy config ${relativeToCwd(target.policyConfigFile)}: ${e.message}`, e.problems);
  }
  for (const key of outcome.unknownConfigKeys) {
    console.error(`warning: policy config ${relativeToCwd(target.policyConfigFile)}: "${key}" names no policy of the pack (typo?)`);
  }
  for (const u of outcome.unusedExemptions) {
    console.error(`warning: exemption of "${u.resource}" from ${u.policy} matched nothing it suppressed (stale or misspelt?)`);
  }
  for (const u of outcome.expiredExemptions) {
    console.error(`warning: exemption of "${u.resource}" from ${u.policy} expired on ${u.expires} (${relativeToCwd(target.policyConfigFile)}): it no longer applies`);
  }
  const result: CheckResult = {
    ...(await base()),
    resources: ev.resources,
    violations: outcome.violations,
    exemptions: outcome.exemptions,
    exemptionsUnused: outcome.unusedExemptions,
    exemptionsExpired: outcome.expiredExemptions,
    exemptionsExpiringSoon: outcome.expiringExemptions,
    errors: [],
  };
  emit(await render(result));

  if (process.env.MINIDOCK_CHECK_STATS === "1") {
    const maxRssKb = process.resourceUsage().maxRSS;
    console.error(`MINIDOCK_CHECK_STATS ${JSON.stringify({ resources: ev.resources.length, evaluatedMs, evaluatedHeapMb, totalMs: ms(), maxRssKb })}`);
  }
  return summarize(result.violations).mandatory > 0 ? 1 : 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
