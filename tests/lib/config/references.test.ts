import { ConfigError } from "../../../lib/config/errors";
import { resolveStackConfig } from "../../../lib/stackConfig";
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

describe("by the service-name alias the program sets on every network", () => {
  const onMini2 = (env: Record<string, string>, patch: (s: ReturnType<typeof agentTalkingToPostgres>) => void = () => {}) => {
    const s = agentTalkingToPostgres(env);
    s.services.postgres.host = "mini2";
    patch(s);
    return problemsOf(s);
  };

  test("a host variable holding the alias, across hosts", () => {
    expect(onMini2({ PGHOST: "postgres" })).toEqual([
      "services.agent.env.PGHOST: names postgres, the network alias of services.postgres on host mini2, but agent runs " +
        "on host mini; containers reach each other by name only on one host (put both on one host)",
    ]);
  });

  test("the host of a URL, parsed as a URL (credentials, port, path, any scheme)", () => {
    for (const value of ["postgres://app@postgres:5432/agents", "postgresql://app:x@POSTGRES/agents?sslmode=disable", "http://postgres"]) {
      expect([value, onMini2({ CONNECTION: value })[0]?.split(",")[0]]).toEqual([value, "services.agent.env.CONNECTION: names postgres"]);
    }
  });

  test("name:port anywhere in a value, and each item of a host list", () => {
    expect(onMini2({ UPSTREAMS: "cache:11211 postgres:5432" })).toHaveLength(1);
    expect(onMini2({ DB_HOSTS: "replica-a,postgres" })).toHaveLength(1);
    expect(onMini2({ DB_ADDR: "app@postgres:5432" })).toHaveLength(1);
  });

  test("no shared network on one host: refused with both network lists", () => {
    const s = agentTalkingToPostgres({ REDIS_URL: "redis://redis:6379" });
    s.services.redis = { image: "redis:7.4.2-alpine", memoryMb: 256, networks: ["data"], healthcheck: { test: ["CMD", "true"] } };
    s.services.agent.networks = ["edge"];
    expect(problemsOf(s)).toEqual([
      "services.agent.env.REDIS_URL: names redis, but agent (networks: edge) shares no network with services.redis " +
        "(networks: data); put both on a common network",
    ]);
  });

  test("in command and entrypoint arguments: flags, -h, URLs and shell strings, at the element's index", () => {
    const args = (list: string[], key: "command" | "entrypoint" = "command") => onMini2({}, (s) => { s.services.agent[key] = list; });
    expect(args(["node", "server.js", "--host=postgres"])[0]).toMatch(/^services\.agent\.command\[2\]: names postgres, the network alias of services\.postgres on host mini2/);
    expect(args(["app", "--db-host", "postgres"])[0]).toMatch(/^services\.agent\.command\[2\]: names postgres/);
    expect(args(["worker", "-addr", "postgres:5432"])[0]).toMatch(/^services\.agent\.command\[2\]: names postgres/);
    expect(args(["sh", "-c", "until pg_isready -h postgres; do sleep 1; done; exec app"], "entrypoint")[0])
      .toMatch(/^services\.agent\.entrypoint\[2\]: names postgres/);
    expect(args(["sh", "-c", "PGHOST=postgres exec psql"])[0]).toMatch(/^services\.agent\.command\[2\]: names postgres/);
    expect(args(["curl", "-fsS", "http://postgres:8080/health"])[0]).toMatch(/^services\.agent\.command\[2\]: names postgres/);
  });

  test("in the healthcheck test", () => {
    const problems = onMini2({}, (s) => { s.services.agent.healthcheck = { test: ["CMD-SHELL", "pg_isready -h postgres -p 5432"] }; });
    expect(problems).toEqual([expect.stringMatching(/^services\.agent\.healthcheck\.test\[1\]: names postgres, the network alias of services\.postgres on host mini2/)]);
  });

  test("each name gets one line per place, however many ways the place spells it", () => {
    expect(onMini2({ DATABASE_URL: "postgres://postgres:5432/agents?fallback=minidock-postgres-1" })).toHaveLength(2);
    expect(onMini2({ PGHOST: "postgres:5432" })).toHaveLength(1);
  });

  test("a service name in free text is not a reference", () => {
    // Service names chosen to collide with everyday words of env values and arguments.
    const s = agentTalkingToPostgres({
      NODE_ENV: "production", REDIS_POLICY: "noeviction", LOG: "postgres said: ready", IMAGE: "production:1.2.3",
      PGUSER: "production", GREETING: "hello noeviction:world",
    });
    s.services.production = { image: "busybox:1.37.0", memoryMb: 32, host: "mini2", healthcheck: { test: ["CMD", "true"] } };
    s.services.noeviction = { image: "busybox:1.37.0", memoryMb: 32, host: "mini2", healthcheck: { test: ["CMD", "true"] } };
    s.services.postgres.host = "mini2";
    s.services.agent.command = ["redis-server", "--maxmemory-policy", "noeviction", "--user", "production", "-c", "echo production"];
    s.services.agent.healthcheck = { test: ["CMD-SHELL", "test production = production"] };
    expect(problemsOf(s)).toEqual([]);
  });

  test("a service naming itself, or a service on its own host and network, is fine", () => {
    const s = agentTalkingToPostgres({ PGHOST: "postgres", SELF_URL: "http://agent:8080" });
    s.services.agent.command = ["app", "--db-host=postgres"];
    expect(problemsOf(s)).toEqual([]);
  });

  test("names of hosts that are no service are left alone", () => {
    expect(onMini2({ PGHOST: "db.example.com", API_URL: "https://api.example.com/v1", UPSTREAM: "other:80" })).toEqual([]);
  });
});
