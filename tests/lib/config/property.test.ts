/**
 * A property test of the config contract (lib/config/resolve.ts): fast-check generates random stack configs, valid
 * and invalid, the way a user could write them (services with random images, memory, replicas, ports and binds,
 * env, networks and hosts) and then, in some runs, a random value of a random type at a random key path, an
 * unknown key, or a section that is not JSON. For each config:
 *   - resolveStackConfig either returns or throws a ConfigError (a pulumi.RunError, which `pulumi up` prints
 *     without a stack trace), whose message holds no stack frame;
 *   - an invalid config: every problem names a key path (namesKeyPath below); evaluating index.ts throws the
 *     same ConfigError, registers nothing and prints nothing else;
 *   - a valid config: index.ts evaluates without error, prints no error or stack trace (warnings are fine), and
 *     the whole pack runs over its resources to a verdict (a list of violations, possibly empty), never a crash.
 * Every run evaluates the program, under Pulumi's mock monitor as in tests/support/stack.ts (re-entrant, see
 * tests/support/freshEvaluation.ts); an invalid config is cheap to evaluate (index.ts throws on its first
 * line), so no run is skipped. Stack capture is off while index.ts runs (as in `npm run check`), which is why a
 * refused config is checked to print nothing at all rather than to print no frames.
 * The seed is fixed so a run is reproducible; fast-check prints the seed and the shrunk counterexample on failure.
 * MINIDOCK_PROPERTY_SEED=<n> explores another seed.
 */
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../../lib/config/errors";
import { STACK_CONFIG_KEYS, resolveStackConfig } from "../../../lib/stackConfig";
import { parseSectionValue } from "../../../lib/config/stack";
import { PROJECT } from "../../../lib/naming";
import { StackConfigValues } from "../../../tools/offline/stackFile";
import { checkEvaluation, evaluateFresh } from "../../support/freshEvaluation";

const SEED = Number(process.env.MINIDOCK_PROPERTY_SEED ?? 20240911);
const NUM_RUNS = 1000;

// ---------- generators ----------
//
// A config is drawn in two steps. First a plausible stack: every value is of the right type and mostly in range,
// but names, networks, hosts, ports, binds and env values are drawn independently, so cross-references break
// often enough (a service on an undeclared network or host, two services on one port and address, a container
// name in env that lives on another host, an unset secret). Then, in about half the runs, one to three
// mutations: a wrong value, or a value of a random type, at a random key path; a name the contract refuses; a
// section that is not JSON, or an unknown top-level key.

const hostNames = ["local", "mini", "mini2"] as const;
const networkNames = ["edge", "data", "apps"] as const;
const serviceNames = ["app", "web", "db", "worker", "cache"] as const;
const secretKeyNames = ["dbPassword", "apiToken"] as const;

const image = fc.constantFrom(
  "nginx:1.27.3-alpine", "postgres:16.6-alpine", "redis:7.4.2-alpine", "ghcr.io/acme/agent:2.1.0", `busybox@sha256:${"a".repeat(64)}`,
);
/** Every spelling of "all interfaces", loopback, a LAN address, and random v4/v6 addresses. */
const bind = fc.oneof(
  fc.constantFrom("127.0.0.1", "0.0.0.0", "::", "::0", "0:0:0:0:0:0:0:0", "::ffff:0.0.0.0", "::1", "192.168.1.10"),
  fc.ipV4(),
  fc.ipV6(),
);
const publishedPort = fc.record(
  { published: fc.integer({ min: 1025, max: 1040 }), target: fc.integer({ min: 1, max: 65535 }), bind, protocol: fc.constantFrom("tcp", "udp") },
  { requiredKeys: ["published", "target"] },
);
const envName = fc.oneof(
  fc.constantFrom("NODE_ENV", "API_TOKEN", "MAX_TOKENS", "DATABASE_URL", "PGHOST", "LOG_LEVEL"),
  fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,11}$/),
);
const envValue = fc.oneof(
  fc.constantFrom("production", "postgres://app:hunter2@minidock-db-1/agents", "minidock-db-1", "http://web:8080", "4096", ""),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.boolean(),
);

