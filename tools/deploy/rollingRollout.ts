import type { EngineEvent, OpMap, Stack, UpOptions } from "@pulumi/pulumi/automation";
import { EngineViolation, engineError, violationOf } from "../engine/preview";
import { Rollout, RolloutContext, RolloutResult, previewStepOf, stepLine } from "./engine";
import { PreviewStep, RolloutPlan, StepTimes, planRollout, replicaLine, stoppedLine } from "./rolling";

/**
 * The rolling Rollout (issue 12): the stack's own preview decides the units (tools/deploy/rolling.ts), then one
 * update of everything but the rolling containers, then one targeted update per replica. The health gate is the
 * provider's: a container with a healthcheck is created with `wait` and the waitTimeout lib/rollout.ts derives
 * from it, so a targeted update fails when its new replica is not healthy in time; start-first, the old replica is
 * only deleted at the end of a targeted update that succeeded (SIGTERM, then destroyGraceSeconds, which is the
 * service's stopGraceSeconds). A failed unit ends the rollout: the replicas not yet rolled are untouched.
 */

/**
 * The real preview's steps, without the policy pack: when deploy has not just previewed with it (a rollback), the
 * rollout's first update runs the pack and refuses on its own.
 */
export async function previewSteps(stack: Stack): Promise<PreviewStep[]> {
  const steps: PreviewStep[] = [];
  await stack.preview({
    color: "never",
    onEvent: (e: EngineEvent) => {
      const step = previewStepOf(e);
      if (step) steps.push(step);
    },
  });
  return steps;
}

interface Accumulated {
  /**
   * Whether the policy pack has judged this rollout's program and config: deploy's preview, or the rollout's
   * first update with the pack. The engine runs the whole program on every update, targeted or not, so once is
   * enough; each further run of the pack costs a process and the pack's load (seconds per replica on 2 cores).
   */
  judged: boolean;
  changes: OpMap;
  touched: string[];
  violations: EngineViolation[];
  times: Map<string, StepTimes>;
  lines: string[];
}

function addChanges(into: OpMap, from: OpMap | undefined): void {
  for (const [op, n] of Object.entries(from ?? {})) {
    // Each targeted update counts every other resource as "same" again: keep the first update's count of those.
    if (op === "same") {
      if (into.same === undefined) into.same = n;
      continue;
    }
    into[op as keyof OpMap] = (into[op as keyof OpMap] ?? 0) + (n ?? 0);
  }
}

async function upOnce(ctx: RolloutContext, acc: Accumulated, opts: Pick<UpOptions, "target" | "exclude">, message: string): Promise<{ ok: boolean; error?: string; touched: string[] }> {
  const now = ctx.now ?? Date.now;
  const touched: string[] = [];
  try {
    const r = await ctx.stack.up({
      ...(acc.judged ? {} : ctx.policy),
      ...opts,
      color: "never",
      message,
      onOutput: ctx.onOutput,
      onEvent: (e) => {
        const v = violationOf(e);
        if (v && !acc.violations.some((w) => w.policy === v.policy && w.resource === v.resource)) acc.violations.push(v);
        const pre = e.resourcePreEvent?.metadata;
        const done = e.resOutputsEvent?.metadata;
        for (const [m, slot] of [[pre, "started"], [done, "done"]] as const) {
          if (!m) continue;
          const t = acc.times.get(m.urn) ?? { started: {}, done: {} };
          t[slot][m.op] = now();
          acc.times.set(m.urn, t);
        }
        if (done && done.op !== "same" && done.type !== "pulumi:pulumi:Stack") {
          acc.touched.push(`${done.op} ${done.urn}`);
          touched.push(done.urn);
        }
        const line = stepLine(e, acc.touched.length);
        if (line) ctx.onProgress?.(line);
      },
    });
    addChanges(acc.changes, r.summary.resourceChanges);
    const ok = r.summary.result === "succeeded";
    if (ok) acc.judged = true;
    return { ok, touched };
  } catch (e) {
    return { ok: false, error: engineError(e), touched };
  }
}

