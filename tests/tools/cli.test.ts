import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type * as Sarif from "sarif";
import { Violation } from "../../tools/offline/policyRuntime";
import { SECRET_PLACEHOLDER } from "../../tools/offline/stackFile";
import { loadStack, resolveTarget } from "../../tools/stackRun";
import { checkEvaluation, evaluateFresh } from "../support/freshEvaluation";
import { sarifSchemaErrors } from "../support/sarifSchema";

/**
 * The tools end to end, as users and CI run them: `tools/check.ts` and `tools/budget.ts` spawned as child
 * processes on the fixture stacks in tests/fixtures/stacks/. Nothing is mocked here beyond what the tools mock
 * themselves (the Pulumi engine and providers, via tools/offline). One spawn per output contract (--json, text,
 * SARIF, a config error, wrong usage, budget), run two at a time in beforeAll; the other bad fixtures get the same
 * verdict check in this process (tests/support/freshEvaluation.ts: the same program and pack `check` runs).
 *
 * Each bad-*.yaml changes ONE thing in Pulumi.clean.yaml, so each must fail on exactly one mandatory rule, or (bad-config,
 * bad-latest) on the config contract.
 */
const ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(ROOT, "tests/fixtures/stacks");
const fixture = (name: string) => path.join(FIXTURES, `Pulumi.${name}.yaml`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(tool: "check" | "budget", args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", path.join(ROOT, "tools/register.js"), path.join(ROOT, "tools", `${tool}.ts`), ...args], {
      cwd: ROOT,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Bad fixture → the one mandatory rule it must trip, and the resource it must name. */
const BAD: Record<string, { rule: string; resource: string }> = {
  "bad-bind-all": { rule: "network-ports-bound-to-address", resource: "web-1" },
  "bad-low-port": { rule: "network-no-privileged-host-ports", resource: "web-1" },
  "bad-privileged": { rule: "hardening-no-privileged", resource: "web-1" },
  "bad-docker-sock": { rule: "mounts-no-runtime-socket", resource: "web-1" },
  "bad-cap-sys-admin": { rule: "hardening-no-dangerous-capabilities", resource: "web-1" },
  "bad-no-healthcheck": { rule: "hardening-healthcheck", resource: "web-1" },
  "bad-restart-no": { rule: "hardening-restart-policy", resource: "web-1" },
  "bad-over-budget": { rule: "budget-host-memory", resource: "mini-docker" },
  "bad-rollout-surge": { rule: "budget-host-memory", resource: "mini-docker" },
};
// bad-bind-all runs in text mode (to check the preview-style grouping), bad-privileged as SARIF; the others in process.
const TEXT_MODE = "bad-bind-all";
const SARIF_MODE = "bad-privileged";
const SPAWNED = [TEXT_MODE, SARIF_MODE];

const jobs: Record<string, () => Promise<Run>> = {
  clean: () => run("check", ["--config", fixture("clean"), "--json"]),
  "bad-config": () => run("check", ["--config", fixture("bad-config"), "--json"]),
  "bad-usage": () => run("check", ["--config", fixture("clean"), "--json", "--format", "sarif"]),
  // A floating tag is the config contract's to refuse (lib/images.ts pinProblem, shared with images-pinned-tag).
  "bad-latest": () => run("check", ["--config", fixture("bad-latest")]),
  "budget-over": () => run("budget", ["--config", fixture("bad-over-budget")]),
  [TEXT_MODE]: () => run("check", ["--config", fixture(TEXT_MODE)]),
  [SARIF_MODE]: () => run("check", ["--config", fixture(SARIF_MODE), "--format", "sarif"]),
};

/** What `npm run check --config <fixture>` decides, computed in this process: every violation of the pack. */
async function verdict(name: string): Promise<Violation[]> {
  const loaded = loadStack(resolveTarget({ config: fixture(name) }));
  if (loaded.configError) throw loaded.configError;
  const ev = await evaluateFresh(loaded.target.stack, loaded.config);
  if (ev.error) throw ev.error;
  const packConfig = JSON.parse(fs.readFileSync(loaded.target.policyConfigFile, "utf8")) as Record<string, unknown>;
  return (await checkEvaluation(ev, packConfig)).violations;
}

const results: Record<string, Run> = {};
beforeAll(async () => {
  const queue = Object.entries(jobs);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) results[next[0]] = await next[1]();
  };
  await Promise.all([worker(), worker()]);
}, 240_000);

