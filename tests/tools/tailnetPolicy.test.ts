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

describe("the command docs/setup.md gives", () => {
  // Real npm, real node: the point is what lands in the file when `npm run` adds its banner lines on stdout.
  const { execFileSync } = jest.requireActual("child_process") as typeof import("child_process");
  const fs = jest.requireActual("fs") as typeof import("fs");
  const path = jest.requireActual("path") as typeof import("path");
  const ROOT = path.resolve(__dirname, "../..");

  test("writes a policy file that parses as HuJSON, with nothing else in it", () => {
    const setup = fs.readFileSync(path.join(ROOT, "docs/setup.md"), "utf8");
    const command = /`(npm run tailnet:policy -- --out policy\.hujson)`/.exec(setup)?.[1];
    expect(command).toBeDefined();
    // Run where a user runs it, the project root (npm sets INIT_CWD there); policy.hujson is git-ignored.
    const file0 = path.join(ROOT, "policy.hujson");
    fs.rmSync(file0, { force: true });
    execFileSync("bash", ["-c", command!], { cwd: ROOT, stdio: "pipe" });
    const text = fs.readFileSync(file0, "utf8");
    fs.rmSync(file0);
    const errors: import("jsonc-parser").ParseError[] = [];
    const file = parse(text, errors, { allowTrailingComma: true }) as { grants: unknown[] };
    expect(errors).toEqual([]);
    expect(file.grants.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/^> /m);
  });
});

test("--help prints usage on stdout and exits 0", async () => {
  const { execFileSync } = jest.requireActual("child_process") as typeof import("child_process");
  const path = jest.requireActual("path") as typeof import("path");
  const ROOT = path.resolve(__dirname, "../..");
  const out = execFileSync(process.execPath, ["-r", "./tools/register.js", "tools/tailnetPolicy.ts", "-h"], { cwd: ROOT, encoding: "utf8" });
  expect(out).toMatch(/^usage: npm run tailnet:policy .*--out FILE/);
});
