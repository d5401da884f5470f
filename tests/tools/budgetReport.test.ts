import { allocationsFromResources, budgetJson, budgetReports, formatBudget, hostPie } from "../../tools/budgetReport";
import { RecordedResource } from "../../tools/offline/evaluate";
import * as fs from "fs";
import * as path from "path";
import { LABEL, toLabelList } from "../../lib/labels";
import { logDiskPercentOf } from "../../tools/budget";
import { tempDir } from "../support/tmp";

/** `npm run budget` rendering over hand-made container records (what the program registers), no evaluation. */
function container(
  name: string, host: string, service: string, tier: string, memory: number, cpus: string, logOpts = { "max-size": "10m", "max-file": "3" }, rollout?: string,
): RecordedResource {
  const rolloutLabel: Record<string, string> = rollout === undefined ? {} : { [LABEL.rollout]: rollout };
  return {
    type: "docker:index/container:Container",
    name,
    urn: `urn:x::${name}`,
    custom: true,
    inputs: { memory, cpus, logDriver: "json-file", logOpts, labels: toLabelList({ [LABEL.host]: host, [LABEL.service]: service, [LABEL.tier]: tier, ...rolloutLabel }) },
    secretInputs: [],
    options: { dependencies: [], deleteBeforeReplace: false },
  };
}

const resources = [
  container("agent-1", "mini", "agent", "workload", 2048, "1.5"),
  container("agent-2", "mini", "agent", "workload", 2048, "1.5"),
  container("mini-prometheus-1", "mini", "prometheus", "platform", 512, "0.5"),
  container("db-1", "mini", "postgres", "workload", 1024, "1"),
  container("web-1", "edge", "web", "workload", 256, "0.5"),
  { type: "docker:index/volume:Volume", name: "v", urn: "urn:x::v", custom: true, inputs: {}, secretInputs: [], options: { dependencies: [], deleteBeforeReplace: false } },
];
const hosts = [
  { host: "mini", memoryMb: 8192, reserveMb: 1024, cpus: 8, diskGb: 100 },
  { host: "edge", memoryMb: 1024, reserveMb: 512, cpus: 2, diskGb: 20 },
];

test("allocations come from containers' labels and memory; other resources are ignored", () => {
  const a = allocationsFromResources(resources);
  expect(a).toHaveLength(5);
  expect(a[2]).toEqual({
    host: "mini", service: "prometheus", tier: "platform", memoryMb: 512, cpus: 0.5, rollout: "stop-first",
    logs: { kind: "files", driver: "json-file", maxSize: "10m", sizeBytes: 10e6, files: 3, bytes: 30e6 },
  });
});

test("the table keeps platform and workload apart, with reserve, budget and headroom", () => {
  const [mini] = budgetReports(hosts, resources);
  expect(mini).toMatchObject({ declaredMb: 5632, platformMb: 512, workloadMb: 5120, headroomMb: 1536, fits: true });
  const text = formatBudget("mini", budgetReports(hosts, resources), false);
  expect(text).toContain("### host mini: fits, 1536 MB headroom");
  expect(text).toContain("| prometheus | platform | 1 | stop-first | 512 | 512 | 0.5 |\n| **platform total** | | 1 | | | **512** | |");
  expect(text).toContain("| agent | workload | 2 | stop-first | 2048 | 4096 | 3 |\n| postgres | workload | 1 | stop-first | 1024 | 1024 | 1 |\n| **workload total** | | 3 | | | **5120** | |");
  expect(text).toContain([
    "| declared | | | | | 5632 | 4.5 |",
    "| reserve | | | | | 1024 | |",
    "| at rest | | | | | 6656 | |",
    "| rollout surge: none (no start-first service) | | | | | 0 | |",
    "| during a rollout | | | | | 6656 | |",
    "| budget | | | | | 8192 | 8 |",
    "| **headroom** | | | | | **1536** | 3.5 |",
  ].join("\n"));
  expect(text).toContain("host mini: 5632 MB declared + 1024 reserve = 6656 <= 8192 budget (agent 2x2048, postgres 1024, prometheus 512)");
  expect(text).toMatch(/PASS: stack mini: all 2 host\(s\) within budget$/);
  expect(text).not.toContain("```mermaid");
});

