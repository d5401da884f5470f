import { containerLabels, toLabelList, volumeLabels } from "../../../lib/labels";
import { DeclaredContainer, DeclaredHost, DeclaredStack } from "../../../tools/status/declared";
import { HostStatus, judgeHost, statusDocument, worst } from "../../../tools/status/judge";
import { Observation, ObservedContainer } from "../../../tools/status/observe";
import { schemaErrors } from "./schema";

/**
 * The verdict on one host from a declaration and an observation given here: the declared inputs are spelled as
 * the program registers them (lib/containerInputs.ts), the observed containers as tools/deploy/docker.ts
 * toContainerView makes them of Docker 20.10's inspect. No daemon: scripts/ci/status-test.sh runs the same
 * judgement on a real one.
 */
const MiB = 1024 * 1024;
const NOW = Date.parse("2026-12-02T15:00:00Z");
const STACK = "local";

type Obs = Extract<Observation, { reachable: true }>;

const labelsOf = (service: string, replica: number, tier: "workload" | "platform" = "workload", rollout: "stop-first" | "start-first" = "stop-first") =>
  containerLabels({ stack: STACK, host: "local", service, replica, tier, hostMemoryMb: 2048, hostReserveMb: 256, hostCpus: 2, hostDiskGb: 10, rollout });

function declaredContainer(service: string, replica = 1, over: Partial<DeclaredContainer> & { memoryMb?: number } = {}): DeclaredContainer {
  const memory = over.memoryMb ?? 32;
  const tier = over.tier ?? "workload";
  const rollout = over.rollout ?? "stop-first";
  const name = rollout === "stop-first" ? `minidock-${service}-${replica}` : undefined;
  return {
    host: "local", service, replica, tier, rollout, name, imageRef: "busybox:1.36.1", memoryMb: memory, hasHealthcheck: false,
    resource: `${service}-${replica}`,
    inputs: {
      name, memory, memorySwap: memory, cpus: "0.25", labels: toLabelList(labelsOf(service, replica, tier, rollout)),
      capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges:true"], readOnly: true, tmpfs: {},
      logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" }, restart: "unless-stopped",
      networksAdvanced: [{ name: "minidock-edge", aliases: [service] }],
    },
    ...over,
  };
}

function observed(d: DeclaredContainer, over: { name?: string; id?: string; state?: Partial<ObservedContainer["view"]["State"]>; memory?: number; used?: number; restarts?: number; started?: string; image?: string; labels?: Record<string, string>; oom?: number; mounts?: ObservedContainer["mounts"]; created?: string } = {}): ObservedContainer {
  const name = over.name ?? d.name ?? `minidock-${d.resource}-a1b2c3`;
  const running = over.state?.Running ?? true;
  return {
    id: over.id ?? `id-${name}`,
    name,
    labels: over.labels ?? labelsOf(d.service, d.replica, d.tier, d.rollout),
    created: over.created ?? "2026-11-20T10:00:00Z",
    startedAt: over.started ?? "2026-11-25T15:00:00Z",
    memoryUsedBytes: running ? (over.used ?? 8) * MiB : undefined,
    oomEvents: over.oom ?? 0,
    mounts: over.mounts ?? [],
    view: {
      Id: over.id ?? `id-${name}`, Name: `/${name}`, Image: over.image ?? "sha256:busybox", RestartCount: over.restarts ?? 0,
      State: { Status: "running", Running: true, Restarting: false, ExitCode: 0, OOMKilled: false, ...over.state },
      Config: { Env: [], Cmd: ["sleep"], Entrypoint: null, Labels: {} },
      HostConfig: {
        Memory: (over.memory ?? d.memoryMb ?? 0) * MiB, MemorySwap: (over.memory ?? d.memoryMb ?? 0) * MiB, NanoCpus: 250_000_000,
        CapDrop: ["ALL"], CapAdd: null, SecurityOpt: ["no-new-privileges:true"], ReadonlyRootfs: true, Tmpfs: null,
        LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } }, RestartPolicy: { Name: "unless-stopped" },
        PortBindings: {}, Privileged: false,
      },
      NetworkSettings: { Networks: { "minidock-edge": { Aliases: [d.service, "abc"] } }, Ports: {} },
    },
  };
}

const web = declaredContainer("web");
const pool1 = declaredContainer("pool", 1, { rollout: "start-first", memoryMb: 16 });
const pool2 = declaredContainer("pool", 2, { rollout: "start-first", memoryMb: 16 });

