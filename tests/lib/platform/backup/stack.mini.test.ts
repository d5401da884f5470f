/**
 * The shipped mini stack, evaluated through the real index.ts under Pulumi's mock monitor (engine and docker
 * provider mocked: neither runs here). Checks that backups are wired end to end: every backed-up volume is
 * mounted read-only into the host's backup container or dumped by a sidecar, and the platform stays in budget.
 */
import { Evaluation } from "../../../../tools/offline/evaluate";
import { DEFAULTS } from "../../../../lib/defaults";
import { LABEL } from "../../../../lib/labels";
import { T, evaluateShippedStack, label, ofType } from "../../../support/stack";

let ev: Evaluation;
beforeAll(async () => {
  ev = await evaluateShippedStack("mini");
});

type Mount = { volumeName: string; containerPath: string; readOnly?: boolean };
const containers = () => ofType(ev, T.container);
const byService = (svc: string) => containers().filter((c) => label(c, LABEL.service) === svc);
const mounts = (c: ReturnType<typeof containers>[number]) => (c.inputs.volumes as Mount[] | undefined) ?? [];

test("the program evaluates", () => expect(ev.error).toBeUndefined());

test("the mini has one backup container and one pg_dump sidecar", () => {
  expect(byService("backup").map((c) => c.inputs.name)).toEqual(["minidock-backup-1"]);
  expect(byService("postgres-pgdump").map((c) => c.inputs.name)).toEqual(["minidock-postgres-pgdump-1"]);
});

test("every backup: true volume is archived read-only or covered by a dump", () => {
  const backup = byService("backup")[0];
  const archived = new Set(mounts(backup).filter((m) => m.containerPath.startsWith("/backup/") && m.readOnly).map((m) => m.volumeName));
  const dumped = new Set(containers().flatMap((c) => (label(c, LABEL.backupDumpOf) ?? "").split(",").filter(Boolean)));
  const marked = ofType(ev, T.volume).filter((v) => label(v, LABEL.backup) === "true").map((v) => v.inputs.name as string);
  expect(marked).toHaveLength(6);
  for (const name of marked) expect([name, archived.has(name) || dumped.has(name)]).toEqual([name, true]);
  expect(dumped).toEqual(new Set(["minidock-postgres-pgdata"]));
});

test("every other volume carries a reason", () => {
  for (const v of ofType(ev, T.volume).filter((x) => label(x, LABEL.backup) !== "true")) {
    expect([v.inputs.name, (label(v, LABEL.backupExemptReason) ?? "").length > 10]).toEqual([v.inputs.name, true]);
  }
});

test("the passphrase reaches the backup container only as a secret", () => {
  const backup = byService("backup")[0];
  expect(backup.secretInputs).toContain("envs");
  expect((backup.inputs.envs as string[]).some((e) => e.startsWith("GPG_PASSPHRASE="))).toBe(true);
});

test("no docker socket or host path is mounted into the backup containers", () => {
  for (const c of [...byService("backup"), ...byService("postgres-pgdump")]) {
    expect(c.inputs.mounts).toBeUndefined();
    expect(JSON.stringify(mounts(c))).not.toMatch(/docker\.sock/);
  }
});

test("platform memory on the mini stays within the platform limit", () => {
  const platform = containers().filter((c) => label(c, LABEL.tier) === "platform");
  const total = platform.reduce((sum, c) => sum + (c.inputs.memory as number), 0);
  expect(total).toBeLessThanOrEqual(DEFAULTS.maxPlatformMemoryMb);
  const backups = [...byService("backup"), ...byService("postgres-pgdump")].reduce((s, c) => s + (c.inputs.memory as number), 0);
  expect(backups).toBe(128);
});
