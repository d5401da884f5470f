/**
 * minidock's own services name each other in env, arguments and generated files (scrape targets, datasources, the
 * Pushgateway URL, the pg_dump host, the tailnet's serve config). assertReferencesReachable checks those names
 * before any resource is registered, over the plan of lib/platform/plan.ts (pure; the last test holds it to what
 * the program deploys). Broken wirings are made by moving one planned service.
 */
import * as pulumi from "@pulumi/pulumi";
import { pgDumpServiceName } from "../../lib/platform/backup/containers";
import { ConfigError } from "../../lib/config/errors";
import { resolveStackConfig } from "../../lib/stackConfig";
import { StackConfig } from "../../lib/config/resolved";
import { PlatformService, assertReferencesReachable } from "../../lib/platform/definition";
import { plannedServices } from "../../lib/platform/plan";
import { toRawStackConfig } from "../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../support/configs";
import { evaluateFresh } from "../support/freshEvaluation";
import { T, ofType, shippedStackConfig } from "../support/stack";
import { containerResourceName, serviceResourceName } from "../../lib/naming";

/** Every service of a stack, as the program plans them before registering anything (no secret is read). */
const servicesOf = (config: StackConfig) => plannedServices(config, { secret: () => pulumi.secret(""), tailnetAuthKey: () => pulumi.secret("") });

