import { RecordedResource } from "./offline/evaluate";
import { redactDeep, redactedInputs } from "./stackRun";

/**
 * Pure rendering of an offline policy check: the text grouped the way `pulumi preview` prints policy
 * violations, and the machine-readable `--json` document (SARIF: tools/sarif.ts). No I/O here, so tests can
 * call it directly.
 */

/** What the policy runtime mirror reports per violation (tools/offline/policyRuntime.ts). */
export interface CheckViolation {
  policy: string;
  enforcementLevel: string;
  /** The policy's description: the CLI prints it above the message. */
  description?: string;
  /** URN of the resource the violation is about; empty for a stack-wide finding. */
  resource?: string;
  resourceName?: string;
  message: string;
}

/** One violation an exemption suppressed (policies/exemptions.ts ExemptionUse). */
export interface CheckExemption {
  policy: string;
  /** URN of the exempt resource. */
  resource: string;
  resourceName?: string;
  reason: string;
  /** The violation that was suppressed. */
  message?: string;
}

/** A configured exemption as written in the policy config: stale, expired, or about to expire. */
export interface ConfiguredExemption {
  policy: string;
  /** The resource-name glob. */
  resource: string;
  reason: string;
  expires?: string;
}

/**
 * Why the check could not run the rules: a stack config problem (the program's contract, lib/config) or a policy
 * pack config problem (a rule's schema). `key` is the path the message starts with, when it has one.
 */
export interface CheckError {
  source: "stack-config" | "policy-config";
  message: string;
  key?: string;
}

export interface CheckResult {
  stack: string;
  pack: { name: string; version: string };
  /** Where the stack config and the policy pack config were read, as the user names them (relative paths). */
  files: { stack: string; policyConfig: string };
  resources: RecordedResource[];
  violations: CheckViolation[];
  exemptions: CheckExemption[];
  /** Unexpired exemptions that suppressed nothing: stale, or a misspelt resource name. */
  exemptionsUnused: ConfiguredExemption[];
  /** Exemptions past their `expires` date: they no longer apply. */
  exemptionsExpired: ConfiguredExemption[];
  /** Exemptions that still apply but expire within `expiryNoticeDays`. */
  exemptionsExpiringSoon: ConfiguredExemption[];
  expiryNoticeDays: number;
  /** Non-empty when the rules did not run: the config is invalid. */
  errors: CheckError[];
  /** Every secret config value: redacted wherever it would appear. */
  secretValues: string[];
}

export interface CheckJson {
  stack: string;
  resources: { type: string; name: string; inputs: Record<string, unknown> }[];
  violations: { policy: string; enforcementLevel: string; resource: string; message: string }[];
  summary: { mandatory: number; advisory: number; errors: number };
  /** Beyond the required shape: every exemption the policy config applied, so a reviewer sees what was waived. */
  exemptions: CheckExemption[];
  exemptionsUnused: ConfiguredExemption[];
  exemptionsExpired: ConfiguredExemption[];
  exemptionsExpiringSoon: ConfiguredExemption[];
  /** Config problems that stopped the check before the rules ran; then resources and violations are empty. */
  errors: CheckError[];
}

/** A result for a config the check could not run the rules on: the same document shape, with `errors`. */
export function errorResult(base: Pick<CheckResult, "stack" | "pack" | "files" | "secretValues" | "expiryNoticeDays">, errors: CheckError[]): CheckResult {
  return { ...base, resources: [], violations: [], exemptions: [], exemptionsUnused: [], exemptionsExpired: [], exemptionsExpiringSoon: [], errors };
}

/** Mandatory fails the check; advisory (and remediate, which the offline check cannot apply) only warn. */
export function summarize(violations: CheckViolation[]): { mandatory: number; advisory: number } {
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return { mandatory, advisory: violations.length - mandatory };
}

export function toJson(r: CheckResult): CheckJson {
  const secrets = r.secretValues;
  const configured = (list: ConfiguredExemption[]) => list.map((e) => redactDeep({ ...e }, secrets) as ConfiguredExemption);
  return {
    stack: r.stack,
    resources: r.resources.map((res) => ({ type: res.type, name: res.name, inputs: redactedInputs(res, secrets) })),
    violations: r.violations.map((v) => ({
      policy: v.policy,
      enforcementLevel: v.enforcementLevel,
      resource: v.resource ?? "",
      message: redactDeep(v.message, secrets) as string,
    })),
    summary: { ...summarize(r.violations), errors: r.errors.length },
    exemptions: r.exemptions.map((e) => ({
      policy: e.policy,
      resource: e.resource,
      reason: redactDeep(e.reason, secrets) as string,
      message: redactDeep(e.message ?? "", secrets) as string,
    })),
    exemptionsUnused: configured(r.exemptionsUnused),
    exemptionsExpired: configured(r.exemptionsExpired),
    exemptionsExpiringSoon: configured(r.exemptionsExpiringSoon),
    errors: r.errors.map((e) => redactDeep({ ...e }, secrets) as CheckError),
  };
}

