import * as path from "path";
import { TYPE } from "../../policies/ruleKit";
import { Evaluation, RecordedResource, evaluateProgram } from "../../tools/offline/evaluate";
import {
  StackConfigValues, readStackConfigFile, stackFilePath, withPlaceholderSecrets,
} from "../../tools/offline/stackFile";

/**
 * Test helpers over tools/offline: evaluate the real index.ts under Pulumi's mock monitor. What is mocked:
 * the Pulumi engine and every provider (docker, command, tailscale), because neither the CLI nor the plugins
 * can run here. What is real: the program, its config contract and every input it computes.
 */
export const PROJECT_DIR = path.resolve(__dirname, "../..");

/**
 * A shipped stack's config as a fresh clone has it, plus a placeholder for each secret it references (users set
 * those with `pulumi config set --secret`; their text never matters to the program's structure).
 */
export function shippedStackConfig(stack: string): StackConfigValues {
  const cfg = readStackConfigFile(stackFilePath(PROJECT_DIR, stack), PROJECT_DIR);
  return withPlaceholderSecrets(stack, cfg).config;
}

export async function evaluateShippedStack(stack: string): Promise<Evaluation> {
  return evaluateProgram(stack, shippedStackConfig(stack));
}

export function ofType(ev: Evaluation, type: string): RecordedResource[] {
  return ev.resources.filter((r) => r.type === type);
}

/** Type tokens: the pack's own list, plus minidock's component type. */
export const T = { ...TYPE, service: "minidock:index:Service" } as const;

export function label(r: RecordedResource, key: string): string | undefined {
  const labels = r.inputs.labels as { label: string; value: string }[] | undefined;
  return labels?.find((l) => l.label === key)?.value;
}
