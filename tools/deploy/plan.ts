/**
 * The phases of `npm run deploy` and `npm run rollback`, as data, and the loop that runs them. Pure: each phase's
 * work is a function the command hands in, so the order, the timing and what a failure leads to are tested
 * without an engine.
 *
 *   deploy:    preview → update → verify → record      a failed update or verification → the rollback plan
 *   rollback:  restore-config → update → verify → record
 *
 * "update" is whatever Rollout the command uses (tools/deploy/engine.ts): the rolling update by default
 * (tools/deploy/rollingRollout.ts).
 */
export type PhaseName = "preview" | "update" | "verify" | "record" | "restore-config";

export interface PlanStep {
  phase: PhaseName;
  /** stop: the command ends here (exit 1); rollback: the rollback plan runs next. */
  onFailure: "stop" | "rollback";
}

export function deployPlan(opts: { rollback: boolean }): PlanStep[] {
  const gated = opts.rollback ? "rollback" : "stop";
  return [
    // Refused at preview: nothing changed, so there is nothing to roll back.
    { phase: "preview", onFailure: "stop" },
    { phase: "update", onFailure: gated },
    { phase: "verify", onFailure: gated },
    // The deployment is fine; only its record failed: rolling it back would undo a good deployment.
    { phase: "record", onFailure: "stop" },
  ];
}

export function rollbackPlan(): PlanStep[] {
  return [
    { phase: "restore-config", onFailure: "stop" },
    { phase: "update", onFailure: "stop" },
    { phase: "verify", onFailure: "stop" },
    { phase: "record", onFailure: "stop" },
  ];
}

export interface PhaseOutcome {
  ok: boolean;
  /** One line for the progress and the summary. */
  note?: string;
}

export interface PhaseRecord extends PhaseOutcome {
  phase: PhaseName;
  ms: number;
}

export interface PlanRun {
  records: PhaseRecord[];
  /** The step that failed, if any; the steps after it did not run. */
  failed?: PlanStep;
}

export async function runPlan(
  plan: PlanStep[],
  phases: Partial<Record<PhaseName, () => Promise<PhaseOutcome>>>,
  hooks: { now?: () => number; onStart?: (p: PhaseName) => void; onEnd?: (r: PhaseRecord) => void } = {},
): Promise<PlanRun> {
  const now = hooks.now ?? Date.now;
  const records: PhaseRecord[] = [];
  for (const step of plan) {
    const run = phases[step.phase];
    if (!run) throw new Error(`no implementation for phase ${step.phase}`);
    hooks.onStart?.(step.phase);
    const t0 = now();
    let out: PhaseOutcome;
    try {
      out = await run();
    } catch (e) {
      out = { ok: false, note: (e as Error).message };
    }
    const record = { phase: step.phase, ms: now() - t0, ...out };
    records.push(record);
    hooks.onEnd?.(record);
    if (!out.ok) return { records, failed: step };
  }
  return { records };
}

/**
 * deployed: every phase passed. refused: the preview stopped it, nothing changed. failed: the update or the
 * verification failed and no rollback ran (--no-rollback, or no verified deployment to return to).
 * rolled-back: it failed and the stack is back on the last verified deployment, verified again.
 * rollback-failed: it failed and so did the rollback. unrecorded: deployed and verified, but the record of it
 * could not be written.
 */
export type Outcome = "deployed" | "refused" | "failed" | "rolled-back" | "rollback-failed" | "unrecorded";

export function outcomeOf(main: PlanRun, rollback?: PlanRun): Outcome {
  if (!main.failed) return "deployed";
  if (main.failed.phase === "preview") return "refused";
  if (main.failed.phase === "record") return "unrecorded";
  if (!rollback) return "failed";
  return rollback.failed ? "rollback-failed" : "rolled-back";
}

/** 0 only when the change is deployed and verified. A rollback that worked is still a failed deploy. */
export const exitCodeOf = (o: Outcome): number => (o === "deployed" ? 0 : 1);
