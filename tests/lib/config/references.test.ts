import { ConfigError } from "../../../lib/config/errors";
import { resolveStackConfig } from "../../../lib/config/resolve";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";
import { shippedStackConfig } from "../../support/stack";

/** Pure: env values naming another service's container must be reachable by Docker's DNS. Nothing is mocked. */

function problemsOf(stack: Record<string, unknown>): string[] {
  try {
    resolveStackConfig("test", toRawStackConfig(toConfigValues(stack)));
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

/** baseConfig with the agent on the first host (postgres's), naming postgres the way the shipped stack does. */
function agentTalkingToPostgres(env: Record<string, string> = { PGHOST: "minidock-postgres-1" }) {
  const s = baseConfig();
  delete s.services.agent.host;
  s.services.agent.env = env;
  // As shipped: the database only on the internal network, so with no published port.
  s.services.postgres.networks = ["data"];
  delete s.services.postgres.ports;
  return s;
}

test("the shipped stacks name only containers they can reach", () => {
  for (const stack of ["mini", "local"]) {
    expect(() => resolveStackConfig(stack, toRawStackConfig(shippedStackConfig(stack)))).not.toThrow();
  }
  expect(problemsOf(agentTalkingToPostgres())).toEqual([]);
});

test("a database moved to a second mini without its clients is refused, naming both hosts", () => {
  const s = agentTalkingToPostgres();
  s.services.postgres.host = "mini2";
  expect(problemsOf(s)).toEqual([
    "services.agent.env.PGHOST: names minidock-postgres-1, a container of services.postgres on host mini2, but agent " +
      "runs on host mini; containers reach each other by name only on one host (put both on one host)",
  ]);
});

test("inside a URL too, and for any replica", () => {
  const s = agentTalkingToPostgres({ DATABASE_URL: "postgres://app@minidock-postgres-1:5432/agents" });
  s.services.postgres.host = "mini2";
  expect(problemsOf(s)[0]).toMatch(/^services\.agent\.env\.DATABASE_URL: names minidock-postgres-1, /);

  const workers = baseConfig(); // agent (3 replicas) stays on mini2; postgres on mini names its second replica
  workers.services.postgres.env = { ...(workers.services.postgres.env as object), PEER: "http://minidock-agent-2:8080" };
  expect(problemsOf(workers)[0]).toMatch(/^services\.postgres\.env\.PEER: names minidock-agent-2, a container of services\.agent on host mini2/);
});

test("one value naming two unreachable containers gets a line for each", () => {
  const s = agentTalkingToPostgres({ PEERS: "minidock-postgres-1,minidock-postgres-1;minidock-redis-1" });
  s.services.redis = { image: "redis:7.4.2-alpine", memoryMb: 256, host: "mini2", networks: ["data"], healthcheck: { test: ["CMD", "true"] } };
  s.services.postgres.host = "mini2";
  expect(problemsOf(s).map((p) => p.split(",")[0])).toEqual([
    "services.agent.env.PEERS: names minidock-postgres-1",
    "services.agent.env.PEERS: names minidock-redis-1",
  ]);
});

test("same host but no common network: refused, with both network lists", () => {
  const s = agentTalkingToPostgres();
  s.services.agent.networks = ["edge"];
  expect(problemsOf(s)).toEqual([
    "services.agent.env.PGHOST: names minidock-postgres-1, but agent (networks: edge) shares no network with " +
      "services.postgres (networks: data); put both on a common network",
  ]);
});

test("names that only look alike are left alone", () => {
  // minidock-postgres-10 is not replica 1, minidock-postgres-1x not a container name, POSTGRES_USER is not a host.
  for (const value of ["minidock-postgres-10", "minidock-postgres-1x", "postgres", "minidock-postgres-2"]) {
    const s = agentTalkingToPostgres({ X: value });
    s.services.postgres.host = "mini2";
    expect([value, problemsOf(s)]).toEqual([value, []]);
  }
});

test("host networking is on no Docker network: its container names neither resolve nor get resolved", () => {
  const s = agentTalkingToPostgres();
  s.services.agent.unsafe = { networkMode: "host" };
  expect(problemsOf(s)).toEqual([
    "services.agent.env.PGHOST: names minidock-postgres-1, but agent (networkMode host) shares no network with " +
      "services.postgres (networks: data); put both on a common network",
  ]);
});

test("a service on an undeclared host or network is not placed, so its own problem is the only one reported", () => {
  const s = agentTalkingToPostgres();
  s.services.agent.host = "mini3";
  expect(problemsOf(s)).toEqual(['services.agent.host: unknown host "mini3" (declared hosts: mini, mini2)']);
  const t = agentTalkingToPostgres();
  t.services.agent.networks = ["dta"];
  expect(problemsOf(t)).toEqual(['services.agent.networks.0: unknown network "dta" (declared networks: data, edge)']);
});