function say(ctx: RolloutContext, acc: Accumulated, line: string): void {
  acc.lines.push(line);
  ctx.onRollout?.(line);
}

/**
 * The program's code does not change between the updates of one rollout, so only the first engine run type-checks
 * it (ts-node's default, Pulumi.yaml's `typescript: true`); the others transpile only, which on 2 cores saves about
 * 20 s per update. When deploy's preview has already checked this code, no run of the rollout checks it again.
 */
async function withTranspileOnly<T>(stack: Stack, on: boolean, run: () => Promise<T>): Promise<T> {
  const env = stack.workspace.envVars;
  const key = "PULUMI_NODEJS_TRANSPILE_ONLY";
  const had = Object.prototype.hasOwnProperty.call(env, key);
  if (!on || had) return run();
  env[key] = "true";
  try {
    return await run();
  } finally {
    delete env[key];
  }
}

export const rollingUpdate: Rollout = {
  name: "rolling update",
  async run(ctx) {
    const startedAt = new Date();
    const acc: Accumulated = { judged: ctx.previewed !== undefined, changes: {}, touched: [], violations: [], times: new Map(), lines: [] };
    const result = (ok: boolean, error?: string, plan?: RolloutPlan): RolloutResult => ({
      ok, changes: acc.changes, touched: acc.touched, violations: acc.violations, error, startedAt, rollout: acc.lines, plan,
    });
    let plan: RolloutPlan;
    try {
      plan = planRollout(ctx.previewed ?? await withTranspileOnly(ctx.stack, ctx.typeChecked === true, () => previewSteps(ctx.stack)));
    } catch (e) {
      return result(false, engineError(e));
    }
    return withTranspileOnly(ctx.stack, true, () => roll(ctx, acc, plan, result));
  },
};

async function roll(ctx: RolloutContext, acc: Accumulated, plan: RolloutPlan, result: (ok: boolean, error?: string, plan?: RolloutPlan) => RolloutResult): Promise<RolloutResult> {
  const reasons = ctx.reasons ?? {};
  if (plan.wholeStack) say(ctx, acc, `one update of the whole stack: ${plan.wholeStack}`);
  else if (plan.units.length > 0) {
    const services = [...new Set(plan.units.map((u) => `${u.service} (${u.replicas} replica(s), ${u.order})`))];
    say(ctx, acc, `rolling ${plan.units.length} replica(s), one at a time: ${services.join(", ")}`);
  }
  if (plan.firstUpdate || plan.units.length === 0) {
    const what = plan.units.length ? `everything but the ${plan.units.length} rolling container(s)` : "the stack";
    const r = await upOnce(ctx, acc, plan.units.length ? { exclude: plan.exclude } : {}, `${ctx.message}${plan.units.length ? " (first: all but the rolling replicas)" : ""}`);
    for (const c of plan.replacedInFirst) {
      const t = acc.times.get(c.urn);
      if (t) say(ctx, acc, replicaLine(c, t, reasons[c.service]));
    }
    if (!r.ok) {
      if (plan.units.length) say(ctx, acc, `the update of ${what} failed: no replica was rolled`);
      return result(false, r.error, plan);
    }
  }
  for (const [i, u] of plan.units.entries()) {
    const r = await upOnce(ctx, acc, { target: [u.urn] }, `${ctx.message} (${u.service} replica ${u.replica}/${u.replicas})`);
    if (!r.ok) {
      say(ctx, acc, stoppedLine(u, plan.units.slice(i + 1)));
      return result(false, r.error, plan);
    }
    if (!r.touched.includes(u.urn)) {
      // The preview saw a replacement only because the image the container names was not resolved yet (a new
      // RemoteImage's id is unknown until the first update): it resolved to the one it runs. A rollback after a
      // rollout that stopped early meets this for every replica the rollout never reached.
      say(ctx, acc, `${u.service}: replica ${u.replica}/${u.replicas}: no change (it already runs the resolved image)`);
      continue;
    }
    say(ctx, acc, replicaLine(u, acc.times.get(u.urn) ?? { started: {}, done: {} }, u.order === "stop-first" ? reasons[u.service] : undefined));
  }
  return result(true, undefined, plan);
}
