import { TYPE } from "../../../lib/dockerTypes";
import { resolveStackConfig } from "../../../lib/stackConfig";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { declaredStack } from "../../../tools/status/declared";
import { evaluateShippedStack, ofType, shippedStackConfig } from "../../support/stack";

/**
 * What status compares the daemon with: the shipped mini stack's own registrations, under Pulumi's mocks (the
 * engine and the providers are mocked; the program, its config contract and its inputs are real).
 */
const config = resolveStackConfig("mini", toRawStackConfig(shippedStackConfig("mini")));
let declared: ReturnType<typeof declaredStack>;
let containerCount: number;

beforeAll(async () => {
  const ev = await evaluateShippedStack("mini");
  containerCount = ofType(ev, TYPE.container).length;
  declared = declaredStack(config, ev.resources);
});

test("one host, reached at the program's own daemon address, with its budget", () => {
  expect(declared.hosts.map((h) => [h.name, h.dockerHost])).toEqual([["mini", "ssh://dev@mac-mini.example.ts.net"]]);
  expect(declared.hosts[0].budget).toEqual({ host: "mini", memoryMb: 14336, reserveMb: 1024, cpus: 8, diskGb: 100 });
});

test("every container the program registers, identified by service and replica", () => {
  const h = declared.hosts[0];
  expect(h.containers).toHaveLength(containerCount);
  const keys = h.containers.map((c) => `${c.service}/${c.replica}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys).toEqual(expect.arrayContaining(["agent/1", "agent/2", "agent/3", "postgres/1", "backup/1", "prometheus/1"]));
});

test("a stop-first container keeps its plain name; a start-first one has none (the engine picks it)", () => {
  // The mini's agents each write a workspace of their own, so everything there rolls stop-first; the daemon test
  // (tests/tools/status/daemon.test.ts) declares a start-first pool.
  for (const c of declared.hosts[0].containers) {
    expect(c.name).toBe(c.rollout === "start-first" ? undefined : `minidock-${c.service}-${c.replica}`);
  }
  const pg = declared.hosts[0].containers.find((c) => c.service === "postgres")!;
  expect([pg.rollout, pg.name]).toEqual(["stop-first", "minidock-postgres-1"]);
});

test("each container's image is the reference its own RemoteImage pulls", () => {
  const h = declared.hosts[0];
  for (const c of h.containers) expect(c.imageRef).toMatch(/^[\w./-]+:[\w.-]+$/);
  expect(h.containers.find((c) => c.service === "postgres")!.imageRef).toBe(config.services.find((s) => s.name === "postgres")!.image);
});

test("declared limits and healthchecks come from the inputs", () => {
  const pg = declared.hosts[0].containers.find((c) => c.service === "postgres")!;
  expect(pg.memoryMb).toBe(1024);
  expect(pg.hasHealthcheck).toBe(true);
  expect(pg.inputs.memorySwap).toBe(1024);
});

test("networks with their internal flag, volumes with their backup label", () => {
  const h = declared.hosts[0];
  expect(h.networks).toEqual(expect.arrayContaining([
    { host: "mini", name: "minidock-edge", internal: false, driver: "bridge" },
    { host: "mini", name: "minidock-data", internal: true, driver: "bridge" },
  ]));
  const vol = (n: string) => h.volumes.find((v) => v.name === n);
  expect(vol("minidock-postgres-pgdata")).toEqual({ host: "mini", name: "minidock-postgres-pgdata", service: "postgres", backup: true });
  expect(vol("minidock-backup-archive")!.backup).toBe(false);
});

test("the backup: the stack's schedule, and where the backup container keeps its archives (its own env)", () => {
  expect(declared.hosts[0].backup).toEqual({ schedule: "0 3 * * *", archiveDir: "/archive", prefix: "minidock-mini-", sourceRoot: "/backup" });
});

test("the alert thresholds of the stack", () => {
  expect(declared.thresholds).toMatchObject({ hostMemoryPercent: 85, containerMemoryPercent: 90, diskPercent: 80 });
});
