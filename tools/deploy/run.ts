import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import type Docker from "dockerode";
import { ConfigError } from "../../lib/config/errors";
import { ResolvedHost, StackConfig } from "../../lib/config/resolved";
import { LABEL } from "../../lib/labels";
import { rolloutOf } from "../../lib/rollout";
import { resolveStackConfig } from "../../lib/stackConfig";
import { logDiskPercentOf } from "../budget";
import { policyArgs } from "../engine/preview";
import { ToolchainMissing, findToolchain, pulumiCommand } from "../engine/toolchain";
import { projectDefaults, toRawStackConfig } from "../offline/stackFile";
import { LoadedStack, PROJECT_DIR, UsageError, loadStack, redactDeep, relativeToCwd, resolveTarget } from "../stackRun";
import { containersLabelled, dockerClient, inspectContainer, logTail } from "./docker";
import { PolicyArgs, Rollout, RolloutResult, StackAccess, backendEnv, previewStack, readHistory, readTags, selectStack, setSecretFromStdin } from "./engine";
import { rollingUpdate } from "./rollingRollout";
import {
  Deployment, TargetChoice, VERIFIED_TAG, changedKeys, chooseRollbackTarget, historyLines, recordVerified, updateSince, verifiedVersions,
} from "./history";
import type { PreviewStep } from "./rolling";
import { PhaseName, PhaseOutcome, PhaseRecord, PlanRun, deployPlan, exitCodeOf, outcomeOf, rollbackPlan, runPlan } from "./plan";
import { restorePlan, stackFileName, writeScratchProject } from "./restore";
import {
  BudgetLine, DeployReport, FailedContainer, RollbackInfo, RunReport, budgetLines, conciseEngineError, describeChanges, renderSummary, seconds,
} from "./summary";
import { ContainerView, DeployedContainer, containersOfState, healthTail, unwell, verifyContainers } from "./verify";

/**
 * `npm run deploy` and `npm run rollback`: the phases of tools/deploy/plan.ts, each implemented on the user's
 * real stack (tools/deploy/engine.ts) and its hosts' daemons (tools/deploy/docker.ts).
 */
export interface DeployContext {
  /** The Pulumi project: Pulumi.yaml and Pulumi.<stack>.yaml. */
  projectDir: string;
  /** Instead of policies/<stack>.json (tests). */
  policyConfigFile?: string;
  /** Extra environment for every CLI call (tests: a throwaway backend). */
  env?: Record<string, string>;
  rollout: Rollout;
  /** Progress lines (stderr). */
  progress: (line: string) => void;
  /** The summary (stdout). */
  out: (text: string) => void;
  pollMs?: number;
  sshCommand?: string;
}

export function defaultContext(): DeployContext {
  return {
    projectDir: PROJECT_DIR,
    rollout: rollingUpdate,
    progress: (l) => process.stderr.write(`${l}\n`),
    out: (t) => process.stdout.write(`${t}\n`),
  };
}

export interface RunOptions {
  command: "deploy" | "rollback";
  stack: string;
  json: boolean;
  verbose: boolean;
  /** deploy: roll back automatically when the update or the verification fails. */
  rollback: boolean;
  /** rollback: the version to return to (default: the last verified). */
  to?: number;
  /** rollback: only list the history with the versions it numbers. */
  list?: boolean;
}

const emptyRun = (): RunReport => ({ phases: [], violations: [], failed: [] });

