/**
 * The config as Pulumi hands it over, before any schema. A leaf of lib/config: the schema pass (stack.ts) and the
 * secret checks every section runs (secrets.ts) both read it, so it imports neither.
 */
/**
 * Raw `minidock:*` config, as Pulumi hands it over (strings, JSON for objects), without the namespace.
 * Keys that are not sections must be secrets referenced by some service's secretEnv.
 */
export interface RawStackConfig {
  values: Record<string, string>;
  secretKeys: ReadonlySet<string>;
}
