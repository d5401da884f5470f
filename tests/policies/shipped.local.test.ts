import { checkShippedStack, lines } from "./support/shipped";

/** One stack per file: jest gives each file its own module registry, and index.ts runs once per registry. */
describe("shipped stack local with policies/local.json", () => {
  let run: Awaited<ReturnType<typeof checkShippedStack>>;
  beforeAll(async () => {
    run = await checkShippedStack("local");
  });

  test("registers resources", () => expect(run.resources).toBeGreaterThan(10));
  test("has zero mandatory violations", () => expect(lines(run.result, "mandatory")).toEqual([]));
  test("every configured exemption is used (none stale), each with its reason", () => {
    expect(run.result.unusedExemptions).toEqual([]);
    for (const e of run.result.exemptions) expect(e.reason.length).toBeGreaterThanOrEqual(20);
  });
  test("the config names only existing policies", () => expect(run.result.unknownConfigKeys).toEqual([]));
});
