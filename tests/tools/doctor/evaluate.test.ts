import { HOST_VERSIONS } from "../../../lib/hostVersions";
import {
  evaluateCapacity, evaluateClock, evaluateDaemon, evaluateDial, evaluateDns, evaluateKnownHosts, evaluateLaunchd,
  evaluateMacDisk, evaluateSshConfig, evaluateTailscale, evaluateVersion, evaluateVm, evaluateVmDisk, knownHostsFiles,
  knownHostsName, parseColimaList, parseDf, parseSshG, parseVersion,
} from "../../../tools/doctor/evaluate";
import { parseSections } from "../../../tools/doctor/probe";
import {
  COLIMA_VERSION, GETENT, HOST, LAUNCHCTL_NOT_FOUND, LAUNCHCTL_PRINT, LIMA_VERSION, MAC_DF, SSH_G_PLAIN_DEFAULT,
  SSH_G_PLAIN_MULTIPLEXED, SSH_G_PROVIDER, VM_DF, colimaList, macDf, tailscaleStatus, vmDf,
} from "./fixtures";

/** The pure evaluation of every check, fed the output the real tools print (fixtures.ts says where each is from). */

const ok = (out: string) => ({ rc: 0, out });
const failed = (rc: number, out: string) => ({ rc, out });

describe("ssh-config", () => {
  const provider = parseSshG(SSH_G_PROVIDER);

  test("the provider's options and a multiplexed own config: ok, with the figures", () => {
    const r = evaluateSshConfig({ provider, plain: parseSshG(SSH_G_PLAIN_MULTIPLEXED), controlDirExists: true });
    expect(r.status).toBe("ok");
    expect(r.detail).toContain("ControlMaster auto, ControlPersist 600 s");
    expect(r.fix).toBeUndefined();
  });

  test("an own config without ControlMaster for the host: warn, with the Host block to add", () => {
    const r = evaluateSshConfig({ provider, plain: parseSshG(SSH_G_PLAIN_DEFAULT), controlDirExists: true });
    expect(r.status).toBe("warn");
    expect(r.detail).toContain("ControlMaster false, ControlPersist no");
    expect(r.fix).toContain("Host mac-mini.example.ts.net / ControlMaster auto");
  });

  test("a ControlPath too long for a unix socket: warn, naming its length", () => {
    const long = parseSshG(SSH_G_PROVIDER.replace("/Users/dev/.ssh/", `/Users/${"d".repeat(40)}/.ssh/`));
    const r = evaluateSshConfig({ provider: long, plain: parseSshG(SSH_G_PLAIN_MULTIPLEXED), controlDirExists: true });
    expect(r.status).toBe("warn");
    expect(r.detail).toMatch(/is 1\d\d bytes/);
  });

  test("a missing ~/.ssh: warn, with the mkdir", () => {
    const r = evaluateSshConfig({ provider, plain: parseSshG(SSH_G_PLAIN_MULTIPLEXED), controlDirExists: false });
    expect(r).toMatchObject({ status: "warn", fix: "mkdir -m 700 /Users/dev/.ssh" });
  });

  test("options that resolve to no multiplexing: fail", () => {
    const r = evaluateSshConfig({ provider: parseSshG(SSH_G_PLAIN_DEFAULT), plain: parseSshG(SSH_G_PLAIN_DEFAULT), controlDirExists: true });
    expect(r.status).toBe("fail");
  });
});

