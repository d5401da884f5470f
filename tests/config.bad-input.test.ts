/**
 * Bad stack config must fail with ONE error that lists every problem by key path, before any resource is
 * registered. Each case evaluates the real index.ts under Pulumi's mock monitor (the engine and providers are
 * mocked because neither can run here), its body run afresh (tests/support/freshEvaluation.ts), then asserts the
 * message and that the mock monitor saw no resource at all.
 */
import type { Evaluation } from "../tools/offline/evaluate";

import { TestStack, baseConfig, toConfigValues } from "./support/configs";
import { evaluateFresh } from "./support/freshEvaluation";

async function evaluate(mutate: (s: TestStack) => void, secrets?: Record<string, string>, plainKeys: Record<string, string> = {}) {
  const stack = baseConfig() as TestStack;
  mutate(stack);
  const cfg = toConfigValues(stack, secrets);
  for (const [k, v] of Object.entries(plainKeys)) cfg.values[`minidock:${k}`] = v;
  return evaluateFresh("bad", cfg);
}

function expectRejected(ev: Evaluation, ...fragments: string[]) {
  expect(ev.error).toBeDefined();
  expect(ev.error!.name).toBe("ConfigError");
  for (const f of fragments) expect(ev.error!.message).toContain(f);
  expect(ev.resources).toEqual([]);
}

test("the base config is valid (so each case below fails for its own reason)", async () => {
  const ev = await evaluate(() => undefined);
  expect(ev.error).toBeUndefined();
  expect(ev.resources.length).toBeGreaterThan(0);
});

test("negative memory", async () => {
  const ev = await evaluate((s) => (s.services.postgres.memoryMb = -5));
  expectRejected(ev, "services.postgres.memoryMb: expected a positive integer, got -5");
});

test("zero memory", async () => {
  const ev = await evaluate((s) => (s.services.postgres.memoryMb = 0));
  expectRejected(ev, "services.postgres.memoryMb: expected a positive integer, got 0");
});

test("replicas below one", async () => {
  const ev = await evaluate((s) => (s.services.agent.replicas = 0));
  expectRejected(ev, "services.agent.replicas: expected a positive integer, got 0");
});

test("unknown key in a service", async () => {
  const ev = await evaluate((s) => (s.services.postgres.memroyMb = 512));
  expectRejected(ev, 'services.postgres.memroyMb: unknown key (did you mean "memoryMb"?); allowed: image, ');
});

test("unknown top-level config key", async () => {
  const ev = await evaluate((s) => (s.service = {}));
  expectRejected(ev, 'service: unknown config key (did you mean "services"?); known: hosts, networks, services,');
});

test("wrong type", async () => {
  const ev = await evaluate((s) => (s.services.postgres.memoryMb = "lots"));
  expectRejected(ev, 'services.postgres.memoryMb: expected number, got "lots"');
});

test("service on an undeclared host", async () => {
  const ev = await evaluate((s) => (s.services.agent.host = "mini3"));
  expectRejected(ev, 'services.agent.host: unknown host "mini3" (declared hosts: mini, mini2)');
});

test("service on an undeclared network", async () => {
  const ev = await evaluate((s) => (s.services.agent.networks = ["edge", "dmz"]));
  expectRejected(ev, 'services.agent.networks.1: unknown network "dmz" (declared networks: data, edge)');
});

test("a client naming a container on another host (Docker's DNS answers on one host only)", async () => {
  const ev = await evaluate((s) => (s.services.agent.env = { PGHOST: "minidock-postgres-1" }));
  expectRejected(ev, "services.agent.env.PGHOST: names minidock-postgres-1, a container of services.postgres on host mini, but agent runs on host mini2");
});

test("two services publishing the same port and address on one host", async () => {
  const ev = await evaluate((s) => {
    s.services.agent.host = "mini";
    s.services.agent.ports = [{ published: 5432, target: 8080 }];
  });
  expectRejected(ev, "services.agent.ports.0.published: 127.0.0.1:5432/tcp on host mini is already published by services.postgres");
});