const service = fc.record(
  {
    image,
    memoryMb: fc.integer({ min: 16, max: 2048 }),
    replicas: fc.integer({ min: 1, max: 2 }),
    cpus: fc.constantFrom("0.1", "0.25", "0.5", "1", "2"),
    host: fc.constantFrom(...hostNames),
    networks: fc.array(fc.constantFrom(...networkNames), { minLength: 1, maxLength: 2 }),
    ports: fc.array(publishedPort, { maxLength: 2 }),
    env: fc.dictionary(envName, envValue, { maxKeys: 3 }),
    secretEnv: fc.dictionary(fc.constantFrom("DB_PASSWORD", "API_TOKEN"), fc.constantFrom(...secretKeyNames), { maxKeys: 2 }),
    healthcheck: fc.constantFrom({ test: ["CMD", "true"] }, { test: ["CMD-SHELL", "exit 0"], interval: "10s" }, { test: ["NONE"] }),
    user: fc.constantFrom("1000:1000", "65534", "root"),
    restart: fc.constantFrom("unless-stopped", "always", "on-failure", "no"),
    capAdd: fc.constantFrom(["NET_BIND_SERVICE"], ["SYS_ADMIN"], []),
    unsafe: fc.constantFrom({ privileged: true }, { networkMode: "host" }, { writableRootFs: true }, { sysctls: { "net.ipv4.tcp_keepalive_time": "600" } }),
  },
  { requiredKeys: ["image", "memoryMb"] },
);

const host = fc.oneof(
  { arbitrary: fc.record({ dockerHost: fc.constant("unix:///var/run/docker.sock"), memoryMb: fc.integer({ min: 1024, max: 16384 }), cpus: fc.integer({ min: 1, max: 8 }) }), weight: 4 },
  { arbitrary: fc.record({ ssh: fc.constant("dev@mini-1.example.ts.net"), memoryMb: fc.integer({ min: 2048, max: 14336 }), cpus: fc.integer({ min: 1, max: 8 }) }), weight: 1 },
);

const named = <T>(names: readonly string[], value: fc.Arbitrary<T>, minKeys: number, maxKeys: number) =>
  fc.tuple(fc.uniqueArray(fc.constantFrom(...names), { minLength: minKeys, maxLength: maxKeys }), fc.array(value, { minLength: maxKeys, maxLength: maxKeys }))
    .map(([keys, values]) => Object.fromEntries(keys.map((k, i) => [k, values[i]])) as Record<string, T>);

const stackSections = fc.record(
  {
    hosts: named(hostNames, host, 1, 2),
    networks: named(networkNames, fc.constantFrom({}, { internal: true }), 1, 2),
    services: named(serviceNames, service, 0, 3),
    // Off in most runs: monitoring adds some 25 resources to a valid stack's evaluation, and the time budget is 20 s.
    monitoring: fc.oneof({ arbitrary: fc.constant({ enabled: false }), weight: 19 }, { arbitrary: fc.constant({ enabled: true }), weight: 1 }),
    logMaxSize: fc.constantFrom("10m", "1g"),
    logMaxFiles: fc.constantFrom(3, 10),
  },
  { requiredKeys: ["hosts", "monitoring"] },
);

/** Values a user gets wrong: bad names, images with no exact tag, binds that are not addresses, odd numbers. */
const wrongValue = fc.oneof(
  fc.constantFrom("App", "1st", "a_b", "a.b", "-x", "", "x".repeat(45)),
  fc.constantFrom("nginx", "nginx:latest", "node:22", "alpine", "Nginx:1.0", "redis:edge"),
  fc.constantFrom("localhost", "127.1", "300.1.2.3", "[::1]", "fe80::1%eth0"),
  fc.constantFrom<unknown>(0, -5, 1.5, "512", null, 1e12, 70000, "sometimes", "huge", true, [], {}),
);
type Mutation =
  | { kind: "value"; choices: number[]; value: unknown }
  | { kind: "name"; section: "hosts" | "networks" | "services"; name: string }
  | { kind: "raw"; key: string; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("value" as const), choices: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), value: wrongValue }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant("value" as const), choices: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.anything({ maxDepth: 1 })),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("name" as const), section: fc.constantFrom("hosts" as const, "networks" as const, "services" as const), name: fc.constantFrom("App", "1st", "a_b", "a.b", "", "x".repeat(45)) }), weight: 1 },
  { arbitrary: fc.constantFrom<Mutation>({ kind: "raw", key: "services", text: "{not json" }, { kind: "raw", key: "hosts", text: "" }, { kind: "raw", key: "servics", text: "{}" }, { kind: "raw", key: "networks", text: "42" }, { kind: "raw", key: "logMaxFiles", text: "three" }), weight: 1 },
);

