/**
 * The backup section of the config contract: defaults, shape errors with key paths, and the cross-checks in
 * resolve.ts (secret references, a Postgres password for the pg_dump sidecar). Pure: nothing is mocked.
 */
import { backupSchema } from "../../../../lib/platform/backup/config";
import { ConfigError } from "../../../../lib/config/errors";
import { resolveStackConfig } from "../../../../lib/stackConfig";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { TEST_SECRETS, baseConfig, toConfigValues } from "../../../support/configs";

const B2 = {
  endpoint: "s3.us-west-004.backblazeb2.com",
  bucket: "minidock-backups",
  path: "mini",
  accessKeyIdSecret: "b2KeyId",
  secretAccessKeySecret: "b2ApplicationKey",
};

function problemsOf(backup: unknown, secrets: Record<string, string> = TEST_SECRETS, mutate?: (s: ReturnType<typeof baseConfig>) => void): string[] {
  const stack = { ...baseConfig(), backup };
  mutate?.(stack);
  try {
    resolveStackConfig("test", toRawStackConfig(toConfigValues(stack, secrets)));
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

test("defaults: off, daily at 03:00 UTC, 7 days, dumps at 02:45, local target only", () => {
  expect(backupSchema.parse({})).toEqual({
    enabled: false, schedule: "0 3 * * *", retentionDays: 7, dumpTime: "02:45", targets: { local: { volume: "archive" } },
  });
});

test.each([
  ["0 3 * * *"], ["30 2 * * 1-5"], ["0 0 3 * * *"], ["@daily"], ["@every 12h"],
])("cron %s is accepted", (schedule) => {
  expect(backupSchema.safeParse({ schedule }).success).toBe(true);
});

test.each([
  ["daily", "expected 5 fields (or 6 with seconds first), got 1"],
  ["0 3 * *", "expected 5 fields (or 6 with seconds first), got 4"],
  ["0 3 * * * * *", "expected 5 fields (or 6 with seconds first), got 7"],
  ["0 3 * * ;rm", "Invalid characters, got value: ;rm"],
  ["60 3 * * *", "got value 60 expected range 0-59"],
  ["@fortnightly", "unknown descriptor @fortnightly"],
])("cron %s is rejected with the key path and the reason", (schedule, reason) => {
  const problems = problemsOf({ enabled: true, schedule });
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(`backup.schedule: expected a cron expression such as "0 3 * * *" (5 fields) or "@daily", got ${JSON.stringify(schedule)}: `);
  expect(problems[0]).toContain(reason);
});

test("dumpTime must be HH:MM", () => {
  expect(problemsOf({ enabled: true, dumpTime: "2:45" })).toEqual([
    'backup.dumpTime: expected a UTC time of day such as "02:45", got "2:45"',
  ]);
});

test("an s3 target without encryption is refused: archives leave the host only encrypted", () => {
  const problems = problemsOf({ enabled: true, targets: { s3: B2 } }, { ...TEST_SECRETS, b2KeyId: "k", b2ApplicationKey: "s" });
  expect(problems).toEqual([
    "backup.encryption: expected encryption.passphraseSecret when targets.s3 is set: archives leave the host only encrypted",
  ]);
});

test("an endpoint with a scheme is refused", () => {
  const problems = problemsOf({ enabled: true, encryption: { passphraseSecret: "p" }, targets: { s3: { ...B2, endpoint: "https://s3.example.com" } } });
  expect(problems[0]).toBe('backup.targets.s3.endpoint: expected a host name such as "s3.us-west-004.backblazeb2.com" (no https://, no path), got "https://s3.example.com"');
});

test("every secret the section names must be set with --secret", () => {
  const problems = problemsOf({
    enabled: true, encryption: { passphraseSecret: "backupPassphrase" }, targets: { s3: B2 }, notifications: { urlsSecret: "backupNotify" },
  });
  expect(problems).toEqual([
    'backup.encryption.passphraseSecret: secret config key "backupPassphrase" is not set (run: pulumi config set --secret backupPassphrase <value>)',
    'backup.targets.s3.accessKeyIdSecret: secret config key "b2KeyId" is not set (run: pulumi config set --secret b2KeyId <value>)',
    'backup.targets.s3.secretAccessKeySecret: secret config key "b2ApplicationKey" is not set (run: pulumi config set --secret b2ApplicationKey <value>)',
    'backup.notifications.urlsSecret: secret config key "backupNotify" is not set (run: pulumi config set --secret backupNotify <value>)',
  ]);
});

test("the full B2 setup with every secret set resolves", () => {
  const secrets = { ...TEST_SECRETS, backupPassphrase: "x", b2KeyId: "k", b2ApplicationKey: "s", backupNotify: "ntfy://ntfy.sh/t" };
  expect(problemsOf({
    enabled: true, encryption: { passphraseSecret: "backupPassphrase" }, targets: { s3: B2 }, notifications: { urlsSecret: "backupNotify", level: "info" },
  }, secrets)).toEqual([]);
});

test("secrets are not checked while backups are off", () => {
  expect(problemsOf({ enabled: false, encryption: { passphraseSecret: "unset" } })).toEqual([]);
});

test("a backed-up Postgres without secretEnv.POSTGRES_PASSWORD is refused (its pg_dump sidecar logs in with it)", () => {
  const problems = problemsOf({ enabled: true }, TEST_SECRETS, (s) => {
    s.services.postgres.secretEnv = {};
  });
  expect(problems).toEqual([
    'services.postgres.secretEnv.POSTGRES_PASSWORD: expected a secret config key: the pg_dump sidecar that backs up "postgres:16.6-alpine" logs in with it (or set backup: false with a backupExemptReason on its volumes)',
  ]);
});

test("unknown keys are refused", () => {
  expect(problemsOf({ enabled: true, scheduel: "0 3 * * *" })[0]).toBe(
    'backup.scheduel: unknown key (did you mean "schedule"?); ' +
      "allowed: enabled, schedule, retentionDays, dumpTime, encryption, targets, notifications",
  );
});
