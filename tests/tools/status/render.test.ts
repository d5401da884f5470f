import { HostStatus, StatusDocument } from "../../../tools/status/judge";
import { formatUptime, renderText } from "../../../tools/status/render";

/** The text report of a given document: what a person reads first (the verdict per host) and each problem's fix. */
test.each([
  [null, "-"], [42, "42s"], [600, "10m"], [3 * 3600 + 120, "3h 2m"], [8 * 86_400 + 5 * 3600, "8d 5h"],
])("formatUptime(%p) = %s", (s, text) => expect(formatUptime(s)).toBe(text));

const degraded: HostStatus = {
  host: "mini", dockerHost: "ssh://dev@mac-mini.example.ts.net", verdict: "degraded", reachable: true, error: null, serverVersion: "27.3.1",
  containers: [
    { service: "agent", replica: 1, tier: "workload", name: "minidock-agent-1", id: "a", state: "running", health: "healthy", startedAt: "2026-11-24T15:00:00Z", uptimeSeconds: 8 * 86_400, restartCount: 0, oomKilled: false, oomKills: 0, memory: { usedMb: 812.4, limitMb: 2048, percent: 39.7 }, image: "sha256:a", drift: [] },
    { service: "redis", replica: 1, tier: "workload", name: "minidock-redis-1", id: "r", state: "running", health: "healthy", startedAt: "2026-12-02T14:58:00Z", uptimeSeconds: 120, restartCount: 3, oomKilled: true, oomKills: 2, memory: { usedMb: 500, limitMb: 512, percent: 97.7 }, image: "sha256:r", drift: [] },
    { service: "postgres", replica: 1, tier: "workload", name: "minidock-postgres-1", id: null, state: "missing", health: "none", startedAt: null, uptimeSeconds: null, restartCount: 0, oomKilled: false, oomKills: 0, memory: { usedMb: null, limitMb: 1024, percent: null }, image: null, drift: [] },
  ],
  services: [],
  memory: { budgetMb: 14336, reserveMb: 1024, usedMb: 1312.4, usedPercentOfBudget: 9.2, limitsMb: 2560, declaredMb: 3584, headroomMb: 10752, daemonTotalMb: 14000 },
  disk: { diskGb: 100, imagesBytes: 12e9, containersBytes: 1e8, volumesBytes: 9e9, buildCacheBytes: 0, totalBytes: 21.1e9, percentOfDisk: 21.1 },
  drift: { undeclared: [{ kind: "container", name: "hand-made", detail: "labelled agent replica 9, which the stack does not declare (running)" }], missing: [], differs: [] },
  backups: { enabled: true, schedule: "0 3 * * *", state: "ok", newestArchive: { name: "minidock-mini-2026-12-02T03-00-00.tar.gz.gpg", at: "2026-12-02T03:00:41Z", ageHours: 12, bytes: 1e9 }, expectedSince: "2026-12-02T03:00:00.000Z", archives: 7, volumes: [{ volume: "minidock-agent-1-workspace", service: "agent", coverage: "archive", via: "minidock-backup-1", newestArchiveAgeHours: 12 }] },
  problems: [{ kind: "container-oom-killed", subject: "redis/1 (minidock-redis-1)", message: "2 OOM kill(s) in the last 24 h", runbook: "docs/runbook.md#containerrestarting" }],
};
const down: HostStatus = {
  ...degraded, host: "mini2", dockerHost: "ssh://dev@mini2", verdict: "down", reachable: false, error: "ssh mini2: exit 255: Connection refused", serverVersion: null,
  containers: [], memory: null, disk: null, drift: { undeclared: [], missing: [], differs: [] },
  problems: [{ kind: "host-unreachable", subject: "host mini2", message: "the Docker daemon at ssh://dev@mini2 does not answer", runbook: "docs/runbook.md#a-host-is-down" }],
};
const doc: StatusDocument = {
  schemaVersion: 1, stack: "mini", generatedAt: "2026-12-02T15:00:00.123Z", verdict: "down", exitCode: 2,
  thresholds: { containerMemoryPercent: 90, hostMemoryPercent: 85, diskPercent: 80, oomLookbackHours: 24, backupGraceHours: 1 },
  hosts: [degraded, down],
};
const text = renderText(doc);

test("the verdict per host heads its block; the last line is the overall verdict and exit status", () => {
  expect(text.split("\n")[0]).toBe("stack mini, 2026-12-02 15:00:00 UTC");
  expect(text).toMatch(/^host mini \(ssh:\/\/dev@mac-mini\.example\.ts\.net\): DEGRADED {3}docker 27\.3\.1$/m);
  expect(text).toMatch(/^host mini2 \(ssh:\/\/dev@mini2\): DOWN$/m);
  expect(text.split("\n").at(-1)).toBe("verdict: down (mini degraded, mini2 down; exit 2)");
});

test("memory, disk and backups in one line each", () => {
  expect(text).toContain("  memory   1312 MB in use, 9.2 % of the 14336 MB budget; limits 2560 MB running (3584 declared) + reserve 1024, headroom 10752 MB");
  expect(text).toContain("  disk     Docker data 21.1 GB, 21.1 % of diskGb 100 (images 12 GB, containers 100 MB, volumes 9 GB, build cache 0 B)");
  expect(text).toContain('  backups  ok: newest minidock-mini-2026-12-02T03-00-00.tar.gz.gpg, 12 h old, 7 kept; schedule "0 3 * * *"; 1 of 1 backed-up volume(s) covered');
});

test("one row per container: state, health, uptime, restarts, OOM kills (! when the last exit was one), memory", () => {
  const rows = text.split("\n").filter((l) => /^ {2}(agent|redis|postgres)\//.test(l)).map((l) => l.trim().split(/\s{2,}/));
  expect(rows).toEqual([
    ["agent/1", "minidock-agent-1", "running", "healthy", "8d 0h", "0", "0", "812/2048 (40 %)"],
    ["redis/1", "minidock-redis-1", "running", "healthy", "2m", "3", "2!", "500/512 (98 %)"],
    ["postgres/1", "minidock-postgres-1", "missing", "none", "-", "0", "0", "-/1024"],
  ]);
});

test("drift and every problem with the runbook section that fixes it; an unreachable host says why", () => {
  expect(text).toContain("    + container hand-made: labelled agent replica 9, which the stack does not declare (running)");
  expect(text).toContain("    redis/1 (minidock-redis-1): 2 OOM kill(s) in the last 24 h\n      fix: docs/runbook.md#containerrestarting");
  expect(text).toContain("  ssh mini2: exit 255: Connection refused");
  expect(text).toContain("      fix: docs/runbook.md#a-host-is-down");
});
