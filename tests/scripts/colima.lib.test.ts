import { spawnSync } from "child_process";
import * as path from "path";

/**
 * run_with_timeout from scripts/colima/lib.sh, run by real bash with real sleep and signals: macOS has no coreutils
 * `timeout`, so start.sh relies on this helper to tell "colima start hung" (124) from "colima start failed".
 */
const LIB = path.resolve(__dirname, "../../scripts/colima/lib.sh");

function withTimeout(seconds: number, command: string, prelude = ""): { rc: number; elapsedMs: number } {
  const started = Date.now();
  const r = spawnSync("bash", ["-c", `. '${LIB}'; ${prelude}\nrc=0; run_with_timeout ${seconds} ${command} || rc=$?; echo "rc=$rc"`], {
    encoding: "utf8",
    timeout: 20_000,
  });
  const match = /rc=(\d+)/.exec(r.stdout);
  if (!match) throw new Error(`no rc printed; stderr: ${r.stderr}`);
  return { rc: Number(match[1]), elapsedMs: Date.now() - started };
}

describe("run_with_timeout", () => {
  test("a command that finishes in time keeps its own exit status", () => {
    expect(withTimeout(5, "true").rc).toBe(0);
    expect(withTimeout(5, "bash -c 'exit 3'").rc).toBe(3);
  });

  test("a command that hangs is killed at the deadline and reported as 124", () => {
    const r = withTimeout(1, "sleep 30");
    expect(r.rc).toBe(124);
    expect(r.elapsedMs).toBeLessThan(10_000);
  });

  test("a command killed by someone else's SIGTERM is a failure (143), not a timeout", () => {
    expect(withTimeout(5, "bash -c 'kill -TERM $$'").rc).toBe(143);
  });

  test("still 124 when the watchdog is slow to exit after its kill (the race a loaded CI machine hit)", () => {
    // Wraps the builtin so the watchdog lingers 2 s after sending TERM: deciding "timed out" by whether the
    // watchdog was still alive read this as an ordinary failure with exit 143.
    const slowWatchdog = `kill() { builtin kill "$@"; local r=$?; [ "$1" != -TERM ] || sleep 2; return $r; }`;
    expect(withTimeout(1, "sleep 30", slowWatchdog).rc).toBe(124);
  });
});
