import { Inspect } from "./daemon";

/**
 * Pure helpers of the end-to-end test's proxy step (tools/engine/e2e.ts, step h): where a container could reach the
 * daemon's socket through its mounts, what docker-state pushed to the Pushgateway, and which denied requests the
 * proxy logged.
 */

/** The `docker inspect` fields the proxy step reads beyond daemon.ts's Inspect. */
export interface MountInspect extends Inspect {
  State: Inspect["State"] & { StartedAt: string };
  Config: Inspect["Config"] & { User: string };
  Mounts: { Type: string; Source: string; Destination: string; RW: boolean }[];
}

/** Where the daemon's socket is when no mount says otherwise: what a client's default DOCKER_HOST points at. */
export const DEFAULT_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock"];

/** A mount that is itself a daemon socket or a directory such a socket lives in by convention. */
export function socketMounts(mounts: MountInspect["Mounts"], hostSocket: string): MountInspect["Mounts"] {
  const runDir = (p: string) => /^\/(var\/)?run\/?$/.test(p);
  return mounts.filter((m) => m.Source === hostSocket || /docker\.sock$/.test(m.Source) || /docker\.sock$/.test(m.Destination) || runDir(m.Source) || runDir(m.Destination));
}

/**
 * The paths inside a container at which the host's socket may appear: the default ones, and for every bind
 * mount of a directory above it (such as `/` at /rootfs), the socket's path under the mount's destination.
 * A read-only mount does not stop a connect(): only the socket's permissions do, so each is worth trying.
 */
export function socketPathsInside(mounts: MountInspect["Mounts"], hostSocket: string): string[] {
  const paths = new Set(DEFAULT_SOCKETS);
  // /var/run is a link to /run on most hosts (the Colima VM's too): a mount of / shows the socket under both.
  const hostPaths = [hostSocket, ...(hostSocket.startsWith("/var/run/") ? [hostSocket.slice("/var".length)] : [])];
  for (const m of mounts) {
    if (m.Type !== "bind") continue;
    const src = m.Source === "/" ? "" : m.Source.replace(/\/+$/, "");
    for (const h of hostPaths) {
      if (m.Source === h) paths.add(m.Destination);
      else if (h.startsWith(`${src}/`)) paths.add(`${m.Destination.replace(/\/+$/, "")}${h.slice(src.length)}`);
    }
  }
  return [...paths];
}

export interface PushedState {
  /** minidock_container_health series: container name to its status label. */
  health: Map<string, string>;
  series: number;
  /** push_time_seconds of the job, if the Pushgateway shows it. */
  pushTime?: number;
}

const label = (labels: string, name: string) => new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels)?.[1];

/** docker-state's job as the Pushgateway's /metrics shows it (the job's series only). */
export function pushedState(metrics: string, job: string): PushedState {
  const health = new Map<string, string>();
  let series = 0;
  let pushTime: number | undefined;
  for (const line of metrics.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m || label(m[2], "job") !== job) continue;
    if (m[1] === "minidock_container_health") {
      series++;
      const c = label(m[2], "container");
      if (c !== undefined) health.set(c, label(m[2], "status") ?? "");
    } else if (m[1] === "push_time_seconds") pushTime = Number(m[3]);
  }
  return { health, series, pushTime };
}

/** HAProxy httplog lines (`... 405 ... "POST /v1.41/containers/x/stop HTTP/1.1"`): status, method and path. */
export function proxyLogRequests(log: string): { status: number; method: string; path: string; line: string }[] {
  const out: { status: number; method: string; path: string; line: string }[] = [];
  for (const line of log.split("\n")) {
    const m = /\s(\d{3})\s.*"([A-Z]+) (\S+) HTTP\/[\d.]+"\s*$/.exec(line);
    if (m) out.push({ status: Number(m[1]), method: m[2], path: m[3].replace(/\?.*$/, ""), line });
  }
  return out;
}
