import { z } from "zod";
import { isPostgres } from "../../images";
import { describeValue } from "../../config/errors";
import { positiveInt, resourceName } from "../../config/primitives";
import { CheckContext, checkSecretRef } from "../../config/secrets";
import { CronError, parseSchedule } from "./schedule";

/**
 * Volume backups per host: one offen/docker-volume-backup container per host archives every volume marked
 * `backup: true` (postgres data through a pg_dump sidecar), to a local archive volume and optionally to an
 * S3-compatible bucket. Every credential is the NAME of a secret config key, never its value.
 */

/** Cron as offen reads it (./schedule.ts): 5 fields (or 6 with seconds), a descriptor such as @daily, or @every 6h. */
export const cronExpression = z.string().superRefine((s, ctx) => {
  try {
    parseSchedule(s);
  } catch (e) {
    if (!(e instanceof CronError)) throw e;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `expected a cron expression such as "0 3 * * *" (5 fields) or "@daily", got ${describeValue(s)}: ${e.message}`,
    });
  }
});

/** HH:MM, 24 h, UTC (containers run on UTC). */
export const timeOfDay = z.string().refine((s) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s), (s) => ({
  message: `expected a UTC time of day such as "02:45", got ${describeValue(s)}`,
}));

const secretKey = z.string().min(1);

const s3Target = z
  .object({
    /** Host name without scheme, e.g. s3.us-west-004.backblazeb2.com (Backblaze B2's S3 API). */
    endpoint: z.string().refine((s) => /^[A-Za-z0-9.-]+(:\d+)?$/.test(s), (s) => ({
      message: `expected a host name such as "s3.us-west-004.backblazeb2.com" (no https://, no path), got ${describeValue(s)}`,
    })),
    bucket: z.string().refine((s) => /^[A-Za-z0-9][A-Za-z0-9.-]{1,61}[A-Za-z0-9]$/.test(s), (s) => ({
      message: `expected a bucket name of 3-63 letters, digits, "." and "-", got ${describeValue(s)}`,
    })),
    /** Folder inside the bucket, without a leading slash. */
    path: z.string().refine((s) => !s.startsWith("/"), (s) => ({ message: `expected a path without a leading "/", got ${describeValue(s)}` })).optional(),
    accessKeyIdSecret: secretKey,
    secretAccessKeySecret: secretKey,
  })
  .strict();

export const backupSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** When offen archives, in the container's time zone (UTC). */
    schedule: cronExpression.default("0 3 * * *"),
    /** Archives older than this are pruned from every target (offen never prunes the last one). */
    retentionDays: positiveInt.default(7),
    /** When the pg_dump sidecars dump every database; before `schedule`, so the archive holds a fresh dump. */
    dumpTime: timeOfDay.default("02:45"),
    /** Symmetric GPG encryption of every archive (offen's GPG_PASSPHRASE). Required with an s3 target. */
    encryption: z.object({ passphraseSecret: secretKey }).strict().optional(),
    targets: z
      .object({
        /** Always on: archives are kept in the named volume minidock-backup-archive on each host. */
        local: z.object({ volume: resourceName.default("archive") }).strict().default({}),
        s3: s3Target.optional(),
      })
      .strict()
      .default({}),
    /** shoutrrr URLs (ntfy://, slack://, discord://, smtp://) in a secret config key: they carry tokens. */
    notifications: z
      .object({
        urlsSecret: secretKey,
        /** "error": failed runs only (offen's default); "info": every run. */
        level: z.enum(["error", "info"]).default("error"),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.targets.s3 && !b.encryption) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["encryption"],
        message: "expected encryption.passphraseSecret when targets.s3 is set: archives leave the host only encrypted",
      });
    }
  });

export type BackupConfig = z.output<typeof backupSchema>;

/**
 * Secret config keys the backup section names must be set with --secret; a Postgres service with backed-up data
 * must say where its password is, because its pg_dump sidecar logs in with it.
 */
export function checkBackupRefs(
  backup: BackupConfig,
  services: Record<string, { image: string; secretEnv: Record<string, string>; volumes: { backup: boolean }[] }>,
  ctx: CheckContext,
): void {
  if (!backup.enabled) return;
  for (const [name, svc] of Object.entries(services)) {
    if (isPostgres(svc) && svc.volumes.some((v) => v.backup) && !svc.secretEnv.POSTGRES_PASSWORD) {
      ctx.problems.push(
        `services.${name}.secretEnv.POSTGRES_PASSWORD: expected a secret config key: the pg_dump sidecar that backs up ` +
          `${describeValue(svc.image)} logs in with it (or set backup: false with a backupExemptReason on its volumes)`,
      );
    }
  }
  if (backup.encryption) checkSecretRef(ctx, "backup.encryption.passphraseSecret", backup.encryption.passphraseSecret);
  if (backup.targets.s3) {
    checkSecretRef(ctx, "backup.targets.s3.accessKeyIdSecret", backup.targets.s3.accessKeyIdSecret);
    checkSecretRef(ctx, "backup.targets.s3.secretAccessKeySecret", backup.targets.s3.secretAccessKeySecret);
  }
  if (backup.notifications) checkSecretRef(ctx, "backup.notifications.urlsSecret", backup.notifications.urlsSecret);
}

// This section's place in the typed stack config (lib/config/stack.ts PlatformSections).
declare module "../../config/stack" {
  interface PlatformSections {
    backup: BackupConfig;
  }
}
