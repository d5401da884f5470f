import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpMap, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { EngineViolation, engineError, isMandatory, violationOf } from "../engine/preview";
import { Toolchain } from "../engine/toolchain";
import { Deployment, numberHistory } from "./history";
import type { PreviewStep } from "./rolling";
import type { RolloutPlan } from "./rolling";

/**
 * The user's real stack through the Automation API: selected in a project directory (the repository, or a
 * scratch project for a rollback, tools/deploy/restore.ts), with the user's backend and secrets provider as the
 * environment configures them. Nothing here chooses a backend, except that the local stack uses ./.pulumi-state
 * when nothing else is configured, as `npm run up:local` does.
 */
export interface StackAccess {
  stackName: string;
  /** The Pulumi CLI: the Automation API's handle, and the binary for the one call it cannot make (secrets on stdin). */
  command: PulumiCommand;
  toolchain: Toolchain;
  /** The toolchain's env and the backend's, for every CLI call. */
  env: Record<string, string>;
}

/** `npm run up:local` keeps the local stack's state and passphrase in ./.pulumi-state: use them when nothing else is set. */
export function backendEnv(stackName: string, projectDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const dir = path.join(projectDir, ".pulumi-state");
  if (stackName !== "local" || env.PULUMI_BACKEND_URL || !fs.existsSync(dir)) return {};
  const out: Record<string, string> = { PULUMI_BACKEND_URL: `file://${dir}` };
  const pass = path.join(dir, "passphrase");
  if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE && fs.existsSync(pass)) out.PULUMI_CONFIG_PASSPHRASE_FILE = pass;
  return out;
}

export async function selectStack(access: StackAccess, workDir: string): Promise<Stack> {
  return LocalWorkspace.selectStack({ stackName: access.stackName, workDir }, { pulumiCommand: access.command, envVars: access.env });
}

export interface PolicyArgs {
  policyPacks: string[];
  policyPackConfigs: string[];
}

export interface PreviewOutcome {
  ok: boolean;
  violations: EngineViolation[];
  changes: OpMap;
  /** Every step the engine would take, with its inputs: what the rolling update plans from. */
  steps: PreviewStep[];
  error?: string;
}

/** A preview event's step as tools/deploy/rolling.ts plans from it. */
export function previewStepOf(e: EngineEvent): PreviewStep | undefined {
  const m = e.resourcePreEvent?.metadata;
  if (!m) return undefined;
  return { op: m.op, urn: m.urn, type: m.type, inputs: (m.new ?? m.old)?.inputs as Record<string, unknown> | undefined };
}

/** The real preview of the user's stack with the policy pack: not ok on a mandatory violation or any engine error. */
export async function previewStack(stack: Stack, policy: PolicyArgs, opts: { onOutput?: (t: string) => void } = {}): Promise<PreviewOutcome> {
  const violations: EngineViolation[] = [];
  const steps: PreviewStep[] = [];
  try {
    const r = await stack.preview({
      ...policy,
      color: "never",
      onOutput: opts.onOutput,
      onEvent: (e) => {
        const v = violationOf(e);
        if (v) violations.push(v);
        const step = previewStepOf(e);
        if (step) steps.push(step);
      },
    });
    return { ok: !violations.some(isMandatory), violations, changes: r.changeSummary, steps };
  } catch (e) {
    return { ok: false, violations, changes: {}, steps, error: engineError(e) };
  }
}

/** What an update did. */
export interface RolloutResult {
  ok: boolean;
  changes: OpMap;
  /** `replace urn`, `create urn`...: every resource step other than "same". */
  touched: string[];
  violations: EngineViolation[];
  error?: string;
  /** When it started: finds its entry in the history. */
  startedAt: Date;
  /** The rolling update's lines, one per replica rolled (tools/deploy/rollingRollout.ts). */
  rollout?: string[];
  plan?: RolloutPlan;
}

