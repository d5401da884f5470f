import * as path from "path";
import { colimaMemoryGiB } from "../../lib/colima";
import { HOST_VERSIONS } from "../../lib/hostVersions";
import { CheckResult, result } from "./checks";

/**
 * The judgement of every check, from recorded command output only: no I/O, so each outcome is tested with the
 * output the real tool prints (tests/tools/doctor/evaluate.test.ts). gather.ts collects the output.
 */

/** What the stack declares for a host, as the checks need it. */
export interface DeclaredHost {
  name: string;
  user: string;
  address: string;
  port: number;
  cpus: number;
  memoryMb: number;
  diskGb: number;
  profile: string;
  autostart: "launchagent" | "launchdaemon" | "none";
  tailscale: { enabled: boolean; hostTag: string };
  /** monitoring.thresholds.diskPercent: DiskUsageHigh fires above it, so the doctor warns at the same figure. */
  diskPercent: number;
}

/** One command's output as the probe recorded it (stdout and stderr together) and its exit code. */
export interface Section {
  rc: number;
  out: string;
}

const GiB = 1024 ** 3;
const KiB = 1024;
const gib = (bytes: number) => (bytes / GiB).toFixed(1);
const firstLine = (s: string) => s.trim().split("\n")[0] ?? "";
const oneLine = (s: string, max = 200) => {
  const t = s.trim().replace(/\s*\n\s*/g, " / ");
  return t.length > max ? `${t.slice(0, max)}...` : t;
};
const notFound = (s: Section) => s.rc === 127 || /command not found|not found: /.test(s.out);

// ---------------------------------------------------------------------------------------------- SSH path

/** `ssh -G` output: one `keyword value` per line, keywords lower-case, as ssh_config(5) resolves them. */
export function parseSshG(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (m && !(m[1] in out)) out[m[1]] = m[2];
  }
  return out;
}

/** macOS's sun_path is 104 bytes (Linux 108): a longer ControlPath cannot be a socket, so ssh runs unmultiplexed. */
export const UNIX_SOCKET_PATH_MAX = 104;

const multiplexed = (g: Record<string, string>) =>
  !["no", "false"].includes(g.controlmaster ?? "false") && (g.controlpath ?? "none") !== "none";

/**
 * ControlMaster/ControlPersist, as `ssh -G` resolves them. `provider`: with the docker provider's own options
 * (lib/ssh.ts), so a ControlPath that cannot be a socket shows; `plain`: the user's own config for the host, which
 * is what `DOCKER_HOST=ssh://...` docker commands and the runbook's ssh commands get.
 */
export function evaluateSshConfig(input: { provider: Record<string, string>; plain: Record<string, string>; controlDirExists: boolean }): CheckResult {
  const p = input.provider;
  const persist = p.controlpersist ?? "no";
  if (!multiplexed(p) || persist === "no") {
    return result("ssh-config", "fail", `the provider's ssh options resolve to ControlMaster ${p.controlmaster ?? "unset"}, ControlPersist ${persist}: every provider call opens its own connection (sshd MaxStartups, intermittent exit 255)`,
      "check lib/ssh.ts dockerSshOpts and any Match block in ~/.ssh/config that could override it");
  }
  const cp = p.controlpath ?? "";
  if (Buffer.byteLength(cp) >= UNIX_SOCKET_PATH_MAX) {
    return result("ssh-config", "warn", `ControlPath ${cp} is ${Buffer.byteLength(cp)} bytes; a unix socket path holds fewer than ${UNIX_SOCKET_PATH_MAX} on macOS, so ssh runs without multiplexing`,
      "give the host a shorter name under minidock:hosts (the ControlPath is ~/.ssh/minidock-<host>-%C)");
  }
  if (!input.controlDirExists) {
    return result("ssh-config", "warn", `the ControlPath directory ${path.dirname(cp)} does not exist, so ssh cannot create the shared connection`,
      `mkdir -m 700 ${path.dirname(cp)}`);
  }
  const plain = input.plain;
  const base = `provider: ControlMaster ${p.controlmaster}, ControlPersist ${persist} s`;
  if (!multiplexed(plain) || (plain.controlpersist ?? "no") === "no") {
    return result("ssh-config", "warn",
      `${base}; but your own ssh config has ControlMaster ${plain.controlmaster ?? "unset"}, ControlPersist ${plain.controlpersist ?? "unset"} for ${plain.hostname ?? "the host"}, so DOCKER_HOST=ssh:// docker commands open a connection each`,
      `add to ~/.ssh/config: Host ${plain.hostname ?? "<mini>"} / ControlMaster auto / ControlPath ~/.ssh/cm-%C / ControlPersist 10m`);
  }
  return result("ssh-config", "ok", `${base}; your ssh config: ControlMaster ${plain.controlmaster}, ControlPersist ${plain.controlpersist}`);
}

