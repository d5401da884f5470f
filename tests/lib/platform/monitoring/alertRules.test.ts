/**
 * The rule generator (pure). What each alert does over time is tested with the real promtool against
 * tests/monitoring/alerts.test.yml (scripts/ci/monitoring.sh); here: which rules exist, that config reaches them,
 * and that the rendered file is what promtool accepts (checked with promtool when it is installed).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { WATCHDOG } from "../../../../lib/platform/monitoring/context";
import { ALERT_NAMES, alertRules, recordingRules, rulesFile } from "../../../../lib/platform/monitoring/alertRules";
import { testContext } from "./support";
import { testWithTool } from "../../../support/needsTool";
import { tempDir } from "../../../support/tmp";


describe("alert rules", () => {
  test("every alert the issue asks for exists, each with severity, summary, description and a runbook anchor", () => {
    const rules = alertRules(testContext()).filter((r) => r.alert !== WATCHDOG);
    expect(rules.map((r) => r.alert)).toEqual([...ALERT_NAMES]);
    for (const r of rules) {
      expect(["critical", "warning"]).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toBeTruthy();
      expect(r.annotations?.description).toBeTruthy();
      expect(r.annotations?.runbook_url).toBe(`docs/runbook.md#${r.alert!.toLowerCase()}`);
    }
  });

  test("thresholds come from config", () => {
    const byName = (ctx = testContext()) => Object.fromEntries(alertRules(ctx).map((r) => [r.alert, r]));
    const d = byName();
    expect(d.HostMemoryHigh.expr).toMatch(/> 0\.85$/);
    expect(d.HostMemoryHigh.for).toBe("10m");
    expect(d.ContainerMemoryNearLimit.expr).toMatch(/> 0\.9$/);
    expect(d.DiskUsageHigh.expr).toMatch(/> 80$/);
    expect(d.BackupTooOld.expr).toContain("> 93600");
    const c = byName(testContext({}, { thresholds: { hostMemoryPercent: 70, hostMemoryFor: "15m", diskPercent: 90, backupMaxAgeHours: 50 } }));
    expect(c.HostMemoryHigh.expr).toMatch(/> 0\.7$/);
    expect(c.HostMemoryHigh.for).toBe("15m");
    expect(c.DiskUsageHigh.expr).toMatch(/> 90$/);
    expect(c.BackupTooOld.expr).toContain("> 180000");
    expect(c.BackupTooOld.expr).toContain("[50h]");
  });

  test("Watchdog always fires, so a silent heartbeat means the alerting path (or the host) is down", () => {
    const w = alertRules(testContext()).find((r) => r.alert === WATCHDOG)!;
    expect(w).toMatchObject({ expr: "vector(1)", labels: { severity: "none" } });
    expect(w.for).toBeUndefined();
  });

  test("without backups there is no backup-age alert (it would fire forever)", () => {
    expect(alertRules(testContext({ backupEnabled: false })).map((r) => r.alert)).not.toContain("BackupTooOld");
  });
});

describe("recording rules", () => {
  test("the host budget and reserve are constants from the host config, in bytes", () => {
    const recs = Object.fromEntries(recordingRules(testContext()).map((r) => [r.record, r.expr]));
    expect(recs["minidock:host_memory_budget_bytes"]).toBe(`label_replace(vector(${14336 * 1024 * 1024}), "host", "mini", "", "")`);
    expect(recs["minidock:host_memory_reserve_bytes"]).toBe(`label_replace(vector(${1024 * 1024 * 1024}), "host", "mini", "", "")`);
  });

  test("declared replicas per service come from the config, one constant each", () => {
    const declared = recordingRules(testContext()).find((r) => r.record === "minidock:service_replicas:declared")!.expr;
    expect(declared).toContain('label_replace(label_replace(vector(3), "host", "mini", "", ""), "service", "agent", "", "")');
    expect(declared).toContain('label_replace(label_replace(vector(1), "host", "mini", "", ""), "service", "postgres", "", "")');
    expect(declared.split("\nor\n")).toHaveLength(2);
  });
});

describe("rules.yml", () => {
  test("is YAML with a recording group and an alert group", () => {
    const doc = parse(rulesFile(testContext())) as { groups: { name: string; rules: unknown[] }[] };
    expect(doc.groups.map((g) => g.name)).toEqual(["minidock-records", "minidock-alerts"]);
  });

  testWithTool("promtool", "promtool check rules accepts it (real promtool)", () => {
    const dir = tempDir("minidock-rules-");
    const file = path.join(dir, "rules.yml");
    fs.writeFileSync(file, rulesFile(testContext()));
    expect(() => execFileSync("promtool", ["check", "rules", file], { stdio: "pipe" })).not.toThrow();
    // The check can fail: a broken expression is refused.
    fs.writeFileSync(file, rulesFile(testContext()).replace("sum by (host) (node_memory", "sum by (host (node_memory"));
    expect(() => execFileSync("promtool", ["check", "rules", file], { stdio: "pipe" })).toThrow();
  });
});
