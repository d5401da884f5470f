/**
 * The runner of the stack corpus (tests/policies/corpus.bad.test.ts and corpus.good.test.ts, two files so jest runs
 * them side by side). The corpus: small edits of the shipped stacks that the pack must refuse (tests/fixtures/corpus/bad) or
 * accept (tests/fixtures/corpus/good), one test per file, named after it, so the report reads as a list of
 * classes. Each entry is evaluated like `npm run check --stack <base>` would: the real index.ts under Pulumi's
 * mock monitor (engine and providers mocked, see tests/support/stack.ts), then every rule of the pack through
 * the engine mirror with policies/<base>.json plus the entry's policyConfig. docs/policies.md says how to add one.
 */
import { allPolicies } from "../../policies/allPolicies";
import { Evaluation } from "../../tools/offline/evaluate";
import { PolicyConfigError, PolicyRunResult, Violation } from "../../tools/offline/policyRuntime";
import {
  CorpusEntry, CorpusKind, Expectation, corpusFiles, corpusStack, readCorpusEntry,
} from "./corpus";
import { checkEvaluation, evaluateFresh } from "./freshEvaluation";
import { tempDir } from "./tmp";

const knownRules = new Set(allPolicies.map((p) => p.name));
const scratch = tempDir("minidock-corpus-");

interface Outcome {
  entry: CorpusEntry;
  /** The ConfigError's problems, when the config contract refused the stack. */
  configProblems?: string[];
  result?: PolicyRunResult;
}

/** Evaluates one corpus file; anything but a verdict (a crash, an unreadable policy config) fails its test. */
async function run(kind: CorpusKind, file: string): Promise<Outcome> {
  const entry = readCorpusEntry(kind, file, knownRules);
  const { stack, config, packConfig } = corpusStack(entry, scratch, `${kind}-${file.replace(/\.yaml$/, "")}`);
  const ev: Evaluation = await evaluateFresh(stack, config);
  if (ev.error) {
    if (ev.error.name !== "ConfigError") throw new Error(`${kind}/${file}: the program crashed instead of refusing the config: ${ev.error.stack ?? ev.error.message}`);
    return { entry, configProblems: (ev.error as Error & { problems: string[] }).problems };
  }
  let result: PolicyRunResult;
  try {
    result = await checkEvaluation(ev, packConfig);
  } catch (e) {
    if (e instanceof PolicyConfigError) throw new Error(`${kind}/${file}: policyConfig: ${e.message}`, { cause: e });
    throw e;
  }
  // A misspelt policy name in policyConfig would configure nothing, and the entry would test something else.
  const typos = Object.keys(entry.policyConfig).filter((k) => result.unknownConfigKeys.includes(k));
  if (typos.length > 0) throw new Error(`${kind}/${file}: policyConfig names no policy of the pack: ${typos.join(", ")}`);
  return { entry, result };
}

/** test.each refuses an empty table; an empty corpus directory fails the "has ... stacks" test instead. */
const eachFile = (files: string[]) => (files.length > 0 ? test.each(files) : test.skip.each(["(no files)"]));

const show = (v: Violation) => `  ${v.enforcementLevel} ${v.policy} ${v.resourceName ?? "<stack>"}: ${v.message}`;

function matches(v: Violation, e: Expectation): boolean {
  return v.policy === e.rule
    && (e.resource === undefined || v.resourceName === e.resource || (v.resource ?? "").endsWith(`::${e.resource}`))
    && (e.key === undefined || v.message.includes(e.key));
}

/** What an expectation is missing, or undefined when it was met. */
function unmet(e: Expectation, o: Outcome): string | undefined {
  if (e.configError !== undefined) {
    if (o.configProblems?.some((p) => p.includes(e.configError!))) return undefined;
    return `a config error containing ${JSON.stringify(e.configError)}`;
  }
  const violations = o.result?.violations ?? [];
  if (violations.some((v) => v.enforcementLevel === "mandatory" && matches(v, e))) return undefined;
  const what = `a mandatory ${e.rule} violation${e.resource ? ` of ${e.resource}` : ""}${e.key ? ` naming ${e.key}` : ""}`;
  return violations.some((v) => matches(v, e)) ? `${what} (it is only advisory)` : what;
}

/** What happened, for a failure message: the config errors, or the mandatory violations and those of `rules`. */
function describeOutcome(o: Outcome, rules: ReadonlySet<string> = new Set()): string {
  if (o.configProblems) return `the config contract refused it:\n${o.configProblems.map((p) => `  - ${p}`).join("\n")}`;
  const violations = o.result!.violations;
  const shown = violations.filter((v) => v.enforcementLevel === "mandatory" || rules.has(v.policy));
  const others = violations.length - shown.length;
  return `${shown.length === 0 ? "no mandatory violation" : `violations:\n${shown.map(show).join("\n")}`}${others > 0 ? `\n  (and ${others} advisory violations of other rules)` : ""}`;
}

export function describeBadCorpus(): void {
  describe("bad stacks: each is refused for the reason it lists", () => {
    const files = corpusFiles("bad");
    test("the corpus has bad stacks", () => expect(files.length).toBeGreaterThan(0));
    eachFile(files)("%s", async (file) => {
      const outcome = await run("bad", file);
      const missing = outcome.entry.expect.map((e) => unmet(e, outcome)).filter((m): m is string => m !== undefined);
      if (missing.length > 0) {
        throw new Error(`bad/${file} (${outcome.entry.description}) expected ${missing.join(", and ")}; got ${describeOutcome(outcome, new Set(outcome.entry.expect.map((e) => e.rule ?? "")))}`);
      }
    });
  });
}

export function describeGoodCorpus(): void {
  describe("good stacks: each passes with no config error and no mandatory violation", () => {
    const files = corpusFiles("good");
    test("the corpus has good stacks", () => expect(files.length).toBeGreaterThan(0));
    eachFile(files)("%s", async (file) => {
      const outcome = await run("good", file);
      const mandatory = outcome.result?.violations.filter((v) => v.enforcementLevel === "mandatory") ?? [];
      if (outcome.configProblems || mandatory.length > 0) {
        throw new Error(`good/${file} (${outcome.entry.description}) must pass; got ${describeOutcome(outcome)}`);
      }
    });
  });
}
