import { describeValue } from "./errors";
import { RawStackConfig } from "./raw";

/** Collects cross-section problems; missing secrets are also listed by key so tools can name them. */
export interface CheckContext {
  raw: RawStackConfig;
  problems: string[];
  missingSecrets: Set<string>;
}

/**
 * Every reference to a secret config key goes through here: it must be set, and set with --secret, so its
 * value is encrypted in Pulumi.<stack>.yaml and stays secret in state.
 */
export function checkSecretRef(ctx: CheckContext, at: string, key: string): void {
  if (!(key in ctx.raw.values)) {
    ctx.missingSecrets.add(key);
    ctx.problems.push(`${at}: secret config key ${describeValue(key)} is not set (run: pulumi config set --secret ${key} <value>)`);
  } else if (!ctx.raw.secretKeys.has(key)) {
    ctx.problems.push(`${at}: config key ${describeValue(key)} is set in plain text; set it again with --secret`);
  }
}
