import type { UpdateSummary } from "@pulumi/pulumi/automation";
import {
  Deployment, TAG_VALUE_MAX, VERIFIED_LIST_TAG, VERIFIED_TAG, changedKeys, chooseRollbackTarget, historyLines, numberHistory, recordVerified,
  updateSince, verifiedVersions,
} from "../../../tools/deploy/history";

/**
 * The stack's history as deploy and rollback read it: the entries are shaped as `pulumi stack history --json`
 * printed them for a file backend (CLI v3.248: version 0 on every entry, newest first, secrets with a value only
 * under --show-secrets).
 */
let clock = Date.parse("2026-12-01T10:00:00Z");
function entry(kind: UpdateSummary["kind"], result: UpdateSummary["result"], config: UpdateSummary["config"] = { "minidock:a": { value: "1", secret: false } }, version = 0): UpdateSummary {
  clock += 60_000;
  return { kind, result, version, message: "", environment: {}, config, startTime: new Date(clock), endTime: new Date(clock + 30_000) };
}
/** Oldest first, as written; the CLI lists newest first. */
const newestFirst = (...oldestFirst: UpdateSummary[]) => oldestFirst.reverse();

describe("numberHistory", () => {
  test("the file backend's zeros become positions counted from the oldest, 1-based", () => {
    const h = numberHistory(newestFirst(entry("update", "succeeded"), entry("refresh", "succeeded"), entry("update", "failed")));
    expect(h.map((d) => [d.version, d.kind, d.result])).toEqual([[3, "update", "failed"], [2, "refresh", "succeeded"], [1, "update", "succeeded"]]);
  });

  test("a backend's own versions are kept", () => {
    const h = numberHistory(newestFirst(entry("update", "succeeded", undefined, 40), entry("update", "succeeded", undefined, 42)));
    expect(h.map((d) => d.version)).toEqual([42, 40]);
  });

  test("repeated versions are not trusted: positions instead", () => {
    const h = numberHistory(newestFirst(entry("update", "succeeded", undefined, 7), entry("update", "succeeded", undefined, 7)));
    expect(h.map((d) => d.version)).toEqual([2, 1]);
  });
});

describe("the verified tags", () => {
  test("read from both tags, unreadable parts ignored", () => {
    expect(verifiedVersions({ [VERIFIED_LIST_TAG]: "3, 5,x,,8", [VERIFIED_TAG]: "9" })).toEqual([3, 5, 8, 9]);
    expect(verifiedVersions({})).toEqual([]);
    expect(verifiedVersions({ [VERIFIED_TAG]: "latest" })).toEqual([]);
  });

  test("recording appends the version and names it the last", () => {
    expect(recordVerified({ [VERIFIED_LIST_TAG]: "3,5", [VERIFIED_TAG]: "5" }, 8)).toEqual({ [VERIFIED_TAG]: "8", [VERIFIED_LIST_TAG]: "3,5,8" });
    expect(recordVerified({}, 1)).toEqual({ [VERIFIED_TAG]: "1", [VERIFIED_LIST_TAG]: "1" });
  });

  test("the list keeps what fits in a tag value, dropping the oldest", () => {
    let tags: Record<string, string> = {};
    for (let v = 1000; v < 1100; v++) tags = recordVerified(tags, v);
    expect(tags[VERIFIED_LIST_TAG].length).toBeLessThanOrEqual(TAG_VALUE_MAX);
    const list = tags[VERIFIED_LIST_TAG].split(",").map(Number);
    expect(list[list.length - 1]).toBe(1099);
    expect(list[0]).toBeGreaterThan(1000);
  });
});

