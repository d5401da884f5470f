/**
 * The backup policies, run through the offline CrossGuard mirror (tools/offline/policyRuntime.ts) with the test
 * kit's happy-path resources. What is mocked: the engine's analyzer host; resources are literals shaped like
 * components/service.ts output at preview (a mount's volumeName is unknown there, its path is not). The last
 * test runs the policies over the shipped mini stack as the program registers it (mock monitor).
 */
import { LABEL } from "../../lib/labels";
import { backupPolicies } from "../../policies/backup";
import { allPolicies } from "../../policies/allPolicies";
import { runPolicies } from "../../tools/offline/policyRuntime";
import { evaluateShippedStack } from "../support/stack";
import { UNKNOWN_STRING, check, container, of, provider, setLabel, volume } from "./support";

const NAMES = backupPolicies.map((p) => p.name);
const policies = allPolicies.filter((p) => NAMES.includes(p.name));

function vol(name: string, backup: boolean, reason?: string, host = "mini") {
  const v = volume(name, { name, labels: [
    { label: LABEL.project, value: "minidock" }, { label: LABEL.host, value: host }, { label: LABEL.backup, value: String(backup) },
  ] });
  return reason === undefined ? v : setLabel(v, LABEL.backupExemptReason, reason);
}

/** The backup container of a host, archiving `names` the way lib/platform/backup/containers.ts mounts them. */
function backupContainer(host: string, names: string[], readOnly = true) {
  const c = container("backup-1", { host, service: "backup", tier: "platform" });
  c.inputs.volumes = names.map((n) => ({ volumeName: UNKNOWN_STRING, containerPath: `/backup/${n}`, readOnly: readOnly || undefined }));
  return c;
}

async function messages(resources: Parameters<typeof check>[0]) {
  const r = await check(resources, {}, {}, policies);
  return r.violations.map((v) => `${v.policy} ${v.enforcementLevel} ${v.resourceName}: ${v.message}`);
}

test("both rules are in the pack", () => {
  expect(policies.map((p) => p.name)).toEqual(["backup-volume-decided", "backup-volume-covered"]);
});

test("a covered volume and an exempt volume pass", async () => {
  expect(await messages([
    vol("minidock-redis-data", true), vol("minidock-cache", false, "rebuilt from the origin on every start"),
    backupContainer("mini", ["minidock-redis-data"]),
  ])).toEqual([]);
});

test("a volume that is neither backed up nor exempt fails", async () => {
  expect(await messages([vol("minidock-app-data", false)])).toEqual([
    'backup-volume-decided mandatory minidock-app-data: volume minidock-app-data holds data but is neither backed up nor exempt: set backup: true on it, or backupExemptReason: "<why losing it is fine>"',
  ]);
});

test("a volume without any labels fails the same way", async () => {
  expect((await messages([volume("stray")]))[0]).toContain("backup-volume-decided mandatory stray: volume minidock-stray holds data");
});

test("a token reason is not enough", async () => {
  expect(await messages([vol("minidock-tmp", false, "cache")])).toEqual([
    'backup-volume-decided mandatory minidock-tmp: volume minidock-tmp: backupExemptReason "cache" is too short; say in at least 20 characters why losing it is fine',
  ]);
});

test("backup: true without a backup container (backups disabled) fails, on the volume", async () => {
  expect(await messages([vol("minidock-redis-data", true)])).toEqual([
    "backup-volume-covered mandatory minidock-redis-data: volume minidock-redis-data on host mini is marked backup: true, but no backup container archives it (read-only at /backup/minidock-redis-data) and no pg_dump sidecar dumps it: set backup.enabled: true (minidock:backup), or mark the volume backup: false with a backupExemptReason",
  ]);
});

/** A volume as components/service.ts labels it: its service and config volume name; `resource` is its Pulumi name. */
function serviceVol(resource: string, service: string, volumeName: string, backup: boolean) {
  const v = vol(`minidock-${service}-${volumeName}`, backup);
  v.name = resource;
  v.urn = v.urn.replace(/::[^:]+$/, `::${resource}`);
  return setLabel(setLabel(v, LABEL.service, service), LABEL.volume, volumeName);
}

test("messages name the config key of a config service's volume, and minidock's own volumes as minidock's", async () => {
  expect(await messages([serviceVol("redis-data", "redis", "data", false)])).toEqual([
    "backup-volume-decided mandatory redis-data: services.redis.volumes (volume data, minidock-redis-data) holds data but is neither " +
      'backed up nor exempt: set backup: true on it, or backupExemptReason: "<why losing it is fine>"',
  ]);
  expect((await messages([serviceVol("redis-data", "redis", "data", true)]))[0]).toContain(
    "redis-data: services.redis.volumes (volume data, minidock-redis-data) on host mini is marked backup: true",
  );
  // A platform service's Pulumi names carry the host and a '.', which config names cannot.
  expect((await messages([serviceVol("mini.prometheus-config", "prometheus", "config", false)]))[0]).toContain(
    "mini.prometheus-config: minidock's prometheus volume config (minidock-prometheus-config) holds data",
  );
});

test("the backup container of ANOTHER host does not count", async () => {
  const out = await messages([vol("minidock-redis-data", true, undefined, "mini2"), provider(), backupContainer("mini", ["minidock-redis-data"])]);
  expect(out).toHaveLength(1);
  expect(out[0]).toContain("on host mini2 is marked backup: true");
});

test("a read-write mount does not count as covered (the backup must not be able to change its sources)", async () => {
  expect(await messages([vol("minidock-redis-data", true), backupContainer("mini", ["minidock-redis-data"], false)])).toHaveLength(1);
});

test("a postgres data volume is covered by its pg_dump sidecar's dump-of label", async () => {
  const sidecar = setLabel(container("postgres-pgdump-1", { service: "postgres-pgdump", tier: "platform" }), LABEL.backupDumpOf, "minidock-postgres-pgdata");
  expect(await messages([vol("minidock-postgres-pgdata", true), sidecar, backupContainer("mini", [])])).toEqual([]);
});

test("the shipped mini stack passes both rules", async () => {
  const ev = await evaluateShippedStack("mini");
  expect(ev.error).toBeUndefined();
  const r = await runPolicies(ev.resources, policies, {});
  expect(r.violations).toEqual([]);
  expect(of(r, "backup-volume-covered")).toEqual([]);
});

test("labels unknown at preview: refused as unknown, never passed on a guess", async () => {
  const v = volume("later", { labels: UNKNOWN_STRING });
  expect(await messages([v])).toEqual([expect.stringMatching(/^backup-volume-decided mandatory later: labels is not known at preview/)]);
});
