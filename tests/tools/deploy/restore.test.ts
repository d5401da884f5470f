import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { restorePlan, stackFileName, writeScratchProject } from "../../../tools/deploy/restore";
import { tempDir } from "../../support/tmp";

/**
 * The config a rollback restores, from a history entry as `pulumi stack history --json --show-secrets` gives it
 * (CLI v3.248: objects carry `objectValue`, secrets their decrypted `value`; without --show-secrets a secret has no
 * value at all).
 */
const ORIGINAL = `encryptionsalt: v1:2Oa5zV0czT4=:v1:bdmPsIJfx58pepxW:JjqTB8DcdrX0tOoSIX2NtvhtDBHSuA==
# a comment the user wrote
config:
  minidock:services:
    web: { image: busybox:1.36.2 }
  minidock:redisPassword:
    secure: v1:dniZhf2qtqsxSBMq:YBmcAKXLGWDVve683x+W/aT5nC6yN0yy4I0=
  backupPassphrase:
    secure: v1:abc:def
`;

const target = {
  "minidock:services": { value: '{"web":{"image":"busybox:1.36.1"}}', objectValue: { web: { image: "busybox:1.36.1" } }, secret: false },
  "minidock:logMaxFiles": { value: "3", secret: false },
  "minidock:postgresPassword": { value: "s3cret-from-history", secret: true },
  "minidock:redisPassword": { secret: true },
  "minidock:backupPassphrase": { secret: true },
  "minidock:b2KeyId": { secret: true },
};

test("the original's settings stay, the config is the target's, and no secret value is written to the file", () => {
  const plan = restorePlan(ORIGINAL, target as never);
  const file = YAML.parse(plan.stackFile);
  expect(file.encryptionsalt).toBe("v1:2Oa5zV0czT4=:v1:bdmPsIJfx58pepxW:JjqTB8DcdrX0tOoSIX2NtvhtDBHSuA==");
  expect(file.config["minidock:services"]).toEqual({ web: { image: "busybox:1.36.1" } });
  expect(file.config["minidock:logMaxFiles"]).toBe("3");
  expect(plan.stackFile).not.toContain("s3cret-from-history");
  expect(plan.secrets).toEqual([{ key: "minidock:postgresPassword", value: "s3cret-from-history" }]);
});

test("a secret the history gave no value keeps its current ciphertext (with or without the namespace in the file); one nowhere is missing", () => {
  const plan = restorePlan(ORIGINAL, target as never);
  const file = YAML.parse(plan.stackFile);
  expect(file.config["minidock:redisPassword"]).toEqual({ secure: "v1:dniZhf2qtqsxSBMq:YBmcAKXLGWDVve683x+W/aT5nC6yN0yy4I0=" });
  expect(file.config["minidock:backupPassphrase"]).toEqual({ secure: "v1:abc:def" });
  expect(plan.keptSecrets).toEqual(["minidock:backupPassphrase", "minidock:redisPassword"]);
  expect(plan.missingSecrets).toEqual(["minidock:b2KeyId"]);
});

test("keys the target does not have are gone: the config is replaced, not merged", () => {
  const file = YAML.parse(restorePlan(ORIGINAL, { "minidock:hosts": { value: "{}", objectValue: {}, secret: false } } as never).stackFile);
  expect(Object.keys(file.config)).toEqual(["minidock:hosts"]);
});

test("no original stack file (a service backend with the config elsewhere): only the target's config", () => {
  const file = YAML.parse(restorePlan(undefined, { "minidock:a": { value: "x", secret: false } }).stackFile);
  expect(file).toEqual({ config: { "minidock:a": "x" } });
});

test("the scratch project runs this project's program with the restored stack file", () => {
  const project = tempDir("minidock-restore-project-");
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: minidock\nruntime: nodejs\nstackConfigDir: stacks\nconfig:\n  logMaxFiles: { type: integer, default: 3 }\n");
  const scratch = path.join(tempDir("minidock-restore-scratch-"), "p");
  writeScratchProject(project, scratch, "org/minidock/mini", "config: {}\n");
  const written = YAML.parse(fs.readFileSync(path.join(scratch, "Pulumi.yaml"), "utf8"));
  expect(path.resolve(scratch, written.main)).toBe(project);
  expect(written.stackConfigDir).toBeUndefined();
  expect(written.config).toEqual({ logMaxFiles: { type: "integer", default: 3 } });
  expect(stackFileName("org/minidock/mini")).toBe("Pulumi.mini.yaml");
  const stackFile = path.join(scratch, "Pulumi.mini.yaml");
  expect(fs.readFileSync(stackFile, "utf8")).toBe("config: {}\n");
  expect(fs.statSync(stackFile).mode & 0o777).toBe(0o600);
});
