import { containerLabels, toLabelList } from "../../../lib/labels";
import {
  ContainerView, DeployedContainer, MAX_HEALTH_WAIT_MS, MIN_WAIT_MS, containersOfState, healthTail, healthWaitMs, judge, parseGoDuration,
  unwell, verifyContainers,
} from "../../../tools/deploy/verify";

/**
 * Deploy's verification against given inspect results: the inputs are what the engine records for a minidock
 * container (lib/containerInputs.ts spellings), the inspect results the shape Docker 20.10 returns.
 */
const MiB = 1024 * 1024;
const labels = toLabelList(containerLabels({
  stack: "local", host: "local", service: "web", replica: 1, tier: "workload", hostMemoryMb: 2048, hostReserveMb: 256, hostCpus: 2, hostDiskGb: 10, rollout: "stop-first" as const,
}));
const inputs = (): Record<string, unknown> => ({
  name: "minidock-web-1", image: "sha256:aaaa", memory: 32, memorySwap: 32, cpus: "0.25", labels,
  capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges:true"], readOnly: true, tmpfs: {},
  logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" }, restart: "unless-stopped",
  networksAdvanced: [{ name: "minidock-edge", aliases: ["web"] }],
  healthcheck: { tests: ["CMD-SHELL", "true"], interval: "2s", retries: 3 },
});
const container = (over: Partial<DeployedContainer> = {}): DeployedContainer => ({ name: "minidock-web-1", urn: "urn:web-1", host: "local", service: "web", inputs: inputs(), ...over });
type Health = NonNullable<ContainerView["State"]["Health"]>;
const view = (health: Health | null = { Status: "healthy", FailingStreak: 0, Log: [] }): ContainerView => ({
  Id: "c1", Name: "/minidock-web-1", Image: "sha256:aaaa", RestartCount: 0,
  State: { Status: "running", Running: true, Restarting: false, ExitCode: 0, OOMKilled: false, Health: health ?? undefined },
  Config: { Env: [], Cmd: ["sh"], Entrypoint: null, Labels: {} },
  HostConfig: {
    Memory: 32 * MiB, MemorySwap: 32 * MiB, NanoCpus: 250_000_000, CapDrop: ["ALL"], CapAdd: null, SecurityOpt: ["no-new-privileges:true"],
    ReadonlyRootfs: true, Tmpfs: null, LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } },
    RestartPolicy: { Name: "unless-stopped" }, PortBindings: {}, Privileged: false,
  },
  NetworkSettings: { Networks: { "minidock-edge": { Aliases: ["web", "c1"] } }, Ports: {} },
});

