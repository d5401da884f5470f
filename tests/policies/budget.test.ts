import { LABEL } from "../../lib/labels";
import { check, container, HostLabels, mutate, of, provider, setLabel, UNKNOWN_NUMBER, UNKNOWN_OBJECT, UNKNOWN_STRING, violations } from "./support";

/**
 * Budget rules. Each container carries its host and the host's budget as labels (as Service sets them); the
 * arithmetic is lib/budget.ts, the same module the program and `npm run budget` use.
 */
function make(name: string, memory: number, l: HostLabels = {}, cpus = "0.5") {
  const c = container(name, { service: name.replace(/-\d+$/, ""), ...l });
  c.inputs.memory = memory;
  c.inputs.memorySwap = memory;
  c.inputs.cpus = cpus;
  return c;
}

const miniStack = () => [make("agent-1", 2048), make("agent-2", 2048), make("agent-3", 2048), make("postgres-1", 1024), make("redis-1", 512)];

describe("budget-host-memory", () => {
  test("the shipped mini sizes fit (7680 + 1024 <= 14336)", async () => {
    expect(await violations("budget-host-memory", miniStack())).toEqual([]);
  });
  test("over budget: the message shows the arithmetic, biggest services first, against the host's provider", async () => {
    const r = await check([...miniStack(), make("cache-1", 6144)]);
    expect(of(r, "budget-host-memory")).toEqual([expect.objectContaining({
      enforcementLevel: "mandatory",
      resourceName: "mini-docker",
      message: "hosts.mini.memoryMb: 13824 MB declared + 1024 reserve = 14848 > 14336 budget (agent 3x2048, cache 6144, postgres 1024, redis 512): 512 MB over; lower services.agent.memoryMb or services.agent.replicas, or move a service to another host",
    })]);
  });
  test("exactly at the budget fits", async () => {
    expect(await violations("budget-host-memory", [...miniStack(), make("cache-1", 13312 - 7680)])).toEqual([]);
  });
  test("two hosts, one over: only that host is reported", async () => {
    const other = (name: string, memory: number) => {
      const c = make(name, memory, { host: "mini2", memoryMb: 8192, reserveMb: 1024, cpus: 4 });
      c.provider = "urn:pulumi:test::minidock::pulumi:providers:docker::mini2-docker::mini2-docker-id";
      return c;
    };
    const r = await check([provider(), provider("mini2-docker"), ...miniStack(), other("big-1", 4096), other("big-2", 4096)]);
    expect(of(r, "budget-host-memory")).toEqual([expect.objectContaining({ resourceName: "mini2-docker", message: expect.stringMatching(/^hosts.mini2.memoryMb: 8192 MB declared \+ 1024 reserve = 9216 > 8192 budget \(big 2x4096\)/) })]);
  });
  test("a container whose memory is unknown at preview is reported, not left out of the sum", async () => {
    const r = await check([...miniStack(), mutate(make("x-1", 1), "memory", UNKNOWN_NUMBER)]);
    expect(of(r, "budget-host-memory")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", resourceName: "x-1", message: expect.stringMatching(/not known at preview/) })]);
  });
  test("containers that disagree on their host's budget are reported", async () => {
    expect(await violations("budget-host-memory", [make("a-1", 512), make("b-1", 512, { memoryMb: 8192 })])).toEqual([expect.stringMatching(/b-1: host mini budget labels .* disagree/)]);
  });
});

describe("budget-host-memory during a rollout: a start-first replica runs beside its old copy", () => {
  /** The shipped mini's sizes (8880 MB declared: the workload plus 1200 of platform), the agent pool rolling as given. */
  const shipped = (agentRollout: string, l: HostLabels = {}) => [
    ...[1, 2, 3].map((n) => make(`agent-${n}`, 2048, { rollout: agentRollout, ...l })),
    make("postgres-1", 1024, { rollout: "stop-first", ...l }), make("redis-1", 512, { rollout: "stop-first", ...l }),
    make("platform-1", 1200, { tier: "platform", rollout: "stop-first", ...l }),
  ];

  test("the surge is in the arithmetic when it fits", async () => {
    expect(await violations("budget-host-memory", shipped("start-first"))).toEqual([]);
    expect(await violations("budget-host-memory", shipped("start-first", { memoryMb: 11952 }))).toEqual([]);
  });

  test("fits at rest, not during its own rollout: refused (mandatory), the surge's service named with what to change", async () => {
    const r = await check(shipped("start-first", { memoryMb: 11264 }));
    expect(of(r, "budget-host-memory")).toEqual([expect.objectContaining({
      enforcementLevel: "mandatory",
      resourceName: "mini-docker",
      message: "hosts.mini.memoryMb: 9904 MB at rest (8880 declared + 1024 reserve) + 2048 rollout surge (one extra agent replica, start-first) = 11952 > 11264 budget " +
        "(agent 3x2048, platform 1200, postgres 1024, redis 512): 688 MB over; it fits at rest, not while a new agent replica runs beside its old copy; " +
        "lower services.agent.memoryMb, set services.agent.rollout: stop-first (each replica then stops before its replacement starts), or move a service to another host",
    })]);
  });

  test("the same stack rolling stop-first, or with containers that carry no rollout label, has no surge and passes", async () => {
    expect(await violations("budget-host-memory", shipped("stop-first", { memoryMb: 11264 }))).toEqual([]);
    const unlabelled = shipped("stop-first", { memoryMb: 11264 }).map((c) => setLabel(c, LABEL.rollout, undefined));
    expect(await violations("budget-host-memory", unlabelled)).toEqual([]);
  });

  test("the surge is one replica of the largest start-first service, not the sum of every start-first service", async () => {
    // Two start-first pools, 2048 and 1024 per replica: at rest 9904 + 2 x 1024 = 11952, the peak one agent
    // replica more (14000), not one of each (15024).
    const both = [...shipped("start-first", { memoryMb: 14000 }), make("web-1", 1024, { rollout: "start-first", memoryMb: 14000 }), make("web-2", 1024, { rollout: "start-first", memoryMb: 14000 })];
    expect(await violations("budget-host-memory", both)).toEqual([]);
    const tighter = both.map((c) => setLabel(c, LABEL.hostMemoryMb, "13999"));
    expect(await violations("budget-host-memory", tighter)).toEqual([expect.stringMatching(/11952 MB at rest \(10928 declared \+ 1024 reserve\) \+ 2048 rollout surge \(one extra agent replica, start-first\) = 14000 > 13999 budget/)]);
  });

  test("a platform service's surge: the remedy names no config service key", async () => {
    const stack = [make("agent-1", 2048, { memoryMb: 4200 }), make("proxy-1", 512, { tier: "platform", rollout: "start-first", memoryMb: 4200 }), make("proxy-2", 512, { tier: "platform", rollout: "start-first", memoryMb: 4200 })];
    expect(await violations("budget-host-memory", stack)).toEqual([
      "mandatory mini-docker: hosts.mini.memoryMb: 4096 MB at rest (3072 declared + 1024 reserve) + 512 rollout surge (one extra proxy replica, start-first) = 4608 > 4200 budget " +
        "(agent 2048, proxy 2x512): 408 MB over; it fits at rest, not while a new proxy replica runs beside its old copy; lower that platform service's memory or move a service to another host",
    ]);
  });

  test("over at rest as well: the usual remedy, the arithmetic still with the surge", async () => {
    expect(await violations("budget-host-memory", shipped("start-first", { memoryMb: 9000 }))).toEqual([
      "mandatory mini-docker: hosts.mini.memoryMb: 9904 MB at rest (8880 declared + 1024 reserve) + 2048 rollout surge (one extra agent replica, start-first) = 11952 > 9000 budget " +
        "(agent 3x2048, platform 1200, postgres 1024, redis 512): 2952 MB over; lower services.agent.memoryMb or services.agent.replicas, or move a service to another host",
    ]);
  });
});

describe("budget-host-ceiling", () => {
  const big = () => [make("a-1", 1024, { memoryMb: 15360 })];
  test("a host budget above maxHostMemoryMb (default 14336) fails", async () => {
    expect(await violations("budget-host-ceiling", big())).toEqual([expect.stringMatching(/^mandatory mini-docker: hosts.mini.memoryMb: budget 15360 MB > ceiling 14336 MB/)]);
  });
  test("the ceiling is configurable", async () => {
    expect(await violations("budget-host-ceiling", big(), { "budget-host-ceiling": { maxHostMemoryMb: 15360 } })).toEqual([]);
  });
});

describe("budget-platform-memory", () => {
  const platform = (name: string, memory: number) => make(name, memory, { tier: "platform" });
  test("platform services above maxPlatformMemoryMb (default 1536) fail; workload does not count", async () => {
    expect(await violations("budget-platform-memory", [platform("prometheus-1", 1024), platform("grafana-1", 768), make("agent-1", 4096)]))
      .toEqual([expect.stringMatching(/hosts.mini: platform services declare 1792 MB > 1536 MB \(maxPlatformMemoryMb\) \(prometheus 1024, grafana 768\)/)]);
  });
  test("within the limit passes, and the limit is configurable", async () => {
    expect(await violations("budget-platform-memory", [platform("prometheus-1", 1024), platform("grafana-1", 512)])).toEqual([]);
    expect(await violations("budget-platform-memory", [platform("prometheus-1", 1024), platform("grafana-1", 768)], { "budget-platform-memory": { maxPlatformMemoryMb: 2048 } })).toEqual([]);
  });
});

describe("budget-host-cpu (advisory)", () => {
  test("more CPUs than the host has is advisory", async () => {
    expect(await violations("budget-host-cpu", [make("a-1", 512, { cpus: 2 }, "1.5"), make("b-1", 512, { cpus: 2 }, "1")]))
      .toEqual(["advisory mini-docker: hosts.mini.cpus: 2.5 CPUs declared > 2 available; containers will be throttled under load (biggest: services.a.cpus)"]);
  });
  test("within the host's CPUs passes", async () => {
    expect(await violations("budget-host-cpu", miniStack())).toEqual([]);
  });
});

describe("budget-container-memory-limit", () => {
  test.each([
    ["memory", undefined, /memory is unset/],
    ["memory", 0, /memory is 0/],
    ["memorySwap", undefined, /memorySwap is unset/],
    ["memorySwap", 1024, /memorySwap 1024 > memory 512/],
    ["memorySwap", -1, /unlimited swap/],
    ["memoryReservation", 1024, /memoryReservation 1024 > memory 512/],
  ])("%s = %j fails", async (path, value, message) => {
    expect(await violations("budget-container-memory-limit", [mutate(container(), path, value)])).toEqual([expect.stringMatching(message)]);
  });
  test("memory with memorySwap equal passes", async () => {
    expect(await violations("budget-container-memory-limit", [container()])).toEqual([]);
  });
  test("a config service's container is named by its config key", async () => {
    const c = setLabel(mutate(container(), "memorySwap", 1024), LABEL.configKey, "services.app");
    expect(await violations("budget-container-memory-limit", [c])).toEqual([expect.stringMatching(/^mandatory app-1: services\.app\.memoryMb \(memorySwap\) 1024 > memory 512/)]);
  });
  test("unknown memory is a mandatory violation", async () => {
    const r = await check([mutate(container(), "memory", UNKNOWN_NUMBER)]);
    expect(of(r, "budget-container-memory-limit")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/not known at preview/) })]);
  });
});

