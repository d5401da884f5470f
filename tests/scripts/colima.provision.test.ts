import * as fs from "fs";
import * as path from "path";
import { colimaYaml, hostEnv, mini, run, setState, stateOf } from "./support/fakeMini";

/**
 * scripts/colima/*.sh against stub brew, colima, docker, uname, sw_vers, launchctl, pmset, systemsetup, sudo and zsh
 * (tests/scripts/support/fakeMini.ts says why: there is no Mac here). The scripts, bash and coreutils are real.
 */

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

