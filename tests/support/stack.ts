import * as path from "path";
import { Evaluation, RecordedResource, evaluateProgram } from "../../tools/offline/evaluate";
import { StackConfigValues, readStackConfigFile, stackFilePath } from "../../tools/offline/stackFile";

/**
 * Test helpers over tools/offline: evaluate the real index.ts under Pulumi's mock monitor. What is mocked:
 * the Pulumi engine and every provider (docker, command, tailscale), because neither the CLI nor the plugins
 * can run here. What is real: the program, its config contract and every input it computes.
 */
export const PROJECT_DIR = path.resolve(__dirname, "../..");

/** Secrets the shipped stacks reference; a user sets them with `pulumi config set --secret`. */
export const TEST_SECRETS: Record<string, string> = {
  "minidock:postgresPassword": "pg-test-secret-value",
  "minidock:redisPassword": "redis-test-secret-value",
};

export function shippedStackConfig(stack: string, extraSecrets: Record<string, string> = TEST_SECRETS): StackConfigValues {
  const cfg = readStackConfigFile(stackFilePath(PROJECT_DIR, stack), PROJECT_DIR);
  return { values: { ...cfg.values, ...extraSecrets }, secretKeys: [...cfg.secretKeys, ...Object.keys(extraSecrets)] };
}

export async function evaluateShippedStack(stack: string): Promise<Evaluation> {
  return evaluateProgram(stack, shippedStackConfig(stack));
}

export function ofType(ev: Evaluation, type: string): RecordedResource[] {
  return ev.resources.filter((r) => r.type === type);
}

export const T = {
  provider: "pulumi:providers:docker",
  container: "docker:index/container:Container",
  image: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  network: "docker:index/network:Network",
  service: "minidock:index:Service",
} as const;

export function label(r: RecordedResource, key: string): string | undefined {
  const labels = r.inputs.labels as { label: string; value: string }[] | undefined;
  return labels?.find((l) => l.label === key)?.value;
}