/** The config as verification, the budget and the rollout need it, from a config given as the CLI hands it over. */
function resolvedOf(stack: string, values: Record<string, string>, secretKeys: string[]): StackConfig | undefined {
  try {
    return resolveStackConfig(stack, toRawStackConfig({ values, secretKeys }));
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

/** Why each service rolls as it does (lib/rollout.ts), for the rollout's lines. */
function rolloutReasons(config: StackConfig): Record<string, string> {
  return Object.fromEntries(config.services.map((s) => [s.name, rolloutOf(s).reason]));
}

/** A history entry's config as the program would get it (project defaults first, secrets as given or a placeholder). */
function resolvedOfHistory(stack: string, projectDir: string, config: ConfigMap): StackConfig | undefined {
  const values: Record<string, string> = { ...projectDefaults(projectDir) };
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    values[k] = v.value ?? "history-gave-no-value";
    if (v.secret) secretKeys.push(k);
  }
  return resolvedOf(stack, values, secretKeys);
}

/** Whether the program's code differs from the commit an update ran from (Pulumi records git.head when it can). */
function codeDrift(projectDir: string, d: Deployment): string | undefined {
  const head = d.environment["git.head"];
  if (!head) return undefined;
  const r = spawnSync("git", ["-C", projectDir, "diff", "--quiet", head, "--", "index.ts", "components", "lib", "policies", "package-lock.json"], { encoding: "utf8" });
  if (r.status === 0) return undefined;
  const what = r.status === 1 ? "the program's code (index.ts, components/, lib/, policies/, package-lock.json) differs from it now" : "that commit is not in this clone";
  return `version ${d.version} was deployed from commit ${head.slice(0, 12)}; ${what}. A rollback restores the config, not the code: ` +
    `\`git diff ${head.slice(0, 12)} -- index.ts components lib policies\` shows what stays.`;
}

class Session {
  private readonly t0 = Date.now();
  private readonly clients = new Map<string, Docker>();
  private secrets: string[] = [];
  loaded!: LoadedStack;
  access!: StackAccess;
  policy!: PolicyArgs;
  repoStack!: Stack;
  notes: string[] = [];
  /** The hosts of the config the stack runs now, for verification and the budget. */
  hosts: ResolvedHost[] = [];
  /** Why each service of that config rolls as it does. */
  reasons: Record<string, string> = {};
  /** The preview ran the program, type-checking it (the code a rollback runs too). */
  private typeChecked = false;
  /** The steps of deploy's own preview (with the pack) of the repository's stack, for its rolling update. */
  private previewed?: PreviewStep[];
  /** The containers of the state after the last update, for the budget. */
  lastContainers?: DeployedContainer[];
  private scratch?: string;
  /** "rollback " while deploy rolls back, so its lines say which update they belong to. */
  phasePrefix = "";

  constructor(private readonly ctx: DeployContext, readonly opts: RunOptions) {}

  say(phase: string, text: string): void {
    this.ctx.progress(`[${this.opts.command} ${((Date.now() - this.t0) / 1000).toFixed(1).padStart(5)}s] ${this.phasePrefix}${phase}: ${text}`);
  }

  elapsed(): number {
    return Date.now() - this.t0;
  }

  /** Config, CLI and stack; a number is the exit code to stop with. */
  async open(): Promise<number | undefined> {
    const target = resolveTarget({ stack: this.opts.stack, policyConfig: this.ctx.policyConfigFile }, this.ctx.projectDir);
    this.loaded = loadStack(target, this.ctx.projectDir);
    if (this.loaded.configError) {
      // The program would refuse this config before registering anything: say so without starting the engine.
      this.ctx.progress(`${relativeToCwd(target.file)}: ${this.loaded.configError.message}`);
      if (this.opts.json) this.ctx.out(JSON.stringify({ command: this.opts.command, stack: this.opts.stack, outcome: "failed", exitCode: 1, errors: this.loaded.configError.message.split("\n") }, null, 2));
      return 1;
    }
    this.hosts = this.loaded.resolved!.hosts;
    this.reasons = rolloutReasons(this.loaded.resolved!);
    let tc;
    try {
      tc = findToolchain();
    } catch (e) {
      if (e instanceof ToolchainMissing) {
        this.ctx.progress(`${this.opts.command}: ${e.message}`);
        return 2;
      }
      throw e;
    }
    this.access = {
      stackName: this.opts.stack,
      command: await pulumiCommand(tc),
      toolchain: tc,
      env: { ...tc.env, ...backendEnv(this.opts.stack, this.ctx.projectDir, { ...process.env, ...this.ctx.env }), ...this.ctx.env },
    };
    this.policy = policyArgs(this.loaded);
    try {
      this.repoStack = await selectStack(this.access, this.ctx.projectDir);
    } catch (e) {
      this.ctx.progress(`${this.opts.command}: cannot select stack ${this.opts.stack} in ${this.ctx.projectDir}: ${(e as Error).message.split("\n").slice(-3).join(" ")}`);
      return 1;
    }
    // Every secret value of the stack: text that must not reach the report (health output and logs can echo env).
    const config = await this.repoStack.getAllConfig().catch(() => ({} as ConfigMap));
    this.addSecrets(config);
    this.say("start", `stack ${this.opts.stack}, CLI from ${tc.source}, policy config ${relativeToCwd(this.loaded.target.policyConfigFile)}`);
    return undefined;
  }

  addSecrets(config: ConfigMap): void {
    for (const v of Object.values(config)) if (v.secret && typeof v.value === "string" && v.value.length >= 4) this.secrets.push(v.value);
  }

  redact<T>(value: T): T {
    return redactDeep(value, this.secrets) as T;
  }

  cleanup(): void {
    if (this.scratch) fs.rmSync(this.scratch, { recursive: true, force: true });
  }

  // ---- phases ---------------------------------------------------------------------------------------------

  async preview(run: RunReport): Promise<PhaseOutcome> {
    const r = await previewStack(this.repoStack, this.policy, { onOutput: this.verboseOutput() });
    run.violations.push(...r.violations);
    if (r.error) run.error = conciseEngineError(r.error);
    const mandatory = r.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    if (mandatory) return { ok: false, note: `${mandatory} mandatory policy violation(s)` };
    if (!r.ok) return { ok: false, note: "the preview failed" };
    this.typeChecked = true;
    this.previewed = r.steps;
    const advisory = r.violations.length ? `; ${r.violations.length} advisory violation(s)` : "";
    return { ok: true, note: `would change: ${describeChanges(r.changes)}${advisory}` };
  }

  async update(stack: Stack, run: RunReport, message: string): Promise<{ outcome: PhaseOutcome; result: RolloutResult }> {
    const result = await this.ctx.rollout.run({
      stack, policy: this.policy, message,
      onOutput: this.verboseOutput(),
      onProgress: this.opts.verbose ? undefined : (line) => this.say("update", line),
      onRollout: (line) => this.say("update", line),
      reasons: this.reasons,
      typeChecked: this.typeChecked,
      // Only the stack deploy previewed: a rollback updates a scratch project's copy with another config.
      previewed: stack === this.repoStack ? this.previewed : undefined,
    });
    run.changes = result.changes;
    if (result.rollout?.length) run.rollout = result.rollout;
    run.violations.push(...result.violations.filter((v) => !run.violations.some((w) => w.policy === v.policy && w.resource === v.resource)));
    if (!result.ok) {
      run.error = result.error && conciseEngineError(result.error);
      await this.diagnose(run);
    }
    const failed = run.failed.length ? `; ${run.failed.map((f) => `${f.name} ${f.reason}`).join(", ")}` : "";
    return { outcome: { ok: result.ok, note: result.ok ? describeChanges(result.changes) : `the update failed${failed}` }, result };
  }

  /**
   * After a failed update: the stack's containers that are not running and healthy, read from each host by their
   * minidock labels (a container the update left half-made may not be in the state), each with its health output
   * and last log lines.
   */
  private async diagnose(run: RunReport): Promise<void> {
    const stackLabel = `${LABEL.stack}=${this.opts.stack.split("/").pop()}`;
    for (const host of this.hosts) {
      try {
        const client = this.hostClient(host);
        for (const name of await containersLabelled(client, [stackLabel, `${LABEL.host}=${host.name}`])) {
          const view = await inspectContainer(client, name);
          const reason = view && unwell(view);
          if (!view || !reason) continue;
          run.failed.push(await this.failure({ name, urn: "", host: host.name, service: view.Config.Labels[LABEL.service], inputs: {} }, reason, [], view));
        }
      } catch (e) {
        this.say("update", `host ${host.name}: could not look at its containers: ${(e as Error).message}`);
      }
    }
  }

  private async failure(c: DeployedContainer, reason: string, problems: string[], view: ContainerView | undefined): Promise<FailedContainer> {
    let logs: string[];
    try {
      logs = await logTail(this.client(c), c.name, 20);
    } catch (e) {
      logs = [`(no logs: ${(e as Error).message})`];
    }
    return this.redact({ name: c.name, service: c.service, host: c.host, reason, problems, health: healthTail(view), logs });
  }

  private hostClient(host: ResolvedHost): Docker {
    let client = this.clients.get(host.name);
    if (!client) {
      client = dockerClient({ name: host.name, dockerHost: host.dockerHost }, { sshCommand: this.ctx.sshCommand });
      this.clients.set(host.name, client);
    }
    return client;
  }

  private client(c: DeployedContainer): Docker {
    const host = this.hosts.find((h) => h.name === c.host) ?? (this.hosts.length === 1 ? this.hosts[0] : undefined);
    if (!host) throw new Error(`${c.name}: its host ${c.host ?? "(no minidock.host label)"} is not in the config`);
    return this.hostClient(host);
  }

  async verify(stack: Stack, run: RunReport): Promise<PhaseOutcome> {
    const containers = containersOfState((await stack.exportStack()).deployment);
    this.lastContainers = containers;
    run.containers = containers.length;
    this.say("verify", `${containers.length} container(s) on ${[...new Set(containers.map((c) => c.host ?? "?"))].join(", ") || "no host"}`);
    const results = await verifyContainers(containers, {
      inspect: (c) => inspectContainer(this.client(c), c.name),
      pollMs: this.ctx.pollMs,
      onSettled: (r) => {
        if (!r.ok) this.say("verify", `${r.container.name}: ${r.reason}`);
        else if (this.opts.verbose || r.waitedMs > 5000) this.say("verify", `${r.container.name}: ok after ${seconds(r.waitedMs)}`);
      },
    });
    for (const r of results.filter((x) => !x.ok)) run.failed.push(await this.failure(r.container, r.reason ?? "failed", r.problems, r.view));
    const bad = run.failed.length;
    return bad ? { ok: false, note: `${bad} of ${containers.length} container(s) failed` } : { ok: true, note: `${containers.length} container(s) running, healthy and as declared` };
  }

  async record(stack: Stack, run: RunReport, startedAt: Date): Promise<PhaseOutcome> {
    const history = await readHistory(stack, false);
    const entry = updateSince(history, startedAt);
    if (!entry) return { ok: false, note: "the update is not in the stack's history" };
    run.version = entry.version;
    const tags = recordVerified(await readTags(stack), entry.version);
    for (const [k, v] of Object.entries(tags)) await stack.setTag(k, v);
    return { ok: true, note: `version ${entry.version} recorded as verified (stack tag ${VERIFIED_TAG})` };
  }

  async chooseTarget(to?: number): Promise<{ choice: TargetChoice; secretsShown: boolean }> {
    let history: Deployment[];
    let secretsShown = true;
    try {
      history = await readHistory(this.repoStack, true);
    } catch (e) {
      // The secrets provider could not decrypt an old entry's secrets: the history without their values.
      this.say("restore-config", `the history's secrets could not be decrypted (${(e as Error).message.split("\n").pop()}); reading it without them`);
      history = await readHistory(this.repoStack, false);
      secretsShown = false;
    }
    const verified = verifiedVersions(await readTags(this.repoStack));
    return { choice: chooseRollbackTarget(history, verified, to), secretsShown };
  }

  /** The target's config into a scratch project, with its secrets; the stack there is the user's stack. */
  async restoreConfig(target: Deployment, info: RollbackInfo): Promise<{ outcome: PhaseOutcome; stack?: Stack }> {
    const file = path.join(this.ctx.projectDir, stackFileName(this.opts.stack));
    const original = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    const plan = restorePlan(original, target.config);
    this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-rollback-"));
    writeScratchProject(this.ctx.projectDir, this.scratch, this.opts.stack, plan.stackFile);
    for (const s of plan.secrets) await setSecretFromStdin(this.access, this.scratch, s.key, s.value);
    this.addSecrets(target.config);
    const stack = await selectStack(this.access, this.scratch);
    const current = await this.repoStack.getAllConfig().catch(() => ({} as ConfigMap));
    info.changedKeys = changedKeys(current, target.config);
    info.restoredSecrets = plan.secrets.map((s) => s.key);
    info.keptSecrets = plan.keptSecrets;
    info.missingSecrets = plan.missingSecrets;
    const restored = resolvedOfHistory(this.opts.stack, this.ctx.projectDir, target.config);
    if (restored) {
      this.hosts = restored.hosts;
      this.reasons = rolloutReasons(restored);
    }
    const drift = codeDrift(this.ctx.projectDir, target);
    if (drift) this.notes.push(drift);
    const secrets = plan.keptSecrets.length ? `; ${plan.keptSecrets.length} secret(s) kept as they are (no value in the history)` : "";
    return { outcome: { ok: true, note: `version ${target.version}'s config (${info.changedKeys.length ? `changes ${info.changedKeys.join(", ")}` : "no config change"})${secrets}` }, stack };
  }

  budget(): BudgetLine[] {
    if (!this.lastContainers) return [];
    const hosts = this.hosts.map((h) => ({ host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus, diskGb: h.diskGb }));
    return budgetLines(hosts, this.lastContainers, logDiskPercentOf(this.loaded.target.policyConfigFile));
  }

  private verboseOutput(): ((t: string) => void) | undefined {
    return this.opts.verbose ? (t) => this.ctx.progress(t.replace(/\n$/, "")) : undefined;
  }

  hooks() {
    return {
      onStart: (p: PhaseName) => this.say(p, "started"),
      onEnd: (r: PhaseRecord) => this.say(r.phase, `${r.ok ? "done" : "FAILED"} in ${seconds(r.ms)}${r.note ? `: ${r.note}` : ""}`),
    };
  }
}

/** The rollback plan on a chosen target: restore its config, update, verify, record. */
async function rollbackTo(s: Session, target: Deployment, verified: boolean): Promise<{ run: PlanRun; info: RollbackInfo }> {
  const info: RollbackInfo = { target: target.version, targetVerified: verified, changedKeys: [], restoredSecrets: [], keptSecrets: [], missingSecrets: [], run: emptyRun() };
  let stack: Stack | undefined;
  let result: RolloutResult | undefined;
  s.phasePrefix = s.opts.command === "deploy" ? "rollback " : "";
  const run = await runPlan(rollbackPlan(), {
    "restore-config": async () => {
      const r = await s.restoreConfig(target, info);
      stack = r.stack;
      return r.outcome;
    },
    update: async () => {
      const r = await s.update(stack!, info.run, `minidock rollback to version ${target.version}`);
      result = r.result;
      return r.outcome;
    },
    verify: () => s.verify(stack!, info.run),
    record: () => s.record(stack!, info.run, result!.startedAt),
  }, s.hooks());
  s.phasePrefix = "";
  info.run.phases = run.records;
  return { run, info };
}

function fileNote(s: Session, info: RollbackInfo): string {
  const file = stackFileName(s.opts.stack);
  const keys = info.changedKeys.length ? ` (it differs in ${info.changedKeys.join(", ")})` : "";
  return `the stack runs version ${info.target}'s config now; ${file} is unchanged${keys}, so the next deploy deploys the file again: ` +
    "fix or revert the change there first";
}

export async function runCommand(ctx: DeployContext, opts: RunOptions): Promise<number> {
  const s = new Session(ctx, opts);
  try {
    const stop = await s.open();
    if (stop !== undefined) return stop;
    if (opts.list) return await list(s, ctx);
    const report: DeployReport = opts.command === "deploy" ? await deploy(s) : await rollback(s);
    report.budget = s.budget();
    report.notes.push(...s.notes);
    report.totalMs = s.elapsed();
    if (opts.json) ctx.out(JSON.stringify(report, null, 2));
    else ctx.out(renderSummary(report).join("\n"));
    return report.exitCode;
  } finally {
    s.cleanup();
  }
}

async function list(s: Session, ctx: DeployContext): Promise<number> {
  const history = await readHistory(s.repoStack, false);
  const verified = verifiedVersions(await readTags(s.repoStack));
  if (s.opts.json) {
    ctx.out(JSON.stringify(history.map((d) => ({
      version: d.version, kind: d.kind, result: d.result, startTime: d.startTime, message: d.message, verified: verified.includes(d.version),
    })), null, 2));
  } else {
    ctx.out(historyLines(history, verified).join("\n"));
  }
  return 0;
}

async function deploy(s: Session): Promise<DeployReport> {
  const run = emptyRun();
  let result: RolloutResult | undefined;
  const main = await runPlan(deployPlan({ rollback: s.opts.rollback }), {
    preview: () => s.preview(run),
    update: async () => {
      const r = await s.update(s.repoStack, run, "minidock deploy");
      result = r.result;
      return r.outcome;
    },
    verify: () => s.verify(s.repoStack, run),
    record: () => s.record(s.repoStack, run, result!.startedAt),
  }, s.hooks());
  run.phases = main.records;
  const report: DeployReport = { command: "deploy", stack: s.opts.stack, outcome: outcomeOf(main), exitCode: 1, run, budget: [], notes: [], totalMs: 0 };
  if (main.failed?.onFailure === "rollback") {
    if (/currently locked|locked by/i.test(run.error ?? "")) {
      report.notes.push("the stack is locked by another update, so nothing was changed and nothing is rolled back");
    } else {
      const { choice } = await s.chooseTarget();
      if (!choice.ok) {
        s.say("rollback", `not possible: ${choice.reason}`);
        report.notes.push(`no automatic rollback: ${choice.reason}`);
      } else {
        s.say("rollback", `returning to version ${choice.target.version}, the last verified deployment`);
        const rb = await rollbackTo(s, choice.target, choice.verified);
        report.rollback = rb.info;
        report.outcome = outcomeOf(main, rb.run);
        if (!rb.run.failed || rb.run.failed.phase === "record") report.notes.push(fileNote(s, rb.info));
      }
    }
  } else if (main.failed && main.failed.phase !== "preview" && main.failed.phase !== "record") {
    report.notes.push("--no-rollback: the stack is left as the failed update left it");
  }
  report.exitCode = exitCodeOf(report.outcome);
  return report;
}

async function rollback(s: Session): Promise<DeployReport> {
  const { choice, secretsShown } = await s.chooseTarget(s.opts.to);
  if (!choice.ok) {
    if (s.opts.to !== undefined) throw new UsageError(`--to ${s.opts.to}: ${choice.reason}`);
    s.say("rollback", choice.reason);
    return { command: "rollback", stack: s.opts.stack, outcome: "failed", exitCode: 1, run: emptyRun(), budget: [], notes: [choice.reason], totalMs: 0 };
  }
  if (!choice.verified) s.notes.push(`version ${choice.target.version} is a successful update that npm run deploy did not verify`);
  if (!secretsShown) s.notes.push("the history's secrets could not be decrypted: secrets keep their current values");
  s.say("rollback", `returning to version ${choice.target.version}${choice.verified ? ", a verified deployment" : ""}`);
  const rb = await rollbackTo(s, choice.target, choice.verified);
  const outcome = !rb.run.failed ? "deployed" : rb.run.failed.phase === "record" ? "unrecorded" : "failed";
  const notes = !rb.run.failed || rb.run.failed.phase === "record" ? [fileNote(s, rb.info)] : [];
  return { command: "rollback", stack: s.opts.stack, outcome, exitCode: exitCodeOf(outcome), run: rb.info.run, rollback: rb.info, budget: [], notes, totalMs: 0 };
}
