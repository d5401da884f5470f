import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { Resource as SdkResource } from "@pulumi/pulumi";
import { allPolicies } from "../../policies/allPolicies";
import { Evaluation, ProgramLoader, evaluateProgram } from "../../tools/offline/evaluate";
import { PolicyRunResult, runPolicies } from "../../tools/offline/policyRuntime";
import { StackConfigValues } from "../../tools/offline/stackFile";
import { PROJECT_DIR } from "./stack";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS, shared with tools/register.js
const { compile } = require("../../tools/tsCompile") as { compile(source: string, filename: string): string };

/**
 * Many evaluations of index.ts in one jest process (the corpus, the property test).
 *
 * index.ts registers its resources while its module body runs, so `import()` evaluates it once per module
 * registry. Resetting the registry (jest.resetModules, or jest.isolateModules with the four SDKs mocked to their
 * outer instances) reloads the whole project and every SDK file loaded lazily, about 0.7 s per evaluation of the
 * mini stack. Instead, index.ts is compiled once and its body is run again for each evaluation in a fresh
 * `module` object, with a `require` that resolves its imports in the test file's registry: components, lib/ and
 * ONE instance of @pulumi/pulumi and of each provider SDK are shared, only the program's body runs again
 * (about 0.2 s for the mini stack, 8 ms for a one-service stack). Sharing lib/ is sound because no module there
 * keeps state between calls (lib/platform/monitoring/grafana.ts resets its panel counter per dashboard).
 *
 * One evaluation at a time: the Pulumi runtime (mock monitor, config) is process-wide.
 */
export const PROGRAM_PATH = path.join(PROJECT_DIR, "index.ts");

type ModuleBody = (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
let compiled: ModuleBody | undefined;

function compiledProgram(): ModuleBody {
  if (compiled) return compiled;
  // The tools' cached transpile (tools/tsCompile.js): a warm cache never loads the TypeScript compiler here.
  const outputText = compile(fs.readFileSync(PROGRAM_PATH, "utf8"), PROGRAM_PATH);
  // The CommonJS wrapper Node itself puts around a module; sourceURL names the file in a crash's stack.
  compiled = new Function("exports", "require", "module", "__filename", "__dirname", `${outputText}\n//# sourceURL=${PROGRAM_PATH}`) as ModuleBody;
  return compiled;
}

/** The SDK's Resource with its internal source-position helper (not in its typings). */
const Resource = SdkResource as unknown as { stackTrace(skip: number): unknown[] };

/**
 * index.ts's own `require`: its imports resolve from its directory, in the registry of the test file, once each
 * (the modules are shared anyway, and jest's resolver is a tenth of a small evaluation).
 */
const imports = new Map<string, unknown>();
let resolveFromProgram: NodeJS.Require | undefined;
const programRequire = ((id: string) => {
  if (!imports.has(id)) imports.set(id, (resolveFromProgram ??= createRequire(PROGRAM_PATH))(id));
  return imports.get(id);
}) as NodeJS.Require;

/** The loader for evaluateProgram: index.ts's body, run again, its imports from the shared registry. */
export const rerunProgram: ProgramLoader = async (programPath) => {
  if (programPath !== PROGRAM_PATH) throw new Error(`rerunProgram runs ${PROGRAM_PATH} only, not ${programPath}`);
  const module = { exports: {} as Record<string, unknown> };
  compiledProgram()(module.exports, programRequire, module, PROGRAM_PATH, path.dirname(PROGRAM_PATH));
  return module.exports;
};

/**
 * One evaluation of index.ts for `config`, re-entrant. Stack traces are off while it runs, as in `npm run check`
 * (tools/stackRun.ts: the SDK captures one per promise, and source maps make each capture expensive, 5x the
 * whole evaluation); MINIDOCK_STACK_TRACES=1 keeps them when a crash inside the program needs its stack.
 */
export async function evaluateFresh(stack: string, config: StackConfigValues): Promise<Evaluation> {
  const limit = Error.stackTraceLimit;
  const sourcePositions = Resource.stackTrace;
  if (process.env.MINIDOCK_STACK_TRACES !== "1") {
    Error.stackTraceLimit = 0;
    // Each resource also records where index.ts declared it, from a full stack trace it takes on its own (with
    // an unlimited depth). Only the engine's display reads that position, the mock monitor drops it.
    Resource.stackTrace = () => [];
  }
  try {
    return await evaluateProgram(stack, config, PROGRAM_PATH, rerunProgram);
  } finally {
    Error.stackTraceLimit = limit;
    Resource.stackTrace = sourcePositions;
  }
}

/** The stack tags the Pulumi CLI sets on every stack (rules may read them), as tools/check.ts passes them. */
export const STACK_TAGS = { "pulumi:project": "minidock", "pulumi:runtime": "nodejs" };

/** Every policy of the pack over an evaluation's resources, through the engine mirror: what `npm run check` runs. */
export function checkEvaluation(ev: Evaluation, packConfig: Record<string, unknown>): Promise<PolicyRunResult> {
  return runPolicies(ev.resources, allPolicies, packConfig, { stackTags: STACK_TAGS });
}
