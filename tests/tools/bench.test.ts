import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { BenchRow, benchStack, benchTable, linearityRatio, marginal } from "../../tools/bench";
import { loadStack, resolveTarget } from "../../tools/stackRun";
import { tempDir } from "../support/tmp";

/** The bench's generated stacks and its arithmetic; the timing itself is `npm run bench` (too slow for jest). */
test("generated stacks are valid configs spread over two hosts, within both budgets", () => {
  const dir = tempDir("minidock-bench-test-");
  const file = path.join(dir, "Pulumi.bench-1000.yaml");
  fs.writeFileSync(file, stringify(benchStack(1000)));
  const loaded = loadStack(resolveTarget({ config: file }));
  expect(loaded.configError?.problems).toBeUndefined();
  const services = loaded.resolved!.services;
  expect(services).toHaveLength(1000);
  for (const host of loaded.resolved!.hosts) {
    const mine = services.filter((s) => s.host === host.name);
    expect(mine).toHaveLength(500);
    expect(mine.reduce((a, s) => a + s.memoryMb * s.replicas, 0) + host.reserveMb).toBeLessThanOrEqual(host.memoryMb);
  }
});

const rows = (t: Record<number, number>): BenchRow[] =>
  Object.entries(t).map(([n, ms]) => ({ services: Number(n), resources: Number(n) * 4, wallMs: ms, maxRssMb: 100 }));

test("marginal cost subtracts the 1-service baseline; the ratio flags quadratic growth", () => {
  const linear = marginal(rows({ 1: 1000, 10: 1090, 100: 1990, 1000: 10990 }));
  expect(linear[2].marginalMs).toBeCloseTo(10, 5);
  expect(linearityRatio(linear)).toBeCloseTo(1, 5);
  // t = 1000 + n^2/10: marginal at 100 ~ 10 ms, at 1000 ~ 100 ms.
  const quadratic = marginal(rows({ 1: 1000, 10: 1010, 100: 2000, 1000: 101000 }));
  expect(linearityRatio(quadratic)).toBeGreaterThan(5);
  expect(benchTable(quadratic, 3)).toContain("FASTER THAN LINEAR");
  expect(benchTable(linear, 3)).toMatch(/\| 1000 \| 4000 \| 10.99 \| 10.00 \| 100 \|/);
});

describe("arguments", () => {
  // parseBenchArgs is what main reads; runMain turns HelpRequested into usage + exit 0, UsageError into exit 2.
  const { parseBenchArgs } = jest.requireActual("../../tools/bench") as typeof import("../../tools/bench");
  const { HelpRequested, UsageError } = jest.requireActual("../../tools/stackRun") as typeof import("../../tools/stackRun");

  test("defaults, --runs and --write-docs", () => {
    expect(parseBenchArgs([])).toEqual({ runs: 3, writeDocs: false });
    expect(parseBenchArgs(["--runs", "5", "--write-docs"])).toEqual({ runs: 5, writeDocs: true });
  });

  test("--help and -h ask for the usage", () => {
    expect(() => parseBenchArgs(["--help"])).toThrow(HelpRequested);
    expect(() => parseBenchArgs(["-h"])).toThrow(HelpRequested);
  });

  test("an unknown flag or a bad --runs is a usage error", () => {
    expect(() => parseBenchArgs(["--fast"])).toThrow(UsageError);
    expect(() => parseBenchArgs(["--runs", "zero"])).toThrow(/--runs zero: expected a whole number/);
    expect(() => parseBenchArgs(["--runs", "0"])).toThrow(UsageError);
  });
});
