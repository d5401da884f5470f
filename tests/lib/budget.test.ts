import {
  Allocation, LOCAL_DRIVER_DEFAULTS, LogRotation, describeCpu, describeLogDisk, describeMemory, dockerSizeBytes, evaluateBudget,
  evaluateHost, formatBytes, logAllowanceBytes, logDiskOf, logOptsOf, memoryArithmetic, rolloutSurge,
} from "../../lib/budget";
import { DEFAULTS } from "../../lib/defaults";
import { containerAllocation, containerLabels, parseContainerLabels, toLabelList } from "../../lib/labels";
import { Tier } from "../../lib/naming";
import { RolloutOrder } from "../../lib/rollout";

const mini = { host: "mini", memoryMb: 14336, reserveMb: 1024, cpus: 8, diskGb: 100 };
/** The shipped rotation (minidock:logMaxSize / logMaxFiles defaults). */
const LOGS: LogRotation = { driver: "json-file", maxSize: DEFAULTS.logMaxSize, maxFiles: DEFAULTS.logMaxFiles };

interface TestService {
  name: string;
  host: string;
  tier: Tier;
  replicas: number;
  memoryMb: number;
  cpus: string | number;
  logs: LogRotation;
  rollout: RolloutOrder;
}
const svc = (s: Omit<TestService, "logs" | "rollout"> & { logs?: LogRotation; rollout?: RolloutOrder }): TestService => ({ logs: LOGS, rollout: "stop-first", ...s });

/** One allocation per replica, each container read back through the label contract as Service declares it. */
function allocationsOf(services: TestService[]): Allocation[] {
  return services.flatMap((s) =>
    Array.from({ length: s.replicas }, (_, i) => {
      const labels = containerLabels({
        stack: "test", host: s.host, service: s.name, replica: i + 1, tier: s.tier, hostMemoryMb: 0, hostReserveMb: 0, hostCpus: 0, hostDiskGb: 0, rollout: s.rollout,
      });
      return containerAllocation({
        name: `${s.name}-${i + 1}`, labels: parseContainerLabels(toLabelList(labels)), memory: s.memoryMb, cpus: s.cpus, logDriver: s.logs.driver, logOpts: logOptsOf(s.logs),
      })!;
    }),
  );
}

describe("budget arithmetic", () => {
  const allocations = allocationsOf([
    svc({ name: "agent", host: "mini", tier: "workload", replicas: 3, memoryMb: 2048, cpus: "1.5" }),
    svc({ name: "postgres", host: "mini", tier: "workload", replicas: 1, memoryMb: 1024, cpus: "1.0" }),
    svc({ name: "prometheus", host: "mini", tier: "platform", replicas: 1, memoryMb: 256, cpus: "0.5" }),
    svc({ name: "elsewhere", host: "mini2", tier: "workload", replicas: 2, memoryMb: 4096, cpus: 2 }),
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
    const exact = allocationsOf([svc({ name: "big", host: "mini", tier: "workload", replicas: 1, memoryMb: 13312, cpus: 1 })]);
    expect(evaluateHost(mini, exact).fits).toBe(true);
    const over = allocationsOf([svc({ name: "big", host: "mini", tier: "workload", replicas: 1, memoryMb: 13313, cpus: 1 })]);
    expect(evaluateHost(mini, over).fits).toBe(false);
    expect(evaluateHost(mini, over).headroomMb).toBe(-1);
  });

  test("the message shows the arithmetic, biggest service first", () => {
    const over = allocationsOf([
      svc({ name: "postgres", host: "mini", tier: "workload", replicas: 1, memoryMb: 1024, cpus: 1 }),
      svc({ name: "agent", host: "mini", tier: "workload", replicas: 6, memoryMb: 2048, cpus: 1 }),
    ]);
    expect(describeMemory(evaluateHost(mini, over))).toBe(
      "host mini: 13312 MB declared + 1024 reserve = 14336 <= 14336 budget (agent 6x2048, postgres 1024)",
    );
    const more = [...over, ...allocationsOf([svc({ name: "redis", host: "mini", tier: "workload", replicas: 1, memoryMb: 512, cpus: 1 })])];
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
    const [empty] = evaluateBudget([{ host: "idle", memoryMb: 8192, reserveMb: 512, cpus: 4, diskGb: 20 }], allocations);
    expect(empty.declaredMb).toBe(0);
    expect(empty.headroomMb).toBe(7680);
  });
});

