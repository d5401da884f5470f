import { allocationsFromResources, budgetReports, formatBudget, hostPie } from "../../tools/budgetReport";
import { RecordedResource } from "../../tools/offline/evaluate";
import { LABEL, toLabelList } from "../../lib/naming";

/** `npm run budget` rendering over hand-made container records (what the program registers), no evaluation. */
function container(name: string, host: string, service: string, tier: string, memory: number, cpus: string): RecordedResource {
  return {
    type: "docker:index/container:Container",
    name,
    urn: `urn:x::${name}`,
    custom: true,
    inputs: { memory, cpus, labels: toLabelList({ [LABEL.host]: host, [LABEL.service]: service, [LABEL.tier]: tier }) },
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
  { host: "mini", memoryMb: 8192, reserveMb: 1024, cpus: 8 },
  { host: "edge", memoryMb: 1024, reserveMb: 512, cpus: 2 },
];

test("allocations come from containers' labels and memory; other resources are ignored", () => {
  const a = allocationsFromResources(resources);
  expect(a).toHaveLength(5);
  expect(a[2]).toEqual({ host: "mini", service: "prometheus", tier: "platform", memoryMb: 512, cpus: 0.5 });
});

test("the table keeps platform and workload apart, with reserve, budget and headroom", () => {
  const [mini] = budgetReports(hosts, resources);
  expect(mini).toMatchObject({ declaredMb: 5632, platformMb: 512, workloadMb: 5120, headroomMb: 1536, fits: true });
  const text = formatBudget("mini", budgetReports(hosts, resources), false);
  expect(text).toContain("### host mini: fits, 1536 MB headroom");
  expect(text).toContain("| prometheus | platform | 1 | 512 | 512 | 0.5 |\n| **platform total** | | 1 | | **512** | |");
  expect(text).toContain("| agent | workload | 2 | 2048 | 4096 | 3 |\n| postgres | workload | 1 | 1024 | 1024 | 1 |\n| **workload total** | | 3 | | **5120** | |");
  expect(text).toContain("| declared | | | | 5632 | 4.5 |\n| reserve | | | | 1024 | |\n| budget | | | | 8192 | 8 |\n| **headroom** | | | | **1536** | 3.5 |");
  expect(text).toContain("host mini: 5632 MB declared + 1024 reserve = 6656 <= 8192 budget (agent 2x2048, postgres 1024, prometheus 512)");
  expect(text).toMatch(/PASS: stack mini: all 2 host\(s\) within budget$/);
  expect(text).not.toContain("```mermaid");
});

test("--markdown adds a heading and a mermaid pie per host; an over-budget host shows no headroom slice", () => {
  const over = budgetReports([{ host: "edge", memoryMb: 512, reserveMb: 300, cpus: 2 }], resources);
  const md = formatBudget("mini", over, true);
  expect(md).toContain("## Memory budget: stack `mini` (❌ over budget: edge)");
  expect(hostPie(over[0])).toBe(
    ["```mermaid", "pie showData title host edge: OVER 512 MB budget by 44 MB", '    "web (256 MB)" : 256', '    "reserve (300 MB)" : 300', "```"].join("\n"),
  );
  const ok = formatBudget("mini", budgetReports(hosts, resources), true);
  expect(ok).toContain('    "agent (2x2048 MB)" : 4096');
  expect(ok).toContain('    "headroom (1536 MB)" : 1536');
});
