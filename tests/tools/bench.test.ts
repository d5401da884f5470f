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
