/**
 * How components/service.ts registers containers for each rollout order (lib/rollout.ts), under Pulumi's mock
 * monitor: the engine and the docker provider are mocked because neither can run here. What is real: the
 * program, the config contract and every input and resource option it registers. The resource options
 * (deleteBeforeReplace) are read off the runtime's RegisterResourceRequest by tools/offline/evaluate.ts, the
 * request the engine itself would get. The name the engine then gives an unnamed container comes from
 * Pulumi.yaml's autonaming pattern, checked here as text; on a real engine tests/engine/deploy.test.ts sees it.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { LABEL } from "../../lib/labels";
import { healthWaitSeconds } from "../../lib/rollout";
import { DEFAULTS } from "../../lib/defaults";
import type { Evaluation, RecordedResource } from "../../tools/offline/evaluate";
import { budgetReports } from "../../tools/budgetReport";
import { baseConfig, toConfigValues } from "../support/configs";
import { evaluateFresh } from "../support/freshEvaluation";
import { PROJECT_DIR, T, label } from "../support/stack";

type Network = { name: unknown; aliases: string[] };

let ev: Evaluation;
beforeAll(async () => {
  const s = baseConfig();
  // agent: 3 replicas, nothing exclusive to one copy (no volume of its own): start-first by the default rule.
  s.services.agent.volumes = [];
  // postgres stays stop-first: it publishes 5432 and writes its own pgdata.
  // cron: a replicated service that asks for stop-first, without a healthcheck.
  s.services.cron = {
    image: "alpine:3.21.0", host: "mini2", replicas: 2, memoryMb: 64, networks: ["edge"], rollout: "stop-first", healthcheck: { test: ["NONE"] },
  };
  ev = await evaluateFresh("t", toConfigValues(s));
  if (ev.error) throw ev.error;
});

/** A config service's containers, by replica: found by label, since a start-first container has no name input. */
const containersOf = (service: string): RecordedResource[] =>
  ev.resources.filter((r) => r.type === T.container && label(r, LABEL.service) === service && label(r, LABEL.tier) === "workload")
    .sort((a, b) => Number(label(a, LABEL.replica)) - Number(label(b, LABEL.replica)));

describe("start-first (agent: 3 replicas, nothing exclusive)", () => {
  test("no name input, so the engine autonames each container and a replacement can run beside the old one", () => {
    const agent = containersOf("agent");
    expect(agent).toHaveLength(3);
    for (const c of agent) expect(c.inputs).not.toHaveProperty("name");
    expect(agent.map((c) => c.name)).toEqual(["agent-1", "agent-2", "agent-3"]);
  });

  test("create before delete: deleteBeforeReplace is false", () => {
    expect(containersOf("agent").map((c) => c.options.deleteBeforeReplace)).toEqual([false, false, false]);
  });

  test("each network gives the service alias and the replica's own name as aliases, so both keep resolving", () => {
    containersOf("agent").forEach((c, i) => {
      const networks = c.inputs.networksAdvanced as Network[];
      expect(networks).toHaveLength(2);
      for (const n of networks) expect(n.aliases).toEqual(["agent", `minidock-agent-${i + 1}`]);
    });
  });

  test("the label says start-first, for the budget's surge and for npm run deploy", () => {
    expect(containersOf("agent").map((c) => label(c, LABEL.rollout))).toEqual(["start-first", "start-first", "start-first"]);
  });

  test("the health wait is the healthcheck's own: 30s start + 3 x (30s + 5s) + 15 s slack", () => {
    for (const c of containersOf("agent")) expect([c.inputs.wait, c.inputs.waitTimeout]).toEqual([true, 150]);
    expect(healthWaitSeconds(DEFAULTS.healthcheck)).toBe(150);
  });
});

describe("stop-first (postgres: a published port and its own volume; cron: set by its key)", () => {
  test("the plain name minidock-<service>-<n>, and delete before replace", () => {
    const pg = containersOf("postgres");
    expect(pg.map((c) => [c.inputs.name, c.options.deleteBeforeReplace, label(c, LABEL.rollout)])).toEqual([["minidock-postgres-1", true, "stop-first"]]);
    const cron = containersOf("cron");
    expect(cron.map((c) => [c.inputs.name, c.options.deleteBeforeReplace, label(c, LABEL.rollout)])).toEqual([
      ["minidock-cron-1", true, "stop-first"], ["minidock-cron-2", true, "stop-first"],
    ]);
  });

  test("the service alias only: the container's own name is its replica's", () => {
    const aliases = containersOf("postgres")[0].inputs.networksAdvanced as Network[];
    expect(aliases.map((n) => n.aliases)).toEqual([["postgres"], ["postgres"]]);
    expect((containersOf("cron")[1].inputs.networksAdvanced as Network[]).map((n) => n.aliases)).toEqual([["cron"]]);
  });

  test("the health wait follows each healthcheck: postgres 30s start + 5 x (30s + 5s) + 15; none without a healthcheck", () => {
    expect(containersOf("postgres").map((c) => [c.inputs.wait, c.inputs.waitTimeout])).toEqual([[true, 30 + 5 * 35 + 15]]);
    for (const c of containersOf("cron")) {
      expect(c.inputs.wait).toBe(false);
      expect(c.inputs.waitTimeout).toBeUndefined();
    }
  });
});

test("the budget reads the order off these containers: one agent replica of surge on mini2, none on mini", () => {
  const [mini, mini2] = budgetReports([
    { host: "mini", memoryMb: 14336, reserveMb: 1024, cpus: 8, diskGb: 100 }, { host: "mini2", memoryMb: 14336, reserveMb: 1024, cpus: 8, diskGb: 100 },
  ], ev.resources);
  expect([mini.surge, mini.surgeMb]).toEqual([undefined, 0]);
  expect(mini2.surge).toEqual({ service: "agent", tier: "workload", memoryMb: 2048 });
  expect(mini2.rolloutPeakMb).toBe(mini2.atRestMb + 2048);
});

test("Pulumi.yaml names an unnamed container minidock-<resource name>-<6 hex>, the name the docs and deploy expect", () => {
  const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
  const pattern = project.config["pulumi:autonaming"].value.providers.docker.resources["docker:index/container:Container"].pattern;
  expect(pattern).toBe("minidock-${name}-${hex(6)}");
});
