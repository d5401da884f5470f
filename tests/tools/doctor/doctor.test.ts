import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { USAGE, main } from "../../../tools/doctor";
import { DoctorReport } from "../../../tools/doctor/report";
import { HelpRequested, UsageError } from "../../../tools/stackRun";
import { SKIP_MARK } from "../../support/needsTool";
import { colimaList, tailscaleStatus, vmDf } from "./fixtures";
import { FakeHost, fakeHost } from "./support/fakeHost";

/**
 * `npm run doctor` end to end against a pretend mini: stub ssh, colima, limactl, docker, launchctl and tailscale
 * on PATH (tests/tools/doctor/support/fakeHost.ts says what each stands in for and why), the tests' own one-mini
 * stack, and the doctor's real main, probe script and scripts/colima/lib.sh. One healthy host, then one broken thing at a
 * time: each test asserts the lines that change, that every other check stays as it was, and the exit code.
 */

const ROOT = path.resolve(__dirname, "../../..");
/** The tests' own stack (stacks/Pulumi.doctor.yaml): one mini of 8 CPUs, 14336 MB and 100 GB, Tailscale on. */
const STACK = path.join(__dirname, "stacks", "Pulumi.doctor.yaml");

/**
 * The known-hosts check runs the real ssh-keygen -F, so these tests need OpenSSH's client: skipped with the reason
 * where it is missing (listed at the end of the run), a failure under CI=true (.ci/run installs it). Not
 * testWithTool: ssh-keygen has no probe that exits 0 without a key file.
 */
const HAS_KEYGEN = (process.env.PATH ?? "").split(":").some((d) => d && fs.existsSync(path.join(d, "ssh-keygen")));
function withKeygen(title: string, fn: () => Promise<void>): void {
  const why = "ssh-keygen is not on PATH (apt-get install openssh-client)";
  if (HAS_KEYGEN) test(title, fn, 60_000);
  else if (process.env.CI === "true") test(title, () => { throw new Error(`${why}; CI=true makes a test that needs it fail rather than skip`); });
  else test.skip(`${title} ${SKIP_MARK} ${why}]`, fn);
}
let host: FakeHost;
beforeEach(async () => {
  host = await fakeHost();
});
afterEach(() => host.close());

async function doctor(...args: string[]): Promise<{ code: number; text: string }> {
  return doctorWithin(20_000, ...args);
}

async function doctorWithin(timeoutMs: number, ...args: string[]): Promise<{ code: number; text: string }> {
  let text = "";
  const code = await main(["--config", STACK, ...args], { ctx: { env: host.env, timeoutMs }, write: (t) => void (text += t) });
  return { code, text };
}

/** The check lines: `status id` for each, e.g. "ok dial-stdio". */
const statuses = (text: string) =>
  Object.fromEntries(text.split("\n").map((l) => /^(ok|warn|fail|skip)\s+(\S+)\s/.exec(l)).filter((m) => m).map((m) => [m![2], m![1]]));
const line = (text: string, id: string) => text.split("\n").find((l) => new RegExp(`^\\S+\\s+${id}\\s`).test(l)) ?? "";

const HEALTHY = {
  "ssh-config": "ok", "known-hosts": "ok", "dial-stdio": "ok", daemon: "skip", "daemon-capacity": "ok", "colima-version": "ok",
  "lima-version": "ok", "vm-resources": "ok", clock: "ok", "vm-disk": "ok", "mac-disk": "ok", "vm-dns": "ok", launchagent: "ok",
  tailscale: "ok",
};

/** The healthy statuses with `changed` applied: a broken case changes these checks and no other. */
const expectStatuses = (text: string, changed: Record<string, string>) => expect(statuses(text)).toEqual({ ...HEALTHY, ...changed });

