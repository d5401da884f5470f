import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError } from "../../lib/config/errors";
import { resolveStackConfig } from "../../lib/stackConfig";
import { RawStackConfig } from "../../lib/config/raw";
import { PROJECT } from "../../lib/naming";

/**
 * Stack config as the Pulumi CLI would hand it to the program, read from Pulumi.<stack>.yaml without the CLI.
 * Object values become JSON strings (as the CLI passes them), `secure:` values become secrets. Their
 * ciphertext cannot be decrypted offline, so they carry a placeholder: policies never depend on a secret's text.
 */
export interface StackConfigValues {
  /** Full keys, e.g. "minidock:hosts". */
  values: Record<string, string>;
  secretKeys: string[];
}

export const SECRET_PLACEHOLDER = "offline-placeholder-secret";

function toConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Project defaults from Pulumi.yaml's `config:` block, applied the way the CLI applies them. */
export function projectDefaults(projectDir: string): Record<string, string> {
  const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { config?: Record<string, unknown> };
  const out: Record<string, string> = {};
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    const value = decl && typeof decl === "object" && "default" in decl ? (decl as { default: unknown }).default : decl;
    if (value !== undefined && (typeof value !== "object" || value === null)) out[fullKey] = toConfigString(value);
  }
  return out;
}

export function readStackConfigFile(file: string, projectDir = path.dirname(file)): StackConfigValues {
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const values: Record<string, string> = { ...projectDefaults(projectDir) };
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value && typeof value === "object" && "secure" in value) {
      values[fullKey] = SECRET_PLACEHOLDER;
      secretKeys.push(fullKey);
    } else {
      values[fullKey] = toConfigString(value);
    }
  }
  return { values, secretKeys };
}

export function stackFilePath(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** The program's view of the same values: namespace stripped, secrets as a set. */
export function toRawStackConfig(cfg: StackConfigValues): RawStackConfig {
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.values)) if (k.startsWith(prefix)) values[k.slice(prefix.length)] = v;
  return { values, secretKeys: new Set(cfg.secretKeys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))) };
}

/**
 * Shipped stack files hold no secrets (they are set per clone with `pulumi config set --secret`). Offline, every
 * secret the config references but does not set gets a placeholder, and the caller is told which.
 */
export function withPlaceholderSecrets(stack: string, cfg: StackConfigValues): { config: StackConfigValues; placeholders: string[] } {
  try {
    resolveStackConfig(stack, toRawStackConfig(cfg));
    return { config: cfg, placeholders: [] };
  } catch (e) {
    if (!(e instanceof ConfigError) || e.missingSecrets.length === 0) return { config: cfg, placeholders: [] };
    const keys = e.missingSecrets.map((k) => `${PROJECT}:${k}`);
    const values = { ...cfg.values, ...Object.fromEntries(keys.map((k) => [k, SECRET_PLACEHOLDER])) };
    return { config: { values, secretKeys: [...cfg.secretKeys, ...keys] }, placeholders: e.missingSecrets };
  }
}
