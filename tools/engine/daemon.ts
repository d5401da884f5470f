import { execFileSync, spawnSync } from "child_process";

/**
 * The docker daemon as the end-to-end test reads it: the docker CLI's own JSON (`docker inspect`), so what is
 * checked is what the daemon really runs, not what a client library makes of it.
 */
export interface Inspect {
  Id: string;
  Name: string;
  Image: string;
  State: { Status: string; Running: boolean; Health?: { Status: string } };
  Config: { Env: string[] | null; Cmd: string[] | null; Entrypoint: string[] | null; Labels: Record<string, string> };
  HostConfig: {
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    CapDrop: string[] | null;
    CapAdd: string[] | null;
    SecurityOpt: string[] | null;
    ReadonlyRootfs: boolean;
    Tmpfs: Record<string, string> | null;
    LogConfig: { Type: string; Config: Record<string, string> };
    RestartPolicy: { Name: string };
    PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Privileged: boolean;
  };
  NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }>; Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
}

export class Daemon {
  constructor(private readonly host: string) {}

  docker(args: string[], opts: { allowFailure?: boolean } = {}): { status: number; stdout: string; stderr: string } {
    const r = spawnSync("docker", args, { encoding: "utf8", env: { ...process.env, DOCKER_HOST: this.host }, maxBuffer: 64 << 20 });
    const out = { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    if (out.status !== 0 && !opts.allowFailure) throw new Error(`docker ${args.join(" ")}: exit ${out.status}: ${out.stderr.trim()}`);
    return out;
  }

  inspect(name: string): Inspect {
    return (JSON.parse(this.docker(["inspect", name]).stdout) as Inspect[])[0];
  }

  /** Containers (or volumes) carrying a label, by name. */
  containers(label: string): string[] {
    return this.docker(["ps", "-a", "--filter", `label=${label}`, "--format", "{{.Names}}"]).stdout.split("\n").filter(Boolean).sort();
  }

  volumes(label: string): string[] {
    return this.docker(["volume", "ls", "-q", "--filter", `label=${label}`]).stdout.split("\n").filter(Boolean).sort();
  }

  /** id, image and state of every container: what "nothing changed on the daemon" compares. */
  snapshot(): string {
    return this.docker(["ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Image}} {{.Names}} {{.CreatedAt}}"]).stdout.split("\n").filter(Boolean).sort().join("\n");
  }

  exec(container: string, cmd: string[], opts: { allowFailure?: boolean } = {}) {
    return this.docker(["exec", container, ...cmd], opts);
  }

  imageId(ref: string): string {
    return this.docker(["image", "inspect", "--format", "{{.Id}}", ref]).stdout.trim();
  }
}

/** Waits for `check` to hold, polling; returns how long it took or throws with the last reason. */
export async function waitFor(what: string, timeoutMs: number, check: () => string | undefined): Promise<number> {
  const started = Date.now();
  let reason: string | undefined = "not checked yet";
  while (Date.now() - started < timeoutMs) {
    reason = check();
    if (reason === undefined) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s: ${reason}`);
}

export function dockerCli(): boolean {
  try {
    execFileSync("docker", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
