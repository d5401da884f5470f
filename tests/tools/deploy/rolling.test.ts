import { TYPE } from "../../../lib/dockerTypes";
import { LABEL, toLabelList } from "../../../lib/labels";
import { PreviewStep, RollingUnit, planRollout, replicaLine, stoppedLine } from "../../../tools/deploy/rolling";

/**
 * The rolling update's plan from preview steps as the engine reports them: a replacement shows up as
 * create-replacement, replace and delete-replaced steps of one URN (the engine test sees the real ones), every other
 * resource as its own op, unchanged ones as "same".
 */
const urn = (name: string, type: string = TYPE.container) => `urn:pulumi:local::minidock::minidock:index:Service$${type}::${name}`;

function container(service: string, replica: number, opts: { rollout?: "start-first" | "stop-first"; host?: string; name?: string } = {}): Record<string, unknown> {
  return {
    name: opts.name ?? `minidock-${service}-${replica}`,
    labels: toLabelList({
      [LABEL.service]: service, [LABEL.replica]: String(replica), [LABEL.host]: opts.host ?? "mini", [LABEL.rollout]: opts.rollout ?? "stop-first",
    }),
  };
}

const replaced = (name: string, inputs: Record<string, unknown>): PreviewStep[] => ["create-replacement", "replace", "delete-replaced"].map((op) => ({
  op, urn: urn(name), type: TYPE.container, inputs,
}));
const same = (name: string, inputs: Record<string, unknown>, type: string = TYPE.container): PreviewStep => ({ op: "same", urn: urn(name, type), type, inputs });
const image: PreviewStep[] = ["create-replacement", "replace", "delete-replaced"].map((op) => ({ op, urn: urn("agent-image", TYPE.image), type: TYPE.image, inputs: {} }));

describe("planRollout", () => {
  test("an image bump of a 3-replica start-first pool: the image first, then replica 1, 2, 3, one targeted update each", () => {
    const sf = { rollout: "start-first" as const };
    const plan = planRollout([
      ...image,
      ...replaced("agent-2", container("agent", 2, sf)),
      ...replaced("agent-1", container("agent", 1, sf)),
      ...replaced("agent-3", container("agent", 3, sf)),
      same("redis-1", container("redis", 1)),
    ]);
    expect(plan.units.map((u) => [u.service, u.replica, u.replicas, u.order])).toEqual([
      ["agent", 1, 3, "start-first"], ["agent", 2, 3, "start-first"], ["agent", 3, 3, "start-first"],
    ]);
    expect(plan.exclude).toEqual([urn("agent-1"), urn("agent-2"), urn("agent-3")]);
    // The image is not excluded: the first update replaces it, and the targeted updates find it in the state.
    expect(plan.firstUpdate).toBe(true);
    expect(plan.replacedInFirst).toEqual([]);
    expect(plan.wholeStack).toBeUndefined();
  });

  test("a replicated stop-first service rolls too, one replica at a time; services in the preview's order", () => {
    const plan = planRollout([
      ...replaced("worker-2", container("worker", 2)),
      same("worker-1", container("worker", 1)),
      ...replaced("agent-1", container("agent", 1, { rollout: "start-first" })),
      same("agent-2", container("agent", 2, { rollout: "start-first" })),
    ]);
    expect(plan.units.map((u) => `${u.service}/${u.replica}/${u.order}/${u.replicas}`)).toEqual(["worker/2/stop-first/2", "agent/1/start-first/2"]);
    // Only replaced containers roll, and nothing else changes: no first update.
    expect(plan.firstUpdate).toBe(false);
  });

  test("a stop-first single replica (a database on its volume) goes in the first update, reported on its own", () => {
    const plan = planRollout([...replaced("postgres-1", container("postgres", 1)), same("agent-1", container("agent", 1, { rollout: "start-first" }))]);
    expect(plan.units).toEqual([]);
    expect(plan.firstUpdate).toBe(true);
    expect(plan.replacedInFirst).toEqual([{ service: "postgres", host: "mini", order: "stop-first", urn: urn("postgres-1") }]);
  });

  test("a start-first single replica rolls (its own targeted update); a new replica and a removed one go in the first update", () => {
    const plan = planRollout([
      ...replaced("api-1", container("api", 1, { rollout: "start-first" })),
      { op: "create", urn: urn("web-3"), type: TYPE.container, inputs: container("web", 3) },
      { op: "delete", urn: urn("web-4"), type: TYPE.container, inputs: container("web", 4) },
      same("web-1", container("web", 1)),
      same("web-2", container("web", 2)),
    ]);
    expect(plan.units.map((u) => `${u.service}/${u.replica}/${u.replicas}`)).toEqual(["api/1/1"]);
    expect(plan.firstUpdate).toBe(true);
    expect(plan.exclude).toEqual([urn("api-1")]);
  });

  test("a service's replicas count per host: one replica on each of two hosts is two single replicas", () => {
    const plan = planRollout([
      ...replaced("db-mini", container("db", 1, { host: "mini" })).map((s) => ({ ...s, urn: urn("db-mini-1") })),
      ...replaced("db-mini2", container("db", 1, { host: "mini2" })).map((s) => ({ ...s, urn: urn("db-mini2-1") })),
    ]);
    expect(plan.units).toEqual([]);
    expect(plan.replacedInFirst.map((c) => c.host)).toEqual(["mini", "mini2"]);
  });

  test("the unit names the container's current daemon name, not its replacement's autoname", () => {
    const steps = replaced("agent-1", container("agent", 1, { rollout: "start-first", name: "minidock-agent-1-3f9a2c" }));
    steps[0].inputs = container("agent", 1, { rollout: "start-first", name: "minidock-agent-1-0b1d44" });
    expect(planRollout([...steps, same("agent-2", container("agent", 2, { rollout: "start-first" }))]).units[0].name).toBe("minidock-agent-1-3f9a2c");
  });

  test("a replaced network: nothing can stay on it while a service rolls, so it is one update of the whole stack, and says why", () => {
    const plan = planRollout([
      ...["create-replacement", "replace", "delete-replaced"].map((op) => ({ op, urn: urn("edge", TYPE.network), type: TYPE.network, inputs: {} })),
      ...replaced("agent-1", container("agent", 1, { rollout: "start-first" })),
      ...replaced("agent-2", container("agent", 2, { rollout: "start-first" })),
    ]);
    expect(plan.units).toEqual([]);
    expect(plan.exclude).toEqual([]);
    expect(plan.wholeStack).toBe("network edge is replaced, so every container on it is recreated in one update");
  });

  test("nothing changes: no units and no first update", () => {
    const plan = planRollout([same("agent-1", container("agent", 1)), { op: "same", urn: "urn:pulumi:local::minidock::pulumi:pulumi:Stack::minidock-local", type: "pulumi:pulumi:Stack" }]);
    expect([plan.units, plan.firstUpdate]).toEqual([[], false]);
  });
});