describe("known-hosts", () => {
  test("the name known_hosts uses: HostName on 22, [name]:port elsewhere, HostKeyAlias first", () => {
    expect(knownHostsName(parseSshG(SSH_G_PROVIDER))).toBe("mac-mini.example.ts.net");
    expect(knownHostsName(parseSshG(SSH_G_PROVIDER.replace("port 22", "port 2222")))).toBe("[mac-mini.example.ts.net]:2222");
    expect(knownHostsName({ hostname: "100.1.2.3", port: "22", hostkeyalias: "mini" })).toBe("mini");
    expect(knownHostsFiles(parseSshG(SSH_G_PROVIDER))).toEqual([
      "/Users/dev/.ssh/known_hosts", "/Users/dev/.ssh/known_hosts2", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2",
    ]);
  });

  test("found in one file: ok, naming it", () => {
    const r = evaluateKnownHosts({ name: "mac-mini.example.ts.net", address: HOST.address, port: 22, lookups: [{ file: "/a", found: false }, { file: "/b", found: true }] });
    expect(r).toMatchObject({ status: "ok", detail: "mac-mini.example.ts.net is in /b" });
  });

  test("in no file: fail, with the ssh-keyscan line for the host's port", () => {
    const r = evaluateKnownHosts({ name: "[m]:2222", address: "m", port: 2222, lookups: [{ file: "/a", found: false }] });
    expect(r.status).toBe("fail");
    expect(r.detail).toContain("searched: /a");
    expect(r.fix).toMatch(/^ssh-keyscan -t ed25519 -p 2222 m >> ~\/.ssh\/known_hosts/);
  });
});

describe("dial-stdio", () => {
  const diag = (shell: string, docker: string) =>
    ok(`shell=${shell}\npath=/usr/bin:/bin:/usr/sbin:/sbin\ndocker=${docker}\ndocker_host=`);

  test("an answer: ok, with the server's version", () => {
    const r = evaluateDial({ ok: true, version: "27.4.0", apiVersion: "1.47" }, HOST);
    expect(r).toMatchObject({ status: "ok", detail: expect.stringContaining("docker 27.4.0 (API 1.47)") });
  });

  test.each([
    ["ssh: Host key verification failed.", "host key", "docs/setup.md#3-ssh-key-and-known_hosts-workstation"],
    ["dev@mac-mini.example.ts.net: Permission denied (publickey,password,keyboard-interactive).", "could not log in", "docs/setup.md#3-ssh-key-and-known_hosts-workstation"],
    ["ssh: Could not resolve hostname mac-mini.example.ts.net: nodename nor servname provided, or not known", "does not resolve", "docs/setup.md#4-tailscale-mini"],
    ["ssh: connect to host mac-mini.example.ts.net port 22: Connection refused", "nothing listens on port 22", "docs/setup.md#2-remote-login-mini"],
    ["ssh: connect to host mac-mini.example.ts.net port 22: Operation timed out", "does not answer", "docs/setup.md#4-tailscale-mini"],
    ["ssh mac-mini.example.ts.net: exit 1: Cannot connect to the Docker daemon at unix:///Users/dev/.colima/default/docker.sock. Is the docker daemon running?", "reaches no daemon", "docs/troubleshooting.md#the-colima-vm-is-broken-or-stopped"],
  ])("%s: fail, sorted as %s", (stderr, detail, doc) => {
    const r = evaluateDial({ ok: false, error: `ssh mac-mini.example.ts.net: exit 255: ${stderr}` }, HOST);
    expect(r.status).toBe("fail");
    expect(r.detail).toContain(detail);
    expect(r.doc).toBe(doc);
    expect(r.fix).toMatch(/\S/);
  });

  test("zsh's command not found with zsh as the login shell: the Homebrew PATH problem, fixed by pulumi up's ~/.zshenv", () => {
    const r = evaluateDial({ ok: false, error: "ssh mac-mini.example.ts.net: exit 127: zsh:1: command not found: docker", diagnosis: diag("/bin/zsh", "") }, HOST);
    expect(r.status).toBe("fail");
    expect(r.detail).toContain("the Homebrew PATH problem");
    expect(r.detail).toContain("PATH /usr/bin:/bin:/usr/sbin:/sbin, and docker is not on it");
    expect(r.fix).toContain("~/.zshenv");
    expect(r.doc).toBe("docs/troubleshooting.md#ssh-docker-command-not-found-or-the-wrong-daemon");
  });

  test("bash as the login shell: the fix is chsh, since bash never reads ~/.zshenv", () => {
    const r = evaluateDial({ ok: false, error: "ssh m: exit 127: bash: line 1: docker: command not found", diagnosis: diag("/bin/bash", "") }, HOST);
    expect(r.fix).toMatch(/^the login shell is \/bin\/bash.*chsh -s \/bin\/zsh/);
  });

  test("an unknown failure: fail, with the command to try by hand", () => {
    const r = evaluateDial({ ok: false, error: "socket hang up" }, HOST);
    expect(r).toMatchObject({ status: "fail", fix: expect.stringContaining("ssh dev@mac-mini.example.ts.net docker system dial-stdio") });
  });
});

