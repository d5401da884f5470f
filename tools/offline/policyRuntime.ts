import {
  EnforcementLevel, PolicyProviderResource, PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidation, ResourceValidationArgs,
  ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError, pulumiTypeOf, unknownCheckingProxy } from "../../policies/ruleKit";
import { EXEMPTION_SINK, EXEMPTION_TODAY, Exemption, ExemptionUse, globToRegExp } from "../../policies/exemptions";
import { EXPIRY_NOTICE_DAYS, addDays, isExpired, todayUtc } from "../../policies/expiry";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../../policies/allPolicies";
import { RecordedResource } from "./evaluate";
import { PolicyConfigError, ResolvedPolicyConfig, resolvePolicyConfig } from "./policyConfig";

// The pack's own version, as the engine reports it in "can't run policy ... from policy pack 'minidock@v0.1.0'".
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PACK_VERSION: string = require("../../policies/package.json").version;

/**
 * The CrossGuard analyzer, run in-process over recorded resources: what @pulumi/policy's server.js does when
 * the engine calls Analyze (once per resource) and AnalyzeStack (once, with every resource), minus gRPC.
 * Mirrored: level precedence (policy config > "all" > the policy's own > the pack's; "disabled" skips;
 * "remediate" reports as mandatory), schema defaults in getConfig(), props wrapped by unknownCheckingProxy with
 * an UnknownValueError turned into an ADVISORY "can't run policy ... during preview", notApplicable(reason),
 * stackTags, args.provider, and the `__pulumiType` fast path. Differences, on purpose: each resource's props are
 * copied once and shared by every policy (the engine deserializes per call; our rules never mutate props), and
 * the engine's message is `description + "\n" + message` where we keep the two apart.
 */
export type Policy = ResourceValidationPolicy | StackValidationPolicy;

export interface Violation {
  policy: string;
  description: string;
  enforcementLevel: "advisory" | "mandatory";
  /** URN of the resource, or undefined when a stack policy reports against the whole stack. */
  resource?: string;
  resourceName?: string;
  message: string;
}

export interface NotApplicable {
  policy: string;
  resource?: string;
  reason?: string;
}

export interface UnusedExemption {
  policy: string;
  resource: string;
  reason: string;
  expires?: string;
}

/** A configured exemption past (or, for the notice, near) its `expires` date. */
export interface DatedExemption extends UnusedExemption {
  expires: string;
}


export interface PolicyRunResult {
  violations: Violation[];
  /** Every exemption that suppressed a violation: what `npm run check` lists under "exemptions used". */
  exemptions: ExemptionUse[];
  /** Configured, unexpired exemptions that suppressed nothing: stale, or a typo in the resource name. */
  unusedExemptions: UnusedExemption[];
  /** Configured exemptions past their date: they no longer apply (their violations carry a note), whatever they match. */
  expiredExemptions: DatedExemption[];
  /** Exemptions that still apply but expire within EXPIRY_NOTICE_DAYS (today included). */
  expiringExemptions: DatedExemption[];
  /** The day exemptions were judged against (UTC). */
  today: string;
  /** notApplicable() calls with their reason; the type-mismatch fast path is not listed (it would be every pair). */
  notApplicable: NotApplicable[];
  /** Top-level pack config keys naming no policy. The CLI ignores them silently; the check warns. */
  unknownConfigKeys: string[];
}

export interface RunOptions {
  stackTags?: Record<string, string>;
  /** The stack being checked; informational (the engine's policies do not see the stack name). */
  stack?: string;
  pack?: { name: string; version: string; enforcementLevel: EnforcementLevel };
  /** The day exemptions are judged against, `YYYY-MM-DD`; default todayUtc() (MINIDOCK_TODAY, else the clock), fixed once per run. */
  today?: string;
}

export { PolicyConfigError };

class NotApplicableError extends Error {
  constructor(public readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}
const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

/**
 * A deep copy in THIS realm. Not structuredClone: under jest its objects come from Node's outer realm, fail the
 * proxy's `instanceof Object` test, and would go unproxied (unknowns would read as plain strings).
 */
export function plainCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plainCopy) as T;
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainCopy(x)])) as T;
  return v;
}