describe("budget-container-host-labels", () => {
  test("a container without minidock.host cannot be budgeted", async () => {
    expect(await violations("budget-container-host-labels", [setLabel(container(), LABEL.host, undefined)])).toEqual([expect.stringMatching(/no minidock.host label/)]);
  });
  test("a missing or non-numeric budget label fails", async () => {
    expect(await violations("budget-container-host-labels", [setLabel(container(), LABEL.hostMemoryMb, "lots")])).toEqual([expect.stringMatching(/minidock.host.memory-mb/)]);
  });
  test("the host's disk label is required too: without it the log disk cannot be budgeted", async () => {
    expect(await violations("budget-container-host-labels", [setLabel(container(), LABEL.hostDiskGb, undefined)])).toEqual([expect.stringMatching(/labels minidock.host.disk-gb missing/)]);
  });
  test("a rollout label that is neither order fails: the surge would be guessed", async () => {
    expect(await violations("budget-container-host-labels", [setLabel(container(), LABEL.rollout, "rolling")])).toEqual([
      'mandatory app-1: label minidock.rollout "rolling" is neither start-first nor stop-first: the host budget cannot tell whether a rollout runs an extra replica; create the container through the Service component',
    ]);
    for (const order of ["start-first", "stop-first"]) expect(await violations("budget-container-host-labels", [setLabel(container(), LABEL.rollout, order)])).toEqual([]);
  });
  test("Service's labels pass", async () => {
    expect(await violations("budget-container-host-labels", [container()])).toEqual([]);
  });
});