describe("healthcheck timing", () => {
  test.each([
    ["30s", 30_000], ["1m0s", 60_000], ["1m30s", 90_000], ["500ms", 500], ["1h0m0s", 3_600_000], ["1.5s", 1500],
  ])("parseGoDuration(%s) = %d ms", (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  test.each([[""], ["30"], ["abc"], [undefined], [30]])("parseGoDuration(%p) is undefined", (text) => expect(parseGoDuration(text)).toBeUndefined());

  test("start period, then retries probes an interval apart, plus one probe's timeout", () => {
    expect(healthWaitMs({ tests: ["CMD", "true"], interval: "2s", retries: 3, timeout: "1s", startPeriod: "10s" })).toBe(10_000 + 6_000 + 1_000);
  });

  test("Docker's defaults for what is unset: interval 30 s, timeout 30 s, 3 retries, no start period", () => {
    expect(healthWaitMs({ tests: ["CMD", "true"] })).toBe(3 * 30_000 + 30_000);
  });

  test("bounded, whatever the healthcheck says", () => {
    expect(healthWaitMs({ tests: ["CMD", "true"], interval: "1h0m0s", retries: 10 })).toBe(MAX_HEALTH_WAIT_MS);
  });

  test("no healthcheck, or NONE: nothing to wait for", () => {
    expect(healthWaitMs(undefined)).toBeUndefined();
    expect(healthWaitMs({ tests: ["NONE"] })).toBeUndefined();
  });
});

describe("judge", () => {
  test("running, healthy and as declared: ok", () => {
    expect(judge(container(), view(), 0, 10_000)).toEqual({ state: "ok" });
  });

  test("gone from the daemon", () => {
    expect(judge(container(), undefined, 0, 10_000)).toEqual({ state: "failed", reason: "not on the daemon", problems: [] });
  });

  test("exited: the exit code and the OOM kill are in the reason", () => {
    const v = view();
    Object.assign(v.State, { Status: "exited", Running: false, ExitCode: 137, OOMKilled: true });
    expect(judge(container(), v, 0, 10_000)).toMatchObject({ state: "failed", reason: "not running (exited, exit code 137, OOM-killed)" });
  });

  test("restarting: failed at once, with the restart count", () => {
    const v = view();
    Object.assign(v.State, { Status: "restarting", Restarting: true, Running: true, ExitCode: 1 });
    v.RestartCount = 4;
    expect(judge(container(), v, 0, 10_000)).toMatchObject({ state: "failed", reason: "restarting (restarting, 4 restart(s))" });
  });

  test("health starting: waiting until the health wait is over, then failed", () => {
    const starting = view({ Status: "starting", FailingStreak: 1, Log: [] });
    expect(judge(container(), starting, 9_000, 10_000)).toEqual({ state: "waiting", reason: "health starting" });
    expect(judge(container(), starting, 10_000, 10_000)).toMatchObject({ state: "failed", reason: "not healthy within 10 s (health starting)" });
  });

  test("unhealthy: failed at once", () => {
    expect(judge(container(), view({ Status: "unhealthy", FailingStreak: 3, Log: [] }), 0, 10_000)).toMatchObject({ state: "failed", reason: "unhealthy (3 failing probes in a row)" });
  });

  test("not as declared: every difference listed, even while healthy", () => {
    const v = view();
    v.HostConfig.Memory = 64 * MiB;
    v.HostConfig.ReadonlyRootfs = false;
    const verdict = judge(container(), v, 0, 10_000);
    expect(verdict).toMatchObject({ state: "failed", reason: "not as declared" });
    expect(verdict.state === "failed" && verdict.problems).toEqual([
      "memory: declared 33554432, daemon has 67108864",
      "read-only root: declared true, daemon has false",
    ]);
  });

  test("another image than the engine resolved", () => {
    const v = view();
    v.Image = "sha256:bbbb";
    const verdict = judge(container(), v, 0, 10_000);
    expect(verdict.state === "failed" && verdict.problems).toEqual(["image: declared sha256:aaaa, daemon runs sha256:bbbb"]);
  });

  test("no healthcheck declared and none running: running is enough", () => {
    const c = container();
    delete c.inputs.healthcheck;
    expect(judge(c, view(null), 0, MIN_WAIT_MS)).toEqual({ state: "ok" });
  });

  test("a healthcheck declared but none on the daemon", () => {
    expect(judge(container(), view(null), 0, 10_000)).toMatchObject({ state: "failed", reason: "declares a healthcheck, but the daemon runs none" });
  });
});

test("unwell: what a failed update left behind, judged without its declared inputs", () => {
  expect(unwell(view())).toBeUndefined();
  expect(unwell(view(null))).toBeUndefined();
  expect(unwell(view({ Status: "unhealthy", FailingStreak: 2, Log: [] }))).toBe("unhealthy (2 failing probes in a row)");
  expect(unwell(view({ Status: "starting", FailingStreak: 0, Log: [] }))).toBe("health starting");
  const exited = view();
  Object.assign(exited.State, { Status: "exited", Running: false, ExitCode: 2 });
  expect(unwell(exited)).toBe("not running (exited, exit code 2)");
});

describe("verifyContainers", () => {
  /** A fake clock that sleep advances, and an inspect that plays a script of views per container. */
  function harness(script: Record<string, (ContainerView | Error | undefined)[]>) {
    let t = 0;
    const calls: Record<string, number> = {};
    return {
      calls,
      opts: {
        now: () => t,
        sleep: async (ms: number) => void (t += ms),
        pollMs: 1000,
        inspect: async (c: DeployedContainer) => {
          const n = (calls[c.name] = (calls[c.name] ?? 0) + 1);
          const steps = script[c.name];
          const v = steps[Math.min(n, steps.length) - 1];
          if (v instanceof Error) throw v;
          return v;
        },
      },
    };
  }
  const starting = () => view({ Status: "starting", FailingStreak: 0, Log: [] });

  test("polls a starting container until it is healthy; the others settle on the first look", async () => {
    const a = container();
    const b = container({ name: "minidock-web-2", urn: "urn:web-2" });
    const h = harness({ "minidock-web-1": [starting(), starting(), starting(), view()], "minidock-web-2": [view()] });
    const settled: string[] = [];
    const results = await verifyContainers([a, b], { ...h.opts, onSettled: (r) => settled.push(r.container.name) });
    expect(results.map((r) => [r.container.name, r.ok, r.waitedMs])).toEqual([["minidock-web-1", true, 3000], ["minidock-web-2", true, 0]]);
    expect(settled).toEqual(["minidock-web-2", "minidock-web-1"]);
    expect(h.calls).toEqual({ "minidock-web-1": 4, "minidock-web-2": 1 });
  });

  test("a container that never gets healthy fails at its health wait, not before", async () => {
    const c = container();
    c.inputs.healthcheck = { tests: ["CMD", "false"], interval: "10s", retries: 3, timeout: "5s" }; // 35 s
    const h = harness({ "minidock-web-1": [starting()] });
    const [r] = await verifyContainers([c], h.opts);
    expect([r.ok, r.reason, r.waitedMs]).toEqual([false, "not healthy within 35 s (health starting)", 35_000]);
  });

  test("a daemon that does not answer for a moment is waited for; one that never does fails with its error", async () => {
    const flaky = harness({ "minidock-web-1": [new Error("connection refused"), view()] });
    expect((await verifyContainers([container()], flaky.opts))[0].ok).toBe(true);
    const down = harness({ "minidock-web-1": [new Error("connection refused")] });
    const [r] = await verifyContainers([container()], down.opts);
    // Its health wait (2 s x 3 retries + Docker's 30 s default timeout) is longer than MIN_WAIT_MS.
    expect([r.ok, r.reason, r.waitedMs]).toEqual([false, "cannot inspect it: connection refused", 36_000]);
    const bare = container();
    delete bare.inputs.healthcheck;
    const [r2] = await verifyContainers([bare], harness({ "minidock-web-1": [new Error("connection refused")] }).opts);
    expect([r2.ok, r2.waitedMs]).toEqual([false, MIN_WAIT_MS]);
  });
});

test("healthTail: the last probes' outputs, oldest first, trimmed", () => {
  const v = view({
    Status: "unhealthy", FailingStreak: 3,
    Log: [1, 2, 3, 4].map((i) => ({ Start: "", End: "", ExitCode: 1, Output: `probe ${i}\nline two\n` })),
  });
  expect(healthTail(v)).toEqual(["exit 1: probe 2 | line two", "exit 1: probe 3 | line two", "exit 1: probe 4 | line two"]);
  expect(healthTail(view({ Status: "unhealthy", Log: [{ ExitCode: 137, Output: "" }] }))).toEqual(["exit 137: (no output)"]);
});

test("containersOfState: the state's containers with their host and service, without those pending deletion", () => {
  const deployment = {
    resources: [
      { type: "pulumi:pulumi:Stack", urn: "urn:stack" },
      { type: "docker:index/container:Container", urn: "urn:web-2", inputs: { ...inputs(), name: "minidock-web-2" }, outputs: { name: "minidock-web-2" } },
      { type: "docker:index/container:Container", urn: "urn:web-1", inputs: inputs(), outputs: { name: "minidock-web-1" } },
      { type: "docker:index/container:Container", urn: "urn:old", inputs: inputs(), outputs: { name: "minidock-old-1" }, delete: true },
      { type: "docker:index/network:Network", urn: "urn:net", inputs: {} },
    ],
  };
  expect(containersOfState(deployment).map((c) => [c.name, c.urn, c.host, c.service])).toEqual([
    ["minidock-web-1", "urn:web-1", "local", "web"],
    ["minidock-web-2", "urn:web-2", "local", "web"],
  ]);
  expect(containersOfState({})).toEqual([]);
});