/** The engine's read-only stack tag map (server.js freezeMap). */
function tagMap(tags: Record<string, string> = {}): ReadonlyMap<string, string> {
  return Object.freeze(new Map(Object.entries(tags))) as ReadonlyMap<string, string>;
}

function isStackPolicy(p: Policy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** A provider reference is `<provider urn>::<provider id>`; the URN itself contains `::`. */
function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}

function levelOf(c: ResolvedPolicyConfig): "advisory" | "mandatory" | "disabled" {
  return c.enforcementLevel === "remediate" ? "mandatory" : c.enforcementLevel;
}

export async function runPolicies(
  resources: RecordedResource[],
  policies: Policy[],
  packConfig: Record<string, unknown> = {},
  opts: RunOptions = {},
): Promise<PolicyRunResult> {
  const pack = opts.pack ?? { name: PACK_NAME, version: PACK_VERSION, enforcementLevel: PACK_ENFORCEMENT_LEVEL };
  const { config, unknownKeys } = resolvePolicyConfig(policies, packConfig, pack.enforcementLevel);
  const stackTags = tagMap(opts.stackTags);
  const today = opts.today ?? todayUtc();
  const result: PolicyRunResult = {
    violations: [], exemptions: [], unusedExemptions: [], expiredExemptions: [], expiringExemptions: [], today, notApplicable: [], unknownConfigKeys: unknownKeys,
  };
  const sink = (use: ExemptionUse) => result.exemptions.push(use);
  const optionsOf = (r: RecordedResource): PolicyResourceOptions => ({
    protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    ...(r.options?.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.options.deleteBeforeReplace } : {}),
    ...(r.options?.parent ? { parent: r.options.parent } : {}),
  });
  const getConfigFor = (name: string) => <T extends object>() => ({ ...config.get(name)!.properties }) as T;
  const policyFrom = (p: Policy) => `policy '${p.name}' from policy pack '${pack.name}@v${pack.version}'`;

  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // The mock harness records URNs without the parent-type chain, while provider references carry the real
  // URN (`...::minidock:index:DockerHost$pulumi:providers:docker::mini-docker`): match on type and name too.
  const byTypeName = new Map(resources.map((r) => [`${r.type}::${r.name}`, r]));
  const resolveRef = (ref: string | undefined): RecordedResource | undefined => {
    const urn = providerUrn(ref);
    if (!urn) return undefined;
    const exact = byUrn.get(urn);
    if (exact) return exact;
    const parts = urn.split("::");
    const type = (parts[parts.length - 2] ?? "").split("$").pop();
    return byTypeName.get(`${type}::${parts[parts.length - 1]}`);
  };
  const propsOf = new Map(resources.map((r) => [r.urn, unknownCheckingProxy(plainCopy(r.inputs)) as Record<string, unknown>]));
  const providerOf = (r: RecordedResource): PolicyProviderResource | undefined => {
    const p = resolveRef(r.provider);
    return p ? { type: p.type, props: propsOf.get(p.urn)!, urn: p.urn, name: p.name } : undefined;
  };

  const handle = (p: Policy, e: unknown, resource?: RecordedResource) => {
    if (e instanceof UnknownValueError) {
      result.violations.push({
        policy: p.name, description: p.description, enforcementLevel: "advisory", resource: resource?.urn, resourceName: resource?.name,
        message: `can't run ${policyFrom(p)} during preview: ${e.message}`,
      });
    } else if (e instanceof NotApplicableError) {
      result.notApplicable.push({ policy: p.name, resource: resource?.urn, reason: e.reason });
    } else {
      const err = new Error(`Error validating ${resource ? "resource" : "stack"} with ${policyFrom(p)}: ${e instanceof Error ? e.message : String(e)}`);
      (err as Error & { cause?: unknown }).cause = e;
      throw err;
    }
  };
  const reporter = (p: Policy, level: "advisory" | "mandatory", fixed?: RecordedResource): ReportViolation => (message, urn) => {
    const target = fixed ?? (urn ? byUrn.get(urn) : undefined);
    result.violations.push({
      policy: p.name, description: p.description, enforcementLevel: level,
      resource: fixed?.urn ?? urn, resourceName: target?.name, message,
    });
  };

  // Analyze: every resource, every enabled resource policy, in pack order.
  for (const r of resources) {
    for (const p of policies) {
      const level = levelOf(config.get(p.name)!);
      if (level === "disabled" || isStackPolicy(p) || !p.validateResource) continue;
      const validations: ResourceValidation[] = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      const fastType = !Array.isArray(p.validateResource) ? pulumiTypeOf(p.validateResource) : undefined;
      if (fastType && fastType !== r.type) continue;
      const report = reporter(p, level, r);
      for (const validation of validations) {
        const props = propsOf.get(r.urn)!;
        const args: ResourceValidationArgs & { [EXEMPTION_SINK]?: unknown } = {
          type: r.type, props, urn: r.urn, name: r.name,
          opts: optionsOf(r),
          stackTags,
          isType: () => { throw new Error("isType(class) needs an SDK class; minidock rules compare args.type"); },
          asType: () => { throw new Error("asType(class) needs an SDK class; minidock rules compare args.type"); },
          getConfig: getConfigFor(p.name),
          notApplicable: throwNotApplicable,
        };
        const provider = providerOf(r);
        if (provider) args.provider = provider;
        args[EXEMPTION_SINK] = sink;
        (args as { [EXEMPTION_TODAY]?: string })[EXEMPTION_TODAY] = today;
        try {
          await validation(args, report);
        } catch (e) {
          handle(p, e, r);
        }
      }
    }
  }

  // AnalyzeStack: once, with every resource; props are inputs (the engine propagates them at preview).
  const stackResources: PolicyResource[] = resources.map((r) => ({
    type: r.type, props: propsOf.get(r.urn)!, urn: r.urn, name: r.name,
    opts: optionsOf(r), provider: providerOf(r), dependencies: [], propertyDependencies: {},
    isType: () => { throw new Error("isType(class) needs an SDK class; minidock rules compare r.type"); },
    asType: () => { throw new Error("asType(class) needs an SDK class; minidock rules compare r.type"); },
  }));
  // Parent and dependencies as resource objects, as server.js links them.
  const stackByUrn = new Map(stackResources.map((sr) => [sr.urn, sr]));
  resources.forEach((r, i) => {
    const parent = r.options?.parent ? stackByUrn.get(r.options.parent) : undefined;
    if (parent) stackResources[i].parent = parent;
    stackResources[i].dependencies = (r.options?.dependencies ?? []).map((d) => stackByUrn.get(d)).filter((d): d is PolicyResource => !!d);
  });
  for (const p of policies) {
    const level = levelOf(config.get(p.name)!);
    if (level === "disabled" || !isStackPolicy(p)) continue;
    const fastType = pulumiTypeOf(p.validateStack);
    if (fastType && !resources.some((r) => r.type === fastType)) continue;
    const args: StackValidationArgs & { [EXEMPTION_SINK]?: unknown } = {
      resources: stackResources, getConfig: getConfigFor(p.name), stackTags, notApplicable: throwNotApplicable,
    };
    args[EXEMPTION_SINK] = sink;
    (args as { [EXEMPTION_TODAY]?: string })[EXEMPTION_TODAY] = today;
    try {
      await p.validateStack(args, reporter(p, level));
    } catch (e) {
      handle(p, e);
    }
  }

  const noticeUntil = addDays(today, EXPIRY_NOTICE_DAYS - 1);
  for (const [policy, c] of config) {
    if (levelOf(c) === "disabled") continue;
    for (const ex of (c.properties.exemptions as Exemption[] | undefined) ?? []) {
      const listed = { policy, resource: ex.resource, reason: ex.reason, ...(ex.expires !== undefined ? { expires: ex.expires } : {}) };
      if (isExpired(ex, today)) {
        result.expiredExemptions.push({ ...listed, expires: String(ex.expires) });
        continue;
      }
      const used = result.exemptions.some((u) => u.policy === policy && u.reason === ex.reason && globToRegExp(ex.resource).test(u.resourceName));
      if (!used) result.unusedExemptions.push(listed);
      if (ex.expires !== undefined && ex.expires <= noticeUntil) result.expiringExemptions.push({ ...listed, expires: ex.expires });
    }
  }
  return result;
}