describe("budget-host-log-disk", () => {
  /** A container with the given rotation; every other input as Service sets it. */
  const logged = (name: string, maxSize: string, maxFiles: number, l: HostLabels = {}) =>
    mutate(make(name, 256, l), "logOpts", { "max-size": maxSize, "max-file": String(maxFiles) });
  const workload = (name: string, maxSize: string, maxFiles: number) => setLabel(logged(name, maxSize, maxFiles), LABEL.configKey, `services.${name.replace(/-\d+$/, "")}`);

  test("the shipped rotation (10m x 3 per container) fits easily", async () => {
    expect(await violations("budget-host-log-disk", miniStack())).toEqual([]);
  });
  test("over the allowance: the host's key, the arithmetic per service and the keys to lower, against the provider", async () => {
    const r = await check([workload("agent-1", "2g", 10), workload("agent-2", "2g", 10), workload("agent-3", "2g", 10), workload("postgres-1", "10m", 3)]);
    expect(of(r, "budget-host-log-disk")).toEqual([expect.objectContaining({
      enforcementLevel: "mandatory",
      resourceName: "mini-docker",
      message: "hosts.mini.diskGb: logs may take 60.03 GB (agent 3x 2g x 10 = 60 GB, postgres 10m x 3 = 30 MB) > 10 GB allowance (10 % of diskGb 100) (maxLogDiskPercent); " +
        "lower services.agent.logs.maxSize or services.agent.logs.maxFiles, or the stack-wide minidock:logMaxSize / minidock:logMaxFiles, or give the host more disk",
    })]);
  });
  test("replicas count: one 1g x 4 container fits, three do not", async () => {
    expect(await violations("budget-host-log-disk", [logged("agent-1", "1g", 4)])).toEqual([]);
    expect(await violations("budget-host-log-disk", [logged("agent-1", "1g", 4), logged("agent-2", "1g", 4), logged("agent-3", "1g", 4)]))
      .toEqual([expect.stringMatching(/^mandatory mini-docker: hosts.mini.diskGb: logs may take 12 GB \(agent 3x 1g x 4 = 12 GB\) > 10 GB/)]);
  });
  test("a smaller disk has a smaller allowance: 3 GB of logs fit 100 GB, not 20 GB", async () => {
    const three = (l: HostLabels) => [logged("a-1", "1g", 3, l)];
    expect(await violations("budget-host-log-disk", three({}))).toEqual([]);
    expect(await violations("budget-host-log-disk", three({ diskGb: 20 }))).toEqual([expect.stringMatching(/logs may take 3 GB \(a 1g x 3 = 3 GB\) > 2 GB allowance \(10 % of diskGb 20\)/)]);
  });
  test("the share is pack config (maxLogDiskPercent)", async () => {
    const big = [logged("a-1", "1g", 4), logged("a-2", "1g", 4), logged("a-3", "1g", 4)];
    expect(await violations("budget-host-log-disk", big, { "budget-host-log-disk": { maxLogDiskPercent: 15 } })).toEqual([]);
    expect(await violations("budget-host-log-disk", [logged("a-1", "1g", 2)], { "budget-host-log-disk": { maxLogDiskPercent: 1 } })).toEqual([expect.stringMatching(/> 1 GB allowance \(1 % of diskGb 100\)/)]);
  });
  test("platform services' logs count too; with no workload to blame the message names the stack-wide keys", async () => {
    const platform = [1, 2, 3, 4, 5, 6].map((i) => logged(`p${i}-1`, "500m", 4, { tier: "platform" }));
    expect(await violations("budget-host-log-disk", platform)).toEqual([expect.stringMatching(/logs may take 12 GB .*; lower the stack-wide minidock:logMaxSize \/ minidock:logMaxFiles, or give/)]);
  });
  test("two hosts: only the one over its allowance is reported", async () => {
    const other = (name: string) => {
      const c = logged(name, "1g", 2, { host: "mini2", diskGb: 10 });
      c.provider = "urn:pulumi:test::minidock::pulumi:providers:docker::mini2-docker::mini2-docker-id";
      return c;
    };
    const r = await check([provider(), provider("mini2-docker"), ...miniStack(), other("big-1")]);
    expect(of(r, "budget-host-log-disk").map((v) => [v.resourceName, v.message.slice(0, 40)])).toEqual([["mini2-docker", "hosts.mini2.diskGb: logs may take 2 GB ("]]);
  });
  test("local without options counts Docker's 20 MiB x 5; driver none and journald take no disk here", async () => {
    const local = mutate(mutate(make("l-1", 256), "logDriver", "local"), "logOpts", undefined);
    const none = mutate(mutate(make("n-1", 256), "logDriver", "none"), "logOpts", undefined);
    const journald = mutate(logged("j-1", "9g", 9), "logDriver", "journald");
    // 1 % of 100 GB = 1 GB: the 9g x 9 journald container would be 81 GB if it counted.
    expect(await violations("budget-host-log-disk", [local, none, journald], { "budget-host-log-disk": { maxLogDiskPercent: 1 } })).toEqual([]);
    // 20 MiB x 5 = 104.86 MB: over an allowance of 100 MB (1 % of 10 GB).
    const small = mutate(mutate(make("l-1", 256, { diskGb: 10 }), "logDriver", "local"), "logOpts", undefined);
    expect(await violations("budget-host-log-disk", [small], { "budget-host-log-disk": { maxLogDiskPercent: 1 } }))
      .toEqual([expect.stringMatching(/logs may take 104.86 MB \(l 20m x 5 = 104.86 MB\) > 100 MB allowance/)]);
  });
  test("a max-size the daemon cannot read is reported at the user's key", async () => {
    const bad = workload("agent-1", "lots", 3);
    expect(await violations("budget-host-log-disk", [bad])).toEqual([
      'mandatory agent-1: services.agent.logs.maxSize (logOpts.max-size): max-size "lots" is not a size the daemon reads (e.g. "10m"); the daemon refuses to create the container',
    ]);
  });
  test.each([
    ["logOpts", UNKNOWN_OBJECT],
    ["logOpts.max-size", UNKNOWN_STRING],
    ["logOpts.max-file", UNKNOWN_STRING],
    ["logDriver", UNKNOWN_STRING],
  ])("%s unknown at preview is a mandatory violation on the container, not a silent zero", async (path, value) => {
    const r = await check([...miniStack(), mutate(make("x-1", 256), path, value)]);
    expect(of(r, "budget-host-log-disk")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", resourceName: "x-1", message: expect.stringMatching(/^x-1: logDriver\/logOpts is not known at preview.*host mini's log disk cannot be checked/) })]);
  });
  test("unknown memory does not hide a container's logs from the log disk", async () => {
    const c = mutate(logged("big-1", "5g", 3), "memory", UNKNOWN_NUMBER);
    expect(await violations("budget-host-log-disk", [c])).toEqual([expect.stringMatching(/logs may take 15 GB/)]);
  });
});
