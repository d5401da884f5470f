import { LABEL } from "../../../lib/labels";
import { MinidockPolicy, TYPE } from "../../../policies/ruleKit";
import { allPolicies } from "../../../policies/allPolicies";
import { RecordedResource } from "../../../tools/offline/evaluate";
import { PolicyRunResult, RunOptions, Violation, runPolicies } from "../../../tools/offline/policyRuntime";

/**
 * Policy test kit, awsguard-style: a happy-path resource per type, one mutated property per test, run through the
 * offline mirror of the engine (tools/offline/policyRuntime.ts: unknownCheckingProxy, schema defaults,
 * notApplicable, stackTags, level precedence). What is mocked: the Pulumi engine's analyzer host (gRPC) and the
 * resource inputs, which here are literals rather than a program's registrations. What is real: every policy
 * object exactly as policies/allPolicies.ts hands it to the PolicyPack.
 */

// The engine's sentinels for values only known after `pulumi up` (@pulumi/policy proxy.js; internal, hence require).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as Record<string, string>;
export const UNKNOWN_STRING = proxy.unknownStringValue;
export const UNKNOWN_NUMBER = proxy.unknownNumberValue;
export const UNKNOWN_BOOL = proxy.unknownBooleanValue;
export const UNKNOWN_ARRAY = proxy.unknownArrayValue;
export const UNKNOWN_OBJECT = proxy.unknownObjectValue;

/** The type tokens the rules match on, from the pack itself. */
export const TYPES = TYPE;

const STACK = "test";
const urnOf = (type: string, name: string) => `urn:pulumi:${STACK}::minidock::${type}::${name}`;
const PROVIDER_URN = urnOf(TYPES.provider, "mini-docker");

export function resource(type: string, name: string, inputs: Record<string, unknown>, provider: string | undefined = `${PROVIDER_URN}::mini-docker-id`): RecordedResource {
  return {
    type, name, urn: urnOf(type, name), custom: true, inputs, secretInputs: [], provider,
    options: { dependencies: [], deleteBeforeReplace: false },
  };
}

export function provider(name = "mini-docker", inputs: Record<string, unknown> = { host: "ssh://dev@mac-mini.example.ts.net" }): RecordedResource {
  return resource(TYPES.provider, name, inputs, undefined);
}

export interface HostLabels {
  host?: string;
  service?: string;
  tier?: "platform" | "workload";
  memoryMb?: number;
  reserveMb?: number;
  cpus?: number;
  diskGb?: number;
  /** minidock.rollout; unset leaves the label off (Service always writes it; an unlabelled container is stop-first). */
  rollout?: string;
}

export function labels(l: HostLabels = {}): { label: string; value: string }[] {
  const host = l.host ?? "mini";
  return [
    { label: LABEL.project, value: "minidock" },
    { label: LABEL.host, value: host },
    { label: LABEL.service, value: l.service ?? "app" },
    { label: LABEL.tier, value: l.tier ?? "workload" },
    { label: LABEL.hostMemoryMb, value: String(l.memoryMb ?? 14336) },
    { label: LABEL.hostReserveMb, value: String(l.reserveMb ?? 1024) },
    { label: LABEL.hostCpus, value: String(l.cpus ?? 8) },
    { label: LABEL.hostDiskGb, value: String(l.diskGb ?? 100) },
    { label: LABEL.secretEnv, value: "" },
    ...(l.rollout === undefined ? [] : [{ label: LABEL.rollout, value: l.rollout }]),
  ];
}

/**
 * A container that passes every rule, shaped like components/service.ts output at PREVIEW: the network and volume
 * names are outputs of resources not created yet, so they are the engine's unknown sentinel.
 */
export function container(name = "app-1", l: HostLabels = {}): RecordedResource {
  return resource(TYPES.container, name, {
    name: `minidock-${name}`,
    image: UNKNOWN_STRING,
    memory: 512,
    memorySwap: 512,
    cpus: "0.5",
    restart: "unless-stopped",
    capabilities: { drops: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
    readOnly: true,
    tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m" },
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
    healthcheck: { tests: ["CMD", "true"], interval: "30s", timeout: "5s", retries: 3, startPeriod: "30s" },
    user: "1000:1000",
    envs: ["NODE_ENV=production"],
    labels: labels({ service: name.replace(/-\d+$/, ""), ...l }),
    networkMode: UNKNOWN_STRING,
    networksAdvanced: [{ name: UNKNOWN_STRING, aliases: ["app"] }],
    // A host port per name, so several happy containers on one host do not collide.
    ports: [{ internal: 8080, external: 20000 + ([...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 10007, 7) % 10000), ip: "127.0.0.1", protocol: "tcp" }],
    volumes: [{ volumeName: UNKNOWN_STRING, containerPath: "/data" }],
  });
}

export const DIGEST = `sha256:${"a".repeat(64)}`;

export function image(name = "app-image", ref = `ghcr.io/acme/app:1.2.3@${DIGEST}`): RecordedResource {
  return resource(TYPES.image, name, { name: ref, platform: "linux/arm64", keepLocally: true });
}

export function volume(name = "app-data", inputs: Record<string, unknown> = {}): RecordedResource {
  return resource(TYPES.volume, name, { name: `minidock-${name}`, labels: [], ...inputs });
}

/** Sets one property by dotted path (`capabilities.drops`, `ports.0.ip`); undefined deletes it. Returns the resource. */
export function mutate(r: RecordedResource, path: string, value: unknown): RecordedResource {
  const keys = path.split(".");
  let obj = r.inputs as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) {
    if (obj[k] === undefined || obj[k] === null || typeof obj[k] !== "object") obj[k] = {};
    obj = obj[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete obj[last];
  else obj[last] = value;
  return r;
}

export function setLabel(r: RecordedResource, key: string, value: string | undefined): RecordedResource {
  const list = (r.inputs.labels as { label: string; value: string }[]).filter((l) => l.label !== key);
  if (value !== undefined) list.push({ label: key, value });
  r.inputs.labels = list;
  return r;
}

/** Runs the whole pack (or the given policies) over the resources; the provider is always part of the stack. */
export function check(
  resources: RecordedResource[], config: Record<string, unknown> = {}, opts: RunOptions = {}, policies: MinidockPolicy[] = allPolicies,
): Promise<PolicyRunResult> {
  const all = resources.some((r) => r.type === TYPES.provider) ? resources : [provider(), ...resources];
  return runPolicies(all, policies, config, opts);
}

export function of(result: PolicyRunResult, policy: string): Violation[] {
  return result.violations.filter((v) => v.policy === policy);
}

/** Violations of one policy, as `resourceName: message` lines, for readable assertions. */
export async function violations(policy: string, resources: RecordedResource[], config: Record<string, unknown> = {}): Promise<string[]> {
  const r = await check(resources, config);
  return of(r, policy).map((v) => `${v.enforcementLevel} ${v.resourceName ?? "<stack>"}: ${v.message}`);
}
