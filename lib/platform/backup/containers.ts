import { BackupConfig } from "./config";
import { monitoringNetwork } from "../monitoring/config";
import { ResolvedHost, ResolvedService, StackConfig } from "../../config/resolved";
import { backupDumpOfLabel } from "../../labels";
import { volumeName } from "../../naming";
import { serviceUrl } from "../monitoring/context";
import { ExtraVolume, PlatformService, SecretValue, configSecrets, platformServiceSpec } from "../definition";
import { BACKUP_ENTRYPOINT_SCRIPT, PARTIAL_SUFFIX, PG_DUMP_HEALTHCHECK, PG_DUMP_SCRIPT } from "./scripts";
import { BACKUP_SERVICE, BACKUP_SOURCE_ROOT, coveredVolumes, postgresToDump } from "./sources";

export { BACKUP_SERVICE, BACKUP_SOURCE_ROOT };

/**
 * The backup platform services of each host (pure): one offen/docker-volume-backup container, and one pg_dump
 * sidecar per PostgreSQL service. They go through components/service.ts like every other service.
 */

/** Pinned: v2.43.3 is published for linux/amd64 and linux/arm64 (the mini). Rollback = revert this line. */
export const BACKUP_IMAGE = "offen/docker-volume-backup:v2.43.3";
/** Declared memory: offen idles at ~15-25 MB; archiving streams through gzip, so it does not grow with data. */
export const BACKUP_MEMORY_MB = 64;
export const PG_DUMP_MEMORY_MB = 64;

/** The pg_dump sidecar of a Postgres service is named after it. */
export function pgDumpServiceName(db: string): string {
  return `${db}-pgdump`;
}

/** The volume a sidecar dumps into: the postgres image's own data path, so the new volume gets its owner (postgres). */
export const PG_DUMP_DIR = "/var/lib/postgresql/data";
export const PG_DUMP_VOLUME = "dumps";

/** Archive file names on every target: minidock-<host>-2026-11-27T03-00-00.tar.gz[.gpg]. */
export function archivePrefix(host: string): string {
  return `minidock-${host}-`;
}

/**
 * S3 and notifications need a route out, and the push needs the monitoring network: monitoring's network (the
 * first one with a route out unless configured), else the first declared network.
 */
function backupNetwork(config: StackConfig): string {
  return monitoringNetwork(config.monitoring, config.networks) ?? Object.keys(config.networks)[0];
}

function offenEnv(b: BackupConfig, host: string): { env: Record<string, string>; secretEnv: Record<string, string> } {
  const env: Record<string, string> = {
    MINIDOCK_HOST: host,
    BACKUP_CRON_EXPRESSION: b.schedule,
    BACKUP_RETENTION_DAYS: String(b.retentionDays),
    BACKUP_FILENAME: `${archivePrefix(host)}%Y-%m-%dT%H-%M-%S.tar.gz`,
    BACKUP_PRUNING_PREFIX: archivePrefix(host),
    BACKUP_ARCHIVE: "/archive",
    BACKUP_SOURCES: BACKUP_SOURCE_ROOT,
    BACKUP_EXCLUDE_REGEXP: `\\${PARTIAL_SUFFIX}$`,
  };
  const secretEnv: Record<string, string> = {};
  if (b.encryption) secretEnv.GPG_PASSPHRASE = b.encryption.passphraseSecret;
  if (b.targets.s3) {
    env.AWS_ENDPOINT = b.targets.s3.endpoint;
    env.AWS_S3_BUCKET_NAME = b.targets.s3.bucket;
    if (b.targets.s3.path) env.AWS_S3_PATH = b.targets.s3.path;
    secretEnv.AWS_ACCESS_KEY_ID = b.targets.s3.accessKeyIdSecret;
    secretEnv.AWS_SECRET_ACCESS_KEY = b.targets.s3.secretAccessKeySecret;
  }
  if (b.notifications) {
    env.NOTIFICATION_LEVEL = b.notifications.level;
    secretEnv.NOTIFICATION_URLS = b.notifications.urlsSecret;
  }
  return { env, secretEnv };
}

