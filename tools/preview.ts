/**
 * `npm run preview -- --stack NAME | --config FILE [--policy-config FILE] [--json]`: the real `pulumi preview`
 * with the policy pack, offline.
 *
 * The stack runs on a throwaway file backend with placeholder secrets (tools/engine/sandbox.ts): no Pulumi
 * Cloud, no mini, no Tailscale, and nothing is created. The CLI is an installed one or the one
 * scripts/toolchain.sh built (tools/engine/toolchain.ts). Compare `npm run check`, which runs the same program
 * and pack under mocks without any CLI.
 *
 * --docker-only previews the stack's docker resources alone (tools/engine/variants.ts), for machines that have
 * the docker provider but not the command and tailscale ones.
 *
 * Exit: 0 the preview passed (advisory violations allowed), 1 a mandatory violation or any engine error,
 * 2 wrong usage or no CLI.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineViolation, PreviewResult, isMandatory, realPreview } from "./engine/preview";
import { ToolchainMissing, findToolchain } from "./engine/toolchain";
import { dockerOnlyTarget } from "./engine/variants";
import { StackTarget, loadStack, parseToolArgs, relativeToCwd, resolveTarget, runMain } from "./stackRun";

export const USAGE = "npm run preview -- --stack NAME | --config FILE [--policy-config FILE] [--docker-only] [--json]";

function describe(v: EngineViolation): string {
  const name = v.resource ? v.resource.split("::").pop() : "(stack)";
  return `[${v.enforcementLevel}] ${v.policy} (${name}): ${v.message.split("\n").filter(Boolean).pop() ?? ""}`;
}

export function summaryLines(r: PreviewResult, toolchainSource: string): string[] {
  const mandatory = r.violations.filter(isMandatory);
  const changes = Object.entries(r.changes).map(([op, n]) => `${n} ${op}`).join(", ") || "no changes";
  const lines = [`preview ${r.stack}: ${r.ok ? "passed" : "FAILED"} in ${(r.durationMs / 1000).toFixed(1)} s (${changes}; CLI from ${toolchainSource})`];
  if (mandatory.length) lines.push(`${mandatory.length} mandatory violation(s):`, ...mandatory.map((v) => `  ${describe(v)}`));
  if (r.error && !mandatory.length) lines.push(r.error);
  const plugin = /no resource plugin '(pulumi-resource-[a-z]+)'/.exec(r.error ?? "")?.[1];
  if (plugin) {
    lines.push(`hint: ${plugin} is not installed. The toolchain scripts/toolchain.sh builds has only the docker provider ` +
      "(toolchain/README.md says why); --docker-only previews this stack's docker resources, or install the Pulumi CLI, which downloads its plugins.");
  }
  return lines;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseToolArgs(argv, {
    stack: { type: "string" }, config: { type: "string" }, "policy-config": { type: "string" },
    "docker-only": { type: "boolean" }, json: { type: "boolean" },
  });
  let target = resolveTarget({ stack: values.stack, config: values.config, policyConfig: values["policy-config"] });
  const scratch = values["docker-only"] ? fs.mkdtempSync(path.join(os.tmpdir(), "minidock-preview-")) : undefined;
  if (scratch) {
    const variant = dockerOnlyTarget(target, scratch);
    target = variant.target;
    if (!values.json) for (const c of variant.changed) console.error(`preview --docker-only: ${c}`);
  }
  try {
    return await previewTarget(target, !!values.json);
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function previewTarget(target: StackTarget, json: boolean): Promise<number> {
  const loaded = loadStack(target);
  if (loaded.configError) {
    // The program would refuse this config before registering anything; say so without starting the engine.
    if (json) console.log(JSON.stringify({ stack: target.stack, ok: false, errors: loaded.configError.message.split("\n") }, null, 2));
    else console.error(`${relativeToCwd(target.file)}: ${loaded.configError.message}`);
    return 1;
  }
  let tc;
  try {
    tc = findToolchain();
  } catch (e) {
    if (e instanceof ToolchainMissing) {
      console.error(`preview: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (!json) console.error(`preview ${target.stack}: pulumi preview --policy-pack policies --policy-pack-config ${relativeToCwd(target.policyConfigFile)} (CLI in ${tc.binDir})`);
  const result = await realPreview(loaded, tc, { onOutput: json ? undefined : (t) => process.stdout.write(t) });
  if (json) console.log(JSON.stringify({ ...result, toolchain: tc.source }, null, 2));
  else console.error(summaryLines(result, tc.source).join("\n"));
  return result.ok ? 0 : 1;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
