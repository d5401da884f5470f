/**
 * The kit every rule module is written with: type tokens and type-filtered validators (forType, forStackType),
 * reading values that may be unknown at preview (known, UNKNOWN, unknownMessage), reading props (labels, lists,
 * `at`, the config key a message starts with), and the rule metadata (defineRule, RULE_META: group, anchors) that
 * policies/catalog.ts turns into the docs table. Rules never import @pulumi/docker: the pack must load without the
 * docker SDK, and matching on the type token is what the engine does anyway.
 */
import * as policyProxy from "@pulumi/policy/proxy";
import {
  PolicyResource, ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidation,
  StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import { keyOfInput } from "../lib/configKeys";
import { TYPE } from "../lib/dockerTypes";
import { ContainerLabels, VolumeLabels, parseContainerLabels, parseVolumeLabels } from "../lib/labels";

/**
 * @pulumi/policy 1.21 defines these in proxy.js (its index.js re-exports them) but its proxy.d.ts strips them as
 * @internal, so we give them types here. The same file the engine's analyzer server uses, so `instanceof
 * UnknownValueError` holds. Read from proxy.js directly, not the package index: the index loads the gRPC server
 * and the whole Pulumi SDK, which the rules never need (half a second for every tool and test that loads them).
 */
export const { UnknownValueError, unknownCheckingProxy } = policyProxy as unknown as {
  UnknownValueError: new (sentinel: unknown, props: string[]) => Error & { props: string[] };
  unknownCheckingProxy<T>(value: T): T;
};

/** The docker type tokens (lib/dockerTypes.ts), here so that a rule module needs one import. */
export { TYPE };

export type MinidockPolicy = ResourceValidationPolicy | StackValidationPolicy;

export type Group = "budget" | "hardening" | "mounts" | "network" | "images" | "env" | "tailscale" | "backup";

export interface RuleMeta {
  group: Group;
  /** CIS Docker Benchmark ids, Checkov/Kubescape/kube-linter ids, or "minidock" for house rules. */
  anchors: string[];
}

/** Metadata by policy name. Filled by defineRule as modules load; catalog.ts reads it. */
export const RULE_META = new Map<string, RuleMeta>();

/** Registers a rule's group and anchors next to its definition, and returns the policy unchanged. */
export function defineRule<P extends MinidockPolicy>(group: Group, anchors: string[], policy: P): P {
  if (!/^[a-z]+(-[a-z0-9]+)+$/.test(policy.name) || !policy.name.startsWith(`${group}-`)) {
    throw new Error(`policy name ${policy.name}: expected kebab-case starting with "${group}-"`);
  }
  RULE_META.set(policy.name, { group, anchors });
  return policy;
}

/**
 * The engine skips a validation whose function carries `__pulumiType` when the resource's type differs
 * (@pulumi/policy's own validateResourceOfType sets it). We set it by token, so no SDK class is needed.
 */
interface Typed { __pulumiType?: string }

export function pulumiTypeOf(fn: unknown): string | undefined {
  return typeof fn === "function" ? (fn as Typed).__pulumiType : undefined;
}

export function withPulumiType<F>(fn: F, type: string | undefined): F {
  if (type) (fn as Typed).__pulumiType = type;
  return fn;
}

/** A resource validation that only runs on one type token. */
export function forType(
  type: string,
  validate: (props: Record<string, unknown>, args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>,
): ResourceValidation {
  const fn: ResourceValidation = (args, report) => {
    if (args.type !== type) args.notApplicable(`Policy only applies to resources of type '${type}'`);
    return validate(args.props, args, report);
  };
  return withPulumiType(fn, type);
}

/** A stack validation over the resources of one type token; not applicable when there are none. */
export function forStackType(
  type: string,
  validate: (resources: PolicyResource[], args: StackValidationArgs, report: ReportViolation) => void | Promise<void>,
): StackValidation {
  const fn: StackValidation = (args, report) => {
    const mine = args.resources.filter((r) => r.type === type);
    if (mine.length === 0) args.notApplicable(`Policy only applies to resources of type '${type}'`);
    return validate(mine, args, report);
  };
  return withPulumiType(fn, type);
}

/** What a read returns when the value is only known after `pulumi up` (the engine's unknown sentinel). */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Maybe<T> = T | typeof UNKNOWN;

/**
 * Reads through the engine's unknownCheckingProxy. Left alone, an unknown throws and the engine demotes the whole
 * rule to an advisory "can't run policy during preview" - a mandatory rule would pass silently. Rules that must
 * not pass on an unknown read with this and report it themselves.
 */
export function known<T>(read: () => T): Maybe<T> {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

export function isUnknown(v: unknown): v is typeof UNKNOWN {
  return v === UNKNOWN;
}

/** The message a mandatory rule reports when it cannot see a value it must check. */
export function unknownMessage(what: string): string {
  return `${what} is not known at preview (it is computed from another resource), so this rule cannot verify it; use a literal value`;
}

/** A container's labels, parsed by the label contract (lib/labels.ts); an unknown list or value comes back as UNKNOWN. */
export function containerLabelsOf(props: Record<string, unknown>): Maybe<ContainerLabels> {
  return known(() => parseContainerLabels(props.labels));
}

/** A volume's labels, parsed by the label contract (lib/labels.ts); UNKNOWN as for containers. */
export function volumeLabelsOf(props: Record<string, unknown>): Maybe<VolumeLabels> {
  return known(() => parseVolumeLabels(props.labels));
}

/** Arrays from props (proxied or not) as plain arrays; anything else is empty. */
export function listOf<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? [...(v as T[])] : [];
}

/** Upper-case, without CAP_: Docker accepts both `NET_ADMIN` and `cap_net_admin`. */
export function normalizeCap(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, "");
}

/** The Pulumi resource name is the URN's last `::` segment. */
export function nameOfUrn(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}

/** The stack config key of a container's service (`services.postgres`), from its minidock.config-key label. */
export function serviceKeyOf(props: Record<string, unknown>): string | undefined {
  const labels = containerLabelsOf(props);
  return isUnknown(labels) ? undefined : labels.configKey;
}

/**
 * Where a violation is, in the user's terms first: `services.postgres.ports[0].bind (ports[0].ip)`, or just the
 * input (`ports[0].ip`) for a container that no config service declared. `key` overrides the table in
 * lib/configKeys.ts (e.g. `env.API_TOKEN` for an env entry). Messages start with it, so the check tools can
 * point at the stack file's line (lib/configKeys.ts keyOfMessage).
 */
export function at(props: Record<string, unknown>, input: string, key?: string): string {
  const service = serviceKeyOf(props);
  const sub = key ?? keyOfInput(input);
  return service && sub ? `${service}.${sub} (${input})` : input;
}
