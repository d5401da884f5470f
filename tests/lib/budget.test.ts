import { allocationsOf, describeCpu, describeMemory, evaluateBudget, evaluateHost } from "../../lib/budget";

const mini = { host: "mini", memoryMb: 14336, reserveMb: 1024, cpus: 8 };

describe("budget arithmetic", () => {
  const allocations = allocationsOf([
    { name: "agent", host: "mini", tier: "workload", replicas: 3, memoryMb: 2048, cpus: "1.5" },
    { name: "postgres", host: "mini", tier: "workload", replicas: 1, memoryMb: 1024, cpus: "1.0" },
    { name: "prometheus", host: "mini", tier: "platform", replicas: 1, memoryMb: 256, cpus: "0.5" },
    { name: "elsewhere", host: "mini2", tier: "workload", replicas: 2, memoryMb: 4096, cpus: 2 },
  ]);

  test("one allocation per replica", () => {
    expect(allocations).toHaveLength(7);
  });

  test("totals, platform/workload split and headroom count only the host's own containers", () => {
    const r = evaluateHost(mini, allocations);
    expect(r.declaredMb).toBe(3 * 2048 + 1024 + 256);
    expect(r.platformMb).toBe(256);
    expect(r.workloadMb).toBe(3 * 2048 + 1024);
    expect(r.headroomMb).toBe(14336 - 1024 - 7424);
    expect(r.fits).toBe(true);
    expect(r.cpusDeclared).toBe(6);
    expect(r.cpuFits).toBe(true);
    expect(r.services.map((s) => [s.service, s.replicas, s.memoryMb])).toEqual([
      ["agent", 3, 6144],
      ["postgres", 1, 1024],
      ["prometheus", 1, 256],
    ]);
  });

  test("exactly at the budget fits; one MB over does not", () => {
    const exact = allocationsOf([{ name: "big", host: "mini", tier: "workload", replicas: 1, memoryMb: 13312, cpus: 1 }]);
    expect(evaluateHost(mini, exact).fits).toBe(true);
    const over = allocationsOf([{ name: "big", host: "mini", tier: "workload", replicas: 1, memoryMb: 13313, cpus: 1 }]);
    expect(evaluateHost(mini, over).fits).toBe(false);
    expect(evaluateHost(mini, over).headroomMb).toBe(-1);
  });

  test("the message shows the arithmetic, biggest service first", () => {
    const over = allocationsOf([
      { name: "postgres", host: "mini", tier: "workload", replicas: 1, memoryMb: 1024, cpus: 1 },
      { name: "agent", host: "mini", tier: "workload", replicas: 6, memoryMb: 2048, cpus: 1 },
    ]);
    expect(describeMemory(evaluateHost(mini, over))).toBe(
      "host mini: 13312 MB declared + 1024 reserve = 14336 <= 14336 budget (agent 6x2048, postgres 1024)",
    );
    const more = [...over, ...allocationsOf([{ name: "redis", host: "mini", tier: "workload", replicas: 1, memoryMb: 512, cpus: 1 }])];
    expect(describeMemory(evaluateHost(mini, more))).toBe(
      "host mini: 13824 MB declared + 1024 reserve = 14848 > 14336 budget (agent 6x2048, postgres 1024, redis 512)",
    );
  });

  test("CPU oversubscription is reported", () => {
    const r = evaluateHost({ ...mini, cpus: 2 }, allocations);
    expect(r.cpuFits).toBe(false);
    expect(describeCpu(r)).toBe("host mini: 6 CPUs declared > 2 available");
  });

  test("a host with nothing on it has the whole budget minus reserve as headroom", () => {
    const [empty] = evaluateBudget([{ host: "idle", memoryMb: 8192, reserveMb: 512, cpus: 4 }], allocations);
    expect(empty.declaredMb).toBe(0);
    expect(empty.headroomMb).toBe(7680);
  });
});
