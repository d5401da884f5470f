import { z } from "zod";
import { DEFAULTS } from "../defaults";
import { PROJECT } from "../naming";
import { ConfigError, describeValue, errorMap, formatIssues } from "./errors";
import { hostSchema, networkSchema } from "./hosts";
import { imagesSchema } from "./images";
import { namedRecord, positiveInt, sizeString } from "./primitives";
import { RawStackConfig } from "./raw";
import { CheckContext } from "./secrets";
import { serviceSchema } from "./services";
import { didYouMean } from "./unknownKeys";

/**
 * The stack config contract: one zod schema per `minidock:<key>`. Objects are validated here because Pulumi's
 * project config (Pulumi.yaml) can only type scalars and arrays.
 *
 * The core sections are below. Each platform service brings its own section (a PlatformSection); the config
 * layer is handed their list (lib/platform/allPlatformServices.ts, through lib/stackConfig.ts) and imports none of them,
 * so the features sit on top of the config and never the other way round.
 */
export const CORE_SECTIONS = {
  hosts: namedRecord(hostSchema).refine((h) => Object.keys(h).length > 0, (h) => ({
    message: `expected at least one host, got ${describeValue(h)}`,
  })),
  networks: namedRecord(networkSchema).default({ apps: {} }).refine((n) => Object.keys(n).length > 0, {
    message: "expected at least one network: containers never join the default bridge",
  }),
  services: namedRecord(serviceSchema).default({}),
  /** Registry mirror and image replacements (lib/config/images.ts). */
  images: imagesSchema.default({}),
  /** Stack-wide log rotation defaults; Pulumi.yaml declares them with types and defaults. */
  logMaxSize: sizeString.default(DEFAULTS.logMaxSize),
  logMaxFiles: positiveInt.default(DEFAULTS.logMaxFiles),
} as const;

/**
 * The platform services' sections of the parsed stack config, by config key. Empty here: each platform service
 * adds its own, next to its schema in its folder, by declaration merging:
 *
 *   declare module "../../config/stack" { interface PlatformSections { backup: BackupConfig } }
 *
 * so StackConfig is typed with every section while the config layer imports none of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging (above)
export interface PlatformSections {}

/** The stack config after the schema pass: the core sections and every platform service's section. */
export type ParsedStack = z.output<z.ZodObject<typeof CORE_SECTIONS, "strict">> & PlatformSections;

/**
 * A platform service others may name: the tailnet may serve it, a config service may reach it. It runs on every
 * host, on `network`, listening on `port` inside its container.
 */
export interface ServableService {
  name: string;
  port: number;
  network: string;
}

/** The cross-checks' view: problems and missing secrets, plus the platform services the tailnet may serve. */
export interface PlatformCheckContext extends CheckContext {
  servable: ServableService[];
}

/** A platform service's part of the contract. lib/platform/definition.ts extends it with what it deploys. */
export interface PlatformSection<C = unknown> {
  /** The config key, `minidock:<key>`. */
  key: string;
  /** Its schema, defaults included: an unset key parses to the service's defaults. */
  schema: z.ZodType<C, z.ZodTypeDef, unknown>;
  /** References the schema cannot see (secrets it names, networks, services, hosts); problems go to ctx. */
  check?(section: C, stack: ParsedStack, ctx: PlatformCheckContext): void;
  /** Its services that the tailnet may serve (Grafana). */
  servable?(section: C, stack: Pick<ParsedStack, "networks">): ServableService[];
}

/** A platform service's own section of a parsed (or resolved) stack config, by its key. */
export function sectionOf(stack: object, p: PlatformSection): unknown {
  return (stack as Record<string, unknown>)[p.key];
}

/** The platform services the tailnet may serve, from every platform service's `servable`. */
export function servableOf(platforms: readonly PlatformSection[], stack: Pick<ParsedStack, "networks">): ServableService[] {
  return platforms.flatMap((p) => p.servable?.(sectionOf(stack, p), stack) ?? []);
}

/** Pulumi hands objects over as JSON and scalars as strings; the schema decides what type each must be. */
export function parseSectionValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export { ConfigError, PROJECT };

/** Every config key of the contract: the core sections, then the platform services' in their list's order. */
export function sectionNames(platforms: readonly PlatformSection[]): string[] {
  return [...Object.keys(CORE_SECTIONS), ...platforms.map((p) => p.key)];
}

/** Schema pass only: shape, types and per-field rules. Cross-references are checked in resolve.ts. */
export function parseSections(
  raw: RawStackConfig,
  platforms: readonly PlatformSection[],
): { parsed?: ParsedStack; problems: string[]; input: Record<string, unknown> } {
  const names = sectionNames(platforms);
  const stackSchema = z.object({ ...CORE_SECTIONS, ...Object.fromEntries(platforms.map((p) => [p.key, p.schema])) }).strict();
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw.values)) {
    if (names.includes(key)) input[key] = parseSectionValue(value);
    else if (!raw.secretKeys.has(key)) {
      problems.push(
        `${key}: unknown config key${didYouMean(key, names)}; ` +
          `known: ${names.join(", ")}; other keys must be secrets (pulumi config set --secret)`,
      );
    }
  }
  const result = stackSchema.safeParse(input, { errorMap });
  if (!result.success) problems.push(...formatIssues(result.error.issues, stackSchema));
  return { parsed: result.success ? (result.data as ParsedStack) : undefined, problems, input };
}
