import * as fs from "fs";
import * as path from "path";
import { main as deploy } from "../../../tools/deploy";
import { DeployContext, defaultContext } from "../../../tools/deploy/run";
import { main as rollback } from "../../../tools/rollback";
import { PROJECT_DIR, UsageError } from "../../../tools/stackRun";
import { tempDir } from "../../support/tmp";

/**
 * What deploy and rollback decide before they start the engine: usage, and a config the program would refuse.
 * (tests/tools/cliContract.test.ts holds them to --help and unknown flags; tests/engine/deploy.test.ts runs them.)
 */
function project(stackFile?: string) {
  const dir = tempDir("minidock-deploy-cli-");
  fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  if (stackFile !== undefined) fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), stackFile);
  const out: string[] = [];
  const progress: string[] = [];
  const ctx: DeployContext = { ...defaultContext(), projectDir: dir, out: (t) => out.push(t), progress: (l) => progress.push(l) };
  return { ctx, out, progress };
}

test.each([
  [[], /expected --stack NAME/],
  [["--stack", "nosuch"], /Pulumi\.nosuch\.yaml: no such stack config file/],
])("deploy %j is a usage error", async (argv, message) => {
  await expect(deploy(argv, project().ctx)).rejects.toThrow(UsageError);
  await expect(deploy(argv, project().ctx)).rejects.toThrow(message);
});

test.each([
  [["--stack", "broken", "--to", "latest"], /--to latest: expected an update version, a whole number/],
  [["--stack", "broken", "--to", "3", "--list"], /--to and --list: one or the other/],
  [["--to", "3"], /expected --stack NAME/],
])("rollback %j is a usage error", async (argv, message) => {
  await expect(rollback(argv, project("config: {}\n").ctx)).rejects.toThrow(message);
});

test("a config the program refuses: exit 1 before any engine, the problem named, as JSON with --json", async () => {
  const p = project("config:\n  minidock:hosts:\n    local: { dockerHost: unix:///var/run/docker.sock, memoryMb: -5 }\n");
  expect(await deploy(["--stack", "broken", "--json"], p.ctx)).toBe(1);
  const report = JSON.parse(p.out.join(""));
  expect(report).toMatchObject({ command: "deploy", stack: "broken", outcome: "failed", exitCode: 1 });
  expect(report.errors.join("\n")).toMatch(/hosts\.local\.memoryMb/);
  expect(p.progress[0]).toMatch(/Pulumi\.broken\.yaml: .*hosts\.local\.memoryMb/s);
});
