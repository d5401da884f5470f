import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError } from "../lib/config/errors";
import { resolveStackConfig } from "../lib/stackConfig";
import { StackConfig } from "../lib/config/resolved";
import { Evaluation, RecordedResource, evaluateProgram } from "./offline/evaluate";
import {
  StackConfigValues, readStackConfigFile, stackFilePath, toRawStackConfig, withPlaceholderSecrets,
} from "./offline/stackFile";

/**
 * What `npm run check` and `npm run budget` share: which stack file to read, which policy config goes with it,
 * loading the config the way the Pulumi CLI would (secrets as placeholders) and one evaluation of index.ts.
 * index.ts registers resources at module load, so a process can evaluate exactly one stack.
 */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Wrong flags or files: exit 2, so CI can tell "you called it wrong" from "the stack is bad" (exit 1). */
export class UsageError extends Error {}

/** --help or -h: runMain prints the usage on stdout and exits 0. */
export class HelpRequested extends Error {}

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/**
 * util.parseArgs for every tool, with the same contract: --help/-h throws HelpRequested (runMain: usage on stdout,
 * exit 0), an unknown flag or a missing value throws UsageError (runMain: message and usage on stderr, exit 2).
 */
export function parseToolArgs<O extends ParseArgsOptions>(argv: string[], options: O, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested();
  return parsed as unknown as { values: ReturnType<typeof parseArgs<{ options: O; strict: true }>>["values"]; positionals: string[] };
}

export interface CliOptions {
  stack?: string;
  config?: string;
  policyConfig?: string;
  json: boolean;
  markdown: boolean;
  /** Write the output to this file instead of stdout. */
  out?: string;
  /** Output format, for tools with several (`npm run check -- --format sarif`). */
  format?: string;
}

export function parseCli(argv: string[], allowed: ("json" | "markdown" | "policy-config" | "config" | "out" | "format")[]): CliOptions {
  const options = {
    stack: { type: "string" },
    config: { type: "string" },
    "policy-config": { type: "string" },
    out: { type: "string" },
    format: { type: "string" },
    json: { type: "boolean", default: false },
    markdown: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) throw new HelpRequested();
  for (const flag of ["json", "markdown", "policy-config", "config", "out", "format"] as const) {
    const given = flag === "json" || flag === "markdown" ? v[flag] === true : v[flag] !== undefined;
    if (given && !allowed.includes(flag)) throw new UsageError(`unknown option --${flag}`);
  }
  return { stack: v.stack, config: v.config, policyConfig: v["policy-config"], json: !!v.json, markdown: !!v.markdown, out: v.out, format: v.format };
}

/** Stacks shipped with the project: every Pulumi.<stack>.yaml beside Pulumi.yaml. */
export function shippedStacks(projectDir = PROJECT_DIR): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

export interface StackTarget {
  stack: string;
  /** The stack config file read. */
  file: string;
  /** The policy pack config used for this stack. */
  policyConfigFile: string;
}

/** `Pulumi.bad-port.yaml` → `bad-port`, as the CLI names stacks after their file. */
export function stackNameOf(file: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
}

/**
 * --stack NAME reads Pulumi.NAME.yaml; --config FILE reads any file (stack name from the file name, or --stack).
 * Policy config: --policy-config, else policies/<stack>.json when it exists, else the strict policies/mini.json.
 * mini.json and local.json are one file per stack on purpose, though identical today (both stacks run the same
 * platform services): the CI preview, the corpus and `npm run up:local` key on the stack name, and a loosening
 * accepted on the laptop stack must not reach the mini by sharing a file. JSON holds no comment, so it is said here.
 */
export function resolveTarget(opts: Pick<CliOptions, "stack" | "config" | "policyConfig">, projectDir = PROJECT_DIR): StackTarget {
  let stack = opts.stack;
  let file: string;
  if (opts.config !== undefined) {
    file = path.resolve(opts.config);
    stack ??= stackNameOf(file);
    if (!stack) throw new UsageError(`--config ${opts.config}: cannot tell the stack name from the file name (expected Pulumi.<stack>.yaml); pass --stack NAME`);
  } else if (stack !== undefined) {
    file = stackFilePath(projectDir, stack);
  } else {
    throw new UsageError("expected --stack NAME or --config FILE");
  }
  if (!fs.existsSync(file)) {
    const known = shippedStacks(projectDir).join(", ");
    throw new UsageError(`${file}: no such stack config file${opts.config === undefined ? ` (shipped stacks: ${known})` : ""}`);
  }
  let policyConfigFile: string;
  if (opts.policyConfig !== undefined) {
    policyConfigFile = path.resolve(opts.policyConfig);
    if (!fs.existsSync(policyConfigFile)) throw new UsageError(`--policy-config ${opts.policyConfig}: no such file`);
  } else {
    const own = path.join(projectDir, "policies", `${stack}.json`);
    policyConfigFile = fs.existsSync(own) ? own : path.join(projectDir, "policies", "mini.json");
  }
  return { stack, file, policyConfigFile };
}

