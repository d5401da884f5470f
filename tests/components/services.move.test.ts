/**
 * Adding a second mini is one entry under `minidock:hosts`, and moving a service to it is one line (`host: mini2`).
 * What `pulumi up` then does follows from what the program registers, which these tests pin down under Pulumi's
 * mock monitor (the engine and the docker provider are mocked; they cannot run here):
 * - adding the host only adds resources: everything already on the first mini keeps its URN and inputs;
 * - a moved service's resources keep their URNs and only change provider, which the engine turns into a
 *   replacement on the new host; its data volume is retained, so the copy on the old host survives until
 *   someone removes it; its backup and its share of the budget follow it.
 */
import type { Evaluation, RecordedResource } from "../../tools/offline/evaluate";
import { LABEL } from "../../lib/labels";
import { StackConfigValues } from "../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../support/configs";
import { T, label, shippedStackConfig } from "../support/stack";
import { evaluateFresh } from "../support/freshEvaluation";

// The program registers its resources while its body runs: each evaluation runs it afresh (tests/support/freshEvaluation.ts).
process.setMaxListeners(20);
async function evaluate(config: StackConfigValues): Promise<Evaluation> {
  const ev = await evaluateFresh("mini", config);
  if (ev.error) throw ev.error;
  return ev;
}

describe("adding a second mini to the shipped stack", () => {
  let one: Evaluation;
  let two: Evaluation;
  beforeAll(async () => {
    const cfg = shippedStackConfig("mini");
    one = await evaluate(cfg);
    const hosts = { ...JSON.parse(cfg.values["minidock:hosts"]), mini2: { ssh: "dev@mac-mini-2.example.ts.net", memoryMb: 14336, cpus: 8 } };
    two = await evaluate({ ...cfg, values: { ...cfg.values, "minidock:hosts": JSON.stringify(hosts) } });
  });

  test("changes nothing on the first mini: every resource keeps its URN and its inputs", () => {
    const now = new Map(two.resources.map((r) => [r.urn, r.inputs]));
    const changed = one.resources.filter((r) => JSON.stringify(now.get(r.urn)) !== JSON.stringify(r.inputs)).map((r) => r.urn);
    expect(changed).toEqual([]);
  });

  test("adds Colima, a provider, the networks and a platform of its own on mini2, and nothing else", () => {
    const before = new Set(one.resources.map((r) => r.urn));
    const added = two.resources.filter((r) => !before.has(r.urn));
    expect(added.length).toBeGreaterThan(0);
    const names = added.map((r) => r.name);
    expect(names.filter((n) => !/^mini2([.-]|$)/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(["mini2-docker", "mini2-colima", "mini2-data", "mini2-edge", "mini2.prometheus-1", "mini2.backup-1"]));
  });
});


const byName = (ev: Evaluation, type: string, dockerName: string) =>
  ev.resources.find((r) => r.type === type && r.inputs.name === dockerName);
const providerHost = (ev: Evaluation, r: RecordedResource) =>
  ev.resources.find((p) => p.type === "pulumi:providers:docker" && r.provider?.startsWith(`${p.urn}::`))?.inputs.host;

describe("moving postgres to mini2", () => {
  let before: Evaluation;
  let after: Evaluation;
  beforeAll(async () => {
    const stack = { ...baseConfig(), backup: { enabled: true } };
    before = await evaluate(toConfigValues(stack));
    stack.services.postgres.host = "mini2";
    after = await evaluate(toConfigValues(stack));
  });

  test.each([
    [T.volume, "minidock-postgres-pgdata"],
    [T.container, "minidock-postgres-1"],
  ])("%s %s keeps its URN and moves to mini2's daemon", (type, dockerName) => {
    const was = byName(before, type, dockerName)!;
    const is = byName(after, type, dockerName)!;
    expect(is.urn).toBe(was.urn);
    expect(providerHost(before, was)).toBe("ssh://dev@mini-1.example.ts.net");
    expect(providerHost(after, is)).toBe("ssh://dev@mini-2.example.ts.net");
    expect(label(is, LABEL.host)).toBe("mini2");
  });

  test("the data volume is retained, so the replacement leaves the old copy on mini untouched", () => {
    expect(byName(before, T.volume, "minidock-postgres-pgdata")!.options.retainOnDelete).toBe(true);
    expect(byName(after, T.volume, "minidock-postgres-pgdata")!.options.retainOnDelete).toBe(true);
  });

  test("the pg_dump sidecar and the backup coverage follow the database to mini2", () => {
    const dumpsMount = (ev: Evaluation, host: string) => {
      const backup = ev.resources.find((r) => r.type === T.container && r.inputs.name === "minidock-backup-1" && label(r, LABEL.host) === host);
      return ((backup?.inputs.volumes ?? []) as { volumeName: string }[]).some((m) => m.volumeName === "minidock-postgres-pgdump-dumps");
    };
    const sidecarHost = (ev: Evaluation) => label(byName(ev, T.container, "minidock-postgres-pgdump-1")!, LABEL.host);
    expect([sidecarHost(before), dumpsMount(before, "mini"), dumpsMount(before, "mini2")]).toEqual(["mini", true, false]);
    expect([sidecarHost(after), dumpsMount(after, "mini"), dumpsMount(after, "mini2")]).toEqual(["mini2", false, true]);
  });

  test("the budget moves with it: mini2 declares the database's memory, mini no longer does", () => {
    type Hosts = Record<string, { memory: { declaredMb: number } }>;
    const declared = (ev: Evaluation, host: string) => (ev.outputs!.hosts as Hosts)[host].memory.declaredMb;
    const moved = 1024 + 64; // postgres and its pg_dump sidecar
    expect(declared(after, "mini2") - declared(before, "mini2")).toBe(moved);
    expect(declared(before, "mini") - declared(after, "mini")).toBe(moved);
  });
});