test("--markdown adds a heading and a mermaid pie per host; an over-budget host shows no headroom slice", () => {
  const over = budgetReports([{ host: "edge", memoryMb: 512, reserveMb: 300, cpus: 2, diskGb: 20 }], resources);
  const md = formatBudget("mini", over, true);
  expect(md).toContain("## Memory and log disk budget: stack `mini` (❌ over budget: edge (memory))");
  expect(hostPie(over[0])).toBe(
    ["```mermaid", "pie showData title host edge: OVER 512 MB budget by 44 MB", '    "web (256 MB)" : 256', '    "reserve (300 MB)" : 300', "```"].join("\n"),
  );
  const ok = formatBudget("mini", budgetReports(hosts, resources), true);
  expect(ok).toContain('    "agent (2x2048 MB)" : 4096');
  expect(ok).toContain('    "headroom (1536 MB)" : 1536');
});

describe("the rollout surge: one extra replica of the largest start-first service", () => {
  // The same hosts; the agent pool rolls start-first (a new replica beside its old copy), the rest stop-first.
  const rolling = [
    container("agent-1", "mini", "agent", "workload", 2048, "1.5", undefined, "start-first"),
    container("agent-2", "mini", "agent", "workload", 2048, "1.5", undefined, "start-first"),
    ...resources.slice(2),
  ];

  test("the table shows how each service rolls, the host at rest, the surge, the peak and the headroom left at the peak", () => {
    const [mini] = budgetReports(hosts, rolling);
    expect(mini).toMatchObject({ atRestMb: 6656, surgeMb: 2048, rolloutPeakMb: 8704, rolloutHeadroomMb: -512, headroomMb: 1536, fitsAtRest: true, fits: false });
    // Exactly the peak: 6656 at rest + 2048.
    const roomy = budgetReports([{ ...hosts[0], memoryMb: 8704 }], rolling);
    const text = formatBudget("mini", roomy, false);
    expect(text).toContain("### host mini: fits during a rollout, 0 MB headroom (2048 MB at rest)");
    expect(text).toContain("| agent | workload | 2 | start-first | 2048 | 4096 | 3 |");
    expect(text).toContain([
      "| at rest | | | | | 6656 | |",
      "| rollout surge: one extra agent replica, start-first | | | | | 2048 | |",
      "| during a rollout | | | | | 8704 | |",
      "| budget | | | | | 8704 | 8 |",
      "| **headroom** | | | | | **0** | 3.5 |",
    ].join("\n"));
    expect(text).toContain(
      "host mini: 6656 MB at rest (5632 declared + 1024 reserve) + 2048 rollout surge (one extra agent replica, start-first) = 8704 <= 8704 budget (agent 2x2048, postgres 1024, prometheus 512)",
    );
  });

  test("fits at rest but not during its rollout: the run fails and says so, in the heading, the verdict and the pie", () => {
    const reports = budgetReports(hosts, rolling);
    const text = formatBudget("mini", reports, false);
    expect(text).toContain("### host mini: OVER BUDGET by 512 MB during a rollout (fits at rest, 1536 MB headroom)");
    expect(text).toMatch(/FAIL: stack mini: over budget: mini \(memory during a rollout\)$/);
    expect(hostPie(reports[0])).toBe([
      "```mermaid",
      "pie showData title host mini: OVER 8192 MB budget by 512 MB during a rollout",
      '    "agent (2x2048 MB)" : 4096', '    "postgres (1024 MB)" : 1024', '    "prometheus (512 MB)" : 512',
      '    "reserve (1024 MB)" : 1024', '    "rollout surge (one extra agent replica, start-first, 2048 MB)" : 2048',
      "```",
    ].join("\n"));
    expect(formatBudget("mini", reports, true)).toContain("(❌ over budget: mini (memory during a rollout))");
  });

  test("--json: the same numbers per host, at rest and at the rollout peak, the surge's service, and the verdict", () => {
    const doc = budgetJson("mini", budgetReports(hosts, rolling));
    expect(doc.pass).toBe(false);
    const [mini, edge] = doc.hosts;
    expect(mini).toMatchObject({
      host: "mini", fits: false,
      memory: {
        budgetMb: 8192, reserveMb: 1024, declaredMb: 5632, atRestMb: 6656, headroomMb: 1536, fitsAtRest: true,
        surge: { service: "agent", tier: "workload", memoryMb: 2048 }, surgeMb: 2048, rolloutPeakMb: 8704, rolloutHeadroomMb: -512, fits: false,
        arithmetic: "6656 MB at rest (5632 declared + 1024 reserve) + 2048 rollout surge (one extra agent replica, start-first) = 8704 > 8192 budget (agent 2x2048, postgres 1024, prometheus 512)",
      },
      logDisk: { allowanceBytes: 10e9, maxBytes: 120e6, fits: true },
    });
    expect(mini.services.map((l) => [l.service, l.rollout, l.replicas, l.memoryMb])).toEqual([["agent", "start-first", 2, 4096], ["prometheus", "stop-first", 1, 512], ["postgres", "stop-first", 1, 1024]]);
    expect(edge.memory).toMatchObject({ surge: null, surgeMb: 0, rolloutPeakMb: 768, fits: true });
    // One JSON document: nothing in it that JSON cannot carry.
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(budgetJson("mini", budgetReports([{ ...hosts[0], memoryMb: 8704 }, hosts[1]], rolling)).pass).toBe(true);
  });

  test("over at rest too: the heading gives both figures", () => {
    const text = formatBudget("mini", budgetReports([{ ...hosts[0], memoryMb: 6000 }], rolling), false);
    expect(text).toContain("### host mini: OVER BUDGET by 2704 MB during a rollout, 656 MB at rest");
    expect(text).toMatch(/over budget: mini \(memory\)$/);
  });
});

