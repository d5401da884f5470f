import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * scripts/colima/*.sh against STUBS. There is no Mac here, so brew, colima, docker, uname, sw_vers, launchctl,
 * pmset, systemsetup, sudo and the login shell (zsh) are small bash stand-ins placed first on PATH. They record
 * every call to a log and behave as the test's knobs say (e.g. COLIMA_STUB_STATUS=Broken). What is real: the
 * scripts themselves, bash, and the coreutils/sed/awk they use. What this cannot prove: that the real colima,
 * brew and launchctl behave as the stubs do; docs/setup.md lists what only the real mini can show.
 */
const SCRIPTS = path.resolve(__dirname, "../../scripts/colima");
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

interface Host {
  dir: string;
  home: string;
  state: string;
  brewBin: string;
  env: Record<string, string>;
}

interface Run {
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
function fakeMini(opts: { brew?: boolean; installed?: string[] } = {}): Host {
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
    MINIDOCK_START_TIMEOUT: "2",
  };
  fs.mkdirSync(env.MINIDOCK_LAUNCH_DAEMONS_DIR);
  return { dir, home, state, brewBin, env };
}

function run(host: Host, script: string, env: Record<string, string> = {}): Run {
  const log = path.join(host.state, "calls.log");
  fs.writeFileSync(log, "");
  const r = spawnSync(BASH, [path.join(SCRIPTS, script)], { env: { ...host.env, ...env }, encoding: "utf8", timeout: 25000 });
  const calls = fs.readFileSync(log, "utf8").split("\n").filter(Boolean);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls };
}

const hostEnv = { MINIDOCK_CPUS: "8", MINIDOCK_MEMORY_MB: "14336", MINIDOCK_DISK_GB: "100" };
const colimaYaml = (h: Host) => path.join(h.home, ".colima", "default", "colima.yaml");
const setState = (h: Host, status: string) => fs.writeFileSync(path.join(h.state, "colima-status"), `${status}\n`);
const stateOf = (h: Host) => fs.readFileSync(path.join(h.state, "colima-status"), "utf8").trim();

let hosts: Host[] = [];
function mini(opts?: Parameters<typeof fakeMini>[0]): Host {
  const h = fakeMini(opts);
  hosts.push(h);
  return h;
}
afterEach(() => {
  for (const h of hosts) fs.rmSync(h.dir, { recursive: true, force: true });
  hosts = [];
});

describe("check-host.sh", () => {
  test("passes on macOS 15 / arm64 with Homebrew and changes nothing", () => {
    const r = run(mini(), "check-host.sh");
    expect(r.stderr).toContain("host ok: macOS 15.1, arm64");
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => /^(brew|colima) /.test(c))).toEqual([]);
  });

  test.each([
    ["not macOS", { UNAME_STUB_S: "Linux" }, 10, "runs Linux, not macOS"],
    ["not arm64", { UNAME_STUB_M: "x86_64" }, 11, "x86_64, not arm64 (Apple silicon)"],
    ["macOS too old for vz", { SW_VERS_STUB: "12.7.4" }, 12, "macOS 12.7.4 is too old"],
    ["no Rosetta", { MINIDOCK_ROSETTA_PATH: "/nonexistent" }, 14, "softwareupdate --install-rosetta"],
  ])("%s: exits %#", (_what, env, code, message) => {
    const r = run(mini(), "check-host.sh", env as Record<string, string>);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
  });

  test("no Homebrew: exit 13, names the install command", () => {
    const r = run(mini({ brew: false }), "check-host.sh");
    expect(r.code).toBe(13);
    expect(r.stderr).toMatch(/Homebrew not found .*Homebrew\/install\/HEAD\/install\.sh/);
  });

  test("Rosetta is not required when colima.rosetta is false", () => {
    expect(run(mini(), "check-host.sh", { MINIDOCK_ROSETTA: "false", MINIDOCK_ROSETTA_PATH: "/nonexistent" }).code).toBe(0);
  });
});

describe("install.sh", () => {
  test("installs colima and docker when missing; a second run installs nothing", () => {
    const h = mini({ installed: [] });
    const first = run(h, "install.sh");
    expect(first.code).toBe(0);
    expect(first.calls).toEqual(["brew install colima", "brew install docker"]);
    expect(first.stdout).toContain("installed=colima,docker");
    const second = run(h, "install.sh");
    expect(second.code).toBe(0);
    expect(second.calls).toEqual([]);
    expect(second.stdout.trim()).toBe("installed=");
  });

  test("installs only what is missing", () => {
    expect(run(mini({ installed: ["docker"] }), "install.sh").calls).toEqual(["brew install colima"]);
  });

  test("a failing brew install: exit 20 naming the formula and brew doctor", () => {
    const r = run(mini({ installed: [] }), "install.sh", { BREW_STUB_INSTALL: "fail" });
    expect(r.code).toBe(20);
    expect(r.stderr).toContain("brew install colima failed");
    expect(r.stderr).toContain("brew doctor");
  });
});

