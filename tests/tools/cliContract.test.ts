import { spawnSync } from "child_process";
import * as path from "path";
import { HelpRequested, UsageError } from "../../tools/stackRun";

/**
 * Every tool behind `npm run` answers the same way: --help or -h prints its usage and exits 0, an unknown flag
 * prints the usage and exits 2 (runMain in tools/stackRun.ts turns HelpRequested and UsageError into those), except
 * `npm run status`, whose 2 means a host is down, so its usage error is 64 (tests/tools/status/ hold it to that). Each
 * tool's main is called here in process with both; one tool is then spawned to hold runMain to the exit codes and
 * streams. The shell tools (pulumi.sh, state.sh) have their own test in tests/scripts/pulumiCli.test.ts.
 */
interface Tool {
  main(argv: string[]): Promise<number>;
  USAGE: string;
}

const TOOLS: Record<string, () => Promise<Tool>> = {
  check: () => import("../../tools/check"),
  budget: () => import("../../tools/budget"),
  preview: () => import("../../tools/preview"),
  bench: () => import("../../tools/bench"),
  "tailnet:policy": () => import("../../tools/tailnetPolicy"),
  "docs:policies": () => import("../../tools/docsPolicies"),
  "secrets:missing": () => import("../../tools/missing-secrets"),
  "render:monitoring": () => import("../../tools/monitoring/render"),
  dockerRun: () => import("../../tools/dockerRun"),
  deploy: () => import("../../tools/deploy"),
  rollback: () => import("../../tools/rollback"),
  status: () => import("../../tools/status"),
  doctor: () => import("../../tools/doctor"),
};

describe.each(Object.keys(TOOLS))("%s", (name) => {
  test.each([["--help"], ["-h"]])("%s asks for the usage", async (flag) => {
    const tool = await TOOLS[name]();
    await expect(tool.main([flag])).rejects.toThrow(HelpRequested);
    expect(tool.USAGE).toMatch(/\S/);
  });

  test("an unknown flag is a usage error", async () => {
    const tool = await TOOLS[name]();
    await expect(tool.main(["--no-such-flag"])).rejects.toThrow(UsageError);
  });
});

describe("runMain, spawned", () => {
  const ROOT = path.resolve(__dirname, "../..");
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/budget.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });

  test("--help: the usage on stdout, nothing on stderr, exit 0", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run budget /);
    expect(r.stderr).toBe("");
  });

  test("an unknown flag: the error and the usage on stderr, nothing on stdout, exit 2", () => {
    const r = run("--bogus");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: Unknown option '--bogus'.*\nusage: npm run budget /s);
    expect(r.stdout).toBe("");
  });
});
