import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../naming";
import { RawStackConfig } from "./raw";

/**
 * `isConfigSecret` is marked internal in the SDK's typings but is how the runtime itself answers "was this key
 * set with --secret" (from PULUMI_CONFIG_SECRET_KEYS, which the CLI and setAllConfig both fill).
 */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

/** Reads this project's config from the Pulumi runtime: `minidock:<key>` values and which of them are secret. */
export function readRawConfig(): RawStackConfig {
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    values[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { values, secretKeys };
}

/** Secret config values for secretEnv, read as Pulumi secrets so they stay secret in state and outputs. */
export function secretConfigValue(key: string): pulumi.Output<string> {
  return new pulumi.Config(PROJECT).requireSecret(key);
}