describe("configure.sh", () => {
  test("writes the profile from the host config, then reports unchanged and writes nothing", () => {
    const h = mini();
    const first = run(h, "configure.sh", hostEnv);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe("changed=true");
    const yaml = fs.readFileSync(colimaYaml(h), "utf8");
    for (const line of ["cpu: 8", "memory: 14", "disk: 100", "vmType: vz", "rosetta: true", "mountType: virtiofs",
      "log-driver: json-file", 'max-size: "10m"', 'max-file: "3"', "live-restore: true", "no-new-privileges: true",
      "icc: false", "ip: 127.0.0.1"]) {
      expect(yaml).toContain(`${line}\n`);
    }
    const mtime = fs.statSync(colimaYaml(h)).mtimeMs;
    fs.rmSync(path.join(h.home, ".colima", "default", "minidock.restart-needed"));
    const second = run(h, "configure.sh", hostEnv);
    expect(second.stdout.trim()).toBe("changed=false");
    expect(fs.statSync(colimaYaml(h)).mtimeMs).toBe(mtime);
    expect(fs.existsSync(path.join(h.home, ".colima", "default", "minidock.restart-needed"))).toBe(false);
  });

  test("a changed value reports changed=true and leaves the restart marker", () => {
    const h = mini();
    run(h, "configure.sh", hostEnv);
    const r = run(h, "configure.sh", { ...hostEnv, MINIDOCK_CPUS: "6" });
    expect(r.stdout.trim()).toBe("changed=true");
    expect(fs.readFileSync(colimaYaml(h), "utf8")).toContain("cpu: 6\n");
  });

  test("memory is rounded DOWN to whole GiB so the VM never exceeds memoryMb", () => {
    const h = mini();
    const r = run(h, "configure.sh", { ...hostEnv, MINIDOCK_MEMORY_MB: "14000" });
    expect(fs.readFileSync(colimaYaml(h), "utf8")).toContain("memory: 13\n");
    expect(r.stderr).toContain("not a whole GiB");
  });

  test.each([
    [{ MINIDOCK_MEMORY_MB: "512" }, "below 1024"],
    [{ MINIDOCK_CPUS: "eight" }, "MINIDOCK_CPUS must be a positive integer, got 'eight'"],
    [{ MINIDOCK_VM_TYPE: "docker" }, "MINIDOCK_VM_TYPE must be vz or qemu"],
  ])("bad input %j: exit 30", (env, message) => {
    const r = run(mini(), "configure.sh", { ...hostEnv, ...env });
    expect(r.code).toBe(30);
    expect(r.stderr).toContain(message);
  });

  test("refuses what an existing VM cannot change: vmType (31) and a smaller disk (32)", () => {
    const h = mini();
    run(h, "configure.sh", hostEnv);
    setState(h, "Stopped");
    const vm = run(h, "configure.sh", { ...hostEnv, MINIDOCK_VM_TYPE: "qemu" });
    expect(vm.code).toBe(31);
    expect(vm.stderr).toContain("existing VM 'default' is 'vz'");
    const disk = run(h, "configure.sh", { ...hostEnv, MINIDOCK_DISK_GB: "50" });
    expect(disk.code).toBe(32);
    expect(disk.stderr).toContain("can only grow");
    expect(fs.readFileSync(colimaYaml(h), "utf8")).toContain("disk: 100\n");
  });
});