describe("daemon and its capacity", () => {
  test("a local daemon that answers, and one that does not", () => {
    expect(evaluateDaemon({ ok: true, version: "20.10.24", apiVersion: "1.41" }, "unix:///var/run/docker.sock").status).toBe("ok");
    const r = evaluateDaemon({ ok: false, error: "connect ENOENT /var/run/docker.sock" }, "unix:///var/run/docker.sock");
    expect(r).toMatchObject({ status: "fail", fix: expect.stringContaining("ls -l /var/run/docker.sock") });
  });

  test("MemTotal a little under the VM (the kernel's share) is ok; fewer CPUs or much less memory warn", () => {
    const mib = 1024 * 1024;
    expect(evaluateCapacity({ NCPU: 8, MemTotal: 13_900 * mib }, HOST).status).toBe("ok");
    const fewer = evaluateCapacity({ NCPU: 4, MemTotal: 7_900 * mib }, HOST);
    expect(fewer.status).toBe("warn");
    expect(fewer.detail).toContain("4 CPUs, fewer than the declared 8");
    expect(fewer.detail).toContain("7900 MiB of memory, under 90% of the declared memoryMb 14336");
    expect(evaluateCapacity(undefined, HOST, "boom").status).toBe("skip");
  });
});

describe("colima and lima versions", () => {
  test("the version line is read with or without a v, and a suffix", () => {
    expect(parseVersion("colima version v0.10.0-rc1")).toEqual([0, 10, 0]);
    expect(parseVersion("limactl version 1.0")).toEqual([1, 0, 0]);
  });

  test("at or above lib/hostVersions.ts: ok; below: warn with the upgrade", () => {
    expect(evaluateVersion("colima", ok(COLIMA_VERSION))).toMatchObject({ status: "ok", detail: `colima 0.9.1 (${HOST_VERSIONS.colima} or later)` });
    expect(evaluateVersion("lima", ok(LIMA_VERSION)).status).toBe("ok");
    const old = evaluateVersion("colima", ok("colima version 0.8.4\ngit commit: abc"));
    expect(old.status).toBe("warn");
    expect(old.detail).toContain(`0.8.4 is older than ${HOST_VERSIONS.colima}`);
    expect(old.fix).toContain("brew upgrade colima");
    // 0.10 is newer than 0.9: the comparison is numeric, not textual.
    expect(evaluateVersion("colima", ok("colima version 0.10.0")).status).toBe("ok");
  });

  test("not installed: fail; unreadable: warn", () => {
    expect(evaluateVersion("lima", failed(127, "/bin/bash: line 3: limactl: command not found")).status).toBe("fail");
    expect(evaluateVersion("lima", failed(1, "dyld: Library not loaded")).status).toBe("warn");
  });
});