describe("chooseRollbackTarget", () => {
  const config = (v: string) => ({ "minidock:services": { value: v, secret: false } });
  // 1 update ok (verified), 2 update ok (not verified: a manual pulumi up), 3 refresh, 4 update ok (verified),
  // 5 update failed (the deploy being rolled back)
  const history = (): Deployment[] => numberHistory(newestFirst(
    entry("update", "succeeded", config("v1")), entry("update", "succeeded", config("v2")), entry("refresh", "succeeded"),
    entry("update", "succeeded", config("v4")), entry("update", "failed", config("v5")),
  ));

  test("by default: the newest verified deployment", () => {
    const c = chooseRollbackTarget(history(), [1, 4]);
    expect(c.ok && [c.target.version, c.target.config["minidock:services"].value, c.verified]).toEqual([4, "v4", true]);
  });

  test("a verified version that is no longer in the history is skipped", () => {
    const c = chooseRollbackTarget(history(), [1, 4, 99]);
    expect(c.ok && c.target.version).toBe(4);
  });

  test("no verified deployment: refused, naming the successful updates and --to", () => {
    const c = chooseRollbackTarget(history(), []);
    expect(c.ok).toBe(false);
    expect(!c.ok && c.reason).toMatch(/no verified deployment .*successful updates: 1, 2, 4 \(npm run rollback -- --to N/);
  });

  test("--to a successful update that deploy did not verify: allowed, and said", () => {
    const c = chooseRollbackTarget(history(), [1, 4], 2);
    expect(c.ok && [c.target.version, c.verified]).toEqual([2, false]);
  });

  test.each([
    [5, /version 5 is an update that ended failed: only a successful update can be rolled back to; verified deployments: 1, 4$/],
    [3, /version 3 is a refresh that succeeded: only a successful update .*verified deployments: 1, 4$/],
    [9, /version 9 is not in the stack's history \(it has versions 1 to 5\); verified deployments: 1, 4$/],
  ])("--to %d is refused, listing the verified versions", (to, message) => {
    const c = chooseRollbackTarget(history(), [1, 4], to);
    expect(c.ok).toBe(false);
    expect(!c.ok && c.reason).toMatch(message);
  });

  test("an update without recorded config cannot be restored", () => {
    const h = numberHistory([entry("update", "succeeded", {})]);
    expect(chooseRollbackTarget(h, [1]).ok).toBe(false);
    expect(chooseRollbackTarget(h, [1], 1)).toEqual({ ok: false, reason: expect.stringMatching(/version 1 has no config/) });
  });
});

test("updateSince finds the update this process started (history times have one-second precision)", () => {
  const h = numberHistory(newestFirst(entry("update", "succeeded"), entry("update", "succeeded")));
  const started = new Date(h[0].startTime.getTime() + 400); // the process noted its start a little after the CLI did
  expect(updateSince(h, started)?.version).toBe(2);
  expect(updateSince(h, new Date(h[0].startTime.getTime() + 5000))).toBeUndefined();
});

describe("changedKeys", () => {
  test("object values compare whatever their key order; added and removed keys count", () => {
    const a = { "m:o": { value: '{"a":1,"b":[1,{"y":2,"x":1}]}', secret: false }, "m:gone": { value: "1", secret: false } };
    const b = { "m:o": { value: '{"b":[1,{"x":1,"y":2}],"a":1}', secret: false }, "m:new": { value: "1", secret: false } };
    expect(changedKeys(a, b)).toEqual(["m:gone", "m:new"]);
  });

  test("a secret counts as changed only when both values are known and differ", () => {
    expect(changedKeys({ "m:s": { value: "a", secret: true } }, { "m:s": { secret: true } as never })).toEqual([]);
    expect(changedKeys({ "m:s": { value: "a", secret: true } }, { "m:s": { value: "b", secret: true } })).toEqual(["m:s"]);
  });
});

test("historyLines marks verified successful updates and numbers every entry", () => {
  const lines = historyLines(numberHistory(newestFirst(entry("update", "succeeded"), entry("update", "failed"))), [1, 2]);
  expect(lines[0]).toMatch(/^version +kind +result +started \(UTC\) +message$/);
  expect(lines[1]).toMatch(/^ +2 +update +failed +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  expect(lines[2]).toMatch(/^ +1 +update +succeeded +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +verified$/);
});
