import { CronError, parseSchedule, previousFiring } from "../../../../lib/platform/backup/schedule";

/** The backup schedule's last firing, in UTC, as offen's scheduler (robfig/cron) reads the expression (cron-parser does the arithmetic). */
const at = (iso: string) => Date.parse(iso);
const prev = (expr: string, iso: string) => {
  const t = previousFiring(parseSchedule(expr), at(iso));
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe("previousFiring", () => {
  test.each([
    // The shipped schedule: 03:00 every day.
    ["0 3 * * *", "2026-12-02T15:40:00Z", "2026-12-02T03:00:00.000Z"],
    ["0 3 * * *", "2026-12-02T02:59:59Z", "2026-12-01T03:00:00.000Z"],
    ["0 3 * * *", "2026-12-02T03:00:00Z", "2026-12-02T03:00:00.000Z"],
    // Across a month and a year boundary.
    ["0 3 * * *", "2026-01-01T01:00:00Z", "2025-12-31T03:00:00.000Z"],
    // Steps, lists and ranges.
    ["*/15 * * * *", "2026-12-02T15:44:10Z", "2026-12-02T15:30:00.000Z"],
    ["0 2,14 * * *", "2026-12-02T13:00:00Z", "2026-12-02T02:00:00.000Z"],
    ["30 1-3 * * *", "2026-12-02T04:00:00Z", "2026-12-02T03:30:00.000Z"],
    // Day of week (2026-12-02 is a Wednesday), names, and 7 for Sunday.
    ["0 3 * * 0", "2026-12-02T12:00:00Z", "2026-11-29T03:00:00.000Z"],
    ["0 3 * * sun", "2026-12-02T12:00:00Z", "2026-11-29T03:00:00.000Z"],
    ["0 3 * * 7", "2026-12-02T12:00:00Z", "2026-11-29T03:00:00.000Z"],
    ["0 3 * * mon-fri", "2026-12-06T12:00:00Z", "2026-12-04T03:00:00.000Z"],
    // Both day fields restricted: either matches (the 1st, or any Monday).
    ["0 0 1 * 1", "2026-12-02T12:00:00Z", "2026-12-01T00:00:00.000Z"],
    ["0 0 1 * 1", "2026-11-30T12:00:00Z", "2026-11-30T00:00:00.000Z"],
    // Months.
    ["0 0 1 jan *", "2026-12-02T12:00:00Z", "2026-01-01T00:00:00.000Z"],
    // Six fields: seconds first.
    ["30 0 3 * * *", "2026-12-02T03:00:10Z", "2026-12-01T03:00:30.000Z"],
    // Descriptors.
    ["@daily", "2026-12-02T15:40:00Z", "2026-12-02T00:00:00.000Z"],
    ["@hourly", "2026-12-02T15:40:00Z", "2026-12-02T15:00:00.000Z"],
    ["@weekly", "2026-12-02T15:40:00Z", "2026-11-29T00:00:00.000Z"],
  ])("%s before %s: %s", (expr, iso, expected) => expect(prev(expr, iso)).toBe(expected));

  test("@every has no calendar firing (it counts from the scheduler's start)", () => {
    expect(parseSchedule("@every 6h")).toEqual({ kind: "every", everyMs: 6 * 3_600_000 });
    expect(prev("@every 6h", "2026-12-02T15:40:00Z")).toBeUndefined();
  });


  test.each([
    ["0 3 * *", /expected 5 fields/],
    ["60 3 * * *", /got value 60 expected range 0-59/],
    ["0 3 * * 8", /got value 8 expected range 0-7/],
    ["0 3 */0 * *", /cannot repeat at every 0 time/],
    ["0 3 * foo *", /cannot resolve alias "foo"/],
    // A date that never comes: offen would accept it and never archive; refused here instead.
    ["0 0 30 2 *", /Invalid explicit day of month/],
    ["@every 0s", /above 0/],
  ])("%s is refused, naming the field", (expr, message) => {
    expect(() => parseSchedule(expr)).toThrow(CronError);
    expect(() => parseSchedule(expr)).toThrow(message);
  });
});
