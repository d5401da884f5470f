import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT_DIR } from "../../tools/stackRun";

/**
 * `npm run preview` on the shipped stacks, exactly as a user runs it: the real CLI, provider and policy pack.
 * The local stack previews as it is; the mini's docker resources preview with --docker-only (its Colima and
 * tailnet resources need the command and tailscale providers, which cannot be built here). A one-change
 * mutation of the shipped file must make the command exit non-zero and name the rule.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-shipped-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function preview(...args: string[]) {
  const r = spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/preview.ts", ...args], { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** The shipped stack file with one edit, as Pulumi.<stack>.yaml in a scratch directory. */
function mutated(stack: string, edit: (config: Record<string, Record<string, Record<string, unknown>>>) => void): string {
  const doc = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, Record<string, Record<string, unknown>>> };
  edit(doc.config);
  const dir = fs.mkdtempSync(path.join(scratch, `${stack}-`));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}

describe("shipped stacks through the real engine", () => {
  test.concurrent("local: the preview passes", async () => {
    const r = preview("--stack", "local");
    expect([r.status, r.out]).toEqual([0, expect.stringContaining("preview local: passed")]);
  });

  test.concurrent("mini, docker resources: the preview passes", async () => {
    const r = preview("--stack", "mini", "--docker-only");
    expect([r.status, r.out]).toEqual([0, expect.stringContaining("preview mini: passed")]);
  });

  test.concurrent("local with a privileged agent: refused, naming the rule", async () => {
    const r = preview("--config", mutated("local", (c) => (c["minidock:services"].agent.unsafe = { privileged: true })), "--policy-config", "policies/local.json");
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/\[mandatory\] hardening-no-privileged \(agent-1\)/);
  });

  test.concurrent("mini with more memory than its budget: refused, naming the rule and the arithmetic", async () => {
    const r = preview("--config", mutated("mini", (c) => (c["minidock:services"].agent.memoryMb = 8192)), "--policy-config", "policies/mini.json", "--docker-only");
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/\[mandatory\] budget-host-memory/);
  });
});
