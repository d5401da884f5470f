import { execFileSync } from "child_process";

/**
 * Tests that run a real Debian tool (promtool, busybox). Where the tool is missing they are skipped with the reason
 * in their title, so tests/support/skipReporter.js lists them at the end of the run; under CI=true (CI installs
 * every tool, .ci/run) a missing tool fails the test instead, so CI can never pass by skipping.
 */
export function hasTool(tool: string, probe: string[] = ["--version"]): boolean {
  try {
    execFileSync(tool, probe, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const SKIP_MARK = "[skipped:";

/** `test` when the tool is there; otherwise a skip that says why, or under CI=true a failure that says why. */
export function testWithTool(tool: string, title: string, fn: jest.ProvidesCallback, probe?: string[]): void {
  if (hasTool(tool, probe)) return void test(title, fn);
  const why = `${tool} is not on PATH (apt-get install ${tool === "promtool" ? "prometheus" : tool})`;
  if (process.env.CI === "true") {
    test(title, () => {
      throw new Error(`${why}; CI=true makes a test that needs it fail rather than skip`);
    });
  } else {
    test.skip(`${title} ${SKIP_MARK} ${why}]`, fn);
  }
}