function host(containers: DeclaredContainer[] = [web, pool1, pool2], over: Partial<DeclaredHost> = {}): DeclaredHost {
  return {
    name: "local", dockerHost: "unix:///var/run/docker.sock",
    budget: { host: "local", memoryMb: 2048, reserveMb: 256, cpus: 2, diskGb: 10 },
    containers,
    networks: [{ host: "local", name: "minidock-edge", internal: false, driver: "bridge" }],
    volumes: [{ host: "local", name: "minidock-web-data", service: "web", backup: false }],
    ...over,
  };
}
const stackOf = (h: DeclaredHost): DeclaredStack => ({
  stack: STACK, hosts: [h], thresholds: { hostMemoryPercent: 85, hostMemoryFor: "10m", containerMemoryPercent: 90, diskPercent: 80, backupMaxAgeHours: 26 },
});
const ownerLabels = { "minidock.project": "minidock", "minidock.stack": STACK, "minidock.host": "local" };

function observation(containers: ObservedContainer[], over: Partial<Obs> = {}): Obs {
  return {
    reachable: true, serverVersion: "20.10.24", memTotalBytes: 4096 * MiB, containers,
    networks: [{ name: "minidock-edge", labels: ownerLabels, internal: false, driver: "bridge" }],
    volumes: [{ name: "minidock-web-data", labels: volumeLabels({ stack: STACK, host: "local", service: "web", volume: "data", backup: false }) }],
    imageIds: { "busybox:1.36.1": "sha256:busybox" },
    disk: { imagesBytes: 2e9, containersBytes: 1e6, volumesBytes: 5e8, buildCacheBytes: 0 },
    ...over,
  };
}
const healthy = () => [observed(web), observed(pool1), observed(pool2)];
const judge = (obs: Observation, h = host()) => judgeHost(stackOf(h), h, obs, NOW);
const kinds = (s: HostStatus) => s.problems.map((p) => `${p.kind} ${p.subject} -> ${p.runbook}`);

describe("a host as declared", () => {
  const s = judge(observation(healthy()));

  test("ok, nothing listed", () => {
    expect(s.verdict).toBe("ok");
    expect(s.problems).toEqual([]);
    expect(s.drift).toEqual({ undeclared: [], missing: [], differs: [] });
  });

  test("start-first replicas are found by their labels under the engine's names", () => {
    expect(s.containers.map((c) => `${c.service}/${c.replica} ${c.name}`)).toEqual(["web/1 minidock-web-1", "pool/1 minidock-pool-1-a1b2c3", "pool/2 minidock-pool-2-a1b2c3"]);
  });

  test("per container: state, uptime, restarts, memory against its limit", () => {
    expect(s.containers[0]).toMatchObject({
      state: "running", health: "none", uptimeSeconds: 7 * 86_400, restartCount: 0, oomKilled: false, oomKills: 0,
      memory: { usedMb: 8, limitMb: 32, percent: 25 }, image: "sha256:busybox", drift: [],
    });
  });

  test("host memory: usage and running limits against the budget, through lib/budget.ts", () => {
    expect(s.memory).toEqual({
      budgetMb: 2048, reserveMb: 256, usedMb: 24, usedPercentOfBudget: 1.2, limitsMb: 64, declaredMb: 64, headroomMb: 2048 - 256 - 64, daemonTotalMb: 4096,
    });
  });

  test("disk: Docker's data against diskGb", () => {
    expect(s.disk).toMatchObject({ diskGb: 10, totalBytes: 2.501e9, percentOfDisk: 25 });
  });

  test("services: every replica up", () => {
    expect(s.services).toEqual([
      { service: "web", tier: "workload", declaredReplicas: 1, running: 1, state: "up" },
      { service: "pool", tier: "workload", declaredReplicas: 2, running: 2, state: "up" },
    ]);
  });

  test("the document validates against the published schema", () => {
    expect(schemaErrors(statusDocument(stackOf(host()), [s], NOW))).toEqual([]);
  });
});

