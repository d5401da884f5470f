/**
 * `npm run tailnet:policy` prints the shipped mini stack's policy file; nothing is mocked (it reads
 * Pulumi.mini.yaml offline and calls the same pure builder the Tailnet component uses).
 */
import { parse } from "jsonc-parser";
import { main } from "../../tools/tailnetPolicy";

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const write = jest.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const error = jest.spyOn(console, "error").mockImplementation((s: string) => void (err += s));
  try {
    return { code: await main(argv), out, err };
  } finally {
    write.mockRestore();
    error.mockRestore();
  }
}

test("prints the mini stack's policy file as HuJSON with accept and deny tests", async () => {
  const { code, out } = await run(["--stack", "mini"]);
  expect(code).toBe(0);
  const file = parse(out) as { tests: { accept?: string[]; deny?: string[] }[]; grants: unknown[] };
  expect(file.grants.length).toBeGreaterThan(0);
  expect(file.tests.some((t) => t.accept?.length)).toBe(true);
  expect(file.tests.some((t) => t.deny?.length)).toBe(true);
});

test("refuses a stack without Tailscale", async () => {
  const { code, err } = await run(["--stack", "local"]);
  expect(code).toBe(1);
  expect(err).toContain("minidock:tailscale is not enabled on stack local");
});