/** The name known_hosts holds the key under: HostKeyAlias or HostName, with [ ]:port off port 22 (sshd(8)). */
export function knownHostsName(g: Record<string, string>): string {
  const name = g.hostkeyalias && g.hostkeyalias !== "none" ? g.hostkeyalias : g.hostname;
  const port = Number(g.port ?? 22);
  return port === 22 ? name : `[${name}]:${port}`;
}

/** known_hosts files `ssh -G` names, in its order (UserKnownHostsFile, then GlobalKnownHostsFile). */
export function knownHostsFiles(g: Record<string, string>): string[] {
  return [g.userknownhostsfile, g.globalknownhostsfile].filter((s): s is string => !!s && s !== "none").flatMap((s) => s.split(/\s+/));
}

/**
 * The provider checks host keys strictly (StrictHostKeyChecking=yes): a host missing from every known_hosts file
 * fails its first connection. `lookups`: `ssh-keygen -F NAME -f FILE` for each file that exists (hashed entries too).
 */
export function evaluateKnownHosts(input: { name: string; address: string; port: number; lookups: { file: string; found: boolean }[]; keygenMissing?: boolean }): CheckResult {
  if (input.keygenMissing) {
    return result("known-hosts", "warn", "ssh-keygen is not installed here, so known_hosts could not be searched", "install OpenSSH's client tools (ssh-keygen)");
  }
  const hit = input.lookups.find((l) => l.found);
  if (hit) return result("known-hosts", "ok", `${input.name} is in ${hit.file}`);
  const searched = input.lookups.map((l) => l.file).join(", ") || "no known_hosts file exists";
  const port = input.port === 22 ? "" : ` -p ${input.port}`;
  return result("known-hosts", "fail", `${input.name} is in no known_hosts file (searched: ${searched}); the provider checks host keys strictly, so it fails with "Host key verification failed"`,
    `ssh-keyscan -t ed25519${port} ${input.address} >> ~/.ssh/known_hosts, after comparing the fingerprint with the mini's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the mini)`);
}

/** What the daemon said over dial-stdio (or the error), and, after a failure, the login shell's view of docker. */
export interface DialOutcome {
  ok: boolean;
  /** docker version's Server.Version and ApiVersion when it answered. */
  version?: string;
  apiVersion?: string;
  error?: string;
  /** After a failure: `shell=`, `path=`, `docker=`, `docker_host=` lines from the same non-interactive ssh session. */
  diagnosis?: Section;
}

