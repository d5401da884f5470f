import { DEFAULTS } from "../../lib/defaults";
import {
  HEALTH_WAIT_SLACK_SECONDS, ROLLOUT_ORDERS, RolloutInput, healthWaitSeconds, rolloutOf, rolloutProblem, startFirstBlockers,
} from "../../lib/rollout";

/** A service as the rule reads it: a pool of `replicas` with nothing exclusive to one copy, unless a test adds it. */
const svc = (over: Partial<RolloutInput> = {}): RolloutInput => ({ replicas: 3, volumes: [], ports: [], unsafe: {}, ...over });
const vol = (name: string, over: { readOnly?: boolean; shared?: boolean } = {}) => ({ name, readOnly: false, shared: false, ...over });

describe("startFirstBlockers: what keeps two copies of one replica from running side by side", () => {
  test("nothing exclusive: no blockers", () => {
    expect(startFirstBlockers(svc())).toEqual([]);
  });

  test("a shared volume (meant for every replica) and a read-only one are harmless", () => {
    expect(startFirstBlockers(svc({ volumes: [vol("cache", { shared: true }), vol("assets", { readOnly: true }), vol("both", { shared: true, readOnly: true })] }))).toEqual([]);
  });

  test.each<[string, Partial<RolloutInput>, string]>([
    ["a published port", { ports: [{ published: 8080 }] }, "it publishes host port 8080"],
    ["two published ports", { ports: [{ published: 80 }, { published: 443 }] }, "it publishes host ports 80, 443"],
    ["the host's network", { unsafe: { networkMode: "host" } }, "it uses the host network mode"],
    ["a writable volume of its own", { volumes: [vol("workspace")] }, "it writes to volume workspace of its own"],
    ["two of them beside a shared one", { volumes: [vol("data"), vol("cache", { shared: true }), vol("logs")] }, "it writes to volumes data, logs of its own"],
  ])("%s blocks it", (_what, over, phrase) => {
    expect(startFirstBlockers(svc(over))).toEqual([phrase]);
  });

  test("every blocker is listed, in a fixed order: ports, network mode, volumes", () => {
    expect(startFirstBlockers(svc({ volumes: [vol("pgdata")], unsafe: { networkMode: "host" }, ports: [{ published: 5432 }] }))).toEqual([
      "it publishes host port 5432", "it uses the host network mode", "it writes to volume pgdata of its own",
    ]);
  });
});

describe("rolloutOf: the order a service rolls in, and why", () => {
  test("a replicated service with nothing exclusive rolls start-first", () => {
    expect(rolloutOf(svc({ replicas: 3 }))).toEqual({ order: "start-first", reason: "3 replicas with nothing exclusive to one copy" });
    expect(rolloutOf(svc({ replicas: 2, volumes: [vol("cache", { shared: true })] })).order).toBe("start-first");
  });

  test("one replica rolls stop-first unless asked otherwise (a brief gap, the plain name kept)", () => {
    expect(rolloutOf(svc({ replicas: 1 }))).toEqual({ order: "stop-first", reason: "one replica (set rollout: start-first to keep it serving during a change)" });
  });

  test("a blocker makes it stop-first, however many replicas; the reason is the blockers", () => {
    expect(rolloutOf(svc({ replicas: 3, volumes: [vol("workspace")] }))).toEqual({ order: "stop-first", reason: "it writes to volume workspace of its own" });
    expect(rolloutOf(svc({ replicas: 1, ports: [{ published: 5432 }], volumes: [vol("pgdata")] }))).toEqual({
      order: "stop-first", reason: "it publishes host port 5432; it writes to volume pgdata of its own",
    });
  });

  test("the rollout key wins over the default rule, either way", () => {
    expect(rolloutOf(svc({ replicas: 3, rollout: "stop-first" }))).toEqual({ order: "stop-first", reason: "set by its rollout key" });
    expect(rolloutOf(svc({ replicas: 1, rollout: "start-first" }))).toEqual({ order: "start-first", reason: "set by its rollout key" });
    // Taken as given here: the config contract refuses this one before any resource exists (rolloutProblem).
    expect(rolloutOf(svc({ ports: [{ published: 80 }], rollout: "start-first" })).order).toBe("start-first");
  });

  test("the two orders are the only values", () => {
    expect(ROLLOUT_ORDERS).toEqual(["start-first", "stop-first"]);
  });
});

describe("rolloutProblem: an explicit start-first that cannot work, at its key path", () => {
  test("no problem unless start-first is asked for where a blocker forbids it", () => {
    expect(rolloutProblem("services.web", svc({ ports: [{ published: 80 }] }))).toBeUndefined();
    expect(rolloutProblem("services.web", svc({ ports: [{ published: 80 }], rollout: "stop-first" }))).toBeUndefined();
    expect(rolloutProblem("services.web", svc({ replicas: 1, rollout: "start-first" }))).toBeUndefined();
  });

  test("start-first with blockers: the key, the value, every reason and what to use instead", () => {
    expect(rolloutProblem("services.db", svc({ replicas: 1, ports: [{ published: 5432 }], volumes: [vol("pgdata")], rollout: "start-first" }))).toBe(
      'services.db.rollout: "start-first" runs a new copy beside the old one, which cannot work here: it publishes host port 5432; ' +
        'it writes to volume pgdata of its own; use "stop-first" (or leave rollout unset)',
    );
  });
});

describe("healthWaitSeconds: how long the daemon needs to call a new container unhealthy, plus slack", () => {
  test("start period, then retries x (interval + timeout), then the slack", () => {
    expect(HEALTH_WAIT_SLACK_SECONDS).toBe(15);
    // The defaults: 30 + 3 x (30 + 5) = 135, + 15.
    expect(healthWaitSeconds(DEFAULTS.healthcheck)).toBe(150);
    expect(healthWaitSeconds({ interval: "10s", timeout: "2s", retries: 5, startPeriod: "0s" })).toBe(5 * 12 + 15);
    expect(healthWaitSeconds({ interval: "1m30s", timeout: "30s", retries: 2, startPeriod: "1m" })).toBe(60 + 2 * 120 + 15);
  });

  test("milliseconds count, and a fraction of a second rounds up, never down", () => {
    expect(healthWaitSeconds({ interval: "500ms", timeout: "250ms", retries: 4, startPeriod: "0s" })).toBe(3 + 15);
    expect(healthWaitSeconds({ interval: "100ms", timeout: "50ms", retries: 3, startPeriod: "0s" })).toBe(1 + 15);
    expect(healthWaitSeconds({ interval: "1s", timeout: "1s", retries: 1, startPeriod: "1ms" })).toBe(3 + 15);
  });

  test("a duration that is not Go's spelling is an error, not a zero wait", () => {
    expect(() => healthWaitSeconds({ interval: "30 seconds", timeout: "5s", retries: 3, startPeriod: "0s" })).toThrow(/not a Go duration: "30 seconds"/);
  });
});
