import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * A pretend mini for scripts/colima/*.sh: STUBS. There is no Mac here, so brew, colima, docker, uname, sw_vers, launchctl,
 * pmset, systemsetup, sudo and the login shell (zsh) are small bash stand-ins placed first on PATH. They record
 * every call to a log and behave as the test's knobs say (e.g. COLIMA_STUB_STATUS=Broken). What is real: the
 * scripts themselves, bash, and the coreutils/sed/awk they use. What this cannot prove: that the real colima,
 * brew and launchctl behave as the stubs do; docs/setup.md lists what only the real mini can show.
 */
export const SCRIPTS = path.resolve(__dirname, "../../../scripts/colima");
const BASH = which("bash");

function which(tool: string): string {
  const r = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  return r.stdout.trim();
}

/** Real tools the scripts use; linked into the stub PATH so nothing else from /usr/bin (e.g. a real docker) leaks in. */
const REAL_TOOLS = [
  "sed", "awk", "grep", "head", "tr", "cut", "cat", "mkdir", "mktemp", "mv", "rm", "dirname", "sleep", "env", "id",
  "tee", "chmod", "cp", "basename", "touch",
];

const STUBS: Record<string, string> = {
  uname: `case "$1" in -s) echo "$(knob UNAME_STUB_S Darwin)";; -m) echo "$(knob UNAME_STUB_M arm64)";; esac`,
  sw_vers: `[ "$1" = -productVersion ] && echo "$(knob SW_VERS_STUB 15.1)"`,
  pmset: `exit 0`,
  // chown: macOS's root:wheel does not exist on Debian; the call is recorded, not made.
  chown: `exit 0`,
  systemsetup: `exit 0`,
  // sudo: knob SUDO_STUB=deny simulates no passwordless sudo (sudo -n fails).
  sudo: `[ "$(knob SUDO_STUB allow)" = allow ] || { echo "sudo: a password is required" >&2; exit 1; }
[ "$1" = -n ] && shift
"$@"`,
  // launchctl: records bootstrap/bootout in a file, so `print` answers like launchd would.
  launchctl: `jobs="$STATE/launchd-jobs"; touch "$jobs"
case "$1" in
  print) [ "$2" = "gui/$(id -u)" ] && { [ "$(knob LAUNCHCTL_STUB_GUI yes)" = yes ]; exit $?; }
         grep -qx "$2" "$jobs";;
  bootstrap) [ "$(knob LAUNCHCTL_STUB_BOOTSTRAP ok)" = ok ] || { echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; }
             label=$(basename "$3" .plist); echo "$2/$label" >> "$jobs";;
  bootout) grep -vx "$2" "$jobs" > "$jobs.new" || true; mv "$jobs.new" "$jobs";;
  kickstart) echo Running > "$STATE/colima-status";;
esac`,
  // zsh: a non-interactive \`zsh -c CMD\` reads ~/.zshenv, then runs CMD. Nothing else is inherited.
  zsh: `[ -f "$HOME/.zshenv" ] && . "$HOME/.zshenv"
[ "$1" = -c ] && eval "$2"`,
  // A login shell that reads no startup file, like bash over non-interactive ssh on macOS.
  "plain-sh": `[ "$1" = -c ] && eval "$2"`,
};

/** Stubs Homebrew installs into $BREW_PREFIX/bin (absent until `brew install` copies them in, when a test says so). */
const BREW_STUBS: Record<string, string> = {
  brew: `[ "$1" = install ] || exit 0
[ "$(knob BREW_STUB_INSTALL ok)" = ok ] || { echo "Error: $2: no bottle available" >&2; exit 1; }
cp "$STATE/available/$2" "$BREW_BIN/$2"`,
  colima: `state=$(cat "$STATE/colima-status" 2>/dev/null || knob COLIMA_STUB_STATUS Missing)
profile=default; prev=""; for a in "$@"; do [ "$prev" = -p ] && profile=$a; prev=$a; done
case "$1" in
  list) sep=""; [ "$(knob COLIMA_STUB_JSON compact)" = compact ] || sep=" "
        [ "$state" = Missing ] || printf '{"name":%s"%s","status":%s"%s","arch":"aarch64"}\\n' "$sep" "$profile" "$sep" "$state";;
  status) [ "$state" = Running ] || { echo "colima is not running" >&2; exit 1; }
          case " $* " in *" --json "*) printf '{"display_name":"colima","docker_socket":"unix://%s/.colima/%s/docker.sock"}\\n' "$HOME" "$profile";; esac;;
  start) n=$(( $(cat "$STATE/starts" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/starts"
         [ "$n" -gt "$(knob COLIMA_STUB_START_HANGS 0)" ] || { echo "waiting for ssh" >&2; exec sleep 30; }
         echo Running > "$STATE/colima-status";;
  stop) case " $* " in *" --force "*) ;; *) [ "$state" != Broken ] || { echo "error stopping: vm is broken" >&2; exit 1; };; esac
        echo Stopped > "$STATE/colima-status";;
esac`,
  // docker runs in a fresh env (env -i), so its knob comes from a file only.
  docker: `[ "$1" = version ] || exit 0
[ -n "\${DOCKER_HOST:-}" ] || { echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2; exit 1; }
[ "$(knob DOCKER_STUB reachable)" = reachable ] || { echo "Cannot connect to the Docker daemon at $DOCKER_HOST" >&2; exit 1; }
echo 27.3.1`,
};