describe("docker log sizes, as the daemon reads max-size (go-units FromHumanSize: decimal)", () => {
  test.each([
    ["10m", 10_000_000],
    ["512k", 512_000],
    ["1g", 1_000_000_000],
    ["2G", 2_000_000_000],
    ["100MB", 100_000_000],
    ["1.5g", 1_500_000_000],
    ["20 mb", 20_000_000],
    ["10MiB", 10_000_000],
    ["1t", 1e12],
    ["4096", 4096],
  ])("%s is %d bytes", (size, bytes) => {
    expect(dockerSizeBytes(size)).toBe(bytes);
  });
  test.each(["", "lots", "10x", "-1m", "1.2.3m", "m"])("%j is not a size", (size) => {
    expect(dockerSizeBytes(size)).toBeUndefined();
  });
  test("bytes print in the same decimal units", () => {
    expect([formatBytes(12e9), formatBytes(12.5e9), formatBytes(30e6), formatBytes(20 * 1024 * 1024), formatBytes(64e3), formatBytes(12)])
      .toEqual(["12 GB", "12.5 GB", "30 MB", "20.97 MB", "64 kB", "12 B"]);
  });
});

describe("one container's log disk: max-size x max-file", () => {
  test("json-file with both options: their product", () => {
    expect(logDiskOf("json-file", { "max-size": "1g", "max-file": "4" })).toEqual({ kind: "files", driver: "json-file", maxSize: "1g", sizeBytes: 1e9, files: 4, bytes: 4e9 });
  });
  test("an unset driver is the daemon's json-file; max-file unset keeps one file", () => {
    expect(logDiskOf(undefined, { "max-size": "10m" })).toMatchObject({ kind: "files", driver: "json-file", files: 1, bytes: 10e6 });
  });
  test("json-file without max-size grows without bound (hardening-log-rotation refuses it)", () => {
    expect(logDiskOf("json-file", { "max-file": "3" })).toEqual({ kind: "unbounded", driver: "json-file" });
    expect(logDiskOf("json-file", undefined)).toEqual({ kind: "unbounded", driver: "json-file" });
  });
  test("local without options: Docker's defaults, 20 MiB x 5", () => {
    expect(logDiskOf("local", undefined)).toMatchObject({ kind: "files", maxSize: "20m", sizeBytes: 20 * 1024 * 1024, files: 5, bytes: 5 * 20 * 1024 * 1024 });
    expect(LOCAL_DRIVER_DEFAULTS.maxFiles).toBe(5);
    expect(logDiskOf("local", { "max-size": "50m" })).toMatchObject({ kind: "files", files: 5, bytes: 250e6 });
    expect(logDiskOf("local", { "max-size": "0" })).toEqual({ kind: "unbounded", driver: "local" });
  });
  test("none and drivers that ship logs off the host take no disk", () => {
    expect(logDiskOf("none", undefined)).toEqual({ kind: "elsewhere", driver: "none" });
    expect(logDiskOf("journald", { "max-size": "1g" })).toEqual({ kind: "elsewhere", driver: "journald" });
  });
  test.each([
    [{ "max-size": "lots", "max-file": "3" }, "max-size"],
    [{ "max-size": "10m", "max-file": "0" }, "max-file"],
    [{ "max-size": "10m", "max-file": "two" }, "max-file"],
    [{ "max-size": "0", "max-file": "2" }, "max-size"],
  ])("%j is refused by the daemon: invalid %s", (opts, option) => {
    expect(logDiskOf("json-file", opts)).toMatchObject({ kind: "invalid", option });
  });
});

