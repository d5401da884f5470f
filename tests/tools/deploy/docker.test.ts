import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { SSH_SESSIONS_PER_HOST, demuxLogs, dockerClient, inspectContainer, logTail, sshDialArgs, toContainerView } from "../../../tools/deploy/docker";
import { tempDir } from "../../support/tmp";

/**
 * Deploy's Docker API client: the ssh command line, the multiplexed log format, the mapping of dockerode's inspect
 * result, and both transports end to end against a stand-in daemon (an HTTP server on a unix socket answering the
 * Engine API paths dockerode requests): directly over unix://, and over ssh:// with a stand-in `ssh` that
 * records its arguments and pipes its stdio to that socket, as `ssh host docker system dial-stdio` does.
 */
describe("sshDialArgs", () => {
  test("user, host and a port: the provider's ssh options, then dial-stdio", () => {
    const args = sshDialArgs({ name: "mini", dockerHost: "ssh://dev@mac-mini.example.ts.net:2222" })!;
    expect(args).toContain("StrictHostKeyChecking=yes");
    expect(args).toContain("ControlPath=~/.ssh/minidock-mini-%C");
    expect(args.slice(args.indexOf("-p"), args.indexOf("-p") + 2)).toEqual(["-p", "2222"]);
    expect(args.slice(-7)).toEqual(["-l", "dev", "--", "mac-mini.example.ts.net", "docker", "system", "dial-stdio"]);
  });

  test("no user, port 22: neither -l nor -p", () => {
    const args = sshDialArgs({ name: "mini", dockerHost: "ssh://mini.lan" })!;
    expect(args).not.toContain("-l");
    expect(args).not.toContain("-p");
    expect(args.slice(-5)).toEqual(["--", "mini.lan", "docker", "system", "dial-stdio"]);
  });

  test("other schemes are not ssh", () => {
    expect(sshDialArgs({ name: "local", dockerHost: "unix:///var/run/docker.sock" })).toBeUndefined();
  });

  test("an address the client cannot reach is refused by name", () => {
    expect(() => dockerClient({ name: "odd", dockerHost: "npipe:////./pipe/docker_engine" })).toThrow(/host odd: cannot reach a Docker daemon at npipe/);
  });
});

/** One frame of Docker's multiplexed stream: type (1 stdout, 2 stderr), three zero bytes, big-endian length. */
const frame = (type: number, text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

test("demuxLogs: frames of both streams in order; a TTY container's raw text as it is", () => {
  expect(demuxLogs(Buffer.concat([frame(1, "out 1\n"), frame(2, "err 1\n"), frame(1, "out 2\n")]))).toBe("out 1\nerr 1\nout 2\n");
  expect(demuxLogs(Buffer.from("plain tty output\n"))).toBe("plain tty output\n");
  expect(demuxLogs(Buffer.alloc(0))).toBe("");
});

/** Docker 20.10's answer for a minidock container, trimmed to the fields the mapping reads and a few it does not. */
const INSPECT = {
  Id: "4f2c", Name: "/minidock-web-1", Image: "sha256:aaaa", RestartCount: 2, Created: "2026-12-02T12:00:00Z",
  State: {
    Status: "running", Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 42, ExitCode: 0, Error: "",
    StartedAt: "", FinishedAt: "",
    Health: { Status: "unhealthy", FailingStreak: 3, Log: [{ Start: "s", End: "e", ExitCode: 1, Output: "nope\n" }] },
  },
  Config: { Env: ["A=1"], Cmd: ["sh", "-c", "sleep 1d"], Entrypoint: null, Labels: { "minidock.service": "web" } },
  HostConfig: {
    Memory: 33554432, MemorySwap: 33554432, NanoCpus: 250000000, CapDrop: ["ALL"], CapAdd: null, SecurityOpt: ["no-new-privileges:true"],
    ReadonlyRootfs: true, Tmpfs: { "/tmp": "rw,size=64m" }, LogConfig: { Type: "json-file", Config: { "max-size": "10m" } },
    RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 }, PortBindings: {}, Privileged: false,
  },
  NetworkSettings: { Networks: { "minidock-edge": { Aliases: ["web", "4f2c"], IPAddress: "172.18.0.2" } }, Ports: {} },
};

test("toContainerView keeps what verification and envelopeProblems read", () => {
  const v = toContainerView(INSPECT as never);
  expect(v).toMatchObject({
    Id: "4f2c", Image: "sha256:aaaa", RestartCount: 2,
    State: { Status: "running", Running: true, Restarting: false, ExitCode: 0, OOMKilled: false, Error: undefined, Health: { Status: "unhealthy", FailingStreak: 3, Log: [{ ExitCode: 1, Output: "nope\n" }] } },
    Config: { Env: ["A=1"], Cmd: ["sh", "-c", "sleep 1d"], Entrypoint: null },
    HostConfig: { Memory: 33554432, CapDrop: ["ALL"], CapAdd: null, Tmpfs: { "/tmp": "rw,size=64m" }, LogConfig: { Type: "json-file", Config: { "max-size": "10m" } }, RestartPolicy: { Name: "unless-stopped" } },
    NetworkSettings: { Networks: { "minidock-edge": { Aliases: ["web", "4f2c"] } }, Ports: {} },
  });
});