function problemsOf(services: PlatformService[]): string[] {
  try {
    assertReferencesReachable(services);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

const find = (all: PlatformService[], host: string, name: string) => all.find((p) => p.spec.host === host && p.spec.name === name)!;
const moved = (p: PlatformService, change: Partial<PlatformService["spec"]>): PlatformService => ({ ...p, spec: { ...p.spec, ...change } });

/** Two hosts, monitoring and backups on, a database on mini. */
function twoHostStack(patch: (s: ReturnType<typeof baseConfig> & Record<string, unknown>) => void = () => {}): StackConfig {
  const s: ReturnType<typeof baseConfig> & Record<string, unknown> = baseConfig();
  s.monitoring = { enabled: true };
  s.backup = { enabled: true, encryption: { passphraseSecret: "postgresPassword" } };
  patch(s);
  return resolveStackConfig("test", toRawStackConfig(toConfigValues(s)));
}

test("the shipped stacks' wiring names only services it can reach, and names some (the check is not vacuous)", () => {
  for (const stack of ["mini", "local"]) {
    const all = servicesOf(resolveStackConfig(stack, toRawStackConfig(shippedStackConfig(stack))));
    expect([stack, problemsOf(all)]).toEqual([stack, []]);
    // Prometheus's file names cadvisor: on a network of its own, that is refused.
    const host = all[0].spec.host;
    const broken = all.map((p) => (p === find(all, host, "cadvisor") ? moved(p, { networks: ["nowhere"] }) : p));
    expect(problemsOf(broken)).toContainEqual(expect.stringContaining(`minidock's prometheus on host ${host}, file /etc/minidock/prometheus.yml: names cadvisor`));
  }
  expect(problemsOf(servicesOf(twoHostStack()))).toEqual([]);
});

test("a scrape target on no shared network is refused, naming the service, the file and both network lists", () => {
  const all = servicesOf(twoHostStack());
  const broken = all.map((p) => (p === find(all, "mini", "cadvisor") ? moved(p, { networks: ["data"] }) : p));
  expect(problemsOf(broken)).toEqual([
    "minidock's prometheus on host mini, file /etc/minidock/prometheus.yml: names cadvisor, but prometheus " +
      "(networks: edge) shares no network with minidock's cadvisor (networks: data); put both on a common network",
    // Moved off its own networks, cadvisor also loses the Docker API proxy it asks (--docker=tcp://docker-api-proxy:2375).
    "minidock's cadvisor on host mini, command[8]: names docker-api-proxy, but cadvisor (networks: data) shares no " +
      "network with minidock's docker-api-proxy (networks: docker-api); put both on a common network",
  ]);
});

test("a Pushgateway only on another host: every file, env value and script that pushes to it is refused", () => {
  const all = servicesOf(twoHostStack());
  const broken = all.filter((p) => p !== find(all, "mini", "pushgateway"));
  const problems = problemsOf(broken);
  expect(problems).toEqual(expect.arrayContaining([
    "minidock's backup on host mini, env.PUSHGATEWAY_URL: names pushgateway, the network alias of minidock's pushgateway " +
      "on host mini2, but backup runs on host mini; containers reach each other by name only on one host (put both on one host)",
    expect.stringMatching(/^minidock's prometheus on host mini, file \/etc\/minidock\/prometheus\.yml: names pushgateway, the network alias of minidock's pushgateway on host mini2/),
    expect.stringMatching(/^minidock's docker-state on host mini, file \/etc\/minidock\/docker-state\.sh: names pushgateway/),
  ]));
  expect(problems.every((p) => p.startsWith("minidock's ") && p.includes(" on host mini,"))).toBe(true);
});

test("a pg_dump sidecar away from its database is refused at its PGHOST", () => {
  const all = servicesOf(twoHostStack());
  const sidecar = find(all, "mini", pgDumpServiceName("postgres"));
  const broken = all.map((p) => (p === sidecar ? moved(p, { host: "mini2" }) : p));
  expect(problemsOf(broken)).toContainEqual(
    "minidock's postgres-pgdump on host mini2, env.PGHOST: names postgres, the network alias of services.postgres on " +
      "host mini, but postgres-pgdump runs on host mini2; containers reach each other by name only on one host (put both on one host)",
  );
});

test("the tailnet's serve config must reach what it proxies to", () => {
  const served = twoHostStack((s) => {
    // The database only on the internal network: the tailnet container joins it to proxy there.
    s.services.postgres.networks = ["data"];
    delete s.services.postgres.ports;
    s.tailscale = { enabled: true, groups: { admins: ["alice@example.com"] }, access: [{ group: "admins", ports: [22], services: ["postgres"] }], serve: [{ service: "postgres", port: 5432, protocol: "tcp" }] };
  });
  const all = servicesOf(served);
  expect(problemsOf(all)).toEqual([]);
  const broken = all.map((p) => (p === find(all, "mini", "tailscale") ? moved(p, { networks: p.spec.networks.filter((n) => n !== "data") }) : p));
  expect(problemsOf(broken)).toEqual([expect.stringMatching(
    /^minidock's tailscale on host mini, env\.MINIDOCK_SERVE_CONFIG: names postgres, but tailscale \(networks: edge\) shares no network with services\.postgres/,
  )]);
});

test("a config service naming a platform service it shares no network with is refused at its own key", () => {
  const all = servicesOf(twoHostStack((s) => {
    s.services.agent.networks = ["data"];
    s.services.agent.env = { PROMETHEUS_URL: "http://prometheus:9090" };
  }));
  expect(problemsOf(all)).toEqual([
    "services.agent.env.PROMETHEUS_URL: names prometheus, but agent (networks: data) shares no network with " +
      "minidock's prometheus (networks: edge); put both on a common network",
  ]);
});

test("a secret upload (an Output) is not read: it holds credentials and external URLs only", () => {
  const all = servicesOf(twoHostStack());
  const prom = find(all, "mini", "prometheus");
  const secretFile = { file: "/etc/minidock/secret.yml", content: pulumi.secret("url: http://nowhere-else:1") };
  expect(problemsOf([...all.filter((p) => p !== prom), { ...prom, uploads: [...(prom.uploads ?? []), secretFile] }])).toEqual([]);
});

describe("the plan is what the program deploys", () => {
  test.each(["mini", "local"])("%s: the same services, env and generated files", async (stack) => {
    const ev = await evaluateFresh(stack, shippedStackConfig(stack));
    expect(ev.error).toBeUndefined();
    const planned = servicesOf(resolveStackConfig(stack, toRawStackConfig(shippedStackConfig(stack))));
    const deployed = ofType(ev, T.service).map((r) => r.name).sort();
    expect(planned.map((p) => serviceResourceName(p.spec.name, p.spec.host, p.spec.tier)).sort()).toEqual(deployed);
    for (const p of planned) {
      const name = containerResourceName(serviceResourceName(p.spec.name, p.spec.host, p.spec.tier), 1);
      const container = ofType(ev, T.container).find((r) => r.name === name)!;
      const files = (container.inputs.uploads as { file: string; content: string }[] | undefined) ?? [];
      const plain = (p.uploads ?? []).filter((u) => typeof u.content === "string").map((u) => ({ file: u.file, content: u.content }));
      expect([name, files.filter((f) => plain.some((u) => u.file === f.file)).map((f) => ({ file: f.file, content: f.content }))]).toEqual([name, plain]);
      expect([name, files.map((f) => f.file)]).toEqual([name, (p.uploads ?? []).map((u) => u.file)]);
      const envs = (container.inputs.envs as string[] | undefined) ?? [];
      expect([name, envs.filter((e) => e.split("=")[0] in p.spec.env).sort()]).toEqual([name, Object.entries(p.spec.env).map(([k, v]) => `${k}=${v}`).sort()]);
    }
  });
});
