import { spawn } from "child_process";
import * as http from "http";
import { Duplex } from "stream";
import Docker from "dockerode";
import { dockerSshOpts } from "../../lib/ssh";
import { ContainerView } from "./verify";

/**
 * The Docker Engine API of a host, through dockerode, at the address the program gives the docker provider
 * (hosts[].dockerHost): unix:///path, tcp://host:port, or ssh://user@host[:port].
 *
 * ssh:// goes through the system's OpenSSH running `docker system dial-stdio` on the host, as the docker CLI and
 * the provider do, with the provider's own options (lib/ssh.ts dockerSshOpts: StrictHostKeyChecking=yes and the
 * same multiplexed ControlPath). docker-modem's built-in ssh support would use ssh2 instead: it checks no host key
 * unless given a verifier, reads neither ~/.ssh/config nor the user's keys (only an agent), and opens a new SSH
 * connection for every request, which is the sshd MaxStartups throttling lib/ssh.ts avoids.
 */
export interface DaemonAddress {
  /** The host's name in the config: names the ssh ControlPath, as the provider's does. */
  name: string;
  dockerHost: string;
}

/** The ssh command line for an ssh:// address, or undefined for another scheme. */
export function sshDialArgs(a: DaemonAddress): string[] | undefined {
  const m = /^ssh:\/\/(?:([^@/]+)@)?([^:/]+)(?::(\d+))?\/?$/.exec(a.dockerHost);
  if (!m) return undefined;
  const port = m[3] ? Number(m[3]) : 22;
  return [...dockerSshOpts(a.name, port), ...(m[1] ? ["-l", decodeURIComponent(m[1])] : []), "--", m[2], "docker", "system", "dial-stdio"];
}

/**
 * Connections open to one host at a time. Each is one `docker system dial-stdio` session on the host's multiplexed
 * connection, and sshd refuses sessions past its MaxSessions (10 by default) on one connection; before the shared
 * connection exists, each is a connection of its own, and sshd drops those past MaxStartups (10). Measured against
 * a private sshd: 40 requests at once over one connection, 2 refused; 16 at once without one, 1 dropped. Deploy's
 * verification inspects every container of a host at once, and a mini has 16.
 */
export const SSH_SESSIONS_PER_HOST = 4;

/**
 * An http.Agent whose every connection is one `ssh ... docker system dial-stdio` (one session over the
 * multiplexed master connection), at most SSH_SESSIONS_PER_HOST at a time: further requests wait in the agent's
 * queue. No keep-alive: a connection is a process.
 */
export class SshDialAgent extends http.Agent {
  constructor(private readonly args: string[], private readonly sshCommand = "ssh") {
    super({ keepAlive: false, maxSockets: SSH_SESSIONS_PER_HOST });
  }