describe("start.sh", () => {
  test("starts a missing VM; a second run does not start, stop or restart it", () => {
    const h = mini();
    run(h, "configure.sh", hostEnv);
    const first = run(h, "start.sh");
    expect(first.code).toBe(0);
    expect(first.calls.filter((c) => c.startsWith("colima start"))).toEqual(["colima start -p default"]);
    expect(first.stdout.trim()).toBe("action=started");
    run(h, "configure.sh", hostEnv);
    const second = run(h, "start.sh");
    expect(second.stdout.trim()).toBe("action=none");
    expect(second.calls.filter((c) => /^colima (start|stop)/.test(c))).toEqual([]);
  });

  test("a config change restarts the running VM once; unchanged config does not", () => {
    const h = mini();
    run(h, "configure.sh", hostEnv);
    run(h, "start.sh");
    run(h, "configure.sh", { ...hostEnv, MINIDOCK_MEMORY_MB: "12288" });
    const restart = run(h, "start.sh");
    expect(restart.stdout.trim()).toBe("action=restarted");
    expect(restart.calls.filter((c) => /^colima (start|stop)/.test(c))).toEqual(["colima stop -p default", "colima start -p default"]);
    expect(run(h, "start.sh").stdout.trim()).toBe("action=none");
  });

  test("a Broken VM: stop --force, then start", () => {
    const h = mini();
    run(h, "configure.sh", hostEnv);
    setState(h, "Broken");
    const r = run(h, "start.sh", { COLIMA_STUB_JSON: "spaced" }); // `"status": "Broken"` is read too
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("action=recovered");
    expect(r.calls.filter((c) => /^colima (start|stop)/.test(c))).toEqual(["colima stop --force -p default", "colima start -p default"]);
    expect(stateOf(h)).toBe("Running");
  });

  test("a start hung at 'waiting for ssh' is killed after the timeout, force-stopped and retried", () => {
    const h = mini();
    fs.writeFileSync(path.join(h.state, "COLIMA_STUB_START_HANGS"), "1");
    const r = run(h, "start.sh", { MINIDOCK_START_TIMEOUT: "1" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("did not finish within 1s");
    expect(r.calls.filter((c) => /^colima (start|stop)/.test(c)))
      .toEqual(["colima start -p default", "colima stop --force -p default", "colima start -p default"]);
  });

  test("a start that hangs twice: exit 40 with what to do on the mini", () => {
    const h = mini();
    fs.writeFileSync(path.join(h.state, "COLIMA_STUB_START_HANGS"), "2");
    const r = run(h, "start.sh", { MINIDOCK_START_TIMEOUT: "1" });
    expect(r.code).toBe(40);
    expect(r.stderr).toContain("timed out twice");
  });

  test("with minidock's launchd job loaded, (re)starts go through launchctl kickstart, not a second colima", () => {
    const h = mini();
    fs.writeFileSync(path.join(h.state, "launchd-jobs"), `gui/${process.getuid?.() ?? 0}/dev.minidock.colima.default\n`);
    const r = run(h, "start.sh");
    expect(r.code).toBe(0);
    expect(r.calls).toContain(`launchctl kickstart -k gui/${process.getuid?.() ?? 0}/dev.minidock.colima.default`);
    expect(r.calls.filter((c) => c.startsWith("colima start"))).toEqual([]);
  });
});

describe("docker-path.sh", () => {
  const blockCount = (text: string) => text.split("# >>> minidock:").length - 1;

  test("adds one marker block to ~/.zshenv, keeps the user's lines, and verifies docker in a fresh shell", () => {
    const h = mini();
    setState(h, "Running");
    fs.writeFileSync(path.join(h.home, ".zshenv"), "export EDITOR=vim\n");
    const r = run(h, "docker-path.sh");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("zshenv=changed");
    expect(r.stdout).toContain("docker_server=27.3.1");
    const zshenv = fs.readFileSync(path.join(h.home, ".zshenv"), "utf8");
    expect(zshenv.startsWith("export EDITOR=vim\n")).toBe(true);
    expect(blockCount(zshenv)).toBe(1);
    // The socket comes from `colima status`, not a hard-coded path.
    expect(zshenv).toContain(`export DOCKER_HOST="unix://${h.home}/.colima/default/docker.sock"`);
    expect(r.calls).toContain("colima status -p default --json");
  });

  test("a second run leaves ~/.zshenv byte-identical (no duplicate block)", () => {
    const h = mini();
    setState(h, "Running");
    run(h, "docker-path.sh");
    const before = fs.readFileSync(path.join(h.home, ".zshenv"), "utf8");
    const r = run(h, "docker-path.sh");
    expect(r.stdout).toContain("zshenv=unchanged");
    expect(fs.readFileSync(path.join(h.home, ".zshenv"), "utf8")).toBe(before);
  });

  test("a changed socket replaces the block instead of adding a second one", () => {
    const h = mini();
    setState(h, "Running");
    run(h, "docker-path.sh");
    const r = run(h, "docker-path.sh", { MINIDOCK_PROFILE: "work" });
    expect(r.stdout).toContain("zshenv=changed");
    const zshenv = fs.readFileSync(path.join(h.home, ".zshenv"), "utf8");
    expect(blockCount(zshenv)).toBe(1);
    expect(zshenv).toContain("/.colima/work/docker.sock");
  });

  test("docker not found by a non-interactive shell: exit 50 explaining 'command not found'", () => {
    const h = mini();
    setState(h, "Running");
    const r = run(h, "docker-path.sh", { MINIDOCK_VERIFY_SHELL: path.join(h.dir, "sys", "plain-sh") });
    expect(r.code).toBe(50);
    expect(r.stderr).toContain("docker is not on the PATH of a non-interactive ssh session");
  });

  test("docker found but the daemon unreachable: exit 51 with docker's own message", () => {
    const h = mini();
    setState(h, "Running");
    fs.writeFileSync(path.join(h.state, "DOCKER_STUB"), "unreachable");
    const r = run(h, "docker-path.sh");
    expect(r.code).toBe(51);
    expect(r.stderr).toContain("cannot reach the Colima daemon");
    expect(r.stderr).toContain("Cannot connect to the Docker daemon");
  });

  test("VM not running: exit 52, no socket guessed", () => {
    const h = mini();
    setState(h, "Stopped");
    const r = run(h, "docker-path.sh");
    expect(r.code).toBe(52);
    expect(fs.existsSync(path.join(h.home, ".zshenv"))).toBe(false);
  });
});

describe("autostart.sh", () => {
  const agent = (h: Host) => path.join(h.home, "Library", "LaunchAgents", "dev.minidock.colima.default.plist");

  test("default LaunchAgent runs `colima start --foreground`, is loaded once, and is not reloaded when unchanged", () => {
    const h = mini();
    const first = run(h, "autostart.sh");
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe("autostart=launchagent changed=true");
    const plist = fs.readFileSync(agent(h), "utf8");
    expect(plist).toContain("<string>start</string><string>--foreground</string>");
    expect(plist).toContain("<key>RunAtLoad</key><true/>");
    expect(first.calls.filter((c) => c.startsWith("launchctl bootstrap"))).toHaveLength(1);
    const second = run(h, "autostart.sh");
    expect(second.stdout.trim()).toBe("autostart=launchagent changed=false");
    expect(second.calls.filter((c) => /launchctl boot/.test(c))).toEqual([]);
  });

  test("no login session: the agent is written and a warning asks for auto-login", () => {
    const h = mini();
    const r = run(h, "autostart.sh", { LAUNCHCTL_STUB_GUI: "no" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Enable auto-login");
  });

  test("launchctl bootstrap failing: exit 60 naming colima#1265", () => {
    const r = run(mini(), "autostart.sh", { LAUNCHCTL_STUB_BOOTSTRAP: "fail" });
    expect(r.code).toBe(60);
    expect(r.stderr).toContain("colima#1265");
  });

  test("none removes minidock's agent; launchdaemon without sudo exits 61", () => {
    const h = mini();
    run(h, "autostart.sh");
    const none = run(h, "autostart.sh", { MINIDOCK_AUTOSTART: "none" });
    expect(none.stdout.trim()).toBe("autostart=none changed=true");
    expect(fs.existsSync(agent(h))).toBe(false);
    const daemon = run(h, "autostart.sh", { MINIDOCK_AUTOSTART: "launchdaemon", SUDO_STUB: "deny" });
    expect(daemon.code).toBe(61);
    expect(daemon.stderr).toContain("passwordless sudo");
  });

  test("launchdaemon writes a system job that runs as the user", () => {
    const h = mini();
    const r = run(h, "autostart.sh", { MINIDOCK_AUTOSTART: "launchdaemon" });
    expect(r.code).toBe(0);
    const plist = fs.readFileSync(path.join(h.env.MINIDOCK_LAUNCH_DAEMONS_DIR, "dev.minidock.colima.default.plist"), "utf8");
    expect(plist).toMatch(/<key>UserName<\/key><string>\S+<\/string>/);
    expect(r.calls).toContain(`launchctl bootstrap system ${h.env.MINIDOCK_LAUNCH_DAEMONS_DIR}/dev.minidock.colima.default.plist`);
  });
});

describe("power.sh and stop.sh", () => {
  test("power: no sleep and restart after power failure, through sudo", () => {
    const r = run(mini(), "power.sh");
    expect(r.code).toBe(0);
    expect(r.calls).toContain("pmset -a sleep 0 disksleep 0 autorestart 1 womp 1 powernap 0 standby 0");
    expect(r.calls).toContain("systemsetup -setrestartpowerfailure on");
  });

  test("power without passwordless sudo: exit 70 with the sudoers line to add", () => {
    const r = run(mini(), "power.sh", { SUDO_STUB: "deny" });
    expect(r.code).toBe(70);
    expect(r.stderr).toContain("NOPASSWD: /usr/bin/pmset, /usr/sbin/systemsetup");
    expect(r.calls.some((c) => c.startsWith("pmset"))).toBe(false);
  });

  test("stop stops the VM it started, but not one a newer start owns", () => {
    const h = mini();
    run(h, "configure.sh", hostEnv);
    expect(run(h, "start.sh", { MINIDOCK_GENERATION: "new" }).code).toBe(0);
    const stale = run(h, "stop.sh", { MINIDOCK_GENERATION: "old" });
    expect(stale.stdout.trim()).toBe("stopped=false");
    expect(stateOf(h)).toBe("Running");
    const own = run(h, "stop.sh", { MINIDOCK_GENERATION: "new" });
    expect(own.stdout.trim()).toBe("stopped=true");
    expect(stateOf(h)).toBe("Stopped");
  });
});
