import * as path from "path";
import { EngineEvent, OpMap } from "@pulumi/pulumi/automation";
import { LoadedStack, PROJECT_DIR } from "../stackRun";
import { openSandbox } from "./sandbox";
import { Toolchain } from "./toolchain";

/** A policy violation as the engine reports it (an engine `policyEvent`). */
export interface EngineViolation {
  policy: string;
  enforcementLevel: "warning" | "mandatory" | string;
  /** Empty for a stack-wide finding. */
  resource: string;
  message: string;
}

export interface PreviewResult {
  stack: string;
  /** No mandatory violation and no engine or program error. */
  ok: boolean;
  violations: EngineViolation[];
  /** What the preview would do, by operation (create, update, replace, ...). */
  changes: OpMap;
  durationMs: number;
  /** The engine's own error text when it failed. */
  error?: string;
}

/** The policy pack and its config, as `pulumi preview --policy-pack policies --policy-pack-config ...` takes them. */
export function policyArgs(loaded: LoadedStack): { policyPacks: string[]; policyPackConfigs: string[] } {
  return { policyPacks: [path.join(PROJECT_DIR, "policies")], policyPackConfigs: [loaded.target.policyConfigFile] };
}

export function violationOf(e: EngineEvent): EngineViolation | undefined {
  const p = e.policyEvent;
  if (!p) return undefined;
  return { policy: p.policyName, enforcementLevel: p.enforcementLevel, resource: p.resourceUrn ?? "", message: p.message };
}

/**
 * The real `pulumi preview` of one stack with the policy pack, on a throwaway backend with placeholder secrets.
 * Providers are configured but nothing is created: the docker provider dials its host lazily, so a stack whose
 * host is a mini over ssh:// previews without reaching it.
 */
export async function realPreview(
  loaded: LoadedStack,
  tc: Toolchain,
  opts: { onOutput?: (text: string) => void } = {},
): Promise<PreviewResult> {
  const started = Date.now();
  const sandbox = await openSandbox(loaded, tc, { secrets: "placeholder" });
  const violations: EngineViolation[] = [];
  try {
    const result = await sandbox.stack.preview({
      ...policyArgs(loaded),
      color: "never",
      onOutput: opts.onOutput,
      onEvent: (e) => {
        const v = violationOf(e);
        if (v) violations.push(v);
      },
    });
    return { stack: loaded.target.stack, ok: !violations.some(isMandatory), violations, changes: result.changeSummary, durationMs: Date.now() - started };
  } catch (e) {
    return { stack: loaded.target.stack, ok: false, violations, changes: {}, durationMs: Date.now() - started, error: engineError(e) };
  } finally {
    sandbox.cleanup();
  }
}

export const isMandatory = (v: { enforcementLevel: string }): boolean => v.enforcementLevel === "mandatory";

/** The useful part of an Automation API CommandError: the CLI's stderr, not the whole command line. */
export function engineError(e: unknown): string {
  const err = e as { commandResult?: { stderr?: string; stdout?: string }; message?: string };
  // The CLI prints what went wrong under "Diagnostics:" (and policy violations under "Policies:") at the end of
  // stdout; stderr holds the one-line summary.
  const out = err.commandResult?.stdout ?? "";
  const at = [out.indexOf("Policies:"), out.indexOf("Diagnostics:")].filter((i) => i >= 0).sort((a, b) => a - b)[0];
  const text = [at === undefined ? "" : out.slice(at).trim(), err.commandResult?.stderr?.trim()].filter(Boolean).join("\n") || err.message || String(e);
  return text.length > 6000 ? `...\n${text.slice(-6000)}` : text;
}
