import { spawnSync } from "child_process";
import { CheckViolation } from "../checkReport";
import { RecordedResource } from "../offline/evaluate";
import { PROJECT_DIR, StackTarget } from "../stackRun";

/**
 * `npm run check --json` of one stack file, for the engine tests to compare the real engine with: the program's
 * own declared inputs and the mirror's violations. A child process, since index.ts registers its resources at
 * module load and a process can evaluate one stack.
 */
export function offlineCheck(target: StackTarget): { resources: RecordedResource[]; violations: CheckViolation[] } {
  const r = spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/check.ts", "--config", target.file, "--stack", target.stack,
    "--policy-config", target.policyConfigFile, "--json"], { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 64 << 20 });
  try {
    return JSON.parse(r.stdout) as { resources: RecordedResource[]; violations: CheckViolation[] };
  } catch {
    throw new Error(`npm run check of ${target.file} printed no JSON (exit ${r.status}): ${r.stderr.trim()}`);
  }
}