test("a wildcard bind collides with a loopback bind of the same port", async () => {
  const ev = await evaluate((s) => {
    s.services.agent.host = "mini";
    s.services.agent.ports = [{ published: 5432, target: 8080, bind: "0.0.0.0" }];
  });
  expectRejected(ev, "0.0.0.0:5432/tcp on host mini is already published by services.postgres");
});

test("the same port on two different hosts is fine", async () => {
  const ev = await evaluate((s) => (s.services.agent.ports = [{ published: 5432, target: 8080 }]));
  expect(ev.error).toBeUndefined();
});

test("image without a tag", async () => {
  const ev = await evaluate((s) => (s.services.postgres.image = "postgres"));
  expectRejected(ev, 'services.postgres.image: postgres has no tag, so Docker pulls "latest", which moves with every release; pin a digest');
});

test("a registry port is not a tag", async () => {
  const ev = await evaluate((s) => (s.services.postgres.image = "registry.local:5000/postgres"));
  expectRejected(ev, "services.postgres.image: registry.local:5000/postgres has no tag");
});

test("secretEnv naming a secret config key that does not exist", async () => {
  const ev = await evaluate((s) => (s.services.postgres.secretEnv = { POSTGRES_PASSWORD: "pgPass" }));
  expectRejected(ev, 'services.postgres.secretEnv.POSTGRES_PASSWORD: secret config key "pgPass" is not set (run: pulumi config set --secret pgPass <value>)');
});

test("secretEnv naming a key that was set in plain text", async () => {
  const ev = await evaluate((s) => (s.services.postgres.secretEnv = { POSTGRES_PASSWORD: "pgPlain" }), undefined, { pgPlain: "hunter2" });
  expectRejected(ev, 'services.postgres.secretEnv.POSTGRES_PASSWORD: config key "pgPlain" is set in plain text; set it again with --secret');
});

test("host with neither ssh nor dockerHost", async () => {
  const ev = await evaluate((s) => delete s.hosts.mini2.ssh);
  expectRejected(ev, 'hosts.mini2: expected exactly one of "ssh" or "dockerHost", got neither');
});

test("reserve not below the host's memory", async () => {
  const ev = await evaluate((s) => (s.hosts.mini.reserveMb = 20000));
  expectRejected(ev, "hosts.mini.reserveMb: expected less than memoryMb (14336), got 20000");
});

test("a bad ssh target", async () => {
  const ev = await evaluate((s) => (s.hosts.mini.ssh = "mac-mini.example.ts.net"));
  expectRejected(ev, 'hosts.mini.ssh: expected user@address such as "dev@mac-mini.example.ts.net", got "mac-mini.example.ts.net"');
});

test("published port out of range", async () => {
  const ev = await evaluate((s) => (s.services.postgres.ports = [{ published: 70000, target: 5432 }]));
  expectRejected(ev, "services.postgres.ports.0.published: expected a port number 1-65535, got 70000");
});

test("bind address that is not an IP", async () => {
  const ev = await evaluate((s) => (s.services.postgres.ports = [{ published: 5432, target: 5432, bind: "localhost" }]));
  expectRejected(ev, 'services.postgres.ports.0.bind: expected an IP address such as "127.0.0.1" or "::1", got "localhost"');
});

test("a healthcheck without CMD, CMD-SHELL or NONE", async () => {
  const ev = await evaluate((s) => (s.services.agent.healthcheck = { test: ["curl -f localhost"] }));
  expectRejected(ev, 'services.agent.healthcheck.test.0: expected "CMD", "CMD-SHELL" or "NONE" first, got "curl -f localhost"');
});

