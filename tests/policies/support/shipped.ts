import * as fs from "fs";
import * as path from "path";
import { allPolicies } from "../../../policies/allPolicies";
import { PolicyRunResult, runPolicies } from "../../../tools/offline/policyRuntime";
import { PROJECT_DIR, evaluateShippedStack } from "../../support/stack";

/**
 * A shipped stack as `pulumi preview --policy-pack policies --policy-pack-config policies/<stack>.json` would see
 * it: the real index.ts under Pulumi's mock monitor (engine and providers mocked, see tests/support/stack.ts),
 * then every policy through the engine mirror with the stack's pack config file.
 */
export function packConfigFor(stack: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies", `${stack}.json`), "utf8"));
}

export async function checkShippedStack(stack: string): Promise<{ resources: number; result: PolicyRunResult }> {
  const ev = await evaluateShippedStack(stack);
  if (ev.error) throw ev.error;
  return { resources: ev.resources.length, result: await runPolicies(ev.resources, allPolicies, packConfigFor(stack)) };
}

/** `policy resource: message` lines, for assertions that show what went wrong. */
export const lines = (r: PolicyRunResult, level: "mandatory" | "advisory") =>
  r.violations.filter((v) => v.enforcementLevel === level).map((v) => `${v.policy} ${v.resourceName ?? "<stack>"}: ${v.message}`);

/**
 * The shared suite for one shipped stack. One stack per test file: jest gives each file its own module
 * registry, and index.ts runs once per registry.
 */
export function describeShippedStack(stack: string): void {
  describe(`shipped stack ${stack} with policies/${stack}.json`, () => {
    let run: Awaited<ReturnType<typeof checkShippedStack>>;
    beforeAll(async () => {
      run = await checkShippedStack(stack);
    });

    test("registers resources", () => expect(run.resources).toBeGreaterThan(10));
    test("has zero mandatory violations", () => expect(lines(run.result, "mandatory")).toEqual([]));
    test("every configured exemption is used (none stale), each with its reason", () => {
      expect(run.result.unusedExemptions).toEqual([]);
      for (const e of run.result.exemptions) expect(e.reason.length).toBeGreaterThanOrEqual(20);
    });
    test("the config names only existing policies", () => expect(run.result.unknownConfigKeys).toEqual([]));
  });
}