/** Sets `value` at the place the choices walk to (each picks a key or an index where the walk stands). */
function plant(root: Record<string, unknown>, choices: number[], value: unknown): void {
  let node: unknown = root;
  for (let depth = 0; depth < choices.length; depth++) {
    const keys = node && typeof node === "object" ? Object.keys(node) : [];
    if (keys.length === 0) return;
    const key = keys[choices[depth] % keys.length];
    const next = (node as Record<string, unknown>)[key];
    if (depth === choices.length - 1 || !next || typeof next !== "object") {
      (node as Record<string, unknown>)[key] = value;
      return;
    }
    node = next;
  }
}

interface GeneratedStack {
  sections: Record<string, unknown>;
  /** Raw config text that overrides a section: not JSON, or an unknown top-level key. */
  rawOverrides: Record<string, string>;
  secrets: string[];
}

const generatedStack: fc.Arbitrary<GeneratedStack> = fc
  .record({
    sections: stackSections,
    mutations: fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }), weight: 1 }),
    secrets: fc.subarray([...secretKeyNames]),
    // In half the runs, services name only declared hosts and networks and every secret is set: otherwise nearly
    // every config fails on a reference, and the valid side would be thin.
    coherent: fc.boolean(),
  })
  .map(({ sections, mutations, secrets, coherent }) => {
    // A JSON copy (the sections are JSON), not structuredClone: under jest that makes objects of another realm,
    // which fast-check cannot print in a counterexample.
    const copy = JSON.parse(JSON.stringify(sections)) as Record<string, unknown>;
    if (coherent) {
      // Each drawn name becomes a declared one; without a networks section the contract declares "apps".
      const declared = (names: readonly string[], section: unknown, fallback: string[]) => {
        const keys = section ? Object.keys(section) : fallback;
        return (n: string) => keys[names.indexOf(n) % keys.length];
      };
      const toHost = declared(hostNames, copy.hosts, []);
      const toNetwork = declared(networkNames, copy.networks, ["apps"]);
      for (const svc of Object.values((copy.services ?? {}) as Record<string, { host?: string; networks?: string[] }>)) {
        if (svc.host !== undefined) svc.host = toHost(svc.host);
        if (svc.networks !== undefined) svc.networks = [...new Set(svc.networks.map(toNetwork))];
      }
      secrets = [...secretKeyNames];
    }
    const rawOverrides: Record<string, string> = {};
    for (const m of mutations) {
      if (m.kind === "value") plant(copy, m.choices, m.value);
      else if (m.kind === "raw") rawOverrides[m.key] = m.text;
      else {
        const section = copy[m.section] && typeof copy[m.section] === "object" ? (copy[m.section] as Record<string, unknown>) : {};
        copy[m.section] = { ...section, [m.name]: Object.values(section)[0] ?? {} };
      }
    }
    return { sections: copy, rawOverrides, secrets };
  });

