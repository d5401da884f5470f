import { ConfigError } from "../../../lib/config/errors";
import { rolloutOf } from "../../../lib/rollout";
import { resolveStackConfig } from "../../../lib/stackConfig";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";

/**
 * `services.<name>.rollout` through the config contract (lib/config/services.ts, resolve.ts): the order is
 * checked against what the service declares before any resource exists. baseConfig's postgres publishes 5432 and
 * writes its own pgdata; its agent is a 3-replica pool with a workspace volume per replica.
 */
const resolve = (mutate: (s: ReturnType<typeof baseConfig>) => void) => {
  const s = baseConfig();
  mutate(s);
  return resolveStackConfig("test", toRawStackConfig(toConfigValues(s)));
};

/** The ConfigError's problems, or a failure when the config resolves. */
function problemsOf(mutate: (s: ReturnType<typeof baseConfig>) => void): string[] {
  try {
    resolve(mutate);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

test("an explicit start-first on a service with a published port is refused at services.<name>.rollout, with every reason", () => {
  expect(problemsOf((s) => (s.services.postgres.rollout = "start-first"))).toEqual([
    'services.postgres.rollout: "start-first" runs a new copy beside the old one, which cannot work here: it publishes host port 5432; ' +
      'it writes to volume pgdata of its own; use "stop-first" (or leave rollout unset)',
  ]);
});

test("the port alone is enough to refuse it", () => {
  const problems = problemsOf((s) => {
    s.services.postgres.volumes = [];
    s.services.postgres.rollout = "start-first";
  });
  expect(problems).toEqual([expect.stringMatching(/^services\.postgres\.rollout: "start-first" .*: it publishes host port 5432; use "stop-first"/)]);
});

test("an invalid value names the key, the value and the allowed ones", () => {
  expect(problemsOf((s) => (s.services.agent.rollout = "rolling"))).toEqual(['services.agent.rollout: expected one of "start-first", "stop-first", got "rolling"']);
  // Case matters, as for every enum key.
  expect(problemsOf((s) => (s.services.agent.rollout = "Start-First"))).toEqual(['services.agent.rollout: expected one of "start-first", "stop-first", got "Start-First"']);
});

test("a value of the wrong type names the allowed values too", () => {
  expect(problemsOf((s) => (s.services.agent.rollout = true))).toEqual(["services.agent.rollout: expected 'start-first' | 'stop-first', got true"]);
});

test("what the contract accepts, the rule then follows", () => {
  const cfg = resolve((s) => {
    s.services.agent.volumes = [{ name: "cache", path: "/cache", shared: true }];
    s.services.postgres.rollout = "stop-first";
  });
  const by = (name: string) => cfg.services.find((x) => x.name === name)!;
  // The pool has nothing exclusive left: start-first by default. postgres keeps its key's stop-first.
  expect(rolloutOf(by("agent"))).toEqual({ order: "start-first", reason: "3 replicas with nothing exclusive to one copy" });
  expect(rolloutOf(by("postgres"))).toEqual({ order: "stop-first", reason: "set by its rollout key" });
  // A single replica may ask for start-first when nothing blocks it.
  const single = resolve((s) => {
    s.services.agent.replicas = 1;
    s.services.agent.volumes = [];
    s.services.agent.rollout = "start-first";
  });
  expect(rolloutOf(single.services.find((x) => x.name === "agent")!).order).toBe("start-first");
});