/** The backup container of one host: archives `sources` read-only, to the local archive volume and S3. */
export function backupService(config: StackConfig, host: ResolvedHost): PlatformService {
  const b = config.backup;
  const sources = coveredVolumes(config.services, host.name).filter((v) => v.coverage === "archive").map((v) => v.dockerName);
  const dumps = postgresToDump(config.services, host.name).map((db) => volumeName(pgDumpServiceName(db.name), PG_DUMP_VOLUME));
  const extraVolumes: ExtraVolume[] = [...sources, ...dumps].map((name) => ({ volumeName: name, path: `${BACKUP_SOURCE_ROOT}/${name}`, readOnly: true }));
  const { env, secretEnv } = offenEnv(b, host.name);
  // Without monitoring there is no Pushgateway to report to (the entrypoint then skips the push loop).
  if (config.monitoring.enabled) env.PUSHGATEWAY_URL = serviceUrl("pushgateway");

  const spec = platformServiceSpec(BACKUP_SERVICE, host.name, [backupNetwork(config)], config, {
    image: BACKUP_IMAGE,
    memoryMb: BACKUP_MEMORY_MB,
    cpus: "0.5",
    entrypoint: ["/bin/sh", "-c", BACKUP_ENTRYPOINT_SCRIPT],
    env,
    secretEnv,
    volumes: [
      { name: b.targets.local.volume, path: "/archive", backupExemptReason: "holds the backup archives themselves; copy them off the host with targets.s3" },
      // offen builds the archive in /tmp before copying it out: on disk, because tmpfs would count against 64 MB.
      { name: "scratch", path: "/tmp", backupExemptReason: "scratch space for the archive being built; emptied after every run" },
    ],
    // offen's run lock lives in /var/lock; /backup exists even on a host with nothing to cover yet.
    tmpfs: ["/var/lock", BACKUP_SOURCE_ROOT],
    // Runs as root (the image's user) with DAC_OVERRIDE added back (one of Docker's defaults) and nothing else: it
    // must read files of every owner, e.g. a 0600 file of uid 1000 in a workspace. The sources are mounted
    // read-only, so the kernel refuses writes to them whatever the capability. docs/security.md weighs this;
    // DAC_READ_SEARCH would be narrower but re-enables open_by_handle_at (the "shocker" escape).
    capAdd: ["DAC_OVERRIDE"],
    healthcheck: { test: ["CMD-SHELL", "test -w /archive && test -w /tmp && pidof backup >/dev/null"], startPeriod: "10s" },
    stopGraceSeconds: 60,
  });
  return { spec, extraVolumes };
}

/** The pg_dump sidecar of one Postgres service: same image (so the same pg_dump version), same user, its network. */
export function pgDumpService(config: StackConfig, db: ResolvedService): PlatformService {
  const [hh, mm] = config.backup.dumpTime.split(":").map(Number);
  const user = db.user ?? (db.image.includes("alpine") ? "70:70" : "999:999");
  const spec = platformServiceSpec(pgDumpServiceName(db.name), db.host, [db.networks[0]], config, {
    image: db.image,
    memoryMb: PG_DUMP_MEMORY_MB,
    // Dumps are not time-critical: a small CPU share keeps them from competing with the database they read.
    cpus: "0.25",
    user,
    entrypoint: ["/bin/sh", "-c", PG_DUMP_SCRIPT],
    env: {
      DUMP_DIR: PG_DUMP_DIR,
      // Integers without a leading zero: sh arithmetic reads "08" as a bad octal number.
      DUMP_HOUR: String(hh),
      DUMP_MINUTE: String(mm),
      PGHOST: db.name,
      PGPORT: "5432",
      PGUSER: db.env.POSTGRES_USER ?? "postgres",
      PGDATABASE: db.env.POSTGRES_DB ?? db.env.POSTGRES_USER ?? "postgres",
    },
    secretEnv: { PGPASSWORD: db.secretEnv.POSTGRES_PASSWORD },
    volumes: [{ name: PG_DUMP_VOLUME, path: PG_DUMP_DIR, backup: true }],
    tmpfs: ["/tmp"],
    healthcheck: { test: PG_DUMP_HEALTHCHECK, startPeriod: "5m" },
  });
  const pgdata = coveredVolumes([db], db.host).map((v) => v.dockerName);
  return { spec, labels: backupDumpOfLabel(pgdata) };
}

/** The backup platform services of one host, with their secrets; none when backups are off. */
export function backupServicesOn(config: StackConfig, host: ResolvedHost, secret: SecretValue): PlatformService[] {
  if (!config.backup.enabled) return [];
  const services = [...postgresToDump(config.services, host.name).map((db) => pgDumpService(config, db)), backupService(config, host)];
  return services.map((p) => ({ ...p, secretEnv: configSecrets(p.spec, secret) }));
}