export interface Host {
  dir: string;
  home: string;
  state: string;
  brewBin: string;
  env: Record<string, string>;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Stub calls made during this run, e.g. "colima start -p default". */
  calls: string[];
}

function writeStub(file: string, name: string, body: string, state: string, brewBin: string): void {
  fs.writeFileSync(
    file,
    `#!${BASH}\n# STUB ${name}: stands in for the macOS/Homebrew tool; logs its call, behaves per the test's knobs.\n` +
      `STATE='${state}'; BREW_BIN='${brewBin}'\n` +
      `echo "${name} $*" >> "$STATE/calls.log"\n` +
      // A knob is an env var, or a file of that name in STATE (env -i shells see only files).
      `knob() { local v; eval "v=\\\${$1:-}"; [ -n "$v" ] || v=$(cat "$STATE/$1" 2>/dev/null || true); echo "\${v:-$2}"; }\n` +
      `${body}\n`,
    { mode: 0o755 },
  );
}

/** A fresh pretend mini: temp HOME, stub PATH, Homebrew with colima and docker installed unless told otherwise. */
export function fakeMini(opts: { brew?: boolean; installed?: string[] } = {}): Host {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-colima-"));
  const home = path.join(dir, "home");
  const state = path.join(dir, "state");
  const sys = path.join(dir, "sys");
  const brewPrefix = path.join(dir, "homebrew");
  const brewBin = path.join(brewPrefix, "bin");
  for (const d of [home, state, sys, brewBin, path.join(state, "available")]) fs.mkdirSync(d, { recursive: true });
  for (const tool of [...REAL_TOOLS, which("shasum") ? "shasum" : "sha256sum"]) {
    fs.symlinkSync(which(tool), path.join(sys, tool));
  }
  for (const [name, body] of Object.entries(STUBS)) writeStub(path.join(sys, name), name, body, state, brewBin);
  for (const [name, body] of Object.entries(BREW_STUBS)) {
    writeStub(path.join(state, "available", name), name, body, state, brewBin);
  }
  if (opts.brew !== false) fs.copyFileSync(path.join(state, "available", "brew"), path.join(brewBin, "brew"));
  for (const tool of opts.installed ?? ["colima", "docker"]) {
    fs.copyFileSync(path.join(state, "available", tool), path.join(brewBin, tool));
  }
  fs.writeFileSync(path.join(dir, "rosetta"), "");
  const env = {
    PATH: sys,
    HOME: home,
    USER: "dev",
    MINIDOCK_BREW_PREFIX: brewPrefix,
    MINIDOCK_ROSETTA_PATH: path.join(dir, "rosetta"),
    MINIDOCK_VERIFY_SHELL: path.join(sys, "zsh"),
    MINIDOCK_SSH_BASE_PATH: sys,
    MINIDOCK_LAUNCH_DAEMONS_DIR: path.join(dir, "LaunchDaemons"),
    // Generous: the stub start is instant, and only the hang tests (which set 1) should ever reach it.
    MINIDOCK_START_TIMEOUT: "10",
  };
  fs.mkdirSync(env.MINIDOCK_LAUNCH_DAEMONS_DIR);
  return { dir, home, state, brewBin, env };
}

export function run(host: Host, script: string, env: Record<string, string> = {}): Run {
  const log = path.join(host.state, "calls.log");
  fs.writeFileSync(log, "");
  const r = spawnSync(BASH, [path.join(SCRIPTS, script)], { env: { ...host.env, ...env }, encoding: "utf8", timeout: 25000 });
  const calls = fs.readFileSync(log, "utf8").split("\n").filter(Boolean);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls };
}

export const hostEnv = { MINIDOCK_CPUS: "8", MINIDOCK_MEMORY_MB: "14336", MINIDOCK_DISK_GB: "100" };
export const colimaYaml = (h: Host) => path.join(h.home, ".colima", "default", "colima.yaml");
export const setState = (h: Host, status: string) => fs.writeFileSync(path.join(h.state, "colima-status"), `${status}\n`);
export const stateOf = (h: Host) => fs.readFileSync(path.join(h.state, "colima-status"), "utf8").trim();

/** A fresh pretend mini per call, removed after each test. */
let hosts: Host[] = [];
export function mini(opts?: Parameters<typeof fakeMini>[0]): Host {
  const h = fakeMini(opts);
  hosts.push(h);
  return h;
}
afterEach(() => {
  for (const h of hosts) fs.rmSync(h.dir, { recursive: true, force: true });
  hosts = [];
});