describe("a host's log disk: the sum over every container against a share of diskGb", () => {
  const stack = (agentLogs = LOGS, replicas = 3) => allocationsOf([
    svc({ name: "agent", host: "mini", tier: "workload", replicas, memoryMb: 2048, cpus: "1.5", logs: agentLogs }),
    svc({ name: "postgres", host: "mini", tier: "workload", replicas: 1, memoryMb: 1024, cpus: "1.0" }),
    svc({ name: "prometheus", host: "mini", tier: "platform", replicas: 1, memoryMb: 256, cpus: "0.5", logs: { driver: "local", maxSize: "20m", maxFiles: 5 } }),
    svc({ name: "quiet", host: "mini", tier: "platform", replicas: 1, memoryMb: 32, cpus: "0.1", logs: { driver: "none", maxSize: "10m", maxFiles: 3 } }),
    svc({ name: "elsewhere", host: "mini2", tier: "workload", replicas: 2, memoryMb: 4096, cpus: 2, logs: { driver: "json-file", maxSize: "5g", maxFiles: 9 } }),
  ]);

  test("the allowance is the share of diskGb in decimal GB (default 10 %)", () => {
    expect(DEFAULTS.maxLogDiskPercent).toBe(10);
    expect(logAllowanceBytes(100, 10)).toBe(10e9);
    expect(logAllowanceBytes(20, 10)).toBe(2e9);
    expect(logAllowanceBytes(100, 2.5)).toBe(2.5e9);
  });

  test("every replica counts, other hosts do not, driver none takes nothing", () => {
    const r = evaluateHost(mini, stack());
    expect(r.logBytes).toBe(4 * 30e6 + 100e6);
    expect(r.logAllowanceBytes).toBe(10e9);
    expect(r.logFits).toBe(true);
    const agent = r.services.find((s) => s.service === "agent")!;
    expect([agent.logEachBytes, agent.logBytes, agent.logRotation]).toEqual([30e6, 90e6, "10m x 3"]);
    expect(r.services.find((s) => s.service === "quiet")!.logBytes).toBe(0);
  });

  test("over the allowance: the message shows replicas x max-size x max-file, biggest first", () => {
    const r = evaluateHost(mini, stack({ driver: "json-file", maxSize: "1g", maxFiles: 4 }));
    expect(r.logFits).toBe(false);
    expect(r.logBytes).toBe(12e9 + 30e6 + 100e6);
    expect(describeLogDisk(r)).toBe(
      "host mini: logs may take 12.13 GB (agent 3x 1g x 4 = 12 GB, prometheus 20m x 5 = 100 MB, postgres 10m x 3 = 30 MB) > 10 GB allowance (10 % of diskGb 100)",
    );
  });

  test("exactly at the allowance fits; one byte more does not", () => {
    const at = allocationsOf([svc({ name: "a", host: "mini", tier: "workload", replicas: 2, memoryMb: 1, cpus: 1, logs: { driver: "json-file", maxSize: "1g", maxFiles: 5 } })]);
    expect(evaluateHost(mini, at).logFits).toBe(true);
    const over = allocationsOf([svc({ name: "a", host: "mini", tier: "workload", replicas: 2, memoryMb: 1, cpus: 1, logs: { driver: "json-file", maxSize: "1000000001", maxFiles: 5 } })]);
    expect(evaluateHost(mini, over).logFits).toBe(false);
  });

  test("the share is an option: 20 % of 100 GB holds what 10 % does not", () => {
    const big = stack({ driver: "json-file", maxSize: "1g", maxFiles: 4 });
    expect(evaluateHost(mini, big, { logDiskPercent: 20 }).logFits).toBe(true);
    expect(evaluateHost(mini, big, { logDiskPercent: 20 }).logAllowanceBytes).toBe(20e9);
  });

  test("many services: the message spells out four and sums the rest", () => {
    const many = allocationsOf(["a", "b", "c", "d", "e", "f"].map((name, i) => svc({ name, host: "mini", tier: "workload", replicas: 1, memoryMb: 1, cpus: 1, logs: { driver: "json-file", maxSize: `${i + 1}m`, maxFiles: 1 } })));
    expect(describeLogDisk(evaluateHost(mini, many))).toBe(
      "host mini: logs may take 21 MB (f 6m x 1 = 6 MB, e 5m x 1 = 5 MB, d 4m x 1 = 4 MB, c 3m x 1 = 3 MB, and 2 more = 3 MB) <= 10 GB allowance (10 % of diskGb 100)",
    );
  });
});