describe("containers that are not fine", () => {
  test("stopped by hand: degraded, ServiceDown; its service degraded", () => {
    const s = judge(observation([observed(web), observed(pool1), observed(pool2, { state: { Status: "exited", Running: false, ExitCode: 137 } })]));
    expect(kinds(s)).toEqual(["container-stopped pool/2 (minidock-pool-2-a1b2c3) -> docs/runbook.md#servicedown"]);
    expect(s.verdict).toBe("degraded");
    expect(s.containers[2]).toMatchObject({ state: "exited", uptimeSeconds: null, startedAt: null, memory: { usedMb: null, limitMb: 16 } });
    expect(s.services[1]).toMatchObject({ running: 1, state: "degraded" });
    // A stopped container's limit is not held: the live limits leave it out.
    expect(s.memory!.limitsMb).toBe(48);
  });

  test("OOM-killed and restarted: the kill from the event log, and the recent restart", () => {
    const s = judge(observation([observed(web, { oom: 2, restarts: 2, started: "2026-12-02T14:58:00Z", state: { OOMKilled: true } }), observed(pool1), observed(pool2)]));
    expect(kinds(s)).toEqual([
      "container-restarting web/1 (minidock-web-1) -> docs/runbook.md#containerrestarting",
      "container-oom-killed web/1 (minidock-web-1) -> docs/runbook.md#containerrestarting",
    ]);
    expect(s.problems[1].message).toBe("2 OOM kill(s) in the last 24 h; its last exit was an OOM kill (limit 32 MB)");
    expect(s.containers[0]).toMatchObject({ oomKilled: true, oomKills: 2, restartCount: 2, uptimeSeconds: 120 });
  });

  test("an OOM kill the event log still holds, though State.OOMKilled was reset by a later start", () => {
    const s = judge(observation([observed(web, { oom: 1 }), observed(pool1), observed(pool2)]));
    expect(kinds(s)).toEqual(["container-oom-killed web/1 (minidock-web-1) -> docs/runbook.md#containerrestarting"]);
  });

  test("restarting in a loop", () => {
    const s = judge(observation([observed(web, { restarts: 7, state: { Status: "restarting", Running: false, Restarting: true, ExitCode: 1 } }), observed(pool1), observed(pool2)]));
    expect(kinds(s)).toEqual(["container-restarting web/1 (minidock-web-1) -> docs/runbook.md#containerrestarting"]);
    expect(s.problems[0].message).toBe("restarting: 7 restart(s), last exit code 1");
  });

  test("restarts long ago are history, not a problem", () => {
    const s = judge(observation([observed(web, { restarts: 3 }), observed(pool1), observed(pool2)]));
    expect(s.problems).toEqual([]);
  });

  test("unhealthy: the last probe's output, ContainerUnhealthy; a single-replica service is down", () => {
    const d = { ...web, hasHealthcheck: true };
    const o = observed(d, { state: { Health: { Status: "unhealthy", FailingStreak: 4, Log: [{ ExitCode: 1, Output: "connection refused\n" }] } } });
    const s = judge(observation([o, observed(pool1), observed(pool2)]), host([d, pool1, pool2]));
    expect(kinds(s)).toEqual(["container-unhealthy web/1 (minidock-web-1) -> docs/runbook.md#containerunhealthy"]);
    expect(s.problems[0].message).toBe("unhealthy (4 failing probe(s) in a row): last probe exit 1, connection refused");
    expect(s.services[0].state).toBe("down");
    // The host still serves: degraded, not down.
    expect(s.verdict).toBe("degraded");
  });

  test("health starting is not a problem", () => {
    const d = { ...web, hasHealthcheck: true };
    const s = judge(observation([observed(d, { state: { Health: { Status: "starting", FailingStreak: 0, Log: [] } } }), observed(pool1), observed(pool2)]), host([d, pool1, pool2]));
    expect(s.problems).toEqual([]);
    expect(s.containers[0].health).toBe("starting");
  });

  test("memory near its limit, at the monitoring threshold (90 %)", () => {
    const s = judge(observation([observed(web, { used: 29 }), observed(pool1, { used: 14 }), observed(pool2)]));
    expect(kinds(s)).toEqual(["container-memory-near-limit web/1 (minidock-web-1) -> docs/runbook.md#containermemorynearlimit"]);
    expect(s.problems[0].message).toBe("uses 29 of 32 MB (90.6 %, threshold 90 %)");
  });

  test("missing: no container carries its labels", () => {
    const s = judge(observation([observed(web), observed(pool1)]));
    expect(kinds(s)).toEqual(["container-missing pool/2 -> docs/runbook.md#servicedown"]);
    expect(s.containers[2]).toMatchObject({ state: "missing", name: null, id: null });
    expect(s.drift.missing).toEqual([{ kind: "container", name: "pool replica 2", detail: "declared, not on the daemon" }]);
  });
});

