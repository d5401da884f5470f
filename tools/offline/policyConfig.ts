import { EnforcementLevel } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/**
 * Policy pack config as the Pulumi CLI resolves it before the pack sees it (pkg/resource/analyzer/config.go,
 * ReconcilePolicyPackConfig): start from each policy's own level (else the pack's) and its schema's top-level
 * defaults; `"all": level` sets every policy's level; then each policy's own entry (a level string, or an
 * object with enforcementLevel and properties) overrides, properties merged shallowly. Entries naming no
 * policy are ignored by the CLI; we return them so the offline check can warn about typos. Finally the
 * result is validated against each schema (the CLI with gojsonschema, we with ajv: both draft-07 with formats
 * asserted, unknown keywords ignored), and the CLI refuses to run on any error: so do we.
 */
export interface PolicyInfo {
  name: string;
  enforcementLevel?: EnforcementLevel;
  configSchema?: { properties: Record<string, PolicyConfigJSONSchema>; required?: string[] };
}

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

export class PolicyConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid policy pack config:\n  ${problems.join("\n  ")}`);
    this.name = "PolicyConfigError";
  }
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function isLevel(v: unknown): v is EnforcementLevel {
  return typeof v === "string" && (LEVELS as string[]).includes(v);
}

export function resolvePolicyConfig(
  policies: PolicyInfo[],
  packConfig: Record<string, unknown>,
  packLevel: EnforcementLevel,
): { config: Map<string, ResolvedPolicyConfig>; unknownKeys: string[] } {
  const problems: string[] = [];
  const config = new Map<string, ResolvedPolicyConfig>();
  for (const p of policies) {
    const properties: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
      if (s.default !== undefined) properties[k] = JSON.parse(JSON.stringify(s.default));
    }
    config.set(p.name, { enforcementLevel: p.enforcementLevel ?? packLevel, properties });
  }
  const levelOf = (key: string, v: unknown): EnforcementLevel | undefined => {
    const level = typeof v === "string" ? v : (v as { enforcementLevel?: unknown } | null)?.enforcementLevel;
    if (level === undefined) return undefined;
    if (isLevel(level)) return level;
    problems.push(`${key}: expected an enforcement level (${LEVELS.join(", ")}), got ${JSON.stringify(level)}`);
    return undefined;
  };
  const all = levelOf("all", packConfig.all);
  if (all) for (const c of config.values()) c.enforcementLevel = all;

  const unknownKeys: string[] = [];
  for (const [key, given] of Object.entries(packConfig)) {
    if (key === "all") continue;
    const resolved = config.get(key);
    if (!resolved) {
      unknownKeys.push(key);
      continue;
    }
    if (typeof given !== "string" && (typeof given !== "object" || given === null || Array.isArray(given))) {
      problems.push(`${key}: expected an enforcement level or an object, got ${JSON.stringify(given)}`);
      continue;
    }
    const level = levelOf(key, given);
    if (level) resolved.enforcementLevel = level;
    if (typeof given === "object") {
      for (const [k, v] of Object.entries(given)) if (k !== "enforcementLevel") resolved.properties[k] = v;
    }
  }

  for (const p of policies) {
    if (!p.configSchema) continue;
    const properties = config.get(p.name)!.properties;
    const validate = validatorOf(p.configSchema);
    if (!validate(properties)) problems.push(...problemLines(validate.errors ?? [], properties, p.name));
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return { config, unknownKeys };
}

// strict: false because the CLI ignores keywords it does not know; allErrors because it lists every problem.
// verbose puts the failing value and its schema on each error, which the messages below quote.
const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
// `format: date` asserts a calendar date (2026-02-30 is refused, which a pattern lets through), as the CLI does.
addFormats(ajv);

/** One compiled validator per policy schema: the corpus tests run the pack hundreds of times in one process. */
const validators = new WeakMap<object, ValidateFunction>();
function validatorOf(schema: NonNullable<PolicyInfo["configSchema"]>): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    // The pack sends properties and required; the CLI validates them as one object schema.
    v = ajv.compile({ type: "object", properties: schema.properties, ...(schema.required ? { required: schema.required } : {}) });
    validators.set(schema, v);
  }
  return v;
}

/**
 * ajv's errors in the house style `policy.key[0].sub: expected X, got Y`: tools/sarif.ts locates the key in the
 * policy config file from the text before the colon. A value that fails its pattern is not also told its format.
 */
function problemLines(errors: ErrorObject[], root: unknown, policy: string): string[] {
  const failedPattern = new Set(errors.filter((e) => e.keyword === "pattern").map((e) => e.instancePath));
  return errors
    .filter((e) => !(e.keyword === "format" && failedPattern.has(e.instancePath)))
    .map((e) => `${keyPath(policy, e.instancePath, root)}${problemOf(e)}`);
}

/** A JSON pointer as a key path: array indexes in brackets, the policy name first. */
function keyPath(policy: string, pointer: string, root: unknown): string {
  let at = policy;
  let value = root;
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    at += Array.isArray(value) ? `[${seg}]` : `.${seg}`;
    value = (value as Record<string, unknown> | undefined)?.[seg];
  }
  return at;
}

/** The rest of the line: `.missing: required`, or `: expected ..., got <value>`. */
function problemOf(e: ErrorObject): string {
  const got = `got ${JSON.stringify(e.data)}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `.${String(p.missingProperty)}: required`;
    case "additionalProperties":
      return `.${String(p.additionalProperty)}: unknown key; expected one of ${Object.keys(e.parentSchema?.properties ?? {}).join(", ")}`;
    case "false schema":
      return ": not allowed";
    case "type":
      return `: expected ${([] as string[]).concat(e.schema as string | string[]).join(" or ")}, ${got}`;
    case "enum":
      return `: expected one of ${(e.schema as unknown[]).map((x) => JSON.stringify(x)).join(", ")}, ${got}`;
    case "minimum":
      return `: expected at least ${String(p.limit)}, ${got}`;
    case "maximum":
      return `: expected at most ${String(p.limit)}, ${got}`;
    case "minLength":
      return `: expected at least ${String(p.limit)} characters, ${got}`;
    case "pattern":
      return `: expected to match /${String(p.pattern)}/, ${got}`;
    case "format":
      return p.format === "date" ? `: expected a calendar date as YYYY-MM-DD, ${got}` : `: expected format ${String(p.format)}, ${got}`;
    default:
      return `: ${e.message ?? e.keyword}, ${got}`;
  }
}
