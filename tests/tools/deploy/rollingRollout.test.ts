import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { TYPE } from "../../../lib/dockerTypes";
import { LABEL, toLabelList } from "../../../lib/labels";
import { RolloutContext, previewStepOf } from "../../../tools/deploy/engine";
import type { PreviewStep } from "../../../tools/deploy/rolling";
import { rollingUpdate } from "../../../tools/deploy/rollingRollout";

/**
 * The rolling Rollout's orchestration against a stand-in Stack (mocked: preview and up replay engine events and
 * record their options, so the order of updates, their target and exclude lists, what a failure stops and the
 * transpile-only switch are checked without an engine; tests/engine/deploy.test.ts runs it on the real one).
 */
const urn = (name: string, type: string = TYPE.container) => `urn:pulumi:mini::minidock::minidock:index:Service$${type}::${name}`;
const labels = (service: string, replica: number, rollout: string) =>
  toLabelList({ [LABEL.service]: service, [LABEL.replica]: String(replica), [LABEL.host]: "mini", [LABEL.rollout]: rollout });

const REPLACE = ["create-replacement", "replace", "delete-replaced"];
const pre = (op: string, u: string, type: string, inputs: Record<string, unknown> = {}): EngineEvent =>
  ({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op, urn: u, type, new: { inputs } } } }) as unknown as EngineEvent;
const done = (op: string, u: string, type: string): EngineEvent =>
  ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: { op, urn: u, type } } }) as unknown as EngineEvent;

/** A pool of three start-first replicas and a database, all replaced after an image bump and a db config change. */
function previewEvents(): EngineEvent[] {
  return [
    ...REPLACE.map((op) => pre(op, urn("agent-image", TYPE.image), TYPE.image)),
    ...[1, 2, 3].flatMap((n) => REPLACE.map((op) => pre(op, urn(`agent-${n}`), TYPE.container, { labels: labels("agent", n, "start-first") }))),
    ...REPLACE.map((op) => pre(op, urn("postgres-1"), TYPE.container, { labels: labels("postgres", 1, "stop-first") })),
  ];
}

interface UpCall {
  target?: string[];
  exclude?: string[];
  transpileOnly?: string;
  policyPacks?: string[];
}

function fakeStack(opts: { failTarget?: string; sameTarget?: string; failFirst?: boolean; clock: { t: number } }) {
  const env: Record<string, string> = {};
  const ups: UpCall[] = [];
  const previews: (string | undefined)[] = [];
  const stack = {
    workspace: { envVars: env },
    async preview(o: { onEvent?: (e: EngineEvent) => void }) {
      previews.push(env.PULUMI_NODEJS_TRANSPILE_ONLY);
      for (const e of previewEvents()) o.onEvent?.(e);
      return {};
    },
    async up(o: { target?: string[]; exclude?: string[]; policyPacks?: string[]; onEvent?: (e: EngineEvent) => void }) {
      ups.push({ target: o.target, exclude: o.exclude, transpileOnly: env.PULUMI_NODEJS_TRANSPILE_ONLY, policyPacks: o.policyPacks });
      const emit = (e: EngineEvent, dt: number) => {
        opts.clock.t += dt;
        o.onEvent?.(e);
      };
      const replaceSteps = (u: string, order: string) => {
        const steps = order === "start-first" ? ["create-replacement", "replace", "delete-replaced"] : ["delete-replaced", "replace", "create-replacement"];
        for (const op of steps) {
          emit(pre(op, u, TYPE.container), 0);
          emit(done(op, u, TYPE.container), op === "create-replacement" ? 4100 : op === "delete-replaced" ? 1200 : 0);
        }
      };
      if (o.target) {
        if (o.target[0] === opts.failTarget) {
          emit(pre("create-replacement", o.target[0], TYPE.container), 0);
          throw new Error("error: container did not become healthy within 19 s");
        }
        if (o.target[0] === opts.sameTarget) {
          emit(pre("same", o.target[0], TYPE.container), 0);
          emit(done("same", o.target[0], TYPE.container), 0);
          return { summary: { result: "succeeded", resourceChanges: { same: 13 } } };
        }
        replaceSteps(o.target[0], "start-first");
        return { summary: { result: "succeeded", resourceChanges: { replace: 1, same: 12 } } };
      }
      if (opts.failFirst) throw new Error("error: the first update failed");
      emit(pre("replace", urn("agent-image", TYPE.image), TYPE.image), 0);
      replaceSteps(urn("postgres-1"), "stop-first");
      return { summary: { result: "succeeded", resourceChanges: { replace: 2, same: 10 } } };
    },
  };
  return { stack: stack as unknown as Stack, ups, previews, env };
}