export interface RolloutContext {
  stack: Stack;
  policy: PolicyArgs;
  message: string;
  /** The engine's own output, when --verbose. */
  onOutput?: (text: string) => void;
  /** One short line per resource that changed, as it completes. */
  onProgress?: (text: string) => void;
  /** The rollout's own lines (a replica rolled, the rollout stopped): always shown. */
  onRollout?: (text: string) => void;
  /** Why each service rolls as it does (lib/rollout.ts rolloutOf's reason), by service name. */
  reasons?: Record<string, string>;
  /** This code has just been type-checked by the engine (deploy's preview): the rollout's runs need not check it again. */
  typeChecked?: boolean;
  /**
   * The steps of a preview of this very stack, program and config that has just run with the policy pack
   * (deploy's own): the rollout plans from them instead of previewing again, and its updates need not run the
   * pack again.
   */
  previewed?: PreviewStep[];
  now?: () => number;
}

/**
 * How a deploy changes the stack: the rolling update (tools/deploy/rollingRollout.ts, deploy's and rollback's
 * default), or one update of the whole stack (wholeStackUpdate, which replaces every replica at once: the
 * end-to-end test's mutation). The phases around it stay as they are.
 */
export interface Rollout {
  name: string;
  run(ctx: RolloutContext): Promise<RolloutResult>;
}

/** A resource step as the short progress line names it: `replace agent-1`. */
export function stepLine(e: EngineEvent, done: number): string | undefined {
  const m = e.resOutputsEvent?.metadata;
  if (!m || m.op === "same" || m.type === "pulumi:pulumi:Stack" || m.type.startsWith("pulumi:providers:")) return undefined;
  return `${m.op} ${m.urn.split("::").pop()} (${m.type.split(":").pop()}), ${done} changed so far`;
}

export const wholeStackUpdate: Rollout = {
  name: "update",
  async run(ctx) {
    const startedAt = new Date();
    const violations: EngineViolation[] = [];
    const touched: string[] = [];
    try {
      const r = await ctx.stack.up({
        ...ctx.policy,
        color: "never",
        message: ctx.message,
        onOutput: ctx.onOutput,
        onEvent: (e) => {
          const v = violationOf(e);
          if (v) violations.push(v);
          const m = e.resOutputsEvent?.metadata;
          if (m && m.op !== "same" && m.type !== "pulumi:pulumi:Stack") touched.push(`${m.op} ${m.urn}`);
          const line = stepLine(e, touched.length);
          if (line) ctx.onProgress?.(line);
        },
      });
      return { ok: r.summary.result === "succeeded", changes: r.summary.resourceChanges ?? {}, touched, violations, startedAt };
    } catch (e) {
      return { ok: false, changes: {}, touched, violations, error: engineError(e), startedAt };
    }
  },
};

/**
 * Entries read from the history at once. Without a page size `pulumi stack history` gives only the newest 10
 * (CLI v3.248), and the file backend's versions are positions from the oldest (tools/deploy/history.ts), so a
 * partial history numbers the newest entry 10 whatever it is; a rolling deploy writes several entries.
 */
export const HISTORY_PAGE_SIZE = 10_000;

export async function readHistory(stack: Stack, showSecrets: boolean): Promise<Deployment[]> {
  return numberHistory(await stack.history(HISTORY_PAGE_SIZE, 1, showSecrets));
}

export async function readTags(stack: Stack): Promise<Record<string, string>> {
  return (await stack.listTags()) as Record<string, string>;
}

/**
 * `pulumi config set KEY --secret` with the value on stdin: the Automation API's setConfig puts the value on the
 * command line, where any local user can read it in the process list.
 */
export async function setSecretFromStdin(access: StackAccess, workDir: string, key: string, value: string): Promise<void> {
  const bin = path.join(access.toolchain.binDir, "pulumi");
  const args = ["config", "set", key, "--secret", "--stack", access.stackName, "--non-interactive"];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, args, { cwd: workDir, env: { ...process.env, ...access.env }, stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi config set ${key} --secret: exit ${code}: ${stderr.trim()}`))));
    child.stdin.end(value);
  });
}
