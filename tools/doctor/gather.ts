import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import Docker from "dockerode";
import { parseSshTarget } from "../../lib/colima";
import { ResolvedHost, StackConfig } from "../../lib/config/resolved";
import { SshDialAgent, sshDialArgs } from "../deploy/docker";
import { CHECK_IDS, CheckId, CheckResult, HostReport, result, verdictOf } from "./checks";
import {
  DaemonInfo, DeclaredHost, DialOutcome, Section, evaluateCapacity, evaluateClock, evaluateDaemon, evaluateDial, evaluateDns,
  evaluateKnownHosts, evaluateLaunchd, evaluateMacDisk, evaluateSshConfig, evaluateTailscale, evaluateVersion, evaluateVm,
  evaluateVmDisk, knownHostsFiles, knownHostsName, parseSshG,
} from "./evaluate";
import { DIAGNOSIS_COMMAND, DNS_PROBE_NAME, parseSections, probeCommand, probeText } from "./probe";

/**
 * The doctor's I/O: `ssh -G`, `ssh-keygen -F`, the Docker API through the provider's SSH path (tools/deploy/docker.ts:
 * OpenSSH running `docker system dial-stdio` with lib/ssh.ts's options) and one SSH session running the probe.
 * Everything it reads goes to evaluate.ts; the commands are found on ctx.env's PATH, which is how the tests put
 * stub binaries in front.
 */
export interface DoctorContext {
  env: NodeJS.ProcessEnv;
  /** Per command; the probe as a whole gets PROBE_TIMEOUT_MS. */
  timeoutMs: number;
}

export const PROBE_TIMEOUT_MS = 180_000;