/** The config as the Pulumi CLI hands it to the program: `minidock:` keys, objects as JSON, secrets marked. */
function toConfig(g: GeneratedStack): StackConfigValues {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(g.sections)) {
    if (v !== undefined) values[`${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v) ?? "null";
  }
  for (const [k, v] of Object.entries(g.rawOverrides)) values[`${PROJECT}:${k}`] = v;
  for (const s of g.secrets) values[`${PROJECT}:${s}`] = `generated-secret-${s}`;
  return { values, secretKeys: g.secrets.map((s) => `${PROJECT}:${s}`) };
}

function toRaw(cfg: StackConfigValues) {
  const strip = (k: string) => k.slice(PROJECT.length + 1);
  return { values: Object.fromEntries(Object.entries(cfg.values).map(([k, v]) => [strip(k), v])), secretKeys: new Set(cfg.secretKeys.map(strip)) };
}

// ---------- "names a key path" ----------

/**
 * A problem names a key path when it reads `<path>: <what is wrong>`, where <path> (the text before the first
 * ": ") is a chain of segments joined by "." (an index may also be written "[i]"), and:
 *   - its first segment is a config key of the stack: a section of the contract (hosts, services, ...) or a
 *     key the config set (an unknown key is named by itself);
 *   - walking the config as given (sections parsed from JSON as the program parses them), every segment but
 *     the last exists: an object key or an array index. A segment may contain "." when the object has such a
 *     key (a refused service name such as "a.b");
 *   - the last segment exists too, or is absent where it is the thing that is missing (a required key).
 * So the path leads the user to the place in their stack file, and never to a place that is not there.
 */
function namesKeyPath(problem: string, input: Record<string, unknown>): boolean {
  const cut = problem.indexOf(": ");
  if (cut <= 0) return false;
  const path = problem.slice(0, cut).replace(/\[(\d+)\]/g, ".$1");
  let node: unknown = input;
  let rest = path;
  let first = true;
  while (rest.length > 0) {
    const keys = node && typeof node === "object" ? Object.keys(node) : [];
    // The longest key of this object that the rest of the path starts with, so keys with dots are found.
    const key = keys.filter((k) => rest === k || rest.startsWith(`${k}.`)).sort((a, b) => b.length - a.length)[0];
    if (key === undefined) {
      // Absent: fine only for the last segment (or a known section that was not given at all).
      const isLast = !rest.includes(".");
      return isLast && (!first || STACK_CONFIG_KEYS.includes(rest));
    }
    node = (node as Record<string, unknown>)[key];
    rest = rest.slice(key.length + 1);
    first = false;
  }
  return true;
}

// ---------- the property ----------

/**
 * What the code under test printed through the console (where the Pulumi SDK's log goes under mocks), to check
 * that none of it is a stack trace. Installed once around all runs: a spy per run costs more than the run.
 */
const printed: string[] = [];
function capturePrints(): () => void {
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" "))),
  );
  return () => spies.forEach((s) => s.mockRestore());
}

/** V8's stack frame lines: "    at fn (file:line:col)" or "    at file:line:col". */
const STACK_FRAME = /^\s+at .*(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

/**
 * A failed expectation of one run. Plain checks rather than jest's expect(), which builds its matchers on every
 * call (a tenth of the time budget over 1000 runs); fast-check adds the counterexample and the seed.
 */
function ensure(ok: boolean, what: string, got?: unknown): void {
  if (!ok) throw new Error(got === undefined ? what : `${what}; got ${typeof got === "string" ? got : JSON.stringify(got, null, 2)}`);
}

const tally = { valid: 0, invalid: 0, violations: 0, resources: 0 };

async function checkOne(g: GeneratedStack): Promise<void> {
  const config = toConfig(g);
  const raw = toRaw(config);
  printed.length = 0;
  let contractError: unknown;
  try {
    resolveStackConfig("prop", raw);
  } catch (e) {
    contractError = e;
  }
  const ev = await evaluateFresh("prop", config);

  if (contractError !== undefined) {
    tally.invalid++;
    // Only ever a ConfigError, which is a RunError: `pulumi up` prints its message, not its stack.
    ensure(contractError instanceof ConfigError && pulumi.RunError.isInstance(contractError), "the contract threw something else than a ConfigError", String((contractError as Error)?.stack ?? contractError));
    const e = contractError as ConfigError;
    ensure(!STACK_FRAME.test(e.message), "the ConfigError's message carries a stack trace", e.message);
    ensure(e.problems.length > 0, "a ConfigError lists its problems");
    const input = Object.fromEntries(Object.entries(raw.values).map(([k, v]) => [k, parseSectionValue(v)]));
    const unnamed = e.problems.filter((p) => !namesKeyPath(p, input));
    ensure(unnamed.length === 0, "every problem names a key path of the config", unnamed);
    // The program fails the same way, before registering anything.
    ensure(ev.error?.name === "ConfigError", "the program refuses the config with a ConfigError", ev.error?.message);
    ensure(JSON.stringify((ev.error as ConfigError).problems) === JSON.stringify(e.problems), "the program reports the contract's problems", (ev.error as ConfigError).problems);
    ensure(ev.resources.length === 0, "an invalid config registers nothing", ev.resources.map((r) => `${r.type} ${r.name}`));
  } else {
    tally.valid++;
    ensure(ev.error === undefined, "a config the contract accepts evaluates", ev.error?.stack ?? ev.error?.message);
    ensure(ev.resources.length > 0, "a valid config registers resources");
    tally.resources += ev.resources.length;
    // The verdict: runPolicies throws when a rule crashes, so a result is a verdict; each violation is readable.
    const result = await checkEvaluation(ev, {});
    const unreadable = result.violations.filter((v) => typeof v.message !== "string" || v.message.length === 0 || STACK_FRAME.test(v.message));
    ensure(unreadable.length === 0, "every violation has a message without a stack trace", unreadable);
    tally.violations += result.violations.length;
  }
  if (contractError !== undefined) {
    // The ConfigError is the whole report: `pulumi up` prints its message, and nothing else may be printed.
    ensure(printed.length === 0, "a refused config prints nothing besides its ConfigError", printed);
  } else {
    // Warnings are fine (pulumi.log.warn); errors and stack traces are not.
    const bad = printed.filter((l) => STACK_FRAME.test(l) || /^error\b/i.test(l));
    ensure(bad.length === 0, "a valid config's evaluation prints no error or stack trace", bad);
  }
}

describe("the config contract, on random stack configs", () => {
  test("namesKeyPath accepts a path that leads into the config and refuses one that does not", () => {
    const input = { services: { "a.b": { image: "x" }, app: { ports: [{ bind: "x" }] } }, logMaxSize: "huge" };
    expect(namesKeyPath("services.app.ports.0.bind: expected an IP address", input)).toBe(true);
    expect(namesKeyPath("services.app.ports[0].bind: expected an IP address", input)).toBe(true);
    expect(namesKeyPath("services.app.memoryMb: required, expected number", input)).toBe(true);
    expect(namesKeyPath("services.a.b: bad name", input)).toBe(true);
    expect(namesKeyPath("hosts: required, expected object", input)).toBe(true);
    expect(namesKeyPath("logMaxSize: expected a size", input)).toBe(true);
    expect(namesKeyPath("services.web.image: required", input)).toBe(false);
    expect(namesKeyPath("services.app.volumes.0.path: x", input)).toBe(false);
    expect(namesKeyPath("servics: unknown config key", input)).toBe(false);
    expect(namesKeyPath("the stack has a problem", input)).toBe(false);
    expect(namesKeyPath(": no path", input)).toBe(false);
  });

  test(`${NUM_RUNS} configs: a ConfigError naming key paths and nothing registered, or an evaluation and a verdict`, async () => {
    const started = Date.now();
    const restore = capturePrints();
    try {
      await fc.assert(fc.asyncProperty(generatedStack, checkOne), { seed: SEED, numRuns: NUM_RUNS });
    } finally {
      restore();
    }
    // Both outcomes must be common, or the generator has drifted into testing one side only.
    expect(tally.valid).toBeGreaterThan(NUM_RUNS / 10);
    expect(tally.invalid).toBeGreaterThan(NUM_RUNS / 10);
    // Reported for tuning the generator and the time budget (the whole file should stay under 20 s).
    console.log(`${NUM_RUNS} configs (seed ${SEED}): ${tally.valid} valid (${tally.resources} resources, ${tally.violations} violations), ${tally.invalid} invalid, ${Date.now() - started} ms`);
  }, 120_000);
});