  createConnection(): Duplex {
    const child = spawn(this.sshCommand, this.args, { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    // A write to an ssh that already exited fails with EPIPE; its exit code and stderr say why, below.
    child.stdin.on("error", () => undefined);
    const stream = new Duplex({
      read() {},
      write(chunk, _enc, done) {
        if (child.stdin.writable) child.stdin.write(chunk);
        done();
      },
      final(done) {
        child.stdin.end();
        done();
      },
      destroy(err, done) {
        if (child.exitCode === null && child.signalCode === null) child.kill();
        done(err);
      },
    }) as Duplex & Record<string, unknown>;
    // What http.ClientRequest and http.Agent may call on a socket.
    for (const m of ["setKeepAlive", "setNoDelay", "setTimeout", "ref", "unref"]) stream[m] = () => stream;
    child.stdout.on("data", (d: Buffer) => stream.push(d));
    child.on("error", (e) => stream.destroy(e));
    // "close": the process exited and its output is drained, so a failure is reported instead of a bare EOF.
    child.on("close", (code) => {
      if (code === 0 || code === null) stream.push(null);
      else stream.destroy(new Error(`ssh ${this.args.slice(this.args.indexOf("--") + 1, this.args.indexOf("--") + 2).join("")}: exit ${code}${stderr.trim() ? `: ${stderr.trim()}` : ""}`));
    });
    return stream;
  }
}

export function dockerClient(a: DaemonAddress, opts: { sshCommand?: string } = {}): Docker {
  const ssh = sshDialArgs(a);
  if (ssh) {
    const agent = new SshDialAgent(ssh, opts.sshCommand);
    // docker-modem passes `agent` to http.request; host and port only fill the Host header.
    return new Docker({ protocol: "http", host: "docker", port: 80, agent } as Docker.DockerOptions);
  }
  if (a.dockerHost.startsWith("unix://")) return new Docker({ socketPath: a.dockerHost.slice("unix://".length) });
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(a.dockerHost);
  if (tcp) return new Docker({ protocol: "http", host: tcp[1], port: Number(tcp[2] ?? 2375) });
  throw new Error(`host ${a.name}: cannot reach a Docker daemon at ${a.dockerHost} (expected unix://, tcp:// or ssh://)`);
}

type InspectInfo = Docker.ContainerInspectInfo;

/** dockerode's inspect result in the shape the end-to-end test's Inspect (tools/engine/daemon.ts) describes. */
export function toContainerView(info: InspectInfo): ContainerView {
  const hc = info.HostConfig ?? {};
  const list = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : null);
  const networks = (info.NetworkSettings?.Networks ?? {}) as Record<string, { Aliases?: unknown }>;
  return {
    Id: info.Id,
    Name: info.Name,
    Image: info.Image,
    RestartCount: info.RestartCount ?? 0,
    State: {
      Status: info.State.Status,
      Running: info.State.Running,
      Restarting: info.State.Restarting,
      ExitCode: info.State.ExitCode,
      OOMKilled: info.State.OOMKilled,
      Error: info.State.Error || undefined,
      Health: info.State.Health
        ? {
          Status: info.State.Health.Status,
          FailingStreak: info.State.Health.FailingStreak,
          Log: (info.State.Health.Log ?? []).map((l) => ({ Start: l.Start, End: l.End, ExitCode: l.ExitCode, Output: l.Output ?? "" })),
        }
        : undefined,
    },
    Config: {
      Env: list(info.Config?.Env),
      Cmd: list(info.Config?.Cmd),
      Entrypoint: list(info.Config?.Entrypoint),
      Labels: info.Config?.Labels ?? {},
    },
    HostConfig: {
      Memory: hc.Memory ?? 0,
      MemorySwap: hc.MemorySwap ?? 0,
      NanoCpus: hc.NanoCpus ?? 0,
      CapDrop: list(hc.CapDrop),
      CapAdd: list(hc.CapAdd),
      SecurityOpt: list(hc.SecurityOpt),
      ReadonlyRootfs: hc.ReadonlyRootfs ?? false,
      Tmpfs: hc.Tmpfs ?? null,
      LogConfig: { Type: hc.LogConfig?.Type ?? "", Config: (hc.LogConfig?.Config ?? {}) as Record<string, string> },
      RestartPolicy: { Name: hc.RestartPolicy?.Name ?? "" },
      PortBindings: (hc.PortBindings ?? null) as ContainerView["HostConfig"]["PortBindings"],
      Privileged: hc.Privileged ?? false,
    },
    NetworkSettings: {
      Networks: Object.fromEntries(Object.entries(networks).map(([k, n]) => [k, { Aliases: list(n.Aliases) }])),
      Ports: (info.NetworkSettings?.Ports ?? {}) as ContainerView["NetworkSettings"]["Ports"],
    },
  };
}

/**
 * `docker logs` output without a TTY is multiplexed: frames of an 8-byte header (stream type, 3 zero bytes, a
 * big-endian length) and that many bytes. Text as it came, stdout and stderr interleaved; a buffer that is not
 * framed (a TTY container) is returned as it is.
 */
export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const type = buf[at];
    if (type > 2 || buf[at + 1] !== 0 || buf[at + 2] !== 0 || buf[at + 3] !== 0) return buf.toString("utf8");
    const len = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + len));
    at += 8 + len;
  }
  if (at !== buf.length && parts.length === 0) return buf.toString("utf8");
  return Buffer.concat(parts).toString("utf8");
}

/** A container's inspect, or undefined when the daemon has no such container. */
export async function inspectContainer(docker: Docker, name: string): Promise<ContainerView | undefined> {
  try {
    return toContainerView(await docker.getContainer(name).inspect());
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

/** The names of the containers carrying every one of these labels (`key=value`), running or not. */
export async function containersLabelled(docker: Docker, labels: string[]): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: labels } });
  return list.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, "")).sort();
}

/** Its last `lines` log lines, stdout and stderr. */
export async function logTail(docker: Docker, name: string, lines = 20): Promise<string[]> {
  const buf = await docker.getContainer(name).logs({ stdout: true, stderr: true, tail: lines, follow: false });
  return demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf))).split("\n").filter((l) => l.trim() !== "").slice(-lines);
}
