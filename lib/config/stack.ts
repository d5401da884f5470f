import { z } from "zod";
import { DEFAULTS } from "../defaults";
import { PROJECT } from "../naming";
import { backupSchema } from "../platform/backup/config";
import { ConfigError, describeValue, errorMap, formatIssues } from "./errors";
import { hostSchema, networkSchema } from "./hosts";
import { imagesSchema } from "./images";
import { monitoringSchema } from "../platform/monitoring/config";
import { namedRecord, positiveInt, sizeString } from "./primitives";
import { RawStackConfig } from "./raw";
import { serviceSchema } from "./services";
import { tailscaleSchema } from "../platform/tailscale/config";
import { didYouMean } from "./unknownKeys";

/**
 * The whole stack config contract: one zod schema per `minidock:<key>`. Objects are validated here because
 * Pulumi's project config (Pulumi.yaml) can only type scalars and arrays.
 */
export const SECTIONS = {
  hosts: namedRecord(hostSchema).refine((h) => Object.keys(h).length > 0, (h) => ({
    message: `expected at least one host, got ${describeValue(h)}`,
  })),
  networks: namedRecord(networkSchema).default({ apps: {} }).refine((n) => Object.keys(n).length > 0, {
    message: "expected at least one network: containers never join the default bridge",
  }),
  services: namedRecord(serviceSchema).default({}),
  tailscale: tailscaleSchema.default({}),
  /** Registry mirror and image replacements (lib/config/images.ts). */
  images: imagesSchema.default({}),
  monitoring: monitoringSchema.default({}),
  backup: backupSchema.default({}),
  /** Stack-wide log rotation defaults; Pulumi.yaml declares them with types and defaults. */
  logMaxSize: sizeString.default(DEFAULTS.logMaxSize),
  logMaxFiles: positiveInt.default(DEFAULTS.logMaxFiles),
} as const;

const stackSchema = z.object(SECTIONS).strict();
type ParsedStack = z.output<typeof stackSchema>;

/** Pulumi hands objects over as JSON and scalars as strings; the schema decides what type each must be. */
export function parseSectionValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export { ConfigError, PROJECT };
export type { ParsedStack };

/** Schema pass only: shape, types and per-field rules. Cross-references are checked in resolve.ts. */
export function parseSections(raw: RawStackConfig): { parsed?: ParsedStack; problems: string[]; input: Record<string, unknown> } {
  const sectionNames = new Set(Object.keys(SECTIONS));
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw.values)) {
    if (sectionNames.has(key)) input[key] = parseSectionValue(value);
    else if (!raw.secretKeys.has(key)) {
      problems.push(
        `${key}: unknown config key${didYouMean(key, [...sectionNames])}; ` +
          `known: ${[...sectionNames].join(", ")}; other keys must be secrets (pulumi config set --secret)`,
      );
    }
  }
  const result = stackSchema.safeParse(input, { errorMap });
  if (!result.success) problems.push(...formatIssues(result.error.issues, stackSchema));
  return { parsed: result.success ? result.data : undefined, problems, input };
}