export interface LoadedStack {
  target: StackTarget;
  config: StackConfigValues;
  /** Secret keys the config references but does not set: filled with an offline placeholder. */
  placeholders: string[];
  /** `secure:` keys of the file: their ciphertext cannot be decrypted offline, so they hold a placeholder too. */
  encrypted: string[];
  /** Every secret config value (placeholders included): text that must never reach the output. */
  secretValues: string[];
  resolved?: StackConfig;
  configError?: ConfigError;
}

/** Reads the stack file like the CLI (project defaults from Pulumi.yaml) and validates it with the program's contract. */
export function loadStack(target: StackTarget, projectDir = PROJECT_DIR): LoadedStack {
  let raw: StackConfigValues;
  try {
    raw = readStackConfigFile(target.file, projectDir);
  } catch (e) {
    throw new UsageError(`${target.file}: cannot read it as a stack config file: ${(e as Error).message}`);
  }
  const { config, placeholders } = withPlaceholderSecrets(target.stack, raw);
  const secretValues = [...new Set(config.secretKeys.map((k) => config.values[k]).filter((v): v is string => typeof v === "string" && v.length > 0))];
  const encrypted = raw.secretKeys.map((k) => k.replace(/^[^:]*:/, ""));
  const loaded: LoadedStack = { target, config, placeholders, encrypted, secretValues };
  try {
    loaded.resolved = resolveStackConfig(target.stack, toRawStackConfig(config));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    loaded.configError = e;
  }
  return loaded;
}

/**
 * Runs index.ts under mocks. Call once per process. A program error other than a ConfigError is rethrown.
 *
 * The Pulumi SDK records `new Error().stack` for every promise it creates (runtime/debuggable.js, for its leak
 * report), and ts-node's source-map support makes each capture expensive: at 1000 services that was 80% of the
 * time and most of the memory. Stack capture is therefore off while the program evaluates; set
 * MINIDOCK_STACK_TRACES=1 to keep it when debugging a crash inside the program.
 */
export async function evaluate(loaded: LoadedStack): Promise<Evaluation> {
  const limit = Error.stackTraceLimit;
  if (process.env.MINIDOCK_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
  let ev: Evaluation;
  try {
    // require.resolve finds index.ts under ts-node and index.js when the tools run precompiled.
    ev = await evaluateProgram(loaded.target.stack, loaded.config, require.resolve("../index"));
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (ev.error) {
    if (ev.error instanceof ConfigError || ev.error.name === "ConfigError") loaded.configError = ev.error as ConfigError;
    else throw ev.error;
  }
  return ev;
}

/** The stack of a one-stack tool (budget, tailnet:policy, dockerRun): --config FILE, else --stack NAME, else mini. */
export function oneStackTarget(opts: Pick<CliOptions, "stack" | "config">): StackTarget {
  // The mini is the stack users deploy, so it is what these tools describe unless told otherwise.
  return resolveTarget({ stack: opts.config === undefined ? (opts.stack ?? "mini") : opts.stack, config: opts.config });
}

/** A loaded stack whose config is valid; otherwise its problems are printed and the answer is undefined. */
export function validStack(loaded: LoadedStack): (LoadedStack & { resolved: StackConfig }) | undefined {
  if (!loaded.configError && loaded.resolved) return loaded as LoadedStack & { resolved: StackConfig };
  console.error(`${relativeToCwd(loaded.target.file)}: ${loaded.configError?.message ?? "invalid stack config"}`);
  return undefined;
}

export const REDACTED = "[secret]";

/** Replaces every occurrence of a secret value inside strings, at any depth. */
export function redactDeep(value: unknown, secrets: string[]): unknown {
  if (typeof value === "string") {
    let out = value;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
  }
  return value;
}

/** A resource's inputs fit for printing: inputs that held a secret are hidden whole, as Pulumi shows them. */
export function redactedInputs(r: RecordedResource, secrets: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.inputs)) out[k] = r.secretInputs.includes(k) ? REDACTED : redactDeep(v, secrets);
  return out;
}

export function relativeToCwd(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

/** Shared main wrapper: usage errors exit 2 with a hint, anything unexpected exits 1 with its message. */
export function runMain(usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof HelpRequested) {
        console.log(`usage: ${usage}`);
        process.exitCode = 0;
      } else if (e instanceof UsageError) {
        console.error(`error: ${e.message}\nusage: ${usage}`);
        process.exitCode = 2;
      } else {
        console.error(`error: ${(e as Error)?.stack ?? String(e)}`);
        process.exitCode = 1;
      }
    },
  );
}