interface Json {
  stack: string;
  resources: { type: string; name: string; inputs: Record<string, unknown> }[];
  violations: { policy: string; enforcementLevel: string; resource: string; message: string }[];
  summary: { mandatory: number; advisory: number; errors: number };
  errors: { source: string; message: string; key?: string }[];
}
const json = (name: string) => JSON.parse(results[name].stdout) as Json;

describe("npm run check", () => {
  test("the clean fixture passes with exit 0 and the exact --json shape", () => {
    const r = results.clean;
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    const out = json("clean");
    const additions = ["exemptions", "exemptionsUnused", "exemptionsExpired", "exemptionsExpiringSoon", "errors"];
    expect(Object.keys(out).filter((k) => !additions.includes(k)).sort()).toEqual(["resources", "stack", "summary", "violations"]);
    expect(out.errors).toEqual([]);
    expect(out.stack).toBe("clean");
    expect(out.summary.mandatory).toBe(0);
    expect(out.summary.advisory).toBe(out.violations.length);
    expect(out.resources.find((x) => x.type === "docker:index/container:Container" && x.name === "web-1")).toBeDefined();
    for (const res of out.resources) expect(Object.keys(res).sort()).toEqual(["inputs", "name", "type"]);
    for (const v of out.violations) expect(Object.keys(v).sort()).toEqual(["enforcementLevel", "message", "policy", "resource"]);
  });

  test("--json redacts secrets: no ciphertext, no placeholder text, secret inputs shown as [secret]", () => {
    const text = results.clean.stdout;
    expect(text).not.toContain("CIPHERTEXT-SENTINEL");
    expect(text).not.toContain(SECRET_PLACEHOLDER);
    const db = json("clean").resources.find((x) => x.name === "db-1")!;
    expect(db.inputs.envs).toBe("[secret]");
    // Inputs without secrets stay readable.
    const web = json("clean").resources.find((x) => x.name === "web-1")!;
    expect(web.inputs.memory).toBe(256);
    // The placeholder note goes to stderr, never into the JSON document.
    expect(results.clean.stderr).toMatch(/not decrypted offline\), given placeholders: dbPassword/);
  });

  test.each(Object.entries(BAD).filter(([name]) => !SPAWNED.includes(name)))("%s is reported by the right rule, and by it alone", async (name, want) => {
    const mandatory = (await verdict(name)).filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory.map((v) => v.policy)).toEqual([want.rule]);
    expect(mandatory[0].resource).toMatch(new RegExp(`::${want.resource}$`));
  });

  test.each(SPAWNED)("%s is reported by the right rule, with exit 1", (name) => {
    const want = BAD[name];
    const r = results[name];
    expect(r.code).toBe(1);
    if (name === TEXT_MODE) {
      expect(r.stdout).toContain(`- [mandatory]  ${want.rule}  (docker:index/container:Container: ${want.resource})`);
      expect(r.stdout).toMatch(new RegExp(`^FAIL: stack ${TEXT_MODE}: .* 1 mandatory`, "m"));
      return;
    }
    if (name === SARIF_MODE) {
      // The same verdict as a SARIF run: one error result, of the right rule, about the right resource.
      const errors = (JSON.parse(r.stdout) as Sarif.Log).runs[0].results!.filter((x) => x.level === "error");
      expect(errors.map((x) => x.ruleId)).toEqual([want.rule]);
      expect(errors[0].locations![0].logicalLocations![0].fullyQualifiedName).toMatch(new RegExp(`::${want.resource}$`));
    }
  });

  test("a stack that fits at rest but not during its own rollout is refused, with the surge in the arithmetic", async () => {
    const [v] = (await verdict("bad-rollout-surge")).filter((x) => x.enforcementLevel === "mandatory");
    expect(v.message).toMatch(
      /^hosts.mini.memoryMb: 3840 MB at rest \(3328 declared \+ 512 reserve\) \+ 1024 rollout surge \(one extra worker replica, start-first\) = 4864 > 4096 budget/,
    );
  });

  test("the over-budget stack names the host and shows the arithmetic", async () => {
    const [v] = (await verdict("bad-over-budget")).filter((x) => x.enforcementLevel === "mandatory");
    // worker is a 3-replica pool with nothing of its own: start-first, so its rollout adds one replica.
    expect(v.message).toMatch(
      /^hosts.mini.memoryMb: 5632 MB at rest \(5120 declared \+ 512 reserve\) \+ 1536 rollout surge \(one extra worker replica, start-first\) = 7168 > 4096 budget \(worker 3x1536, cache 512\)/,
    );
    expect(v.message).not.toMatch(/host edge/);
  });

  test("--format sarif locates the violation at the offending key of the stack file", () => {
    const log = JSON.parse(results[SARIF_MODE].stdout) as Sarif.Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    const [error] = log.runs[0].results!.filter((x) => x.level === "error");
    const text = fs.readFileSync(fixture(SARIF_MODE), "utf8").split("\n");
    // The fixture's one change: `unsafe: { privileged: true }`.
    const line = text.findIndex((l) => l.includes("privileged: true")) + 1;
    const column = text[line - 1].indexOf("privileged") + 1;
    expect(error.message.text).toMatch(/^services\.web\.unsafe\.privileged /);
    expect(error.locations![0].physicalLocation).toEqual({
      artifactLocation: { uri: `tests/fixtures/stacks/Pulumi.${SARIF_MODE}.yaml`, uriBaseId: "SRCROOT" },
      region: { startLine: line, startColumn: column, endLine: line, endColumn: column + "privileged".length },
    });
    expect(log.runs[0].tool.driver.rules!.find((x) => x.id === error.ruleId)!.defaultConfiguration!.level).toBe("error");
  });

  test("a config error exits 1, names the key path, and --json still prints one document with the problems", () => {
    const r = results["bad-config"];
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('services.web.memoryMb: expected number, got "lots"');
    const out = json("bad-config");
    expect(out).toMatchObject({ stack: "bad-config", resources: [], violations: [], summary: { mandatory: 0, advisory: 0, errors: 1 } });
    expect(out.errors).toEqual([{ source: "stack-config", message: 'services.web.memoryMb: expected number, got "lots"', key: "services.web.memoryMb" }]);
  });

  test("wrong usage stays exit 2, with nothing on stdout", () => {
    const r = results["bad-usage"];
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json and --format sarif disagree/);
    expect(r.stdout).toBe("");
  });

  test("a floating tag is a config error at the image's key, in the pack rule's words", () => {
    const r = results["bad-latest"];
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('services.web.image: nginx:latest: tag "latest" moves with every release; pin a digest');
    expect(r.stdout).not.toContain("Policies:");
  });
});

