import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../support/tmp";

/**
 * scripts/lib/pulumi-cli.sh, through the scripts that use it (pulumi.sh behind `npm run history`, backup/state.sh),
 * run by real bash. What is stubbed: the Pulumi CLI itself (a shell script that echoes its arguments) and HOME (an
 * empty one, so no toolchain scripts/toolchain.sh built earlier is found).
 */
const ROOT = path.resolve(__dirname, "../..");
const BASE_PATH = ["/usr/bin", "/bin", path.dirname(process.execPath)].join(":");

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const home = tempDir("pulumi-cli-home-");
  return spawnSync("bash", [path.join(ROOT, script), ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 20_000, env: { PATH: BASE_PATH, HOME: home, ...env },
  });
}

function stubCli(): string {
  const dir = tempDir("pulumi-cli-stub-");
  fs.writeFileSync(path.join(dir, "pulumi"), '#!/bin/sh\necho "stub pulumi $*"\n', { mode: 0o755 });
  return dir;
}

describe("a missing Pulumi CLI", () => {
  test.each([
    ["scripts/pulumi.sh", ["stack", "history"], "pulumi.sh"],
    ["scripts/backup/state.sh", ["export"], "state.sh"],
  ])("%s says so, how to get it, and exits 127", (script, args, who) => {
    const r = run(script, args);
    expect(r.status).toBe(127);
    expect(r.stderr).toContain(`${who}: the Pulumi CLI is not installed`);
    expect(r.stderr).toContain("bash scripts/toolchain.sh");
    expect(r.stderr).not.toMatch(/pulumi: (command )?not found/);
  });

  test("MINIDOCK_PULUMI_BIN without a pulumi binary is named", () => {
    const r = run("scripts/pulumi.sh", ["version"], { MINIDOCK_PULUMI_BIN: tempDir("empty-bin-") });
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/MINIDOCK_PULUMI_BIN=.* holds no pulumi binary/);
  });
});

describe("a CLI that is there", () => {
  test("on PATH: pulumi.sh passes every argument through", () => {
    const r = run("scripts/pulumi.sh", ["stack", "history", "--stack", "mini"], { PATH: `${stubCli()}:${BASE_PATH}` });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("stub pulumi stack history --stack mini");
  });

  test("in MINIDOCK_PULUMI_BIN: used without being on PATH", () => {
    const r = run("scripts/pulumi.sh", ["whoami"], { MINIDOCK_PULUMI_BIN: stubCli() });
    expect(r.stdout.trim()).toBe("stub pulumi whoami");
  });
});

describe("--help", () => {
  test.each(["scripts/pulumi.sh", "scripts/backup/state.sh"])("%s --help prints usage on stdout and exits 0, even without a CLI", (script) => {
    const r = run(script, ["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage/i);
  });
});
