/**
 * Backup planning (pure): which volumes each host's backup container archives, how Postgres is dumped, and the
 * offen settings derived from config. Nothing is mocked; the shell programs are syntax-checked with the real
 * dash and busybox sh when present.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { resolveStackConfig } from "../../../../lib/stackConfig";
import { StackConfig } from "../../../../lib/config/resolved";
import {
  BACKUP_IMAGE, BACKUP_MEMORY_MB, PG_DUMP_DIR, archivePrefix, backupServicesOn, backupService, pgDumpService,
} from "../../../../lib/platform/backup/containers";
import { BACKUP_ENTRYPOINT_SCRIPT, PG_DUMP_SCRIPT } from "../../../../lib/platform/backup/scripts";
import { coveredVolumes } from "../../../../lib/platform/backup/sources";
import { isPinned } from "../../../../lib/images";
import { LABEL } from "../../../../lib/labels";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { TEST_SECRETS, baseConfig, toConfigValues } from "../../../support/configs";

function configWith(backup: Record<string, unknown>, mutate?: (s: ReturnType<typeof baseConfig>) => void, secrets: Record<string, string> = {}): StackConfig {
  const s = { ...baseConfig(), backup };
  s.services.agent.volumes = [{ name: "workspace", path: "/workspace", backup: true }];
  s.services.redis = {
    image: "redis:7.4.2-alpine", memoryMb: 256, networks: ["data"], healthcheck: { test: ["CMD", "true"] },
    volumes: [{ name: "data", path: "/data", backup: true }, { name: "cache", path: "/cache", backupExemptReason: "rebuilt on start" }],
  };
  mutate?.(s);
  return resolveStackConfig("test", toRawStackConfig(toConfigValues(s, { ...TEST_SECRETS, ...secrets })));
}

describe("what is covered", () => {
  const cfg = configWith({ enabled: true });

  test("per-replica volumes are listed per replica; exempt volumes are not", () => {
    expect(coveredVolumes(cfg.services, "mini2").map((v) => v.dockerName)).toEqual([
      "minidock-agent-1-workspace", "minidock-agent-2-workspace", "minidock-agent-3-workspace",
    ]);
    expect(coveredVolumes(cfg.services, "mini").map((v) => [v.dockerName, v.coverage])).toEqual([
      ["minidock-postgres-pgdata", "pg_dump"], ["minidock-redis-data", "archive"],
    ]);
  });

  test("one backup container per host, one pg_dump sidecar per postgres, nothing when disabled", () => {
    const onEveryHost = (c: StackConfig) => c.hosts.flatMap((h) => backupServicesOn(c, h, (key) => `secret:${key}`));
    expect(onEveryHost(cfg).map((p) => `${p.spec.host}/${p.spec.name}`)).toEqual([
      "mini/postgres-pgdump", "mini/backup", "mini2/backup",
    ]);
    expect(onEveryHost(configWith({ enabled: false }))).toEqual([]);
  });

  test("the backup container mounts file volumes and the dump volume read-only, never the live pgdata", () => {
    const b = backupService(cfg, cfg.hosts[0]);
    expect(b.extraVolumes).toEqual([
      { volumeName: "minidock-redis-data", path: "/backup/minidock-redis-data", readOnly: true },
      { volumeName: "minidock-postgres-pgdump-dumps", path: "/backup/minidock-postgres-pgdump-dumps", readOnly: true },
    ]);
    expect(b.extraVolumes!.map((v) => v.volumeName)).not.toContain("minidock-postgres-pgdata");
  });
});

describe("the backup container", () => {
  const secrets = { pass: "p", kid: "k", key: "s", urls: "ntfy://ntfy.sh/x" };
  const cfg = configWith({
    enabled: true, schedule: "15 4 * * *", retentionDays: 14, encryption: { passphraseSecret: "pass" },
    targets: { s3: { endpoint: "s3.us-west-004.backblazeb2.com", bucket: "minidock-bk", path: "mini", accessKeyIdSecret: "kid", secretAccessKeySecret: "key" } },
    notifications: { urlsSecret: "urls" },
  }, undefined, secrets);
  const { spec } = backupService(cfg, cfg.hosts[0]);

  test("pinned image, small memory, platform tier, hardened defaults kept", () => {
    expect(isPinned(BACKUP_IMAGE)).toBe(true);
    expect(spec).toMatchObject({ image: BACKUP_IMAGE, memoryMb: BACKUP_MEMORY_MB, tier: "platform", capAdd: ["DAC_OVERRIDE"] });
    expect(spec.unsafe).toMatchObject({ hostMounts: [], writableRootFs: false });
  });

  test("offen settings come from config; credentials only by secret key name", () => {
    expect(spec.env).toMatchObject({
      BACKUP_CRON_EXPRESSION: "15 4 * * *", BACKUP_RETENTION_DAYS: "14", BACKUP_PRUNING_PREFIX: archivePrefix("mini"),
      BACKUP_FILENAME: "minidock-mini-%Y-%m-%dT%H-%M-%S.tar.gz", AWS_ENDPOINT: "s3.us-west-004.backblazeb2.com",
      AWS_S3_BUCKET_NAME: "minidock-bk", AWS_S3_PATH: "mini", NOTIFICATION_LEVEL: "error",
    });
    expect(spec.secretEnv).toEqual({ GPG_PASSPHRASE: "pass", AWS_ACCESS_KEY_ID: "kid", AWS_SECRET_ACCESS_KEY: "key", NOTIFICATION_URLS: "urls" });
    for (const v of Object.values(spec.env)) expect(v).not.toMatch(/ntfy|^p$|^s$/);
  });

  test("archives and scratch are its own volumes, exempt with reasons; /tmp is on disk, not tmpfs", () => {
    expect(spec.volumes.map((v) => [v.name, v.path, v.backup, !!v.backupExemptReason])).toEqual([
      ["archive", "/archive", false, true], ["scratch", "/tmp", false, true],
    ]);
    expect(spec.tmpfs).not.toContain("/tmp");
  });

  test("it joins a network with a route out (S3, notifications, the Pushgateway)", () => {
    expect(spec.networks).toEqual(["edge"]);
  });

  test("no Pushgateway URL without monitoring; with monitoring it pushes to the host's pushgateway", () => {
    expect(spec.env.PUSHGATEWAY_URL).toBeUndefined();
    const withMon = configWith({ enabled: true }, (s) => Object.assign(s, { monitoring: { enabled: true } }));
    expect(backupService(withMon, withMon.hosts[0]).spec.env.PUSHGATEWAY_URL).toBe("http://pushgateway:9091");
  });

  test("it pushes every 60 s: the program leaves PUSH_INTERVAL_SECONDS (only the CI restore test shortens it) unset", () => {
    const withMon = configWith({ enabled: true }, (s) => Object.assign(s, { monitoring: { enabled: true } }));
    expect(backupService(withMon, withMon.hosts[0]).spec.env.PUSH_INTERVAL_SECONDS).toBeUndefined();
    expect(BACKUP_ENTRYPOINT_SCRIPT).toContain('interval="${PUSH_INTERVAL_SECONDS:-60}"');
  });
});

describe("the pg_dump sidecar", () => {
  const cfg = configWith({ enabled: true, dumpTime: "08:05" });
  const db = cfg.services.find((s) => s.name === "postgres")!;
  const p = pgDumpService(cfg, db);

  test("same image and user as the database, on its network, logs in with its password key", () => {
    expect(p.spec).toMatchObject({ image: db.image, user: "70:70", networks: ["data"], memoryMb: 64, tier: "platform" });
    expect(p.spec.secretEnv).toEqual({ PGPASSWORD: "postgresPassword" });
    expect(p.spec.env).toMatchObject({ PGHOST: "postgres", PGUSER: "postgres", PGDATABASE: "agents", DUMP_DIR: PG_DUMP_DIR });
  });

  test("dump time is passed without leading zeros (sh reads 08 as bad octal)", () => {
    expect(p.spec.env).toMatchObject({ DUMP_HOUR: "8", DUMP_MINUTE: "5" });
  });

  test("its dump volume is backed up, and its label names the data volume it covers", () => {
    expect(p.spec.volumes).toEqual([expect.objectContaining({ name: "dumps", path: PG_DUMP_DIR, backup: true })]);
    expect(p.labels).toEqual({ [LABEL.backupDumpOf]: "minidock-postgres-pgdata" });
  });
});

describe("shell programs parse", () => {
  const shells = [["dash", "/bin/dash"], ["busybox sh", "/bin/busybox"]].filter(([, bin]) => fs.existsSync(bin));
  test.each(shells)("with %s", (_name, bin) => {
    for (const script of [PG_DUMP_SCRIPT, BACKUP_ENTRYPOINT_SCRIPT]) {
      const args = bin.endsWith("busybox") ? ["sh", "-n", "-c", script] : ["-n", "-c", script];
      expect(() => execFileSync(bin, args, { stdio: "pipe" })).not.toThrow();
    }
  });
  test("at least one shell was available", () => expect(shells.length).toBeGreaterThan(0));
});