describe("the rollout's lines", () => {
  const unit: RollingUnit = { service: "agent", host: "mini", order: "start-first", replica: 2, replicas: 3, urn: urn("agent-2"), name: "minidock-agent-2-aaaaaa" };

  test("start-first: how long the new replica took to be healthy, and that the old one was stopped after it", () => {
    expect(replicaLine(unit, { started: { "create-replacement": 1000, "delete-replaced": 6000 }, done: { "create-replacement": 5100, "delete-replaced": 7250 } }))
      .toBe("agent: replica 2/3 start-first: new healthy in 4.1 s, old stopped in 1.3 s");
  });

  test("stop-first: the gap from the old one's stop to the new one's health, and why it is stop-first", () => {
    const t = { started: { "delete-replaced": 1000, "create-replacement": 2200 }, done: { "delete-replaced": 2100, "create-replacement": 4200 } };
    expect(replicaLine({ service: "postgres", order: "stop-first" }, t, "it writes to volume pgdata of its own"))
      .toBe("postgres: stop-first (it writes to volume pgdata of its own): stopped, then started; gap 3.2 s");
  });

  test("steps the engine did not report are named, not invented", () => {
    expect(replicaLine(unit, { started: {}, done: { update: 10 } })).toBe("agent: replica 2/3 start-first: replaced (update)");
  });

  test("a stopped rollout says what keeps serving and what was not rolled", () => {
    const rest: RollingUnit[] = [{ ...unit, replica: 3, urn: urn("agent-3") }, { ...unit, service: "worker", order: "stop-first", replica: 1, replicas: 2, urn: urn("worker-1") }];
    expect(stoppedLine(unit, rest)).toBe("agent: replica 2/3 not healthy in time: rollout stopped; its old replica 2 and 1 more old one(s) keep serving; not rolled: worker");
  });
});