describe("against a stand-in daemon", () => {
  const dir = tempDir("minidock-docker-");
  const socket = path.join(dir, "docker.sock");
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? "/", "http://docker");
    if (url.pathname === "/containers/minidock-web-1/json") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(INSPECT));
    } else if (url.pathname === "/containers/minidock-web-1/logs") {
      res.writeHead(200, { "Content-Type": "application/vnd.docker.raw-stream" }).end(Buffer.concat([frame(1, "one\n"), frame(2, "two\n\n"), frame(1, "three\n")]));
    } else {
      res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ message: `No such container: ${url.pathname.split("/")[2]}` }));
    }
  });
  beforeAll(() => new Promise<void>((r) => server.listen(socket, () => r())));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test("unix://: inspect, a missing container, and the log tail", async () => {
    const docker = dockerClient({ name: "local", dockerHost: `unix://${socket}` });
    expect((await inspectContainer(docker, "minidock-web-1"))?.State.Health?.FailingStreak).toBe(3);
    expect(await inspectContainer(docker, "minidock-gone-1")).toBeUndefined();
    expect(await logTail(docker, "minidock-web-1", 20)).toEqual(["one", "two", "three"]);
    expect(requests).toContainEqual(expect.stringMatching(/^GET \/containers\/minidock-web-1\/logs\?.*tail=20/));
  });

  test("ssh://: one ssh process per connection, with the provider's options and dial-stdio", async () => {
    const argvLog = path.join(dir, "ssh-argv.log");
    const fakeSsh = path.join(dir, "ssh");
    fs.writeFileSync(fakeSsh, `#!${process.execPath}
const fs = require("fs"), net = require("net");
fs.appendFileSync(${JSON.stringify(argvLog)}, JSON.stringify(process.argv.slice(2)) + "\\n");
const s = net.connect(${JSON.stringify(socket)});
process.stdin.pipe(s); s.pipe(process.stdout);
s.on("end", () => process.exit(0));
`, { mode: 0o755 });
    const docker = dockerClient({ name: "mini", dockerHost: "ssh://dev@mac-mini.example.ts.net" }, { sshCommand: fakeSsh });
    expect((await inspectContainer(docker, "minidock-web-1"))?.Name).toBe("/minidock-web-1");
    expect(await inspectContainer(docker, "minidock-gone-1")).toBeUndefined();
    expect(await logTail(docker, "minidock-web-1", 2)).toEqual(["two", "three"]);
    const calls = fs.readFileSync(argvLog, "utf8").trim().split("\n").map((l) => JSON.parse(l) as string[]);
    expect(calls).toHaveLength(3);
    for (const argv of calls) expect(argv.slice(-7)).toEqual(["-l", "dev", "--", "mac-mini.example.ts.net", "docker", "system", "dial-stdio"]);
    expect(calls[0]).toContain("StrictHostKeyChecking=yes");
  });

  test("ssh://: at most SSH_SESSIONS_PER_HOST dial-stdio sessions at once; the rest wait their turn", async () => {
    // Each fake ssh logs its start and its end (the daemon closing, or the agent killing it when it has no more
    // requests for it); the daemon's answers come 150 ms late, so 12 inspects at once would overlap.
    const events = path.join(dir, "ssh-events.log");
    const slowSsh = path.join(dir, "ssh-slow");
    fs.writeFileSync(slowSsh, `#!${process.execPath}
const fs = require("fs"), net = require("net");
fs.appendFileSync(${JSON.stringify(events)}, "+\\n");
const end = () => { fs.appendFileSync(${JSON.stringify(events)}, "-\\n"); process.exit(0); };
process.on("SIGTERM", end);
const s = net.connect(${JSON.stringify(socket)});
process.stdin.pipe(s);
s.on("data", (d) => setTimeout(() => process.stdout.write(d), 150));
s.on("end", () => setTimeout(end, 160));
`, { mode: 0o755 });
    const docker = dockerClient({ name: "mini", dockerHost: "ssh://dev@mac-mini.example.ts.net" }, { sshCommand: slowSsh });
    const found = await Promise.all(Array.from({ length: 12 }, () => inspectContainer(docker, "minidock-web-1")));
    expect(found.every((c) => c?.Name === "/minidock-web-1")).toBe(true);
    // The agent ends its idle sessions once the queue is empty; wait for their "-".
    for (let i = 0; i < 50 && (fs.readFileSync(events, "utf8").match(/-/g) ?? []).length < (fs.readFileSync(events, "utf8").match(/\+/g) ?? []).length; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    let open = 0;
    let most = 0;
    for (const e of fs.readFileSync(events, "utf8").trim().split("\n")) {
      open += e === "+" ? 1 : -1;
      most = Math.max(most, open);
    }
    expect(open).toBe(0);
    expect(most).toBe(SSH_SESSIONS_PER_HOST);
  });

  test("ssh:// that fails: the error names ssh and carries its stderr", async () => {
    const failing = path.join(dir, "ssh-fails");
    fs.writeFileSync(failing, "#!/bin/sh\necho 'Host key verification failed.' >&2\nexit 255\n", { mode: 0o755 });
    const docker = dockerClient({ name: "mini", dockerHost: "ssh://dev@mac-mini.example.ts.net" }, { sshCommand: failing });
    await expect(inspectContainer(docker, "minidock-web-1")).rejects.toThrow(/exit 255: Host key verification failed/);
  });
});
