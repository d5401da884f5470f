import type Docker from "dockerode";
import { LABEL } from "../../lib/labels";
import { PROJECT } from "../../lib/naming";
import { BACKUP_SERVICE } from "../../lib/platform/backup/sources";
import { SSH_SESSIONS_PER_HOST, demuxLogs, toContainerView } from "../deploy/docker";
import { ContainerView } from "../deploy/verify";
import { DeclaredHost } from "./declared";

/**
 * What one host's daemon says, read through dockerode at the stack's own address (tools/deploy/docker.ts
 * dockerClient: the local socket, or ssh:// through OpenSSH `docker system dial-stdio`). Only reads: list, inspect,
 * one-shot stats, the event log, `system df`, info, image inspect, and one `stat` exec in the backup container
 * for its archive times. The judgement is tools/status/judge.ts, pure.
 */

export interface ObservedContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  created: string;
  startedAt?: string;
  view: ContainerView;
  /** Named volumes mounted, with where. */
  mounts: { name?: string; destination: string }[];
  /** Memory in use without the page cache, as `docker stats` counts it; undefined when not running or unreadable. */
  memoryUsedBytes?: number;
  /** OOM events the daemon's event log holds for this container within the look-back window. */
  oomEvents: number;
}

export interface ObservedNetwork {
  name: string;
  labels: Record<string, string>;
  internal: boolean;
  driver: string;
}

export interface ObservedVolume {
  name: string;
  labels: Record<string, string>;
}

export interface ArchiveFile {
  name: string;
  mtimeMs: number;
  bytes: number;
}

export interface ObservedDisk {
  imagesBytes: number;
  containersBytes: number;
  volumesBytes: number;
  buildCacheBytes: number;
}

export type Observation =
  | { reachable: false; error: string }
  | {
    reachable: true;
    serverVersion: string;
    memTotalBytes: number;
    /** Every container labelled minidock.project=minidock, whatever its stack. */
    containers: ObservedContainer[];
    networks: ObservedNetwork[];
    volumes: ObservedVolume[];
    /** The image id each declared reference names on this daemon now; null when the daemon has no such image. */
    imageIds: Record<string, string | null>;
    disk?: ObservedDisk;
    diskError?: string;
    /** The backup container's archives, newest first; or why they could not be read. Undefined without backups. */
    archives?: { files: ArchiveFile[] } | { error: string };
  };

/** How far back the daemon's event log is asked for OOM kills. */
export const OOM_LOOKBACK_MS = 24 * 3_600_000;

/**
 * Memory in use as `docker stats` shows it (docker/cli calculateMemUsageUnixNoCache): usage minus the inactive page
 * cache, `total_inactive_file` on cgroup v1, `inactive_file` on v2. Undefined without a usage figure.
 */
export function memoryUsedOf(stats: unknown): number | undefined {
  const m = (stats as { memory_stats?: { usage?: number; stats?: Record<string, number> } } | undefined)?.memory_stats;
  if (!m || typeof m.usage !== "number") return undefined;
  const s = m.stats ?? {};
  const cache = typeof s.total_inactive_file === "number" ? s.total_inactive_file : typeof s.inactive_file === "number" ? s.inactive_file : 0;
  return cache < m.usage ? m.usage - cache : m.usage;
}

/** `stat -c '%Y %s %n'` lines (mtime seconds, size, path) as archive files, newest first; other lines are skipped. */
export function parseStatLines(text: string): ArchiveFile[] {
  return text
    .split("\n")
    .map((l) => /^(\d+) (\d+) (.+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ name: m[3].replace(/^.*\//, ""), mtimeMs: Number(m[1]) * 1000, bytes: Number(m[2]) }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
}

/** The OOM events of a `GET /events` body (one JSON object per line), counted per container id. */
export function countOomEvents(body: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as { Type?: string; Action?: string; Actor?: { ID?: string }; id?: string };
      if (e.Action !== "oom") continue;
      const id = e.Actor?.ID ?? e.id;
      if (id) out.set(id, (out.get(id) ?? 0) + 1);
    } catch {
      // A line cut short by the stream's end: nothing to count.
    }
  }
  return out;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on("data", (d: Buffer | string) => parts.push(Buffer.isBuffer(d) ? d : Buffer.from(d)));
    stream.on("end", () => resolve(Buffer.concat(parts)));
    stream.on("close", () => resolve(Buffer.concat(parts)));
    stream.on("error", reject);
  });
}

async function oomEvents(docker: Docker, stack: string, nowMs: number): Promise<Map<string, number>> {
  const stream = await docker.getEvents({
    since: Math.floor((nowMs - OOM_LOOKBACK_MS) / 1000),
    until: Math.floor(nowMs / 1000),
    filters: { type: ["container"], event: ["oom"], label: [`${LABEL.project}=${PROJECT}`, `${LABEL.stack}=${stack}`] },
  });
  return countOomEvents((await readAll(stream)).toString("utf8"));
}