describe("vm-resources", () => {
  test("colima list --json is one object per line; other profiles are ignored", () => {
    const text = `${colimaList({ name: "other", cpus: 2 })}\n${colimaList()}\n`;
    expect(parseColimaList(text).map((i) => i.name)).toEqual(["other", "default"]);
    expect(evaluateVm(ok(text), HOST)).toMatchObject({ status: "ok", detail: "Running: 8 CPUs, 14.0 GiB memory, 100.0 GiB disk (declared: 8, 14, 100)" });
  });

  test.each([
    ["a stopped VM", "fail", colimaList({ status: "Stopped" }), "is Stopped"],
    ["a broken VM", "fail", colimaList({ status: "Broken" }), "is Broken"],
    ["less memory than declared", "fail", colimaList({ memory: 8 * 1024 ** 3 }), "smaller than declared"],
    ["fewer CPUs", "fail", colimaList({ cpus: 4 }), "smaller than declared"],
    ["a bigger disk", "warn", colimaList({ disk: 200 * 1024 ** 3 }), "differs from the declared size"],
    ["no such profile", "fail", colimaList({ name: "work" }), "no profile default"],
  ])("%s: %s", (_what, status, out, detail) => {
    const r = evaluateVm(ok(out), HOST);
    expect(r.status).toBe(status);
    expect(r.detail).toContain(detail);
    expect(r.fix).toMatch(/\S/);
  });

  test("a broken VM's fix is the forced stop", () => {
    expect(evaluateVm(ok(colimaList({ status: "Broken" })), HOST).fix).toBe("on the mini: colima stop --force -p default && colima start -p default");
  });
});

describe("clock", () => {
  const t = (n: number) => ok(String(n));
  test("a VM reading inside the Mac's interval is no drift, however long the reading took", () => {
    expect(evaluateClock(t(1000), t(1003), t(1004))).toMatchObject({ status: "ok", detail: expect.stringContaining("within the 4 s") });
  });
  test("drift outside the interval: warn above 2 s, fail from 30 s, with the direction", () => {
    expect(evaluateClock(t(1000), t(1005), t(1001))).toMatchObject({ status: "warn", detail: "the VM's clock is 4 s ahead of the Mac's" });
    expect(evaluateClock(t(1000), t(900), t(1001))).toMatchObject({ status: "fail", detail: "the VM's clock is 100 s behind the Mac's" });
  });
  test("a VM that does not answer: fail", () => {
    expect(evaluateClock(t(1000), failed(1, "colima is not running"), t(1001)).status).toBe("fail");
  });
});

describe("disks", () => {
  test("df -Pk: the last line, mount points with spaces", () => {
    expect(parseDf(VM_DF)).toEqual({ sizeKb: 102626232, usedKb: 20511232, availKb: 76855904, mount: "/mnt/lima-colima" });
    expect(parseDf("Filesystem 1024-blocks Used Available Capacity Mounted on\nmap auto_home 0 0 0 100% /System/Volumes/Data/home")?.mount).toBe("/System/Volumes/Data/home");
  });

  test("the VM's disk: ok under the alert's threshold, warn above it, fail at 95%", () => {
    expect(evaluateVmDisk(ok(VM_DF), HOST).status).toBe("ok");
    const high = evaluateVmDisk(ok(vmDf(85)), HOST);
    expect(high.status).toBe("warn");
    expect(high.detail).toContain("above monitoring.thresholds.diskPercent (80%)");
    expect(evaluateVmDisk(ok(vmDf(96)), HOST).status).toBe("fail");
    expect(evaluateVmDisk(failed(1, "colima is not running"), HOST).status).toBe("fail");
  });

  test("the Mac: room for the VM disk to grow to diskGb, else warn; under 2 GiB free, fail", () => {
    expect(evaluateMacDisk(ok(MAC_DF), ok(VM_DF), HOST).status).toBe("ok");
    // 100 GiB declared, ~19.6 GiB used in the VM: the disk may grow by ~80 GiB; 50 GiB free on the Mac is too little.
    const tight = evaluateMacDisk(ok(macDf(50 * 1024 * 1024)), ok(VM_DF), HOST);
    expect(tight.status).toBe("warn");
    expect(tight.detail).toContain("may still grow by 80.4 GiB");
    expect(evaluateMacDisk(ok(macDf(1024 * 1024)), ok(VM_DF), HOST).status).toBe("fail");
  });
});

