import { PhaseName, PhaseOutcome, deployPlan, exitCodeOf, outcomeOf, rollbackPlan, runPlan } from "../../../tools/deploy/plan";

/** The order of deploy's phases, what a failure leads to, and the loop that runs and times them. */
describe("the plans", () => {
  test("deploy: preview, update, verify, record; update and verification failures roll back", () => {
    expect(deployPlan({ rollback: true })).toEqual([
      { phase: "preview", onFailure: "stop" },
      { phase: "update", onFailure: "rollback" },
      { phase: "verify", onFailure: "rollback" },
      { phase: "record", onFailure: "stop" },
    ]);
  });

  test("--no-rollback: every failure stops", () => {
    expect(deployPlan({ rollback: false }).map((s) => s.onFailure)).toEqual(["stop", "stop", "stop", "stop"]);
  });

  test("rollback: the config first, then the same update, verification and record, and no rollback of a rollback", () => {
    expect(rollbackPlan().map((s) => `${s.phase}/${s.onFailure}`)).toEqual(["restore-config/stop", "update/stop", "verify/stop", "record/stop"]);
  });
});

describe("runPlan", () => {
  /** A clock that moves 100 ms per phase started and 1 s per phase run. */
  function fakeClock() {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  }
  const phases = (clock: ReturnType<typeof fakeClock>, outcomes: Partial<Record<PhaseName, PhaseOutcome | Error>>, ran: string[]) =>
    Object.fromEntries((["preview", "update", "verify", "record", "restore-config"] as PhaseName[]).map((p) => [p, async () => {
      ran.push(p);
      clock.advance(1000);
      const o = outcomes[p] ?? { ok: true };
      if (o instanceof Error) throw o;
      return o;
    }]));

  test("runs every phase in order and times each", async () => {
    const clock = fakeClock();
    const ran: string[] = [];
    const started: string[] = [];
    const run = await runPlan(deployPlan({ rollback: true }), phases(clock, {}, ran), { now: clock.now, onStart: (p) => started.push(p) });
    expect(ran).toEqual(["preview", "update", "verify", "record"]);
    expect(started).toEqual(ran);
    expect(run.failed).toBeUndefined();
    expect(run.records.map((r) => [r.phase, r.ms, r.ok])).toEqual([["preview", 1000, true], ["update", 1000, true], ["verify", 1000, true], ["record", 1000, true]]);
  });

  test("stops at the first failure and says which step it was", async () => {
    const clock = fakeClock();
    const ran: string[] = [];
    const run = await runPlan(deployPlan({ rollback: true }), phases(clock, { verify: { ok: false, note: "1 of 3 container(s) failed" } }, ran), { now: clock.now });
    expect(ran).toEqual(["preview", "update", "verify"]);
    expect(run.failed).toEqual({ phase: "verify", onFailure: "rollback" });
    expect(run.records[2]).toEqual({ phase: "verify", ok: false, ms: 1000, note: "1 of 3 container(s) failed" });
  });

  test("a phase that throws is a failed phase, with the error as its note", async () => {
    const clock = fakeClock();
    const run = await runPlan(rollbackPlan(), phases(clock, { "restore-config": new Error("no such stack") }, []), { now: clock.now });
    expect(run.failed?.phase).toBe("restore-config");
    expect(run.records).toEqual([{ phase: "restore-config", ok: false, ms: 1000, note: "no such stack" }]);
  });

  test("a phase without an implementation is a programming error, not a failed deploy", async () => {
    await expect(runPlan(deployPlan({ rollback: true }), {})).rejects.toThrow(/no implementation for phase preview/);
  });
});

describe("outcome and exit code", () => {
  const failedAt = (phase: PhaseName, onFailure: "stop" | "rollback" = "rollback") => ({ records: [], failed: { phase, onFailure } });
  const passed = { records: [] };
  test.each([
    ["deployed", passed, undefined, 0],
    ["refused", failedAt("preview", "stop"), undefined, 1],
    ["failed", failedAt("update"), undefined, 1],
    ["rolled-back", failedAt("verify"), passed, 1],
    ["rollback-failed", failedAt("update"), failedAt("verify", "stop"), 1],
    ["unrecorded", failedAt("record", "stop"), undefined, 1],
  ] as const)("%s", (outcome, main, rollback, code) => {
    expect(outcomeOf(main, rollback)).toBe(outcome);
    expect(exitCodeOf(outcomeOf(main, rollback))).toBe(code);
  });
});