describe("npm run budget", () => {
  test("per-host table with platform and workload apart; exit 1 when one host of two is over", () => {
    const r = results["budget-over"];
    expect(r.code).toBe(1);
    const mini = r.stdout.slice(r.stdout.indexOf("### host mini"), r.stdout.indexOf("### host edge"));
    const edge = r.stdout.slice(r.stdout.indexOf("### host edge"));
    expect(mini).toContain("### host mini: OVER BUDGET by 3072 MB during a rollout, 1536 MB at rest");
    expect(mini).toContain("| worker | workload | 3 | start-first | 1536 | 4608 | 3 |");
    expect(mini).toContain("| cache | workload | 1 | stop-first | 512 | 512 | 0.5 |");
    expect(mini).toContain("| **workload total** | | 4 | | | **5120** | |");
    expect(mini).toMatch(/\| reserve \| \| \| \| \| 512 \|/);
    expect(mini).toContain("| at rest | | | | | 5632 | |\n| rollout surge: one extra worker replica, start-first | | | | | 1536 | |\n| during a rollout | | | | | 7168 | |");
    expect(mini).toMatch(/\| budget \| \| \| \| \| 4096 \|/);
    expect(mini).toContain("| **headroom** | | | | | **-3072** |");
    expect(edge).toContain("### host edge: fits, 1280 MB headroom");
    expect(r.stdout).toMatch(/^FAIL: stack bad-over-budget: over budget: mini \(memory\)$/m);
  });
});
