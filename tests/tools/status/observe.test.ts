import { Readable } from "stream";
import type Docker from "dockerode";
import { DeclaredHost } from "../../../tools/status/declared";
import { CONCURRENCY, countOomEvents, mapLimit, memoryUsedOf, observeHost, parseStatLines } from "../../../tools/status/observe";

/**
 * The daemon reads behind status. The pure parsers get the daemon's own formats; observeHost gets a stand-in for
 * dockerode (the few methods it calls, answering as Docker 20.10 does) so what it asks for and how it reads the
 * answers is checked without a daemon. scripts/ci/status-test.sh runs it against a real one.
 */
describe("memoryUsedOf: docker stats' figure (usage without the inactive page cache)", () => {
  test("cgroup v1: total_inactive_file", () => {
    expect(memoryUsedOf({ memory_stats: { usage: 100, stats: { total_inactive_file: 30, inactive_file: 99 } } })).toBe(70);
  });
  test("cgroup v2: inactive_file", () => {
    expect(memoryUsedOf({ memory_stats: { usage: 100, stats: { inactive_file: 40 } } })).toBe(60);
  });
  test("a cache figure above usage is ignored, and no usage is no figure", () => {
    expect(memoryUsedOf({ memory_stats: { usage: 10, stats: { inactive_file: 40 } } })).toBe(10);
    expect(memoryUsedOf({ memory_stats: {} })).toBeUndefined();
    expect(memoryUsedOf(undefined)).toBeUndefined();
  });
});

test("parseStatLines: mtime, size and name of each archive, newest first; noise skipped", () => {
  expect(parseStatLines("1700000000 10 /archive/a.tar.gz\nstat: can't stat\n1700003600 20 /archive/b.tar.gz\n")).toEqual([
    { name: "b.tar.gz", mtimeMs: 1_700_003_600_000, bytes: 20 },
    { name: "a.tar.gz", mtimeMs: 1_700_000_000_000, bytes: 10 },
  ]);
});

test("countOomEvents: oom actions per container id, other events and a cut-off line ignored", () => {
  const body = [
    { Type: "container", Action: "oom", Actor: { ID: "a" } },
    { Type: "container", Action: "die", Actor: { ID: "a" } },
    { Type: "container", Action: "oom", Actor: { ID: "a" } },
    { Type: "container", Action: "oom", id: "b" },
  ].map((e) => JSON.stringify(e)).join("\n") + '\n{"Type":"contai';
  expect([...countOomEvents(body)]).toEqual([["a", 2], ["b", 1]]);
});