test("disk beside memory: each host's log rotation per service, the total and the allowance", () => {
  const text = formatBudget("mini", budgetReports(hosts, resources), false);
  expect(text).toContain([
    "#### host mini log disk: fits, 9.88 GB headroom",
    "",
    "| service | replicas | rotation (max-size x max-file) | each | total |",
    "|---|---:|---|---:|---:|",
    "| agent | 2 | 10m x 3 | 30 MB | 60 MB |",
    "| postgres | 1 | 10m x 3 | 30 MB | 30 MB |",
    "| prometheus | 1 | 10m x 3 | 30 MB | 30 MB |",
    "| **all containers** | 4 | | | **120 MB** |",
    "| allowance | | 10 % of diskGb 100 | | 10 GB |",
    "",
    "host mini: logs may take 120 MB (agent 2x 10m x 3 = 60 MB, postgres 10m x 3 = 30 MB, prometheus 10m x 3 = 30 MB) <= 10 GB allowance (10 % of diskGb 100)",
  ].join("\n"));
  expect(text).toContain("#### host edge log disk: fits, 1.97 GB headroom");
});

test("a host over its log allowance fails the run, named with what is over; the share is an option", () => {
  const noisy = [...resources, container("agent-3", "edge", "chatty", "workload", 128, "0.1", { "max-size": "1g", "max-file": "3" })];
  const reports = budgetReports(hosts, noisy);
  expect(reports.map((r) => [r.host, r.fits, r.logFits])).toEqual([["mini", true, true], ["edge", true, false]]);
  const text = formatBudget("mini", reports, false);
  expect(text).toContain("#### host edge log disk: OVER ALLOWANCE by 1.03 GB");
  expect(text).toContain("| chatty | 1 | 1g x 3 | 3 GB | 3 GB |");
  expect(text).toMatch(/FAIL: stack mini: over budget: edge \(log disk\)$/);
  expect(budgetReports(hosts, noisy, { logDiskPercent: 20 })[1].logFits).toBe(true);
});

test("npm run budget takes the log share from the stack's policy config, as the pack does", () => {
  const dir = tempDir("minidock-budget-");
  const write = (name: string, config: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
  };
  expect(logDiskPercentOf(write("set.json", { "budget-host-log-disk": { maxLogDiskPercent: 15 } }))).toBe(15);
  expect(logDiskPercentOf(write("level-only.json", { "budget-host-log-disk": "advisory" }))).toBe(10);
  expect(logDiskPercentOf(path.join(__dirname, "../../policies/mini.json"))).toBe(10);
});