describe("a healthy mini", () => {
  withKeygen("every check ok, the fake daemon asked through dial-stdio, exit 0", async () => {
    const r = await doctor();
    expectStatuses(r.text, {});
    expect(r.code).toBe(0);
    expect(line(r.text, "dial-stdio")).toMatch(/docker 27\.4\.0 \(API 1\.47\) answered through ssh dev@mac-mini\.example\.ts\.net docker system dial-stdio/);
    expect(line(r.text, "vm-resources")).toContain("Running: 8 CPUs, 14.0 GiB memory, 100.0 GiB disk (declared: 8, 14, 100)");
    expect(line(r.text, "launchagent")).toContain("dev.minidock.colima.default is loaded (state running, pid 812)");
    expect(r.text).toMatch(/^host mini: ok$/m);
    expect(r.text).toMatch(/doctor: stack doctor: 0 fail, 0 warn, 13 ok, 1 skipped\n$/);
    expect(host.requests).toEqual(expect.arrayContaining([expect.stringMatching(/^GET .*\/version$/), expect.stringMatching(/^GET .*\/info$/)]));
  });

  withKeygen("--json: one document with every check as data and the exit code", async () => {
    const r = await doctor("--json");
    const doc = JSON.parse(r.text) as DoctorReport;
    expect(doc).toMatchObject({ stack: "doctor", exitCode: 0, counts: { ok: 13, warn: 0, fail: 0, skip: 1 } });
    expect(doc.hosts.map((h) => [h.host, h.dockerHost, h.verdict])).toEqual([["mini", "ssh://dev@mac-mini.example.ts.net", "ok"]]);
    for (const c of doc.hosts[0].checks) expect(c.doc).toMatch(/^docs\/(setup|troubleshooting)\.md#/);
    expect(r.code).toBe(0);
  });

  withKeygen("as npm runs it: node with the require hook, the lines on stdout, exit 0", async () => {
    // Spawned without blocking, because the fake daemon answers from this process.
    const child = spawn(process.execPath, ["-r", "./tools/register.js", "tools/doctor.ts", "--config", STACK], { cwd: ROOT, env: { ...process.env, ...host.env } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expectStatuses(out, {});
    expect(code).toBe(0);
  });
});

describe("one broken thing at a time", () => {
  withKeygen("docker not on the non-interactive PATH (no ~/.zshenv block): dial-stdio fails with the Homebrew PATH diagnosis, exit 1", async () => {
    fs.rmSync(path.join(host.home, ".zshenv"));
    const r = await doctor();
    expectStatuses(r.text, { "dial-stdio": "fail", "daemon-capacity": "skip" });
    const l = line(r.text, "dial-stdio");
    expect(l).toContain("the Homebrew PATH problem");
    expect(l).toMatch(/command not found/);
    expect(l).toContain("docker is not on it");
    expect(l).toContain("| fix: run pulumi up (its docker step writes Homebrew's PATH into ~/.zshenv)");
    expect(l).toContain("(docs/troubleshooting.md#ssh-docker-command-not-found-or-the-wrong-daemon)");
    expect(r.code).toBe(1);
  });

  withKeygen("a daemon that never answers dial-stdio: the doctor's own deadline ends it, and the Mac is still read", async () => {
    host.knob("dial-hang", "yes");
    const started = Date.now();
    // 4 s: short enough to show the deadline, long enough for every other (stub) command on a loaded machine.
    const r = await doctorWithin(4000);
    expectStatuses(r.text, { "dial-stdio": "fail", "daemon-capacity": "skip" });
    expect(line(r.text, "dial-stdio")).toContain("no Docker API answer over ssh dev@mac-mini.example.ts.net: no answer within 4 s");
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(1);
  });

  withKeygen("the mini missing from known_hosts: known-hosts and dial-stdio fail; the Mac is not reached and says so", async () => {
    fs.writeFileSync(path.join(host.dir, "ssh", "known_hosts"), "");
    host.knob("ssh-fail", "Host key verification failed.\n");
    const r = await doctor();
    const skipped = Object.fromEntries(["colima-version", "lima-version", "vm-resources", "clock", "vm-disk", "mac-disk", "vm-dns", "launchagent", "tailscale"].map((id) => [id, "skip"]));
    expectStatuses(r.text, { "known-hosts": "fail", "dial-stdio": "fail", "daemon-capacity": "skip", ...skipped });
    expect(line(r.text, "known-hosts")).toContain("| fix: ssh-keyscan -t ed25519 mac-mini.example.ts.net >> ~/.ssh/known_hosts");
    expect(line(r.text, "dial-stdio")).toContain("ssh refused the mini's host key");
    expect(line(r.text, "clock")).toContain("not checked: ssh to the mini failed (see dial-stdio)");
    expect(r.code).toBe(1);
  });

  withKeygen("no ControlMaster in the user's own ssh config: a warning only, exit 0", async () => {
    host.knob("ssh-G-plain", "host mac-mini.example.ts.net\nhostname mac-mini.example.ts.net\ncontrolmaster false\ncontrolpath none\ncontrolpersist no\n");
    const r = await doctor();
    expectStatuses(r.text, { "ssh-config": "warn" });
    expect(line(r.text, "ssh-config")).toContain("| fix: add to ~/.ssh/config: Host mac-mini.example.ts.net / ControlMaster auto");
    expect(r.code).toBe(0);
  });

  withKeygen("colima older than the docs' minimum warns; limactl missing fails", async () => {
    host.knob("colima-version", "colima version 0.8.4\ngit commit: 1a2b3c");
    host.knob("lima-version", "missing");
    const r = await doctor();
    expectStatuses(r.text, { "colima-version": "warn", "lima-version": "fail" });
    expect(line(r.text, "colima-version")).toContain("colima 0.8.4 is older than 0.9.0");
    expect(line(r.text, "lima-version")).toContain("limactl is not installed");
    expect(r.code).toBe(1);
  });

  withKeygen("a stopped VM: vm-resources fails with colima start, and every in-VM check fails with it", async () => {
    host.knob("colima-list", colimaList({ status: "Stopped" }));
    host.knob("vm-down", "yes");
    const r = await doctor();
    expectStatuses(r.text, { "vm-resources": "fail", clock: "fail", "vm-disk": "fail", "vm-dns": "fail" });
    expect(line(r.text, "vm-resources")).toContain("is Stopped | fix: on the mini: colima start -p default");
    expect(r.code).toBe(1);
  });

  withKeygen("a VM smaller than declared: vm-resources fails with the figures", async () => {
    host.knob("colima-list", colimaList({ memory: 8 * 1024 ** 3, cpus: 4 }));
    const r = await doctor();
    expectStatuses(r.text, { "vm-resources": "fail" });
    expect(line(r.text, "vm-resources")).toContain("smaller than declared: 4 CPUs, 8.0 GiB memory, 100.0 GiB disk (declared: 8, 14, 100)");
    expect(r.code).toBe(1);
  });

  withKeygen("the VM's clock 5 minutes behind: clock fails", async () => {
    host.knob("vm-clock-offset", "-300");
    const r = await doctor();
    expectStatuses(r.text, { clock: "fail" });
    expect(line(r.text, "clock")).toMatch(/the VM's clock is 30\d s behind the Mac's/);
    expect(r.code).toBe(1);
  });

  withKeygen("a full VM disk fails; a Mac without room for the VM disk to grow to diskGb warns", async () => {
    host.knob("vm-df", vmDf(97));
    let r = await doctor();
    expectStatuses(r.text, { "vm-disk": "fail" });
    expect(line(r.text, "vm-disk")).toContain("97% used");
    expect(r.code).toBe(1);
    // 10 GiB free on the Mac, while the VM (20 GB used of its 100 GiB) may still grow by about 80 GiB.
    host.knob("vm-df", vmDf(20));
    host.knob("mac-df", "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/disk3s5 478724560 468238800 10485760 98% /System/Volumes/Data");
    r = await doctor();
    expectStatuses(r.text, { "mac-disk": "warn" });
    expect(line(r.text, "mac-disk")).toContain("10.0 GiB free on the Mac (/System/Volumes/Data); the VM's disk may still grow by 80.4 GiB to its 100 GiB: more than the Mac has free");
    expect(r.code).toBe(0);
  });

  withKeygen("no DNS in the VM: vm-dns fails", async () => {
    host.knob("vm-dns", "fail");
    const r = await doctor();
    expectStatuses(r.text, { "vm-dns": "fail" });
    expect(line(r.text, "vm-dns")).toContain("cannot resolve registry-1.docker.io (getent exit 2), so image pulls fail");
    expect(r.code).toBe(1);
  });

  withKeygen("the LaunchAgent not loaded: launchagent fails with pulumi up and the bootout", async () => {
    host.knob("launchd", "missing");
    const r = await doctor();
    expectStatuses(r.text, { launchagent: "fail" });
    expect(line(r.text, "launchagent")).toContain("(launchctl print exit 113: Bad request. / Could not find service \"dev.minidock.colima.default\" in domain for user gui: 501)");
    expect(r.code).toBe(1);
  });

  withKeygen("nobody logged in: launchagent fails with auto-login as the fix", async () => {
    host.knob("launchd", "missing");
    host.knob("launchd-session", "no");
    const r = await doctor();
    expectStatuses(r.text, { launchagent: "fail" });
    expect(line(r.text, "launchagent")).toContain("| fix: enable auto-login");
    expect(r.code).toBe(1);
  });

  withKeygen("the mini's node without the host tag, and a logged-out node: tailscale fails", async () => {
    host.knob("tailscale", tailscaleStatus({ Tags: [] }));
    let r = await doctor();
    expectStatuses(r.text, { tailscale: "fail" });
    expect(line(r.text, "tailscale")).toContain("does not carry tag:minidock (its tags: none)");
    expect(r.code).toBe(1);
    host.knob("tailscale", tailscaleStatus({ BackendState: "NeedsLogin" }));
    r = await doctor();
    expect(line(r.text, "tailscale")).toContain("is NeedsLogin, not Running");
    expect(r.code).toBe(1);
  });
});

describe("usage", () => {
  test("--help and -h ask for the usage; an unknown flag, no stack and an unknown host are usage errors (exit 2)", async () => {
    const io = { ctx: { env: host.env, timeoutMs: 1000 }, write: () => undefined };
    await expect(main(["--help"], io)).rejects.toThrow(HelpRequested);
    await expect(main(["-h"], io)).rejects.toThrow(HelpRequested);
    await expect(main(["--bogus"], io)).rejects.toThrow(UsageError);
    await expect(main([], io)).rejects.toThrow("expected --stack NAME");
    await expect(main(["--config", STACK, "--host", "nope"], io)).rejects.toThrow("--host nope: no such host in stack doctor (hosts: mini)");
    expect(USAGE).toMatch(/^npm run doctor -- --stack NAME/);
  });
});