/** One frame of the daemon's multiplexed stream (stdout). */
const frame = (text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

const host: DeclaredHost = {
  name: "local", dockerHost: "unix:///x.sock", budget: { host: "local", memoryMb: 2048, reserveMb: 256, cpus: 2, diskGb: 10 },
  containers: [
    { host: "local", service: "web", replica: 1, tier: "workload", rollout: "stop-first", name: "minidock-web-1", imageRef: "busybox:1.36.1", memoryMb: 32, hasHealthcheck: false, inputs: {}, resource: "web-1" },
    { host: "local", service: "app", replica: 1, tier: "workload", rollout: "stop-first", name: "minidock-app-1", imageRef: "app:1.0.0", memoryMb: 32, hasHealthcheck: false, inputs: {}, resource: "app-1" },
  ],
  networks: [], volumes: [],
  backup: { schedule: "0 3 * * *", archiveDir: "/archive", prefix: "minidock-local-", sourceRoot: "/backup" },
};

function inspect(id: string, name: string, running: boolean, labels: Record<string, string>) {
  return {
    Id: id, Name: `/${name}`, Image: "sha256:img", Created: "2026-12-01T00:00:00Z", RestartCount: 0,
    State: { Status: running ? "running" : "exited", Running: running, Restarting: false, OOMKilled: false, ExitCode: 0, StartedAt: "2026-12-01T00:00:01Z", Error: "" },
    Config: { Labels: labels, Env: [], Cmd: [] },
    HostConfig: { Memory: 32 * 1024 * 1024, LogConfig: { Type: "json-file", Config: {} }, RestartPolicy: { Name: "unless-stopped" } },
    NetworkSettings: { Networks: {}, Ports: {} },
    Mounts: [{ Type: "volume", Name: "minidock-web-data", Destination: "/backup/minidock-web-data" }, { Type: "bind", Source: "/etc", Destination: "/host" }],
  };
}

function stubDocker(over: Partial<Record<string, unknown>> = {}) {
  const calls: Record<string, unknown[]> = {};
  const note = (k: string, v: unknown) => (calls[k] = [...(calls[k] ?? []), v]);
  const own = { "minidock.project": "minidock", "minidock.stack": "local", "minidock.host": "local" };
  const containers: Record<string, ReturnType<typeof inspect>> = {
    w: inspect("w", "minidock-web-1", true, { ...own, "minidock.service": "web", "minidock.replica": "1" }),
    b: inspect("b", "minidock-backup-1", true, { ...own, "minidock.service": "backup", "minidock.replica": "1", "minidock.tier": "platform" }),
    s: inspect("s", "minidock-app-1", false, { ...own, "minidock.service": "app", "minidock.replica": "1" }),
  };
  const docker = {
    info: async () => ({ ServerVersion: "20.10.24", MemTotal: 4 * 1024 ** 3 }),
    listContainers: async (o: unknown) => (note("listContainers", o), [...Object.keys(containers), "gone"].map((Id) => ({ Id }))),
    listNetworks: async (o: unknown) => (note("listNetworks", o), [{ Name: "minidock-edge", Labels: own, Internal: false, Driver: "bridge" }]),
    listVolumes: async (o: unknown) => (note("listVolumes", o), { Volumes: [{ Name: "minidock-web-data", Labels: own }] }),
    getEvents: async (o: unknown) => (note("getEvents", o), Readable.from([Buffer.from(`${JSON.stringify({ Action: "oom", Actor: { ID: "w" } })}\n`)])),
    getContainer: (id: string) => ({
      inspect: async () => {
        if (!containers[id]) throw Object.assign(new Error("no such container"), { statusCode: 404 });
        return containers[id];
      },
      stats: async (o: unknown) => (note("stats", [id, o]), { memory_stats: { usage: 10 * 1024 * 1024, stats: { total_inactive_file: 2 * 1024 * 1024 } } }),
      exec: async (o: { Cmd: string[] }) => (note("exec", [id, o.Cmd]), { start: async (s: unknown) => (note("execStart", s), Readable.from([frame("1764644400 512 /archive/minidock-local-x.tar.gz\n")])) }),
    }),
    getImage: (ref: string) => ({ inspect: async () => (ref === "busybox:1.36.1" ? { Id: "sha256:img" } : Promise.reject(Object.assign(new Error("no such image"), { statusCode: 404 }))) }),
    df: async () => ({ LayersSize: 1000, Containers: [{ SizeRw: 5 }, { SizeRw: -1 }], Volumes: [{ UsageData: { Size: 7 } }, { UsageData: { Size: -1 } }], BuildCache: [] }),
    ...over,
  };
  return { docker: docker as unknown as Docker, calls };
}

describe("observeHost against a stand-in for dockerode", () => {
  const NOW = Date.parse("2026-12-02T15:00:00Z");

  test("asks for minidock's own objects only, and the OOM events of this stack over the look-back", async () => {
    const { docker, calls } = stubDocker();
    await observeHost(docker, "local", host, NOW);
    const own = { label: ["minidock.project=minidock"] };
    expect(calls.listContainers).toEqual([{ all: true, filters: own }]);
    expect(calls.listNetworks).toEqual([{ filters: own }]);
    expect(calls.listVolumes).toEqual([{ filters: own }]);
    expect(calls.getEvents).toEqual([{
      since: NOW / 1000 - 24 * 3600, until: NOW / 1000,
      filters: { type: ["container"], event: ["oom"], label: ["minidock.project=minidock", "minidock.stack=local"] },
    }]);
  });

  test("reads containers: a vanished one skipped, stats one-shot for running ones only, OOM events by id, named volume mounts", async () => {
    const { docker, calls } = stubDocker();
    const o = await observeHost(docker, "local", host, NOW);
    if (!o.reachable) throw new Error("unreachable");
    expect(o.containers.map((c) => [c.name, c.memoryUsedBytes, c.oomEvents])).toEqual([
      ["minidock-web-1", 8 * 1024 * 1024, 1], ["minidock-backup-1", 8 * 1024 * 1024, 0], ["minidock-app-1", undefined, 0],
    ]);
    expect(calls.stats).toEqual([["w", { stream: false, "one-shot": true }], ["b", { stream: false, "one-shot": true }]]);
    expect(o.containers[0].mounts).toEqual([{ name: "minidock-web-data", destination: "/backup/minidock-web-data" }, { name: undefined, destination: "/host" }]);
  });

  test("image ids per declared reference (null when the daemon has none), disk from system df, daemon memory", async () => {
    const o = await observeHost(stubDocker().docker, "local", host, NOW);
    if (!o.reachable) throw new Error("unreachable");
    expect(o.imageIds).toEqual({ "busybox:1.36.1": "sha256:img", "app:1.0.0": null });
    expect(o.disk).toEqual({ imagesBytes: 1000, containersBytes: 5, volumesBytes: 7, buildCacheBytes: 0 });
    expect([o.serverVersion, o.memTotalBytes]).toEqual(["20.10.24", 4 * 1024 ** 3]);
  });

  test("archives: one stat exec in the running backup container, not hijacked (works over ssh), output demultiplexed", async () => {
    const { docker, calls } = stubDocker();
    const o = await observeHost(docker, "local", host, NOW);
    if (!o.reachable) throw new Error("unreachable");
    expect(calls.exec).toEqual([["b", ["/bin/sh", "-c", `stat -c '%Y %s %n' "$0"/"$1"* 2>/dev/null; true`, "/archive", "minidock-local-"]]]);
    expect(calls.execStart).toEqual([{ hijack: false, stdin: false }]);
    expect(o.archives).toEqual({ files: [{ name: "minidock-local-x.tar.gz", mtimeMs: 1_764_644_400_000, bytes: 512 }] });
  });

  test("a daemon that does not answer: unreachable, with its error", async () => {
    const o = await observeHost(stubDocker({ info: async () => Promise.reject(new Error("connect ECONNREFUSED")) }).docker, "local", host, NOW);
    expect(o).toEqual({ reachable: false, error: "connect ECONNREFUSED" });
  });

  test("system df failing leaves the rest readable", async () => {
    const o = await observeHost(stubDocker({ df: async () => Promise.reject(new Error("df busy")) }).docker, "local", host, NOW);
    expect(o).toMatchObject({ reachable: true, disk: undefined, diskError: "df busy" });
  });
});

test("mapLimit: at most `limit` in flight, results in order (over ssh each request is an sshd session, MaxSessions 10)", async () => {
  let inFlight = 0;
  let most = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0, 6, 7, 8, 9], CONCURRENCY, async (n) => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, n));
    inFlight -= 1;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30, 0, 60, 70, 80, 90]);
  expect(most).toBe(CONCURRENCY);
  expect(CONCURRENCY).toBeLessThan(10);
  expect(await mapLimit([], 4, async () => 1)).toEqual([]);
});
