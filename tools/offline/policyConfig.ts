import { EnforcementLevel } from "@pulumi/policy";
import { PolicyConfigJSONSchema, PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";
import { isCalendarDate } from "../../policies/expiry";

/**
 * Policy pack config as the Pulumi CLI resolves it before the pack sees it (pkg/resource/analyzer/config.go,
 * ReconcilePolicyPackConfig): start from each policy's own level (else the pack's) and its schema's top-level
 * defaults; `"all": level` sets every policy's level; then each policy's own entry (a level string, or an
 * object with enforcementLevel and properties) overrides, properties merged shallowly. Entries naming no
 * policy are ignored by the CLI; we return them so the offline check can warn about typos. Finally the
 * result is validated against each schema, and the CLI refuses to run on any error: so do we.
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
    const resolved = config.get(p.name)!;
    const schema = p.configSchema;
    if (!schema) continue;
    for (const req of schema.required ?? []) {
      if (resolved.properties[req] === undefined) problems.push(`${p.name}.${req}: required`);
    }
    for (const [k, v] of Object.entries(resolved.properties)) {
      const s = schema.properties[k];
      if (s) validate(v, s, `${p.name}.${k}`, problems);
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return { config, unknownKeys };
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The JSON-schema subset our config schemas use; messages follow the house style `path: expected X, got Y`. */
export function validate(value: unknown, def: PolicyConfigJSONSchemaDefinition, at: string, problems: string[]): void {
  if (typeof def === "boolean") {
    if (!def) problems.push(`${at}: not allowed`);
    return;
  }
  const got = JSON.stringify(value);
  if (def.type) {
    const types = Array.isArray(def.type) ? def.type : [def.type];
    const t = typeOf(value);
    if (!types.some((want) => want === t || (want === "number" && t === "integer"))) {
      problems.push(`${at}: expected ${types.join(" or ")}, got ${got}`);
      return;
    }
  }
  if (def.enum && !def.enum.some((e) => JSON.stringify(e) === got)) {
    problems.push(`${at}: expected one of ${def.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${got}`);
  }
  if (typeof value === "number") {
    if (def.minimum !== undefined && value < def.minimum) problems.push(`${at}: expected at least ${def.minimum}, got ${got}`);
    if (def.maximum !== undefined && value > def.maximum) problems.push(`${at}: expected at most ${def.maximum}, got ${got}`);
  }
  if (typeof value === "string") {
    if (def.minLength !== undefined && value.length < def.minLength) {
      problems.push(`${at}: expected at least ${def.minLength} characters, got ${got}`);
    }
    if (def.pattern !== undefined && !new RegExp(def.pattern).test(value)) problems.push(`${at}: expected to match /${def.pattern}/, got ${got}`);
    // `format: date` means a calendar date: validators that assert formats refuse 2026-02-30, which a pattern lets through.
    else if (def.format === "date" && !isCalendarDate(value)) problems.push(`${at}: expected a calendar date as YYYY-MM-DD, got ${got}`);
  }
  if (Array.isArray(value) && def.items && !Array.isArray(def.items)) {
    value.forEach((item, i) => validate(item, def.items as PolicyConfigJSONSchemaDefinition, `${at}[${i}]`, problems));
  }
  if (typeOf(value) === "object") {
    const obj = value as Record<string, unknown>;
    for (const req of def.required ?? []) if (obj[req] === undefined) problems.push(`${at}.${req}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const s = def.properties?.[k];
      if (s !== undefined) validate(v, s, `${at}.${k}`, problems);
      else if (def.additionalProperties === false) {
        problems.push(`${at}.${k}: unknown key; expected one of ${Object.keys(def.properties ?? {}).join(", ")}`);
      } else if (def.additionalProperties !== undefined) validate(v, def.additionalProperties, `${at}.${k}`, problems);
    }
  }
}
