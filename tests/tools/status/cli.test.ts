import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import Docker from "dockerode";
import { EXIT, USAGE, exitCodeOfError, main } from "../../../tools/status";
import { HelpRequested, UsageError } from "../../../tools/stackRun";
import { tempDir } from "../../support/tmp";
import { schemaErrors } from "./schema";

/**
 * `npm run status`'s command line: its flags, its exit codes (2 means down here, so a usage error is 64 and an
 * invalid stack config 78), --watch's refusal without a terminal, and --json's document for a host whose daemon
 * does not answer. The daemon side is tests/tools/status/daemon.test.ts.
 */
const ROOT = path.resolve(__dirname, "../../..");
const dir = tempDir("minidock-status-cli-");
const stackFile = (name: string, dockerHost: string, memoryMb: string | number = 2048) => {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, `config:
  minidock:hosts:
    ci:
      dockerHost: ${dockerHost}
      memoryMb: ${memoryMb}
      cpus: 2
      reserveMb: 256
  minidock:networks:
    edge: {}
  minidock:services:
    web:
      image: busybox:1.36.1
      memoryMb: 32
      command: [sleep, "100000"]
`);
  return file;
};
const DEAD = `unix://${dir}/no-daemon.sock`;
const run = (...args: string[]) => spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/status.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe("flags, in process (the contract every tool keeps: HelpRequested and UsageError)", () => {
  const io = { out: () => undefined, err: () => undefined, isTTY: false, client: () => new Docker(), now: Date.now, onInterrupt: () => () => undefined };
  test.each([
    [["--help"], HelpRequested],
    [["-h"], HelpRequested],
    [["--no-such-flag"], UsageError],
    [[], UsageError],
    [["--stack", "local", "--watch", "--json"], UsageError],
    [["--stack", "local", "--interval", "5"], UsageError],
    [["--stack", "local", "--watch", "--interval", "0"], UsageError],
    [["--stack", "no-such-stack"], UsageError],
  ])("%j", async (argv, error) => {
    await expect(main(argv, io)).rejects.toThrow(error);
  });

  test("--watch on something that is not a terminal is refused, saying what to use instead", async () => {
    await expect(main(["--stack", "local", "--watch"], io)).rejects.toThrow(/needs a terminal; stdout is not one\. In a script or cron job run status without --watch and use its exit status/);
  });

  test("exit codes: ok 0, degraded 1, down 2, usage 64, internal 70, config 78", () => {
    expect(EXIT).toEqual({ ok: 0, degraded: 1, down: 2, usage: 64, software: 70, config: 78 });
    expect(exitCodeOfError(new HelpRequested())).toBe(0);
    expect(exitCodeOfError(new UsageError("x"))).toBe(64);
    expect(exitCodeOfError(new Error("bug"))).toBe(70);
  });
});

describe("spawned", () => {
  test("--help: usage on stdout, exit 0", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`usage: ${USAGE}\n`);
  });

  test("an unknown flag: the error and the usage on stderr, nothing on stdout, exit 64", () => {
    const r = run("--bogus");
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/^error: Unknown option '--bogus'.*\nusage: npm run status /s);
    expect(r.stdout).toBe("");
  });

  test("an invalid stack config: its key path and value on stderr, nothing on stdout, exit 78", () => {
    const r = run("--config", stackFile("badmem", DEAD, '"lots"'), "--json");
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/hosts\.ci\.memoryMb/);
    expect(r.stdout).toBe("");
  });

  test("--host naming no host of the stack: a usage error listing the hosts, exit 64", () => {
    const r = run("--config", stackFile("hosts", DEAD), "--host", "nope");
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/^error: --host nope: stack hosts has no such host \(it has ci\)/);
  });

  test("a daemon that does not answer: down, exit 2, one valid --json document naming the error and the fix", () => {
    const r = run("--config", stackFile("dead", DEAD), "--json");
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc).toMatchObject({ stack: "dead", verdict: "down", exitCode: 2 });
    expect(doc.hosts[0].problems).toEqual([expect.objectContaining({ kind: "host-unreachable", runbook: "docs/runbook.md#a-host-is-down" })]);
  });
});

test("--watch on a terminal: redraws in place until Ctrl-C, then exits with the last verdict", async () => {
  const outs: string[] = [];
  let interrupt = () => undefined as void;
  let removed = false;
  const io = {
    out: (t: string) => {
      outs.push(t);
      // Ctrl-C after the second drawing: the wait between refreshes is interrupted at once.
      if (outs.length === 2) interrupt();
    },
    onInterrupt: (stop: () => void) => {
      interrupt = stop;
      return () => void (removed = true);
    },
    err: () => undefined,
    isTTY: true,
    client: () => new Docker({ socketPath: `${dir}/no-daemon.sock` }),
    now: Date.now,
  };
  const started = Date.now();
  const code = await main(["--config", stackFile("watch", DEAD), "--watch", "--interval", "1"], io);
  expect(code).toBe(2);
  expect(outs).toHaveLength(2);
  expect(removed).toBe(true);
  for (const o of outs) {
    expect(o.startsWith("\x1b[H\x1b[2J")).toBe(true);
    expect(o).toMatch(/host ci \(unix:\/\/.*\): DOWN/);
    expect(o).toMatch(/refreshing every 1 s; Ctrl-C to stop$/);
  }
  expect(Date.now() - started).toBeLessThan(20_000);
});
