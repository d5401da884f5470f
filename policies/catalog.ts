import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { MinidockPolicy, RULE_META } from "./ruleKit";
import { allPolicies } from "./allPolicies";

/**
 * The rule table for docs/policies.md, derived from the policy objects themselves (name, description, level,
 * config schema) and the group/anchors each module registered with defineRule: no second copy of any text.
 * Every rule also takes `exemptions` (policies/exemptions.ts); the table lists only a rule's own settings.
 */
export interface CatalogEntry {
  name: string;
  group: string;
  checks: string;
  level: string;
  /** e.g. `maxHostMemoryMb: integer = 14336`; "" when the rule has no settings of its own. */
  config: string;
  anchor: string;
}

function describeSetting(key: string, s: PolicyConfigJSONSchema): string {
  const type = s.type === "array" && s.items && typeof s.items === "object" && !Array.isArray(s.items) ? `${s.items.type ?? "any"}[]` : String(s.type ?? "any");
  return s.default === undefined ? `${key}: ${type}` : `${key}: ${type} = ${JSON.stringify(s.default)}`;
}

export function ruleCatalog(policies: MinidockPolicy[] = allPolicies): CatalogEntry[] {
  return policies.map((p) => {
    const meta = RULE_META.get(p.name);
    const settings = Object.entries(p.configSchema?.properties ?? {}).filter(([k]) => k !== "exemptions");
    return {
      name: p.name,
      group: meta?.group ?? p.name.split("-")[0],
      checks: p.description,
      level: p.enforcementLevel ?? "mandatory",
      config: settings.map(([k, s]) => describeSetting(k, s)).join("; "),
      anchor: meta?.anchors.join(", ") ?? "",
    };
  });
}

/** Rule name -> anchors, for anyone who only needs that. */
export function ruleAnchors(policies: MinidockPolicy[] = allPolicies): Record<string, string> {
  return Object.fromEntries(ruleCatalog(policies).map((e) => [e.name, e.anchor]));
}

/** The markdown table docs/policies.md embeds. */
export function catalogMarkdown(policies: MinidockPolicy[] = allPolicies): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = ruleCatalog(policies).map((e) => `| \`${e.name}\` | ${esc(e.checks)} | ${e.level} | ${esc(e.config) || "-"} | ${esc(e.anchor)} |`);
  return ["| Rule | Checks | Default level | Config | Anchor |", "|---|---|---|---|---|", ...rows].join("\n");
}
