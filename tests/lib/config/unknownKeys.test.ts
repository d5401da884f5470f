import { z } from "zod";
import { parseStackSections } from "../../../lib/stackConfig";
import { allowedKeysAt, closestKey, unknownKeyMessage } from "../../../lib/config/unknownKeys";

/** Pure: the real stack schema and small hand-made ones; nothing is mocked. */

const problemsFor = (values: Record<string, unknown>) =>
  parseStackSections({ values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v)])), secretKeys: new Set() }).problems;

const host = { mini: { ssh: "dev@mini", memoryMb: 8192, cpus: 4 } };
const service = { image: "redis:7.4.2-alpine", memoryMb: 256 };

describe("unknown keys in the real stack schema", () => {
  test.each([
    ["a service key", { services: { redis: { ...service, memroyMb: 1 } } }, "services.redis.memroyMb", "memoryMb"],
    ["a key under unsafe (default + strict object)", { services: { redis: { ...service, unsafe: { privilegd: true } } } }, "services.redis.unsafe.privilegd", "privileged"],
    ["a volume in a list", { services: { redis: { ...service, volumes: [{ name: "data", path: "/data", bakcup: true }] } } }, "services.redis.volumes.0.bakcup", "backup"],
    ["a host's colima block (optional)", { hosts: { mini: { ...host.mini, colima: { vmTpye: "vz" } } } }, "hosts.mini.colima.vmTpye", "vmType"],
    ["wrong case", { services: { redis: { ...service, memorymb: 1 } } }, "services.redis.memorymb", "memoryMb"],
  ])("%s: names the key path and the nearest allowed key", (_what, values, keyPath, guess) => {
    const line = problemsFor({ hosts: host, ...values }).find((p) => p.startsWith(`${keyPath}:`));
    expect(line).toMatch(new RegExp(`^${keyPath.replace(/\./g, "\\.")}: unknown key \\(did you mean "${guess}"\\?\\); allowed: `));
  });

  test("a key like nothing allowed gets the allowed list and no guess", () => {
    const [line] = problemsFor({ hosts: host, services: { redis: { ...service, sidecar: true } } });
    expect(line).toMatch(/^services\.redis\.sidecar: unknown key; allowed: image, host, replicas, memoryMb, /);
    expect(line).toContain("unsafe");
    expect(line).not.toContain("did you mean");
  });

  test("two unknown keys in one object: one line each", () => {
    const problems = problemsFor({ hosts: { mini: { ssh: "dev@mini", memoryMb: 8192, cpus: 4, cpu: 4, disk: 50 } } });
    expect(problems.map((p) => p.split(":")[0])).toEqual(["hosts.mini.cpu", "hosts.mini.disk"]);
    expect(problems[0]).toContain('did you mean "cpus"?');
    expect(problems[1]).toContain('did you mean "diskGb"?');
  });

  test("an unknown top-level minidock key suggests the section it resembles", () => {
    expect(problemsFor({ hosts: host, servics: {} })[0]).toMatch(/^servics: unknown config key \(did you mean "services"\?\); known: hosts, /);
  });
});

describe("allowedKeysAt", () => {
  const schema = z.object({
    a: z.record(z.string(), z.object({ x: z.number(), y: z.number() }).strict()).default({}),
    b: z.array(z.object({ p: z.string() }).strict()).optional(),
    c: z.object({ q: z.string() }).strict().superRefine(() => undefined),
    d: z.union([z.string(), z.object({ r: z.string() }).strict()]),
  });
  test.each([
    [[], ["a", "b", "c", "d"]],
    [["a", "anything"], ["x", "y"]],
    [["b", 3], ["p"]],
    [["c"], ["q"]],
    [["d"], ["r"]],
  ] as [(string | number)[], string[]][])("at %j: %j", (path, keys) => {
    expect(allowedKeysAt(schema, path)).toEqual(keys);
  });
  test("undefined where no object schema sits, so the message stays plain", () => {
    expect(allowedKeysAt(schema, ["a", "k", "x"])).toBeUndefined();
    expect(allowedKeysAt(schema, ["nope"])).toBeUndefined();
    expect(unknownKeyMessage("z", undefined)).toBe("unknown key");
  });
});

describe("closestKey", () => {
  test.each([
    ["memroyMb", "memoryMb"], // swapped neighbours cost one
    ["schedul", "schedule"],
    ["PORTS", "ports"],
    ["replica", "replicas"],
  ])("%s → %s", (typo, meant) => {
    expect(closestKey(typo, ["image", "memoryMb", "ports", "replicas", "schedule"])).toBe(meant);
  });
  test("no guess when nothing is close: a wrong guess is worse than none", () => {
    expect(closestKey("sidecar", ["image", "memoryMb", "ports"])).toBeUndefined();
    expect(closestKey("ab", ["cd"])).toBeUndefined();
  });
});