/** `stat` of every archive in the backup container, through one exec (the archive volume is only mounted there). */
async function archives(docker: Docker, containerId: string, dir: string, prefix: string): Promise<{ files: ArchiveFile[] } | { error: string }> {
  try {
    const exec = await docker.getContainer(containerId).exec({
      // A glob that matches nothing stays literal; stat then fails on it and prints nothing to stdout.
      Cmd: ["/bin/sh", "-c", `stat -c '%Y %s %n' "$0"/"$1"* 2>/dev/null; true`, dir, prefix],
      AttachStdout: true,
      AttachStderr: true,
    });
    // Not hijacked: the output comes back as the response body, which works over any transport (ssh included).
    const stream = await exec.start({ hijack: false, stdin: false });
    const out = demuxLogs(await readAll(stream));
    return { files: parseStatLines(out) };
  } catch (e) {
    return { error: `cannot list ${dir} in the backup container: ${(e as Error).message}` };
  }
}

/**
 * Requests in flight to one host at a time: over ssh:// the agent allows no more sessions than this anyway
 * (tools/deploy/docker.ts says why); a socket gets the same pace. The first request (info) goes alone, so the
 * shared connection is up before the rest.
 */
export const CONCURRENCY = SSH_SESSIONS_PER_HOST;

/** `fn` over `items`, at most `limit` at a time, results in the items' order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const labelsOf = (l: unknown) => (l && typeof l === "object" ? (l as Record<string, string>) : {});

export async function observeHost(docker: Docker, stack: string, host: DeclaredHost, nowMs: number): Promise<Observation> {
  let info: { ServerVersion?: string; MemTotal?: number };
  try {
    info = await docker.info();
  } catch (e) {
    return { reachable: false, error: (e as Error).message };
  }
  const ownLabel = [`${LABEL.project}=${PROJECT}`];
  const [list, networks, volumes, ooms] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: ownLabel } }),
    docker.listNetworks({ filters: { label: ownLabel } }),
    docker.listVolumes({ filters: { label: ownLabel } }),
    oomEvents(docker, stack, nowMs),
  ]);
  const containers = await mapLimit(list, CONCURRENCY, async (c): Promise<ObservedContainer | undefined> => {
    let raw: Docker.ContainerInspectInfo;
    try {
      raw = await docker.getContainer(c.Id).inspect();
    } catch (e) {
      // Removed between the list and the inspect.
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
    let memoryUsedBytes: number | undefined;
    if (raw.State.Running) {
      memoryUsedBytes = memoryUsedOf(await docker.getContainer(c.Id).stats({ stream: false, "one-shot": true }).catch(() => undefined));
    }
    return {
      id: raw.Id,
      name: raw.Name.replace(/^\//, ""),
      labels: labelsOf(raw.Config?.Labels),
      created: raw.Created,
      startedAt: raw.State.StartedAt,
      view: toContainerView(raw),
      mounts: (raw.Mounts ?? []).map((m) => ({ name: m.Type === "volume" ? m.Name : undefined, destination: m.Destination })),
      memoryUsedBytes,
      oomEvents: ooms.get(raw.Id) ?? 0,
    };
  });
  const refs = [...new Set(host.containers.map((c) => c.imageRef).filter((r): r is string => !!r))];
  const imageIds: Record<string, string | null> = {};
  await mapLimit(refs, CONCURRENCY, async (ref) => {
    imageIds[ref] = await docker.getImage(ref).inspect().then((i) => i.Id, () => null);
  });
  let disk: ObservedDisk | undefined;
  let diskError: string | undefined;
  try {
    const df = (await docker.df()) as {
      LayersSize?: number;
      Containers?: { SizeRw?: number }[];
      Volumes?: { UsageData?: { Size?: number } }[];
      BuildCache?: { Size?: number }[];
    };
    const sum = (xs: (number | undefined)[]) => xs.reduce<number>((a, b) => a + (typeof b === "number" && b > 0 ? b : 0), 0);
    disk = {
      imagesBytes: df.LayersSize ?? 0,
      containersBytes: sum((df.Containers ?? []).map((x) => x.SizeRw)),
      volumesBytes: sum((df.Volumes ?? []).map((v) => v.UsageData?.Size)),
      buildCacheBytes: sum((df.BuildCache ?? []).map((b) => b.Size)),
    };
  } catch (e) {
    diskError = (e as Error).message;
  }
  const present = containers.filter((c): c is ObservedContainer => !!c);
  let archiveList: { files: ArchiveFile[] } | { error: string } | undefined;
  if (host.backup) {
    const b = host.backup;
    const backup = present.find((c) =>
      c.labels[LABEL.stack] === stack && c.labels[LABEL.host] === host.name && c.labels[LABEL.service] === BACKUP_SERVICE && c.labels[LABEL.tier] === "platform" && c.view.State.Running);
    archiveList = backup ? await archives(docker, backup.id, b.archiveDir, b.prefix) : { error: "the backup container is not running, so its archive volume cannot be listed" };
  }
  return {
    reachable: true,
    serverVersion: info.ServerVersion ?? "unknown",
    memTotalBytes: info.MemTotal ?? 0,
    containers: present,
    networks: networks.map((n) => ({ name: n.Name, labels: labelsOf(n.Labels), internal: n.Internal === true, driver: n.Driver })),
    volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, labels: labelsOf(v.Labels) })),
    imageIds,
    disk,
    diskError,
    archives: archiveList,
  };
}
