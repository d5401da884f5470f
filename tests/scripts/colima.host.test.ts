import * as fs from "fs";
import * as path from "path";
import { Host, hostEnv, mini, run, setState, stateOf } from "./support/fakeMini";

/**
 * scripts/colima/*.sh against stub brew, colima, docker, uname, sw_vers, launchctl, pmset, systemsetup, sudo and zsh
 * (tests/scripts/support/fakeMini.ts says why: there is no Mac here). The scripts, bash and coreutils are real.
 */
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