function context(stack: Stack, clock: { t: number }, extra: Partial<RolloutContext> = {}) {
  const lines: string[] = [];
  const ctx: RolloutContext = {
    stack, policy: { policyPacks: ["policies"], policyPackConfigs: ["policies/mini.json"] }, message: "minidock deploy",
    onRollout: (l) => lines.push(l), reasons: { postgres: "it writes to volume pgdata of its own" }, now: () => clock.t, ...extra,
  };
  return { ctx, lines };
}

describe("rollingUpdate", () => {
  test("first everything but the pool (image, the database), then one targeted update per replica; the pack judges the first only", async () => {
    const clock = { t: 0 };
    const f = fakeStack({ clock });
    const { ctx, lines } = context(f.stack, clock);
    const r = await rollingUpdate.run(ctx);
    expect(r.ok).toBe(true);
    expect(f.ups.map((u) => [u.target, u.exclude])).toEqual([
      [undefined, [urn("agent-1"), urn("agent-2"), urn("agent-3")]],
      [[urn("agent-1")], undefined],
      [[urn("agent-2")], undefined],
      [[urn("agent-3")], undefined],
    ]);
    // The engine runs the whole program on every update: once judged by the pack, the targeted ones skip it.
    expect(f.ups.map((u) => u.policyPacks)).toEqual([["policies"], undefined, undefined, undefined]);
    expect(lines).toEqual([
      "rolling 3 replica(s), one at a time: agent (3 replica(s), start-first)",
      "postgres: stop-first (it writes to volume pgdata of its own): stopped, then started; gap 5.3 s",
      "agent: replica 1/3 start-first: new healthy in 4.1 s, old stopped in 1.2 s",
      "agent: replica 2/3 start-first: new healthy in 4.1 s, old stopped in 1.2 s",
      "agent: replica 3/3 start-first: new healthy in 4.1 s, old stopped in 1.2 s",
    ]);
    expect(r.rollout).toEqual(lines);
    // Summed over the updates; "same" counted once.
    expect(r.changes).toEqual({ replace: 5, same: 10 });
  });

  test("after deploy's own preview with the pack: its steps are the plan (no second preview) and no update runs the pack", async () => {
    const clock = { t: 0 };
    const f = fakeStack({ clock });
    const steps: PreviewStep[] = [];
    for (const e of previewEvents()) {
      const step = previewStepOf(e);
      if (step) steps.push(step);
    }
    const { ctx } = context(f.stack, clock, { previewed: steps });
    expect((await rollingUpdate.run(ctx)).ok).toBe(true);
    expect(f.previews).toEqual([]);
    expect(f.ups.map((u) => [u.target?.[0], u.policyPacks])).toEqual([
      [undefined, undefined], [urn("agent-1"), undefined], [urn("agent-2"), undefined], [urn("agent-3"), undefined],
    ]);
  });

  test("a replica not healthy in time stops the rollout: the replicas after it are never updated", async () => {
    const clock = { t: 0 };
    const f = fakeStack({ clock, failTarget: urn("agent-2") });
    const { ctx, lines } = context(f.stack, clock);
    const r = await rollingUpdate.run(ctx);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/did not become healthy/);
    expect(f.ups.map((u) => u.target?.[0])).toEqual([undefined, urn("agent-1"), urn("agent-2")]);
    expect(lines.at(-1)).toBe("agent: replica 2/3 not healthy in time: rollout stopped; its old replica 2 and 1 more old one(s) keep serving");
  });

  test("a replica the preview saw replaced only because its image was not resolved yet is reported unchanged", async () => {
    const clock = { t: 0 };
    const f = fakeStack({ clock, sameTarget: urn("agent-3") });
    const { ctx, lines } = context(f.stack, clock);
    expect((await rollingUpdate.run(ctx)).ok).toBe(true);
    expect(lines.at(-1)).toBe("agent: replica 3/3: no change (it already runs the resolved image)");
  });

  test("a failed first update rolls no replica", async () => {
    const clock = { t: 0 };
    const f = fakeStack({ clock, failFirst: true });
    const { ctx, lines } = context(f.stack, clock);
    const r = await rollingUpdate.run(ctx);
    expect([r.ok, f.ups.length]).toEqual([false, 1]);
    expect(lines.at(-1)).toBe("the update of everything but the 3 rolling container(s) failed: no replica was rolled");
  });

  test("only the first engine run type-checks the program, none when deploy's preview already did; the workspace env is left as it was", async () => {
    const clock = { t: 0 };
    const f = fakeStack({ clock });
    await rollingUpdate.run(context(f.stack, clock).ctx);
    expect(f.previews).toEqual([undefined]);
    expect(f.ups.map((u) => u.transpileOnly)).toEqual(["true", "true", "true", "true"]);
    expect(f.env).toEqual({});
    const g = fakeStack({ clock });
    await rollingUpdate.run(context(g.stack, clock, { typeChecked: true }).ctx);
    expect(g.previews).toEqual(["true"]);
    expect(g.env).toEqual({});
  });
});