describe("drift", () => {
  test("a container started by hand with the stack's labels", () => {
    const hand = observed(declaredContainer("pool", 3), { name: "by-hand" });
    const s = judge(observation([...healthy(), hand]));
    expect(kinds(s)).toEqual(["drift-undeclared container by-hand -> docs/runbook.md#drift"]);
    expect(s.drift.undeclared).toEqual([{ kind: "container", name: "by-hand", detail: "labelled pool replica 3, which the stack does not declare (running)" }]);
    // Its memory counts: it runs on the host.
    expect(s.memory!.usedMb).toBe(32);
  });

  test("a second container for a declared replica: the declared name is the replica, the other is drift", () => {
    const copy = observed(web, { name: "web-copy", created: "2026-12-01T00:00:00Z" });
    const s = judge(observation([copy, ...healthy()]));
    expect(s.containers[0].name).toBe("minidock-web-1");
    expect(s.drift.undeclared.map((d) => `${d.name}: ${d.detail}`)).toEqual(["web-copy: a second container labelled web replica 1 (running)"]);
  });

  test("of two start-first copies the running one is the replica (a rollout's leftover is drift)", () => {
    const old = observed(pool1, { name: "minidock-pool-1-000000", id: "old", state: { Status: "exited", Running: false } });
    const s = judge(observation([old, ...healthy()]));
    expect(s.containers[1].name).toBe("minidock-pool-1-a1b2c3");
    expect(s.drift.undeclared.map((d) => d.name)).toEqual(["minidock-pool-1-000000"]);
  });

  test("containers of another stack on the same daemon are not this stack's drift", () => {
    const other = observed(web, { name: "other", labels: { ...labelsOf("web", 1), "minidock.stack": "mini" } });
    expect(judge(observation([...healthy(), other])).problems).toEqual([]);
  });

  test("a memory limit changed by docker update: declared and actual, in bytes as the daemon has them", () => {
    const s = judge(observation([observed(web, { memory: 48 }), observed(pool1), observed(pool2)]));
    expect(s.containers[0].drift).toEqual([`memory: declared ${32 * MiB}, daemon has ${48 * MiB}`, `memory+swap: declared ${32 * MiB}, daemon has ${48 * MiB}`]);
    expect(kinds(s)).toEqual(["drift-differs web/1 (minidock-web-1) -> docs/runbook.md#drift"]);
    expect(s.memory!.limitsMb).toBe(80);
  });

  test("hardening loosened (a capability added, the root file system writable)", () => {
    const o = observed(web);
    o.view.HostConfig.CapAdd = ["NET_ADMIN"];
    o.view.HostConfig.ReadonlyRootfs = false;
    const s = judge(observation([o, observed(pool1), observed(pool2)]));
    expect(s.containers[0].drift).toEqual(['capabilities added: declared [], daemon has ["NET_ADMIN"]', "read-only root: declared true, daemon has false"]);
  });

  test("another image than the declared reference names on this host, or one it does not have", () => {
    const s = judge(observation([observed(web, { image: "sha256:older" }), observed(pool1), observed(pool2)]));
    expect(s.containers[0].drift).toEqual(["image: declared busybox:1.36.1 (sha256:busybox on this host), runs sha256:older"]);
    const gone = judge(observation(healthy(), { imageIds: { "busybox:1.36.1": null } }));
    expect(gone.containers[0].drift).toEqual(["image: declared busybox:1.36.1, which this host does not have (it runs sha256:busybox)"]);
  });

  test("a declared healthcheck the daemon does not run", () => {
    const d = { ...web, hasHealthcheck: true };
    const s = judge(observation([observed(d), observed(pool1), observed(pool2)]), host([d, pool1, pool2]));
    expect(s.containers[0].drift).toEqual(["healthcheck: declared, the daemon runs none"]);
  });

  test("networks and volumes: missing, undeclared, and a network that is not as declared", () => {
    const s = judge(observation(healthy(), {
      networks: [
        { name: "minidock-edge", labels: ownerLabels, internal: true, driver: "bridge" },
        { name: "minidock-old", labels: ownerLabels, internal: false, driver: "bridge" },
      ],
      volumes: [{ name: "minidock-gone-data", labels: ownerLabels }],
    }));
    expect(kinds(s)).toEqual([
      "drift-differs network minidock-edge -> docs/runbook.md#drift",
      "drift-undeclared network minidock-old -> docs/runbook.md#drift",
      "drift-missing volume minidock-web-data -> docs/runbook.md#drift",
      "drift-undeclared volume minidock-gone-data -> docs/runbook.md#drift",
    ]);
    expect(s.drift.differs).toEqual([{ kind: "network", name: "minidock-edge", detail: "internal: declared false, daemon has true" }]);
  });
});

