import { LABEL } from "../../lib/naming";
import { check, container, HostLabels, mutate, of, provider, setLabel, UNKNOWN_NUMBER, violations } from "./support";

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
      message: "host mini: 13824 MB declared + 1024 reserve = 14848 > 14336 budget (agent 3x2048, cache 6144, postgres 1024, redis 512): 512 MB over; lower memoryMb or replicas, or move a service to another host",
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
    expect(of(r, "budget-host-memory")).toEqual([expect.objectContaining({ resourceName: "mini2-docker", message: expect.stringMatching(/^host mini2: 8192 MB declared \+ 1024 reserve = 9216 > 8192 budget \(big 2x4096\)/) })]);
  });
  test("a container whose memory is unknown at preview is reported, not left out of the sum", async () => {
    const r = await check([...miniStack(), mutate(make("x-1", 1), "memory", UNKNOWN_NUMBER)]);
    expect(of(r, "budget-host-memory")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", resourceName: "x-1", message: expect.stringMatching(/not known at preview/) })]);
  });
  test("containers that disagree on their host's budget are reported", async () => {
    expect(await violations("budget-host-memory", [make("a-1", 512), make("b-1", 512, { memoryMb: 8192 })])).toEqual([expect.stringMatching(/b-1: host mini budget labels .* disagree/)]);
  });
});

describe("budget-host-ceiling", () => {
  const big = () => [make("a-1", 1024, { memoryMb: 15360 })];
  test("a host budget above maxHostMemoryMb (default 14336) fails", async () => {
    expect(await violations("budget-host-ceiling", big())).toEqual([expect.stringMatching(/host mini: budget 15360 MB > ceiling 14336 MB/)]);
  });
  test("the ceiling is configurable", async () => {
    expect(await violations("budget-host-ceiling", big(), { "budget-host-ceiling": { maxHostMemoryMb: 15360 } })).toEqual([]);
  });
});

describe("budget-platform-memory", () => {
  const platform = (name: string, memory: number) => make(name, memory, { tier: "platform" });
  test("platform services above maxPlatformMemoryMb (default 1536) fail; workload does not count", async () => {
    expect(await violations("budget-platform-memory", [platform("prometheus-1", 1024), platform("grafana-1", 768), make("agent-1", 4096)]))
      .toEqual([expect.stringMatching(/host mini: platform services declare 1792 MB > 1536 MB \(maxPlatformMemoryMb\) \(prometheus 1024, grafana 768\)/)]);
  });
  test("within the limit passes, and the limit is configurable", async () => {
    expect(await violations("budget-platform-memory", [platform("prometheus-1", 1024), platform("grafana-1", 512)])).toEqual([]);
    expect(await violations("budget-platform-memory", [platform("prometheus-1", 1024), platform("grafana-1", 768)], { "budget-platform-memory": { maxPlatformMemoryMb: 2048 } })).toEqual([]);
  });
});

describe("budget-host-cpu (advisory)", () => {
  test("more CPUs than the host has is advisory", async () => {
    expect(await violations("budget-host-cpu", [make("a-1", 512, { cpus: 2 }, "1.5"), make("b-1", 512, { cpus: 2 }, "1")]))
      .toEqual(["advisory mini-docker: host mini: 2.5 CPUs declared > 2 available; containers will be throttled under load"]);
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
  test("Service's labels pass", async () => {
    expect(await violations("budget-container-host-labels", [container()])).toEqual([]);
  });
});
