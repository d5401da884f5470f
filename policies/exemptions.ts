import { ReportViolation, ResourceValidation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { MinidockPolicy, UnknownValueError, nameOfUrn, pulumiTypeOf, withPulumiType } from "./ruleKit";
import { EXPIRY_PATTERN, expiredNote, isExpired, todayUtc } from "./expiry";

/**
 * Per-resource exemptions with a written reason. Every policy's config accepts
 *
 *   "mounts-no-sensitive-host-paths": {"exemptions": [{"resource": "*.node-exporter-1", "reason": "reads /proc and /sys read-only to export host metrics", "expires": "2027-03-31"}]}
 *
 * `resource` is the Pulumi resource name (`*` matches any run of characters). `reason` is required and at least
 * EXEMPTION_REASON_MIN characters: the engine validates pack config against the schema, so a missing or short
 * reason fails `pulumi preview` before any rule runs (the offline mirror does the same). The wrapper checks the
 * reason again, so an exemption can never be honoured without one.
 *
 * `expires` (optional, `YYYY-MM-DD`) is the last day the exemption applies, to the end of that day in UTC. From
 * the next day on the violation is reported again, as if there were no exemption, its message prefixed with
 * which exemption expired. A malformed date is refused by the schema like a short reason; the wrapper treats
 * one that slipped through (not a calendar date) as expired, so a typo can never make an exemption permanent.
 *
 * An exempt resource is still validated; its violations are dropped and recorded as "used", so the check output
 * lists every exemption that actually suppressed something, and one that no longer matches anything shows up.
 */
export const EXEMPTION_REASON_MIN = 20;

export interface Exemption {
  resource: string;
  reason: string;
  /** Last day it applies (UTC), `YYYY-MM-DD`. */
  expires?: string;
}

/** What an exemption suppressed: one record per policy, resource and message. */
export interface ExemptionUse {
  policy: string;
  resource: string;
  resourceName: string;
  reason: string;
  message: string;
}

export const exemptionsSchema: PolicyConfigJSONSchema = {
  type: "array",
  description: `Resources (Pulumi names, * glob) this rule does not apply to, each with a reason of at least ${EXEMPTION_REASON_MIN} characters and an optional expiry date`,
  items: {
    type: "object",
    properties: {
      resource: { type: "string", minLength: 1 },
      reason: { type: "string", minLength: EXEMPTION_REASON_MIN },
      expires: {
        type: "string",
        pattern: EXPIRY_PATTERN,
        format: "date",
        description: "Last day (UTC) the exemption applies, YYYY-MM-DD; from the next day the violation is reported again",
      },
    },
    required: ["resource", "reason"],
    additionalProperties: false,
  },
  default: [],
};

/**
 * The offline mirror hands the wrapper a sink under this key to collect ExemptionUse records. Under the real
 * engine there is none: resource policies still surface as notApplicable("exempt: <reason>").
 */
export const EXEMPTION_SINK = Symbol.for("minidock.exemptionSink");
type Sink = (use: ExemptionUse) => void;

/** The offline mirror fixes "today" once per run under this key, so a run across midnight judges every rule alike. */
export const EXEMPTION_TODAY = Symbol.for("minidock.exemptionToday");

export function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

export function isValidExemption(e: unknown): e is Exemption {
  const x = e as Exemption;
  return !!x && typeof x.resource === "string" && x.resource.length > 0 && typeof x.reason === "string" && x.reason.trim().length >= EXEMPTION_REASON_MIN;
}

/** What the exemptions say about one resource: the one that applies, else an expired one that would have. */
export interface ExemptionMatch {
  active?: Exemption;
  expired?: Exemption;
}

export function matchExemption(exemptions: unknown, resourceName: string, today: string): ExemptionMatch {
  if (!Array.isArray(exemptions)) return {};
  const matching = exemptions.filter(isValidExemption).filter((e) => globToRegExp(e.resource).test(resourceName));
  return { active: matching.find((e) => !isExpired(e, today)), expired: matching.find((e) => isExpired(e, today)) };
}

/** The exemption covering `resourceName` today, if any valid, unexpired one does. */
export function findExemption(exemptions: unknown, resourceName: string, today: string = todayUtc()): Exemption | undefined {
  return matchExemption(exemptions, resourceName, today).active;
}

function configuredExemptions(args: { getConfig<T extends object>(): T }): unknown {
  return args.getConfig<{ exemptions?: unknown }>().exemptions;
}

function sinkOf(args: object): Sink | undefined {
  return (args as Record<symbol, Sink | undefined>)[EXEMPTION_SINK];
}

function todayOf(args: object): string {
  return (args as Record<symbol, string | undefined>)[EXEMPTION_TODAY] ?? todayUtc();
}

/** A reporter that says which exemption expired before each message, or the reporter itself when none did. */
function noting(report: ReportViolation, expired: Exemption | undefined): ReportViolation {
  return expired ? (message, urn) => report(expiredNote(expired) + message, urn) : report;
}

function wrapResource(policyName: string, original: ResourceValidation | ResourceValidation[]): ResourceValidation {
  const validations = Array.isArray(original) ? original : [original];
  const types = new Set(validations.map(pulumiTypeOf));
  const fn: ResourceValidation = async (args: ResourceValidationArgs, report: ReportViolation) => {
    const { active: exemption, expired } = matchExemption(configuredExemptions(args), args.name, todayOf(args));
    if (!exemption) {
      const reportOrNote = noting(report, expired);
      for (const v of validations) await v(args, reportOrNote);
      return;
    }
    const dropped: string[] = [];
    try {
      for (const v of validations) await v(args, (message) => dropped.push(message));
    } catch (e) {
      // Unknown at preview: the resource is exempt, so the rule has nothing to say about it either way.
      if (!(e instanceof UnknownValueError)) throw e;
    }
    const sink = sinkOf(args);
    for (const message of dropped) sink?.({ policy: policyName, resource: args.urn, resourceName: args.name, reason: exemption.reason, message });
    args.notApplicable(`exempt: ${exemption.reason}`);
  };
  return withPulumiType(fn, types.size === 1 ? [...types][0] : undefined);
}

function wrapStack(policyName: string, original: (args: StackValidationArgs, report: ReportViolation) => void | Promise<void>) {
  const fn = (args: StackValidationArgs, report: ReportViolation) => {
    const exemptions = configuredExemptions(args);
    const sink = sinkOf(args);
    const today = todayOf(args);
    const filtered: ReportViolation = (message, urn) => {
      const { active: exemption, expired } = urn ? matchExemption(exemptions, nameOfUrn(urn), today) : {};
      if (!exemption) return noting(report, expired)(message, urn);
      sink?.({ policy: policyName, resource: urn!, resourceName: nameOfUrn(urn!), reason: exemption.reason, message });
    };
    return original(args, filtered);
  };
  return withPulumiType(fn, pulumiTypeOf(original));
}

/** Adds `exemptions` to the policy's config schema and honours it. Returns a new object; the original is untouched. */
export function withExemptions<P extends MinidockPolicy>(policy: P): P {
  const configSchema = {
    ...policy.configSchema,
    properties: { ...policy.configSchema?.properties, exemptions: exemptionsSchema },
  };
  if ("validateStack" in policy) {
    return { ...policy, configSchema, validateStack: wrapStack(policy.name, policy.validateStack) };
  }
  if (!policy.validateResource) return { ...policy, configSchema };
  return { ...policy, configSchema, validateResource: wrapResource(policy.name, policy.validateResource) };
}