/** `docker:index/container:Container: agent-1`, as the CLI names a resource in its policy section. */
function describeResource(urn: string | undefined, resources: RecordedResource[]): string {
  if (!urn) return "stack";
  const r = resources.find((x) => x.urn === urn);
  if (r) return `${r.type}: ${r.name}`;
  const parts = urn.split("::");
  return parts.length >= 4 ? `${parts[2]}: ${parts[3]}` : urn;
}

const LEVEL_ORDER = ["mandatory", "remediate", "advisory"];

/**
 * The CLI prints, per pack, one entry per violation:
 *   - [mandatory]  rule  (type: name)
 *     message
 * Mandatory first, then by rule and resource, so the text is stable for diffs and tests.
 */
export function formatText(r: CheckResult): string {
  const lines: string[] = [];
  const secrets = r.secretValues;
  const sorted = [...r.violations].sort(
    (a, b) =>
      LEVEL_ORDER.indexOf(a.enforcementLevel) - LEVEL_ORDER.indexOf(b.enforcementLevel) ||
      a.policy.localeCompare(b.policy) ||
      (a.resource ?? "").localeCompare(b.resource ?? ""),
  );
  const { mandatory, advisory } = summarize(r.violations);
  const mark = mandatory > 0 ? "❌" : advisory > 0 ? "⚠️ " : "✅";
  lines.push("Policies:");
  lines.push(`    ${mark} ${r.pack.name}@v${r.pack.version} (local: policies)`);
  for (const v of sorted) {
    lines.push(`        - [${v.enforcementLevel}]  ${v.policy}  (${describeResource(v.resource, r.resources)})`);
    if (v.description) lines.push(`          ${v.description}`);
    for (const l of (redactDeep(v.message, secrets) as string).split("\n")) lines.push(`          ${l}`);
  }
  if (r.exemptions.length > 0) {
    lines.push("");
    lines.push("Exemptions used:");
    for (const e of r.exemptions) {
      lines.push(`    - ${e.policy}  (${describeResource(e.resource, r.resources)})`);
      lines.push(`      reason: ${redactDeep(e.reason, secrets) as string}`);
      if (e.message) lines.push(`      suppressed: ${redactDeep(e.message, secrets) as string}`);
    }
  }
  // The policy config's own housekeeping: what no longer applies, what hides nothing, what is about to lapse.
  const section = (title: string, list: ConfiguredExemption[], detail: (e: ConfiguredExemption) => string) => {
    if (list.length === 0) return;
    lines.push("");
    lines.push(`${title} (${r.files.policyConfig}):`);
    for (const e of list) {
      lines.push(`    - ${e.policy}  "${e.resource}"${detail(e)}`);
      lines.push(`      reason: ${redactDeep(e.reason, secrets) as string}`);
    }
  };
  section("Exemptions expired, no longer applied", r.exemptionsExpired, (e) => `  expired on ${e.expires}`);
  section(`Exemptions expiring within ${r.expiryNoticeDays} days`, r.exemptionsExpiringSoon, (e) => `  last day ${e.expires}`);
  section("Exemptions that suppressed nothing (stale or misspelt: remove them)", r.exemptionsUnused, () => "");
  lines.push("");
  const verdict = mandatory > 0 ? "FAIL" : "PASS";
  const housekeeping = [
    r.exemptionsExpired.length > 0 ? `${r.exemptionsExpired.length} expired` : "",
    r.exemptionsUnused.length > 0 ? `${r.exemptionsUnused.length} unused` : "",
  ].filter(Boolean);
  lines.push(
    `${verdict}: stack ${r.stack}: ${r.resources.length} resources, ${mandatory} mandatory and ${advisory} advisory violation${advisory === 1 ? "" : "s"}, ${r.exemptions.length} exemption${r.exemptions.length === 1 ? "" : "s"} used` +
      (housekeeping.length > 0 ? ` (${housekeeping.join(", ")})` : ""),
  );
  return lines.join("\n");
}