export function defaultContext(): DoctorContext {
  return { env: process.env, timeoutMs: 30_000 };
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command's exit code and output; a missing command is exit 127, as a shell reports it; a timeout kills it. */
export function run(ctx: DoctorContext, cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: ctx.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      stderr += `\n${cmd}: timed out after ${(opts.timeoutMs ?? ctx.timeoutMs) / 1000} s`;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? ctx.timeoutMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.on("error", () => undefined);
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: e.code === "ENOENT" ? 127 : 126, stdout, stderr: `${cmd}: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 124 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** The first executable `name` on ctx.env's PATH: SshDialAgent spawns ssh with the process's own environment. */
export function which(ctx: DoctorContext, name: string): string | undefined {
  for (const dir of (ctx.env.PATH ?? "").split(":").filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function declaredHost(host: ResolvedHost, stack: StackConfig): DeclaredHost {
  const { user, host: address } = parseSshTarget(host.ssh ?? "@");
  return {
    name: host.name,
    user,
    address,
    port: host.sshPort,
    cpus: host.cpus,
    memoryMb: host.memoryMb,
    diskGb: host.diskGb,
    profile: host.colima?.profile ?? "default",
    autostart: host.colima?.autostart ?? "launchagent",
    tailscale: { enabled: stack.tailscale.enabled, hostTag: stack.tailscale.hostTag },
    diskPercent: stack.monitoring.thresholds.diskPercent,
  };
}

/**
 * version and info from a Docker client; the error text when it did not answer. The deadline is ours: the SSH
 * agent's sockets are processes that ignore socket timeouts (tools/deploy/docker.ts), so on expiry the agent is
 * destroyed, which kills its ssh processes.
 */
async function askDaemon(docker: Docker, timeoutMs: number, agent?: http.Agent): Promise<{ dial: DialOutcome; info?: DaemonInfo }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      agent?.destroy();
      reject(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    const v = await Promise.race([docker.version(), deadline]);
    const info = (await Promise.race([docker.info(), deadline])) as DaemonInfo;
    return { dial: { ok: true, version: v.Version, apiVersion: v.ApiVersion }, info };
  } catch (e) {
    return { dial: { ok: false, error: (e as Error).message } };
  } finally {
    clearTimeout(timer);
  }
}

function skipAll(ids: CheckId[], reason: string): CheckResult[] {
  return ids.map((id) => result(id, "skip", reason));
}

const MAC_CHECKS: CheckId[] = ["colima-version", "lima-version", "vm-resources", "clock", "vm-disk", "mac-disk", "vm-dns", "launchagent", "tailscale"];

/** A host reached over SSH: the SSH path, the daemon through it, then the Mac and its VM through the probe. */
async function sshHost(ctx: DoctorContext, host: ResolvedHost, declared: DeclaredHost): Promise<CheckResult[]> {
  const dialArgs = sshDialArgs({ name: host.name, dockerHost: host.dockerHost }) as string[];
  const base = dialArgs.slice(0, -3); // the provider's options and the target, without `docker system dial-stdio`
  const checks: CheckResult[] = [];

  const [providerG, plainG] = await Promise.all([
    run(ctx, "ssh", ["-G", ...base]),
    run(ctx, "ssh", ["-G", ...(declared.port === 22 ? [] : ["-p", String(declared.port)]), "-l", declared.user, "--", declared.address]),
  ]);
  if (providerG.code !== 0) {
    const why = providerG.code === 127 ? "ssh (OpenSSH's client) is not installed here" : `ssh -G failed (exit ${providerG.code}): ${providerG.stderr.trim()}`;
    return [result("ssh-config", "fail", why, "install OpenSSH's client; the docker provider runs it"), ...skipAll(CHECK_IDS.filter((id) => id !== "ssh-config"), "not checked: no ssh client")];
  }
  const provider = parseSshG(providerG.stdout);
  const plain = parseSshG(plainG.stdout);
  const controlDir = path.dirname(provider.controlpath ?? "");
  checks.push(evaluateSshConfig({ provider, plain, controlDirExists: fs.existsSync(controlDir) }));

  const khName = knownHostsName(provider);
  const files = knownHostsFiles(provider).filter((f) => fs.existsSync(f));
  const lookups: { file: string; found: boolean }[] = [];
  let keygenMissing = false;
  for (const file of files) {
    const r = await run(ctx, "ssh-keygen", ["-F", khName, "-f", file]);
    if (r.code === 127) keygenMissing = true;
    lookups.push({ file, found: r.code === 0 && r.stdout.trim() !== "" });
  }
  checks.push(evaluateKnownHosts({ name: khName, address: declared.address, port: declared.port, lookups, keygenMissing: keygenMissing && files.length > 0 }));

  const sshPath = which(ctx, "ssh") ?? "ssh";
  const agent = new SshDialAgent(dialArgs, sshPath);
  const docker = new Docker({ protocol: "http", host: "docker", port: 80, agent } as Docker.DockerOptions);
  const { dial, info } = await askDaemon(docker, ctx.timeoutMs, agent);
  // ssh's own failures exit 255 (a remote command's exit code is passed through): nothing more can be read then,
  // and each further session would wait out ConnectTimeout again.
  const sshFailed = !dial.ok && / exit 255\b/.test(dial.error ?? "");
  if (!dial.ok && !sshFailed) {
    const d = await run(ctx, "ssh", [...base, DIAGNOSIS_COMMAND]);
    dial.diagnosis = { rc: d.code, out: d.stdout };
  }
  checks.push(evaluateDial(dial, declared));
  checks.push(result("daemon", "skip", "reached over ssh: the dial-stdio check is this host's daemon check"));
  checks.push(evaluateCapacity(info, declared, dial.error));
  if (sshFailed) return [...checks, ...skipAll(MAC_CHECKS, "not checked: ssh to the mini failed (see dial-stdio)")];

  const probe = await run(ctx, "ssh", [...base, probeCommand(declared)], { input: probeText(), timeoutMs: PROBE_TIMEOUT_MS });
  const s = parseSections(probe.stdout);
  if (Object.keys(s).length === 0) {
    const said = `${probe.stderr}${probe.stdout}`.trim().split("\n").slice(-3).join(" / ");
    return [...checks, ...skipAll(MAC_CHECKS, `not checked: the probe over ssh did not run (exit ${probe.code}${said ? `: ${said}` : ""})`)];
  }
  const get = (name: string): Section | undefined => s[name];
  checks.push(
    evaluateVersion("colima", get("colima-version")),
    evaluateVersion("lima", get("lima-version")),
    evaluateVm(get("colima-list"), declared),
    evaluateClock(get("mac-time-before"), get("vm-time"), get("mac-time-after")),
    evaluateVmDisk(get("vm-df"), declared),
    evaluateMacDisk(get("mac-df"), get("vm-df"), declared),
    evaluateDns(get("vm-dns"), DNS_PROBE_NAME),
    evaluateLaunchd(get("launchd"), get("launchd-session"), declared),
    evaluateTailscale(get("tailscale"), declared),
  );
  return checks;
}

/** A host with a daemon address instead of SSH (the local stack): the daemon checks only. */
async function daemonHost(ctx: DoctorContext, host: ResolvedHost, declared: DeclaredHost): Promise<CheckResult[]> {
  const reason = `host ${host.name} is reached at ${host.dockerHost}, not over SSH: there is no SSH path, Mac or Colima VM to check`;
  let docker: Docker | undefined;
  if (host.dockerHost.startsWith("unix://")) docker = new Docker({ socketPath: host.dockerHost.slice("unix://".length), timeout: ctx.timeoutMs });
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(host.dockerHost);
  if (tcp) docker = new Docker({ protocol: "http", host: tcp[1], port: Number(tcp[2] ?? 2375), timeout: ctx.timeoutMs });
  const { dial, info } = docker ? await askDaemon(docker, ctx.timeoutMs) : { dial: { ok: false, error: `cannot reach ${host.dockerHost} (expected unix:// or tcp://)` } as DialOutcome, info: undefined };
  const checks: CheckResult[] = [evaluateDaemon(dial, host.dockerHost), evaluateCapacity(info, declared, dial.error)];
  const order = new Map(CHECK_IDS.map((id, i) => [id, i]));
  return [...checks, ...skipAll(CHECK_IDS.filter((id) => id !== "daemon" && id !== "daemon-capacity"), reason)]
    .sort((a, b) => (order.get(a.id) as number) - (order.get(b.id) as number));
}

export async function diagnoseHost(ctx: DoctorContext, host: ResolvedHost, stack: StackConfig): Promise<HostReport> {
  const declared = declaredHost(host, stack);
  const checks = host.ssh !== undefined && host.dockerHost.startsWith("ssh://") ? await sshHost(ctx, host, declared) : await daemonHost(ctx, host, declared);
  return { host: host.name, dockerHost: host.dockerHost, verdict: verdictOf(checks), checks };
}
