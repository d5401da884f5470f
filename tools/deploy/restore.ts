import * as fs from "fs";
import * as path from "path";
import type { ConfigMap, ConfigValue } from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import { PROJECT } from "../../lib/naming";

/**
 * Putting a stack's config back to what an earlier update ran with (its entry in `pulumi stack history`).
 *
 * The restored config goes into a scratch project directory, never into the repository's Pulumi.<stack>.yaml:
 * that file is the user's reviewed config, with its comments, and after a failed deploy it holds the change the
 * user just made, which a rollback must not destroy. The scratch project is this repository's Pulumi.yaml with
 * `main` pointing back at the repository (as tools/engine/sandbox.ts does), and a stack file holding the original
 * file's settings (secrets provider, passphrase salt or encrypted data key) with the target's config. The stack,
 * its backend, state and history are the user's own.
 *
 * Secrets: `pulumi stack history --show-secrets` (the Automation API's default) decrypts a secret's value with the
 * stack's secrets provider; without --show-secrets it carries no value and no ciphertext. Restored secrets are set
 * with `pulumi config set --secret`, the value on stdin (not on the command line, where other local users could
 * read it), so they are encrypted again by the stack's provider and stay secret. A secret whose value history
 * did not give (it could not be decrypted) keeps its current ciphertext from the repository's stack file, and
 * the caller reports it by name.
 */
export type HistoryConfigValue = ConfigValue & { objectValue?: unknown };

export interface RestorePlan {
  /** The scratch stack file: the original's settings and the target's non-secret config. */
  stackFile: string;
  /** Secrets to set one by one (value on stdin). */
  secrets: { key: string; value: string }[];
  /** Secret keys whose earlier value is unknown: kept at their current value (the repository file's ciphertext). */
  keptSecrets: string[];
  /** Secret keys with no value anywhere: the program will refuse the config if it needs them. */
  missingSecrets: string[];
}

const fullKey = (k: string) => (k.includes(":") ? k : `${PROJECT}:${k}`);

export function restorePlan(originalStackFile: string | undefined, target: ConfigMap): RestorePlan {
  const original = (originalStackFile ? YAML.parse(originalStackFile) : {}) as Record<string, unknown> | null;
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(original ?? {})) if (k !== "config") settings[k] = v;
  const originalConfig = Object.fromEntries(
    Object.entries(((original ?? {}).config ?? {}) as Record<string, unknown>).map(([k, v]) => [fullKey(k), v]),
  );
  const config: Record<string, unknown> = {};
  const plan: RestorePlan = { stackFile: "", secrets: [], keptSecrets: [], missingSecrets: [] };
  for (const key of Object.keys(target).sort()) {
    const v = target[key] as HistoryConfigValue;
    if (!v.secret) {
      // Objects as objects (the file reads as the user wrote it); scalars as the strings the program receives.
      config[key] = v.objectValue !== undefined ? v.objectValue : v.value;
      continue;
    }
    if (typeof v.value === "string") {
      plan.secrets.push({ key, value: v.value });
      continue;
    }
    const current = originalConfig[key];
    if (current && typeof current === "object" && "secure" in current) {
      config[key] = current;
      plan.keptSecrets.push(key);
    } else {
      plan.missingSecrets.push(key);
    }
  }
  plan.stackFile = YAML.stringify({ ...settings, config });
  return plan;
}

/** The stack's name as its settings file is named: `org/project/mini` → `mini`. */
export const stackFileName = (stackName: string) => `Pulumi.${stackName.split("/").pop()}.yaml`;

/**
 * A project directory for operating on the user's stack with another config: Pulumi.yaml from `projectDir`, its
 * `main` pointing back there (and no stackConfigDir, so the stack file is the one written here).
 */
export function writeScratchProject(projectDir: string, dir: string, stackName: string, stackFile: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const project = YAML.parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  const main = typeof project.main === "string" ? path.resolve(projectDir, project.main) : projectDir;
  project.main = path.relative(dir, main) || ".";
  delete project.stackConfigDir;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(project));
  fs.writeFileSync(path.join(dir, stackFileName(stackName)), stackFile, { mode: 0o600 });
}