describe("the host", () => {
  test("unreachable: down, with the daemon's error and the host-down section", () => {
    const s = judge({ reachable: false, error: "connect ENOENT /var/run/docker.sock" });
    expect(s.verdict).toBe("down");
    expect(kinds(s)).toEqual(["host-unreachable host local -> docs/runbook.md#a-host-is-down"]);
    expect(s.problems[0].message).toBe("the Docker daemon at unix:///var/run/docker.sock does not answer: connect ENOENT /var/run/docker.sock");
    expect(schemaErrors(statusDocument(stackOf(host()), [s], NOW))).toEqual([]);
  });

  test("nothing declared runs: down", () => {
    const stopped = { state: { Status: "exited", Running: false } };
    const s = judge(observation([observed(web, stopped), observed(pool1, stopped), observed(pool2, stopped)]));
    expect(s.verdict).toBe("down");
    expect(s.problems[0].kind).toBe("host-nothing-running");
  });

  test("memory in use above the host threshold (85 % of the budget)", () => {
    const big = declaredContainer("big", 1, { memoryMb: 1792 });
    const s = judge(observation([observed(big, { used: 1750 })]), host([big]));
    expect(kinds(s)).toEqual([
      "container-memory-near-limit big/1 (minidock-big-1) -> docs/runbook.md#containermemorynearlimit",
      "host-memory-high host local -> docs/runbook.md#hostmemoryhigh",
    ]);
  });

  test("running limits over the budget (raised by hand): over budget", () => {
    const s = judge(observation([observed(web, { memory: 1900 }), observed(pool1), observed(pool2)]));
    expect(s.memory!.headroomMb).toBe(2048 - 256 - 1932);
    expect(kinds(s)).toContain("host-over-budget host local -> docs/runbook.md#hostmemoryhigh");
  });

  test("Docker's data above the disk threshold", () => {
    const s = judge(observation(healthy(), { disk: { imagesBytes: 7e9, containersBytes: 0, volumesBytes: 1.5e9, buildCacheBytes: 0 } }));
    expect(kinds(s)).toEqual(["disk-high host local -> docs/runbook.md#diskusagehigh"]);
    expect(s.disk!.percentOfDisk).toBe(85);
  });

  test("worst verdict wins across hosts", () => {
    expect(worst(["ok", "degraded", "ok"])).toBe("degraded");
    expect(worst(["degraded", "down"])).toBe("down");
    expect(worst([])).toBe("ok");
  });
});