describe("vm-dns", () => {
  test("an address: ok; nothing (getent exits 2): fail, naming what breaks", () => {
    expect(evaluateDns(ok(GETENT), "registry-1.docker.io")).toMatchObject({ status: "ok", detail: "the VM resolves registry-1.docker.io (54.227.20.253)" });
    const r = evaluateDns(failed(2, ""), "registry-1.docker.io");
    expect(r.status).toBe("fail");
    expect(r.detail).toContain("image pulls fail");
  });
});

describe("launchagent", () => {
  test("loaded: ok, with launchd's state and pid", () => {
    expect(evaluateLaunchd(ok(LAUNCHCTL_PRINT), ok("gui/501 exists"), HOST)).toMatchObject({ status: "ok", detail: "dev.minidock.colima.default is loaded (state running, pid 812)" });
  });
  test("not loaded: fail, with pulumi up and the bootout", () => {
    const r = evaluateLaunchd(failed(113, LAUNCHCTL_NOT_FOUND), ok("gui/501 exists"), HOST);
    expect(r.status).toBe("fail");
    expect(r.fix).toContain("launchctl bootout gui/$(id -u)/dev.minidock.colima.default");
  });
  test("no login session: fail, with auto-login as the fix", () => {
    const r = evaluateLaunchd(failed(113, LAUNCHCTL_NOT_FOUND), failed(1, "no login session"), HOST);
    expect(r.detail).toContain("no login session");
    expect(r.fix).toContain("auto-login");
  });
  test("autostart none: skipped, saying it is a choice", () => {
    expect(evaluateLaunchd(undefined, undefined, { ...HOST, autostart: "none" }).status).toBe("skip");
  });
});

describe("tailscale", () => {
  test("Running and tagged: ok", () => {
    expect(evaluateTailscale(ok(tailscaleStatus()), HOST)).toMatchObject({ status: "ok", detail: "Tailscale is Running on mac-mini.example.ts.net, tagged tag:minidock" });
  });
  test("untagged (Tags omitted when empty): fail, with how to tag it", () => {
    const r = evaluateTailscale(ok(tailscaleStatus({ Tags: [] })), HOST);
    expect(r.status).toBe("fail");
    expect(r.detail).toContain("does not carry tag:minidock (its tags: none)");
    expect(r.fix).toContain("Edit ACL tags");
  });
  test("logged out or stopped: fail", () => {
    expect(evaluateTailscale(ok(tailscaleStatus({ BackendState: "NeedsLogin" })), HOST)).toMatchObject({ status: "fail", fix: expect.stringContaining("tailscale up") });
    expect(evaluateTailscale(failed(1, "failed to connect to local tailscaled; it doesn't appear to be running"), HOST).status).toBe("fail");
  });
  test("tailscale disabled in the stack: the tag is not required, a missing CLI is skipped", () => {
    const off = { ...HOST, tailscale: { enabled: false, hostTag: "tag:minidock" } };
    expect(evaluateTailscale(ok(tailscaleStatus({ Tags: [] })), off).status).toBe("ok");
    expect(evaluateTailscale(failed(127, "tailscale: command not found"), off).status).toBe("skip");
  });
});

describe("the probe's sections", () => {
  test("split at the marks, with each exit code; a login banner before the first mark belongs to none", () => {
    const s = parseSections(`Last login: today\n@@minidock-doctor colima-version rc=0\n${COLIMA_VERSION}\n@@minidock-doctor vm-dns rc=2\n\n`);
    expect(Object.keys(s)).toEqual(["colima-version", "vm-dns"]);
    expect(s["colima-version"]).toEqual({ rc: 0, out: COLIMA_VERSION });
    expect(s["vm-dns"]).toEqual({ rc: 2, out: "" });
  });
});
