import * as pulumi from "@pulumi/pulumi";
import { readRawConfig } from "./config/load";
import { RawStackConfig } from "./config/raw";
import { resolveStackConfigWith } from "./config/resolve";
import { StackConfig } from "./config/resolved";
import { parseSections, sectionNames } from "./config/stack";
import { PLATFORM_SERVICES } from "./platform/allPlatformServices";

/**
 * The whole stack config contract: the core sections (lib/config/) and every platform service's section
 * (lib/platform/allPlatformServices.ts). Everything that reads a stack's config (the program, the tools, the tests) goes
 * through here, so no caller can forget a platform service's schema or its cross-checks.
 */

/** Every `minidock:<key>` the contract knows. */
export const STACK_CONFIG_KEYS: readonly string[] = sectionNames(PLATFORM_SERVICES);

/** Raw config → typed, cross-checked stack config, or one ConfigError listing every problem. Pure. */
export function resolveStackConfig(stack: string, raw: RawStackConfig): StackConfig {
  return resolveStackConfigWith(stack, raw, PLATFORM_SERVICES);
}

/** The schema pass alone, over every section: for tools and tests that look at shapes, not references. */
export function parseStackSections(raw: RawStackConfig): ReturnType<typeof parseSections> {
  return parseSections(raw, PLATFORM_SERVICES);
}

/** The program's first step: validate everything, throw one ConfigError, register nothing on failure. */
export function loadStackConfig(): StackConfig {
  return resolveStackConfig(pulumi.getStack(), readRawConfig());
}