test("a healthcheck with an empty test list", async () => {
  const ev = await evaluate((s) => (s.services.agent.healthcheck = { test: [] }));
  expectRejected(ev, "services.agent.healthcheck.test: expected at least 1 item(s), got a list (0 items)");
});

test("a bad service name", async () => {
  const ev = await evaluate((s) => (s.services.Bad_Name = s.services.agent));
  expectRejected(ev, 'services.Bad_Name: bad name: expected lower-case letters');
});

test("a bad duration", async () => {
  const ev = await evaluate((s) => (s.services.agent.healthcheck = { test: ["CMD", "true"], interval: "30 seconds" }));
  expectRejected(ev, 'services.agent.healthcheck.interval: expected a duration such as "30s" or "1m30s", got "30 seconds"');
});

test("relative volume path", async () => {
  const ev = await evaluate((s) => (s.services.agent.volumes = [{ name: "workspace", path: "workspace" }]));
  expectRejected(ev, 'services.agent.volumes.0.path: expected an absolute path without "..", got "workspace"');
});

test("every problem is reported at once, not just the first", async () => {
  const ev = await evaluate((s) => {
    s.services.postgres.memoryMb = -1;
    s.services.agent.replicas = 0;
    s.services.agent.image = "node";
  });
  expectRejected(ev, "3 problems", "services.postgres.memoryMb", "services.agent.replicas", "services.agent.image");
});

test("cross-reference problems are all listed too", async () => {
  const ev = await evaluate((s) => {
    s.services.agent.host = "nowhere";
    s.services.postgres.networks = ["nonet"];
    s.services.postgres.secretEnv = { POSTGRES_PASSWORD: "missing" };
  });
  expectRejected(ev, "3 problems", "services.agent.host", "services.postgres.networks.0", "services.postgres.secretEnv.POSTGRES_PASSWORD");
});

test("no hosts at all", async () => {
  const ev = await evaluate((s) => (s.hosts = {}));
  expectRejected(ev, "hosts: expected at least one host");
});

test("schema and cross-reference problems come in the same error", async () => {
  const ev = await evaluate((s) => {
    s.services.postgres.memoryMb = -5;
    s.services.agent.host = "mini3";
    s.services.agent.secretEnv = { TOKEN: "agentToken" };
    s.hosts.mini2.cpus = "eight";
  });
  expectRejected(
    ev,
    "4 problems",
    "services.postgres.memoryMb: expected a positive integer, got -5",
    'hosts.mini2.cpus: expected number, got "eight"',
    'services.agent.host: unknown host "mini3" (declared hosts: mini, mini2)',
    'services.agent.secretEnv.TOKEN: secret config key "agentToken" is not set',
  );
});

test("a port of a service whose only networks are internal is refused: Docker would publish nothing", async () => {
  const ev = await evaluate((s) => (s.services.postgres.networks = ["data"]));
  expectRejected(ev, "services.postgres.ports: 5432 cannot be published: every network of postgres (data) is internal");
  // On a network with a route out the same port is fine.
  expect((await evaluate((s) => (s.services.postgres.networks = ["data", "edge"]))).error).toBeUndefined();
});

test("a CPU count the docker provider would read back rounded is refused, naming what it would read", async () => {
  const ev = await evaluate((s) => (s.services.postgres.cpus = "0.05"));
  expectRejected(ev, 'services.postgres.cpus: "0.05" would be read back from the daemon as 0.1');
});

test("start-first where two copies cannot run side by side is refused before any resource, with the reason", async () => {
  const ev = await evaluate((s) => (s.services.postgres.rollout = "start-first"));
  expectRejected(ev, 'services.postgres.rollout: "start-first" runs a new copy beside the old one, which cannot work here: it publishes host port 5432');
});

test("a rollout order that is neither names both", async () => {
  const ev = await evaluate((s) => (s.services.agent.rollout = "blue-green"));
  expectRejected(ev, 'services.agent.rollout: expected one of "start-first", "stop-first", got "blue-green"');
});
