import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { PROJECT } from "../../lib/naming";
import { StackConfigValues, readStackConfigFile, stackFilePath, withPlaceholderSecrets } from "../../tools/offline/stackFile";
import { PROJECT_DIR } from "./stack";

/**
 * The stack corpus (tests/fixtures/corpus/{bad,good}/*.yaml): one- or two-change edits of a shipped stack that
 * the pack must refuse (bad) or accept (good). docs/policies.md ("The stack corpus") describes the format.
 */
export const CORPUS_DIR = path.join(PROJECT_DIR, "tests", "fixtures", "corpus");
export type CorpusKind = "bad" | "good";

/** A refusal a bad entry expects: by a rule of the pack, or by the config contract. */
const expectation = z
  .object({
    /** A policy name of the pack; the violation must be mandatory (a refusal, not a warning). */
    rule: z.string().min(1).optional(),
    /** The Pulumi resource name the violation is reported against, e.g. agent-1. */
    resource: z.string().min(1).optional(),
    /** Text the violation's message must contain: the user's config key, e.g. services.agent.env.DATABASE_URL. */
    key: z.string().min(1).optional(),
    /** Text one problem of the stack's ConfigError must contain. */
    configError: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.rule === undefined) === (e.configError === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "expected exactly one of rule or configError" });
    }
    if (e.configError !== undefined && (e.resource !== undefined || e.key !== undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "resource and key go with rule, not with configError (put the key in the configError text)" });
    }
  });
export type Expectation = z.output<typeof expectation>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const objectOf = (what: string) => z.custom<Record<string, unknown>>(isPlainObject, { message: `expected a mapping of ${what}` });

const entrySchema = z
  .object({
    description: z.string().min(1),
    /** Pulumi.<base>.yaml is the starting point, policies/<base>.json its pack config. */
    base: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "expected a shipped stack name such as mini or local"),
    /** Deep-merged into the base's `config:`; arrays replace, null deletes a key. */
    edits: objectOf("config keys (minidock:services: ...)").default({}),
    /** Deep-merged into policies/<base>.json, with the same rules. */
    policyConfig: objectOf("policy names").default({}),
    expect: z.array(expectation),
  })
  .strict();
export type CorpusEntry = z.output<typeof entrySchema>;

/** A corpus file that cannot be run: the test named after it fails with this message. */
export class CorpusFormatError extends Error {}

/** Every corpus file of one kind, sorted; a file that is not .yaml is an error rather than silently skipped. */
export function corpusFiles(kind: CorpusKind): string[] {
  const dir = path.join(CORPUS_DIR, kind);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.startsWith(".")).sort() : [];
}

/** Reads and validates one corpus file: YAML, the schema above, and the expectations its kind needs. */
export function readCorpusEntry(kind: CorpusKind, file: string, knownRules: ReadonlySet<string>): CorpusEntry {
  const rel = path.relative(PROJECT_DIR, path.join(CORPUS_DIR, kind, file));
  const fail = (why: string): never => {
    throw new CorpusFormatError(`${rel}: ${why}`);
  };
  if (!file.endsWith(".yaml")) fail("corpus files are .yaml");
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(path.join(CORPUS_DIR, kind, file), "utf8"));
  } catch (e) {
    fail(`not valid YAML: ${(e as Error).message}`);
  }
  const parsed = entrySchema.safeParse(doc);
  if (!parsed.success) {
    fail(parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(file)"}: ${i.message}`).join("; "));
  }
  const entry = parsed.data!;
  if (!fs.existsSync(stackFilePath(PROJECT_DIR, entry.base))) fail(`base: no Pulumi.${entry.base}.yaml in the project`);
  if (!fs.existsSync(packConfigFile(entry.base))) fail(`base: no policies/${entry.base}.json in the project`);
  if (kind === "bad" && entry.expect.length === 0) fail("expect: a bad entry lists at least one refusal it must get");
  if (kind === "good" && entry.expect.length > 0) fail("expect: a good entry writes `expect: []` (it must pass with no mandatory violation)");
  entry.expect.forEach((e, i) => {
    if (e.rule !== undefined && !knownRules.has(e.rule)) fail(`expect.${i}.rule: ${JSON.stringify(e.rule)} names no rule of the pack`);
  });
  return entry;
}

/**
 * `edits` applied to `base`: mappings merge key by key, `null` deletes the key, anything else (arrays included)
 * replaces the base's value. Neither argument is modified.
 */
export function deepMerge(base: unknown, edits: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(edits)) return edits;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(edits)) {
    if (value === null) delete out[key];
    else out[key] = deepMerge(base[key], value);
  }
  return out;
}

/** `services` and `minidock:services` are the same key, as in a stack file. */
function namespaced(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${PROJECT}:${k}`, v]));
}

export function packConfigFile(base: string): string {
  return path.join(PROJECT_DIR, "policies", `${base}.json`);
}

export interface CorpusStack {
  stack: string;
  /** The config as the Pulumi CLI would pass it, secrets as offline placeholders. */
  config: StackConfigValues;
  packConfig: Record<string, unknown>;
}

/**
 * The entry's stack: the base file with the edits merged into its `config:`, read the way `npm run check` reads
 * a stack file (project defaults from Pulumi.yaml, `secure:` values and referenced-but-unset secrets as
 * placeholders), written to `scratchDir` so the file reader is the CLI's own; and the merged pack config.
 */
export function corpusStack(entry: CorpusEntry, scratchDir: string, name: string): CorpusStack {
  const baseDoc = parse(fs.readFileSync(stackFilePath(PROJECT_DIR, entry.base), "utf8")) as { config?: Record<string, unknown> };
  const merged = deepMerge(namespaced(baseDoc.config ?? {}), namespaced(entry.edits)) as Record<string, unknown>;
  const file = path.join(scratchDir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, stringify({ config: merged }));
  const { config } = withPlaceholderSecrets(entry.base, readStackConfigFile(file, PROJECT_DIR));
  const basePack = JSON.parse(fs.readFileSync(packConfigFile(entry.base), "utf8")) as Record<string, unknown>;
  return { stack: entry.base, config, packConfig: deepMerge(basePack, entry.policyConfig) as Record<string, unknown> };
}