describe("backups", () => {
  const backupD = declaredContainer("backup", 1, { tier: "platform", memoryMb: 64 });
  const dumperD = declaredContainer("pg-pgdump", 1, { tier: "platform", memoryMb: 64 });
  const backedUp = host([web, backupD, dumperD], {
    volumes: [{ host: "local", name: "minidock-web-data", service: "web", backup: true }, { host: "local", name: "minidock-pg-pgdata", service: "pg", backup: true }],
    backup: { schedule: "0 3 * * *", archiveDir: "/archive", prefix: "minidock-local-", sourceRoot: "/backup" },
  });
  const backupO = (over: Parameters<typeof observed>[1] = {}) => observed(backupD, { mounts: [{ name: "minidock-web-data", destination: "/backup/minidock-web-data" }], ...over });
  const dumper = observed(dumperD, { labels: { ...labelsOf("pg-pgdump", 1, "platform"), "minidock.backup.dump-of": "minidock-pg-pgdata" } });
  const vols = [
    { name: "minidock-web-data", labels: ownerLabels },
    { name: "minidock-pg-pgdata", labels: ownerLabels },
  ];
  const judged = (archives: Obs["archives"], backup = backupO()) =>
    judge(observation([observed(web), backup, dumper], { archives, volumes: vols }), backedUp);
  const file = (iso: string) => ({ name: `minidock-local-${iso}.tar.gz`, mtimeMs: Date.parse(iso), bytes: 1000 });

  test("today's 03:00 archive at 15:00: ok; every backed-up volume covered, by mount or by a dump", () => {
    const s = judged({ files: [file("2026-12-02T03:00:40Z"), file("2026-12-01T03:00:40Z")] });
    expect(s.problems).toEqual([]);
    expect(s.backups).toEqual({
      enabled: true, schedule: "0 3 * * *", state: "ok", archives: 2, expectedSince: "2026-12-02T03:00:00.000Z",
      newestArchive: { name: "minidock-local-2026-12-02T03:00:40Z.tar.gz", at: "2026-12-02T03:00:40.000Z", ageHours: 12, bytes: 1000 },
      volumes: [
        { volume: "minidock-web-data", service: "web", coverage: "archive", via: "minidock-backup-1", newestArchiveAgeHours: 12 },
        { volume: "minidock-pg-pgdata", service: "pg", coverage: "pg_dump", via: "minidock-pg-pgdump-1", newestArchiveAgeHours: 12 },
      ],
    });
  });

  test("yesterday's archive only: late, BackupTooOld", () => {
    const s = judged({ files: [file("2026-12-01T03:00:40Z")] });
    expect(s.backups.state).toBe("late");
    expect(kinds(s)).toEqual(["backup-late host local -> docs/runbook.md#backuptooold"]);
    expect(s.problems[0].message).toBe('newest archive minidock-local-2026-12-01T03:00:40Z.tar.gz is 36 h old: schedule "0 3 * * *" expected the run of 2026-12-02T03:00:00.000Z to have written a newer one');
  });

  test("within the grace hour after the run, yesterday's archive is still fine", () => {
    const h = backedUp;
    const s = judgeHost(stackOf(h), h, observation([observed(web), backupO(), dumper], { archives: { files: [file("2026-12-01T03:00:40Z")] }, volumes: vols }), Date.parse("2026-12-02T03:30:00Z"));
    expect(s.backups.state).toBe("ok");
  });

  test("no archive: none yet for a backup container newer than the last run, late for an older one", () => {
    expect(judged({ files: [] }, backupO({ created: "2026-12-02T10:00:00Z" })).backups.state).toBe("none-yet");
    const s = judged({ files: [] });
    expect(s.backups.state).toBe("late");
    expect(s.problems[0].message).toMatch(/^no archive in \/archive, although schedule "0 3 \* \* \*" ran at 2026-12-02T03:00:00.000Z/);
  });

  test("archives that cannot be read from the running backup container", () => {
    const s = judged({ error: "cannot list /archive in the backup container: exec failed" });
    expect(s.backups.state).toBe("unreadable");
    expect(kinds(s)).toEqual(["backup-unreadable host local -> docs/runbook.md#backuptooold"]);
  });

  test("a stopped backup container: its own problem says why the archives are unreadable, not a second one", () => {
    const s = judged({ error: "the backup container is not running, so its archive volume cannot be listed" }, backupO({ state: { Status: "exited", Running: false } }));
    expect(s.backups.state).toBe("unreadable");
    expect(kinds(s)).toEqual(["container-stopped backup/1 (minidock-backup-1) -> docs/runbook.md#servicedown"]);
  });

  test("a backed-up volume the backup container does not mount", () => {
    const s = judged({ files: [file("2026-12-02T03:00:40Z")] }, backupO({ mounts: [] }));
    expect(kinds(s)).toEqual(["backup-not-covered volume minidock-web-data -> docs/runbook.md#drift"]);
    expect(s.backups.volumes[0]).toMatchObject({ coverage: "none", via: null, newestArchiveAgeHours: null });
  });

  test("a schedule whose field is out of range cannot be judged, and says so", () => {
    const h = { ...backedUp, backup: { ...backedUp.backup!, schedule: "61 3 * * *" } };
    const s = judgeHost(stackOf(h), h, observation([observed(web), backupO(), dumper], { archives: { files: [] }, volumes: vols }), NOW);
    expect(s.backups.state).toBe("unreadable");
    expect(s.problems[0].message).toMatch(/^backup.schedule "61 3 \* \* \*" cannot be read: Constraint error, got value 61 expected range 0-59/);
  });

  test("backups off", () => {
    expect(judge(observation(healthy())).backups).toEqual({ enabled: false, schedule: null, state: "off", newestArchive: null, expectedSince: null, archives: 0, volumes: [] });
  });
});