function parseDiagnosis(s: Section | undefined): Record<string, string> | undefined {
  if (!s || s.rc !== 0) return undefined;
  const out: Record<string, string> = {};
  for (const line of s.out.split("\n")) {
    const m = /^(shell|path|docker|docker_host)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * `ssh <provider options> HOST docker system dial-stdio`, as the docker provider connects. A failure is sorted by
 * what ssh or the remote shell said; "docker: command not found" is the Homebrew PATH problem (sshd starts a
 * non-interactive session with PATH=/usr/bin:/bin:/usr/sbin:/sbin, and zsh reads only ~/.zshenv, docker/cli#3045).
 */
export function evaluateDial(d: DialOutcome, host: DeclaredHost): CheckResult {
  const target = `${host.user}@${host.address}`;
  if (d.ok) return result("dial-stdio", "ok", `docker ${d.version ?? "?"} (API ${d.apiVersion ?? "?"}) answered through ssh ${target} docker system dial-stdio`);
  const err = d.error ?? "no answer";
  const said = oneLine(err);
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/.test(err)) {
    return result("dial-stdio", "fail", `ssh refused the mini's host key: ${said}`, "add the mini to known_hosts (see the known-hosts check); a CHANGED key means a reinstalled mini or someone in between: compare fingerprints before replacing it",
      "docs/setup.md#3-ssh-key-and-known_hosts-workstation");
  }
  if (/Permission denied/.test(err)) {
    return result("dial-stdio", "fail", `ssh could not log in as ${host.user}: ${said}`, `load the key into your agent (ssh-add ~/.ssh/minidock; ssh-add -l lists it) and check it is in ~${host.user}/.ssh/authorized_keys on the mini`,
      "docs/setup.md#3-ssh-key-and-known_hosts-workstation");
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/.test(err)) {
    return result("dial-stdio", "fail", `${host.address} does not resolve: ${said}`, "is Tailscale up on this machine (tailscale status) and is MagicDNS on? Is the host's ssh address spelled as the admin console shows it?",
      "docs/setup.md#4-tailscale-mini");
  }
  if (/Connection refused/.test(err)) {
    return result("dial-stdio", "fail", `nothing listens on port ${host.port} of ${host.address}: ${said}`, `turn on Remote Login on the mini (sudo systemsetup -setremotelogin on), or fix hosts.${host.name}.sshPort`,
      "docs/setup.md#2-remote-login-mini");
  }
  if (/timed out|No route to host|Network is unreachable|Connection closed by|Connection reset/.test(err)) {
    return result("dial-stdio", "fail", `${host.address} does not answer: ${said}`, "is the mini on and awake, and are both machines on the tailnet (tailscale ping <mini>)?",
      "docs/setup.md#4-tailscale-mini");
  }
  const diag = parseDiagnosis(d.diagnosis);
  if (/command not found|not found: docker|exit 127\b/.test(err) || (diag !== undefined && diag.docker === "")) {
    const shell = diag?.shell ?? "unknown";
    const seen = diag ? ` The session's shell is ${shell}, its PATH ${diag.path ?? "?"}, and docker ${diag.docker ? `is ${diag.docker}` : "is not on it"}.` : "";
    const fix = diag && !/\/zsh$/.test(shell)
      ? `the login shell is ${shell}, which does not read ~/.zshenv: chsh -s /bin/zsh on the mini (or PATH in ~/.ssh/environment with PermitUserEnvironment), then pulumi up`
      : "run pulumi up (its docker step writes Homebrew's PATH into ~/.zshenv), or check that ~/.zshenv on the mini holds the minidock block";
    return result("dial-stdio", "fail", `docker is not on the PATH of a non-interactive ssh session (the Homebrew PATH problem): ${said}.${seen}`, fix);
  }
  if (/Cannot connect to the Docker daemon|docker\.sock/.test(err)) {
    const where = diag?.docker_host ? ` (DOCKER_HOST=${diag.docker_host})` : "";
    return result("dial-stdio", "fail", `docker runs on the mini but reaches no daemon${where}: ${said}`, `on the mini: colima status -p ${host.profile}; colima start -p ${host.profile}; then pulumi up rewrites DOCKER_HOST`,
      "docs/troubleshooting.md#the-colima-vm-is-broken-or-stopped");
  }
  return result("dial-stdio", "fail", `no Docker API answer over ssh ${target}: ${said}`, `try it by hand: ssh ${target} docker system dial-stdio (it waits for input when it works; Ctrl-C)`);
}

/** A daemon reached another way (the local stack's unix socket): did it answer? */
export function evaluateDaemon(d: DialOutcome, dockerHost: string): CheckResult {
  if (d.ok) return result("daemon", "ok", `docker ${d.version ?? "?"} (API ${d.apiVersion ?? "?"}) answered at ${dockerHost}`);
  return result("daemon", "fail", `no Docker daemon answered at ${dockerHost}: ${oneLine(d.error ?? "no answer")}`,
    dockerHost.startsWith("unix://") ? `start the daemon, or fix the host's dockerHost (ls -l ${dockerHost.slice("unix://".length)})` : "start the daemon, or fix the host's dockerHost");
}

/** docker info's NCPU and MemTotal: the capacity the daemon actually has. */
export interface DaemonInfo {
  NCPU?: number;
  MemTotal?: number;
}

/**
 * The daemon's CPUs and memory against the host's declared cpus and memoryMb: what the budget counts on. The
 * kernel keeps some memory for itself, so MemTotal reads a little under the VM's size; below 90% of memoryMb is a
 * warning. vm-resources reads the VM's own size from Colima; this check also covers a daemon with no Colima.
 */
export function evaluateCapacity(info: DaemonInfo | undefined, host: Pick<DeclaredHost, "cpus" | "memoryMb">, error?: string): CheckResult {
  if (!info) return result("daemon-capacity", "skip", `the daemon did not answer${error ? ` (${oneLine(error, 80)})` : ""}: see the check above`);
  const mem = info.MemTotal ?? 0;
  const cpus = info.NCPU ?? 0;
  const problems: string[] = [];
  if (cpus < host.cpus) problems.push(`${cpus} CPUs, fewer than the declared ${host.cpus}`);
  if (mem < host.memoryMb * 1024 * 1024 * 0.9) problems.push(`${Math.round(mem / 1024 / 1024)} MiB of memory, under 90% of the declared memoryMb ${host.memoryMb}`);
  const detail = `the daemon has ${cpus} CPUs and ${Math.round(mem / 1024 / 1024)} MiB (declared: cpus ${host.cpus}, memoryMb ${host.memoryMb})`;
  if (problems.length === 0) return result("daemon-capacity", "ok", detail);
  return result("daemon-capacity", "warn", `the daemon has ${problems.join(" and ")}: the budget counts on capacity it does not have`,
    "run pulumi up so the VM gets the declared size (it restarts the VM), or lower the host's cpus/memoryMb to what it has");
}

// ---------------------------------------------------------------------------------------------- the Mac

/** The first x.y.z in a version line: `colima version 0.9.1`, `limactl version 1.0.3`, a `v` prefix or a suffix. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** `colima version` / `limactl --version` against lib/hostVersions.ts. */
export function evaluateVersion(tool: "colima" | "lima", s: Section | undefined): CheckResult {
  const id = tool === "colima" ? "colima-version" : "lima-version";
  const cmd = tool === "colima" ? "colima version" : "limactl --version";
  const min = HOST_VERSIONS[tool];
  const upgrade = tool === "colima" ? "brew upgrade colima (on the mini; the VM restarts at its next start)" : "brew upgrade lima (on the mini; Colima's dependency)";
  if (!s) return result(id, "fail", `${cmd} was not run (the probe did not reach it)`, "see the dial-stdio check");
  if (notFound(s)) return result(id, "fail", `${tool === "colima" ? "colima" : "limactl"} is not installed on the mini (or not in Homebrew's bin)`, "pulumi up installs it (brew install colima brings lima)");
  const v = parseVersion(firstLine(s.out));
  if (s.rc !== 0 || !v) return result(id, "warn", `${cmd} said (exit ${s.rc}): ${oneLine(s.out, 120)}`, `run ${cmd} on the mini`);
  const found = v.join(".");
  if (compareVersions(v, parseVersion(min) as [number, number, number]) < 0) {
    return result(id, "warn", `${tool} ${found} is older than ${min}, the oldest minidock's docs and scripts assume`, upgrade);
  }
  return result(id, "ok", `${tool} ${found} (${min} or later)`);
}

interface ColimaInstance {
  name?: string;
  status?: string;
  cpus?: number;
  memory?: number;
  disk?: number;
  dir?: string;
}

/** `colima list --json`: one JSON object per profile and line (Colima's InstanceInfo: memory and disk in bytes). */
export function parseColimaList(text: string): ColimaInstance[] {
  return text.split("\n").filter((l) => l.trim().startsWith("{")).map((l) => {
    try {
      return JSON.parse(l) as ColimaInstance;
    } catch {
      return {};
    }
  });
}

/**
 * The VM against the host's declared size. Less memory or fewer CPUs than declared fail (the budget counts on
 * them); more, or a different disk, warn (pulumi up converges it, with a VM restart).
 */
export function evaluateVm(s: Section | undefined, host: DeclaredHost): CheckResult {
  const broken = "docs/troubleshooting.md#the-colima-vm-is-broken-or-stopped";
  if (!s || notFound(s) || s.rc !== 0) {
    return result("vm-resources", "fail", `colima list --json failed${s ? ` (exit ${s.rc}): ${oneLine(s.out, 120)}` : ""}`, "see the colima-version check", broken);
  }
  const vm = parseColimaList(s.out).find((i) => i.name === host.profile);
  if (!vm) {
    return result("vm-resources", "fail", `Colima has no profile ${host.profile}`, "pulumi up creates and starts it", "docs/setup.md#8-pulumi-up-workstation-needs-the-mini");
  }
  if (vm.status !== "Running") {
    return result("vm-resources", "fail", `the VM of profile ${host.profile} is ${vm.status ?? "in an unknown state"}`,
      vm.status === "Broken" ? `on the mini: colima stop --force -p ${host.profile} && colima start -p ${host.profile}` : `on the mini: colima start -p ${host.profile}`, broken);
  }
  const wantMem = colimaMemoryGiB(host.memoryMb);
  const mem = (vm.memory ?? 0) / GiB;
  const disk = (vm.disk ?? 0) / GiB;
  const cpus = vm.cpus ?? 0;
  const figures = `${cpus} CPUs, ${gib(vm.memory ?? 0)} GiB memory, ${gib(vm.disk ?? 0)} GiB disk (declared: ${host.cpus}, ${wantMem}, ${host.diskGb})`;
  const converge = "run pulumi up: it rewrites the profile and restarts the VM (downtime)";
  if (cpus < host.cpus || mem + 0.05 < wantMem) {
    return result("vm-resources", "fail", `the VM is smaller than declared: ${figures}`, converge, "docs/setup.md#8-pulumi-up-workstation-needs-the-mini");
  }
  if (cpus !== host.cpus || Math.abs(mem - wantMem) > 0.05 || Math.abs(disk - host.diskGb) > 0.5) {
    return result("vm-resources", "warn", `the VM differs from the declared size: ${figures}`, converge, "docs/setup.md#8-pulumi-up-workstation-needs-the-mini");
  }
  return result("vm-resources", "ok", `Running: ${figures}`);
}

/** Seconds of drift beyond which the VM's clock is a warning and a failure (TLS, token expiry, backup schedule). */
export const CLOCK_LIMITS = { warn: 2, fail: 30 };

/**
 * The VM's `date +%s` read between two readings of the Mac's: drift is how far it lies outside that interval, so
 * the time ssh and `colima ssh` take is never counted as drift. A VM that slept with the Mac drifts this way.
 */
export function evaluateClock(before: Section | undefined, vm: Section | undefined, after: Section | undefined): CheckResult {
  const num = (s: Section | undefined) => (s && s.rc === 0 && /^\d+$/.test(s.out.trim()) ? Number(s.out.trim()) : undefined);
  const [a, v, b] = [num(before), num(vm), num(after)];
  if (a === undefined || b === undefined) return result("clock", "warn", "the Mac's date +%s gave no number", "run date +%s on the mini");
  if (v === undefined) {
    return result("clock", "fail", `the VM did not answer colima ssh -- date +%s${vm ? ` (exit ${vm.rc}): ${oneLine(vm.out, 120)}` : ""}`, "see the vm-resources check: is the VM running?");
  }
  const drift = v < a ? a - v : v > b ? v - b : 0;
  const ahead = v > b ? "ahead of" : "behind";
  const detail = drift === 0 ? `the VM's clock agrees with the Mac's (within the ${b - a} s the reading took)` : `the VM's clock is ${drift} s ${ahead} the Mac's`;
  const fix = "restart the VM's time sync: colima ssh -- sudo systemctl restart systemd-timesyncd (on the mini), or restart the VM; check the Mac's own clock (System Settings > General > Date & Time)";
  if (drift >= CLOCK_LIMITS.fail) return result("clock", "fail", detail, fix);
  if (drift > CLOCK_LIMITS.warn) return result("clock", "warn", detail, fix);
  return result("clock", "ok", detail);
}

/** POSIX `df -Pk DIR`: the last line's size, used and available KiB and mount point (names may hold spaces). */
export function parseDf(text: string): { sizeKb: number; usedKb: number; availKb: number; mount: string } | undefined {
  const lines = text.trim().split("\n").filter((l) => /\d+%/.test(l));
  const m = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(.*)$/.exec(lines[lines.length - 1] ?? "");
  return m ? { sizeKb: Number(m[2]), usedKb: Number(m[3]), availKb: Number(m[4]), mount: m[6] } : undefined;
}

/** Free space below which a disk fails whatever its size: no room left for an image pull or a day of logs. */
const MIN_FREE_KB = 2 * 1024 * 1024;

/** The VM's disk where the daemon keeps images, containers and volumes, against DiskUsageHigh's threshold. */
export function evaluateVmDisk(s: Section | undefined, host: DeclaredHost): CheckResult {
  const df = s && s.rc === 0 ? parseDf(s.out) : undefined;
  if (!df) return result("vm-disk", "fail", `df in the VM failed${s ? ` (exit ${s.rc}): ${oneLine(s.out, 120)}` : ""}`, "see the vm-resources check: is the VM running?");
  const used = Math.round((df.usedKb / df.sizeKb) * 100);
  const detail = `${used}% used, ${gib(df.availKb * KiB)} GiB free of ${gib(df.sizeKb * KiB)} GiB on ${df.mount} in the VM`;
  const fix = `on the mini: docker system df -v, docker image prune -a, colima ssh -- sudo fstrim -a; or raise hosts.${host.name}.diskGb (a Colima disk can only grow)`;
  if (df.availKb < MIN_FREE_KB || used >= 95) return result("vm-disk", "fail", detail, fix);
  if (used > host.diskPercent) return result("vm-disk", "warn", `${detail}: above monitoring.thresholds.diskPercent (${host.diskPercent}%)`, fix);
  return result("vm-disk", "ok", detail);
}

/**
 * The Mac's free space where Colima keeps the VM's disk. That disk is a sparse file: it takes space on the Mac as
 * the VM writes, up to diskGb, so the Mac must have room for what the VM has not used yet.
 */
export function evaluateMacDisk(mac: Section | undefined, vm: Section | undefined, host: DeclaredHost): CheckResult {
  const df = mac && mac.rc === 0 ? parseDf(mac.out) : undefined;
  if (!df) return result("mac-disk", "warn", `df on the Mac failed${mac ? ` (exit ${mac.rc}): ${oneLine(mac.out, 120)}` : ""}`, "run df -h ~/.colima on the mini");
  const vmDf = vm && vm.rc === 0 ? parseDf(vm.out) : undefined;
  const vmUsedKb = vmDf?.usedKb ?? 0;
  const growKb = Math.max(0, host.diskGb * 1024 * 1024 - vmUsedKb);
  const detail = `${gib(df.availKb * KiB)} GiB free on the Mac (${df.mount}); the VM's disk may still grow by ${gib(growKb * KiB)} GiB to its ${host.diskGb} GiB`;
  const fix = "free space on the Mac (About This Mac > Storage), or lower diskGb on a new VM; a full Mac disk stops the VM's writes";
  if (df.availKb < MIN_FREE_KB) return result("mac-disk", "fail", detail, fix);
  if (df.availKb < growKb) return result("mac-disk", "warn", `${detail}: more than the Mac has free`, fix);
  return result("mac-disk", "ok", detail);
}

/** getent in the VM: the resolver the daemon pulls images with. */
export function evaluateDns(s: Section | undefined, name: string): CheckResult {
  if (s && s.rc === 0 && /\d+\.\d+\.\d+\.\d+|[0-9a-f]*:[0-9a-f:]+/i.test(s.out)) {
    return result("vm-dns", "ok", `the VM resolves ${name} (${oneLine(s.out, 80).split(/\s+/)[0]})`);
  }
  return result("vm-dns", "fail", `the VM cannot resolve ${name}${s ? ` (getent exit ${s.rc}${s.out.trim() ? `: ${oneLine(s.out, 120)}` : ""})` : ""}, so image pulls fail`,
    "on the mini: colima ssh -- cat /etc/resolv.conf; colima restart (Colima rewrites the VM's resolver); check the Mac's own DNS and that Tailscale's DNS settings answer");
}

/**
 * minidock's launchd job (scripts/colima/autostart.sh) from `launchctl print`: exit 0 means launchd has it loaded;
 * "Could not find service" (exit 113) means it is not, so a reboot leaves the VM down. For a LaunchAgent, `session`
 * is `launchctl print gui/<uid>` (the test autostart.sh uses): without a login session no agent can load.
 */
export function evaluateLaunchd(job: Section | undefined, session: Section | undefined, host: DeclaredHost): CheckResult {
  const label = `dev.minidock.colima.${host.profile}`;
  if (host.autostart === "none") return result("launchagent", "skip", `hosts.${host.name}.colima.autostart is none: nothing starts Colima after a reboot, by choice`);
  const agent = host.autostart === "launchagent";
  const domain = agent ? "gui/$(id -u)" : "system";
  if (!job) return result("launchagent", "fail", `launchctl print ${domain}/${label} was not run`, "see the dial-stdio check");
  if (notFound(job)) return result("launchagent", "fail", "launchctl is not on the mini's PATH: is this host a Mac?", "check the host's ssh address");
  if (job.rc !== 0) {
    const kind = agent ? "LaunchAgent" : "LaunchDaemon";
    if (agent && session && session.rc !== 0) {
      return result("launchagent", "fail", `the LaunchAgent ${label} cannot load: ${host.user} has no login session (launchctl print gui/<uid> exit ${session.rc}), so Colima does not come back after a reboot`,
        "enable auto-login for the user (System Settings > Users & Groups; FileVault must be off) and log in once");
    }
    return result("launchagent", "fail", `the ${kind} ${label} is not loaded (launchctl print exit ${job.rc}: ${oneLine(job.out, 120)}), so a reboot leaves the VM down`,
      `run pulumi up (its autostart step loads it); if that fails: launchctl bootout ${domain}/${label} on the mini, then pulumi up`);
  }
  const state = /^\s*state = (\S+)/m.exec(job.out)?.[1];
  const pid = /^\s*pid = (\d+)/m.exec(job.out)?.[1];
  return result("launchagent", "ok", `${label} is loaded${state ? ` (state ${state}${pid ? `, pid ${pid}` : ""})` : ""}`);
}

interface TailscaleStatus {
  BackendState?: string;
  Self?: { DNSName?: string; HostName?: string; Online?: boolean; Tags?: string[] };
}

/** `tailscale status --json` on the mini (ipnstate.Status): the node is up and carries the host tag. */
export function evaluateTailscale(s: Section | undefined, host: DeclaredHost): CheckResult {
  const ts = host.tailscale;
  if (!s) return result("tailscale", "fail", "tailscale status was not run", "see the dial-stdio check");
  if (notFound(s)) {
    return ts.enabled
      ? result("tailscale", "fail", "the Tailscale CLI is not on the mini (neither on PATH nor in /Applications/Tailscale.app)", "install Tailscale on the mini and log in", "docs/setup.md#4-tailscale-mini")
      : result("tailscale", "skip", "tailscale.enabled is false and the mini has no Tailscale CLI");
  }
  let st: TailscaleStatus | undefined;
  try {
    st = JSON.parse(s.out.slice(s.out.indexOf("{"))) as TailscaleStatus;
  } catch {
    st = undefined;
  }
  if (!st || !st.BackendState) {
    return result("tailscale", "fail", `tailscale status --json gave no status (exit ${s.rc}): ${oneLine(s.out, 120)}`, "open the Tailscale app on the mini, or run tailscale up", "docs/setup.md#4-tailscale-mini");
  }
  const name = (st.Self?.DNSName ?? st.Self?.HostName ?? "the mini").replace(/\.$/, "");
  if (st.BackendState !== "Running") {
    return result("tailscale", "fail", `Tailscale on ${name} is ${st.BackendState}, not Running`,
      st.BackendState === "NeedsLogin" ? "log the mini in: tailscale up (or the app's Log in)" : "start it: tailscale up, or open the Tailscale app on the mini", "docs/setup.md#4-tailscale-mini");
  }
  const tags = st.Self?.Tags ?? [];
  if (!ts.enabled) return result("tailscale", "ok", `Tailscale is Running on ${name} (tailscale.enabled is false, so no tag is required)`);
  if (!tags.includes(ts.hostTag)) {
    return result("tailscale", "fail", `${name} does not carry ${ts.hostTag} (its tags: ${tags.join(", ") || "none"}); the policy grants name the tag, so SSH to it stops once the policy applies`,
      `tag it: pulumi up (tagHosts), or the admin console: Machines, ${name}, Edit ACL tags, ${ts.hostTag}`);
  }
  return result("tailscale", "ok", `Tailscale is Running on ${name}, tagged ${ts.hostTag}${st.Self?.Online === false ? " (the control plane sees it offline)" : ""}`);
}
