import { ReportViolation, ResourceValidation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { MinidockPolicy, UnknownValueError, nameOfUrn, pulumiTypeOf, withPulumiType } from "./common";

/**
 * Per-resource exemptions with a written reason. Every policy's config accepts
 *
 *   "mounts-no-sensitive-host-paths": {"exemptions": [{"resource": "*.node-exporter-1", "reason": "reads /proc and /sys read-only to export host metrics"}]}
 *
 * `resource` is the Pulumi resource name (`*` matches any run of characters). `reason` is required and at least
 * EXEMPTION_REASON_MIN characters: the engine validates pack config against the schema, so a missing or short
 * reason fails `pulumi preview` before any rule runs (the offline mirror does the same). The wrapper checks the
 * reason again, so an exemption can never be honoured without one.
 *
 * An exempt resource is still validated; its violations are dropped and recorded as "used", so the check output
 * lists every exemption that actually suppressed something, and one that no longer matches anything shows up.
 */
export const EXEMPTION_REASON_MIN = 20;

export interface Exemption {
  resource: string;
  reason: string;
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
  description: `Resources (Pulumi names, * glob) this rule does not apply to, each with a reason of at least ${EXEMPTION_REASON_MIN} characters`,
  items: {
    type: "object",
    properties: {
      resource: { type: "string", minLength: 1 },
      reason: { type: "string", minLength: EXEMPTION_REASON_MIN },
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

export function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

export function isValidExemption(e: unknown): e is Exemption {
  const x = e as Exemption;
  return !!x && typeof x.resource === "string" && x.resource.length > 0 && typeof x.reason === "string" && x.reason.trim().length >= EXEMPTION_REASON_MIN;
}

/** The exemption covering `resourceName`, if any valid one does. */
export function findExemption(exemptions: unknown, resourceName: string): Exemption | undefined {
  if (!Array.isArray(exemptions)) return undefined;
  return exemptions.filter(isValidExemption).find((e) => globToRegExp(e.resource).test(resourceName));
}

function configuredExemptions(args: { getConfig<T extends object>(): T }): unknown {
  return args.getConfig<{ exemptions?: unknown }>().exemptions;
}

function sinkOf(args: object): Sink | undefined {
  return (args as Record<symbol, Sink | undefined>)[EXEMPTION_SINK];
}

function wrapResource(policyName: string, original: ResourceValidation | ResourceValidation[]): ResourceValidation {
  const validations = Array.isArray(original) ? original : [original];
  const types = new Set(validations.map(pulumiTypeOf));
  const fn: ResourceValidation = async (args: ResourceValidationArgs, report: ReportViolation) => {
    const exemption = findExemption(configuredExemptions(args), args.name);
    if (!exemption) {
      for (const v of validations) await v(args, report);
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
    const filtered: ReportViolation = (message, urn) => {
      const exemption = urn ? findExemption(exemptions, nameOfUrn(urn)) : undefined;
      if (!exemption) return report(message, urn);
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