describe("the rollout surge: one extra start-first replica at the rollout's peak", () => {
  /** The shipped mini's sizes: 8880 MB declared, the agent pool 3 x 2048. */
  const shipped = (agentRollout: RolloutOrder, more: TestService[] = []) => allocationsOf([
    svc({ name: "agent", host: "mini", tier: "workload", replicas: 3, memoryMb: 2048, cpus: "1.5", rollout: agentRollout }),
    svc({ name: "postgres", host: "mini", tier: "workload", replicas: 1, memoryMb: 1024, cpus: "1.0" }),
    svc({ name: "redis", host: "mini", tier: "workload", replicas: 1, memoryMb: 512, cpus: "0.5" }),
    svc({ name: "platform", host: "mini", tier: "platform", replicas: 1, memoryMb: 1200, cpus: "1" }),
    ...more,
  ]);

  test("stop-first services add nothing: the peak is the host at rest", () => {
    const r = evaluateHost(mini, shipped("stop-first"));
    expect(r).toMatchObject({ declaredMb: 8880, atRestMb: 9904, headroomMb: 4432, surge: undefined, surgeMb: 0, rolloutPeakMb: 9904, rolloutHeadroomMb: 4432, fitsAtRest: true, fits: true });
    // The message is the one it always was.
    expect(memoryArithmetic(r)).toBe("8880 MB declared + 1024 reserve = 9904 <= 14336 budget (agent 3x2048, platform 1200, postgres 1024, redis 512)");
  });

  test("a start-first pool adds one replica, not the pool; the message spells out the arithmetic", () => {
    const r = evaluateHost(mini, shipped("start-first"));
    expect(r).toMatchObject({
      atRestMb: 9904, headroomMb: 4432, surge: { service: "agent", tier: "workload", memoryMb: 2048 }, surgeMb: 2048, rolloutPeakMb: 11952, rolloutHeadroomMb: 2384, fits: true,
    });
    expect(describeMemory(r)).toBe(
      "host mini: 9904 MB at rest (8880 declared + 1024 reserve) + 2048 rollout surge (one extra agent replica, start-first) = 11952 <= 14336 budget " +
        "(agent 3x2048, platform 1200, postgres 1024, redis 512)",
    );
    expect(r.services.find((s) => s.service === "agent")!.rollout).toBe("start-first");
    expect(r.services.find((s) => s.service === "postgres")!.rollout).toBe("stop-first");
  });

  test("several start-first services: the largest single replica, not their sum (one service rolls at a time)", () => {
    const more = [
      svc({ name: "worker", host: "mini", tier: "workload", replicas: 4, memoryMb: 256, cpus: "0.25", rollout: "start-first" }),
      svc({ name: "api", host: "mini", tier: "workload", replicas: 2, memoryMb: 768, cpus: "0.25", rollout: "start-first" }),
      // A big stop-first service is never the surge.
      svc({ name: "db", host: "mini", tier: "workload", replicas: 1, memoryMb: 3000, cpus: "1" }),
    ];
    expect(evaluateHost({ ...mini, memoryMb: 99999 }, shipped("stop-first", more)).surge).toEqual({ service: "api", tier: "workload", memoryMb: 768 });
    expect(evaluateHost({ ...mini, memoryMb: 99999 }, shipped("start-first", more)).surge).toEqual({ service: "agent", tier: "workload", memoryMb: 2048 });
  });

  test("a tie goes to the service declared first; replicas of unequal size count by the largest", () => {
    const two = allocationsOf([
      svc({ name: "a", host: "mini", tier: "workload", replicas: 2, memoryMb: 512, cpus: 1, rollout: "start-first" }),
      svc({ name: "b", host: "mini", tier: "workload", replicas: 2, memoryMb: 512, cpus: 1, rollout: "start-first" }),
    ]);
    expect(rolloutSurge(two)?.service).toBe("a");
    const uneven: Allocation[] = [{ ...two[0], memoryMb: 256 }, { ...two[1], memoryMb: 640 }];
    expect(rolloutSurge(uneven)).toEqual({ service: "a", tier: "workload", memoryMb: 640 });
    expect(rolloutSurge([])).toBeUndefined();
  });

  test("only the host's own start-first services count", () => {
    const elsewhere = shipped("stop-first", [svc({ name: "far", host: "mini2", tier: "workload", replicas: 2, memoryMb: 4096, cpus: 1, rollout: "start-first" })]);
    expect(evaluateHost(mini, elsewhere).surgeMb).toBe(0);
    expect(evaluateHost({ ...mini, host: "mini2" }, elsewhere).surgeMb).toBe(4096);
  });

  test("fits at rest but not during its rollout: the host does not fit", () => {
    // 9904 + 2048 = 11952: an 11952 MB host holds the pool at rest and while it rolls; an 11951 MB host only at rest.
    expect(evaluateHost({ ...mini, memoryMb: 11952 }, shipped("start-first")).fits).toBe(true);
    const tight = evaluateHost({ ...mini, memoryMb: 11951 }, shipped("start-first"));
    expect(tight).toMatchObject({ fitsAtRest: true, headroomMb: 2047, fits: false, rolloutHeadroomMb: -1 });
    expect(memoryArithmetic(tight)).toMatch(/^9904 MB at rest \(8880 declared \+ 1024 reserve\) \+ 2048 rollout surge \(one extra agent replica, start-first\) = 11952 > 11951 budget/);
  });

  test("over at rest is over during a rollout too", () => {
    const r = evaluateHost({ ...mini, memoryMb: 9000 }, shipped("start-first"));
    expect([r.fitsAtRest, r.fits, r.headroomMb, r.rolloutHeadroomMb]).toEqual([false, false, -904, -2952]);
  });
});
