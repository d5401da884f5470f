/**
 * Exemption dates, without dependencies: the pack (policies/exemptions.ts) and the check tools share them, and the
 * tools read them before the program is evaluated, when nothing of the Pulumi SDK may load yet.
 */

/** Exemptions expiring within this many days (today included) are listed, so they are renewed or fixed before a check turns red on a date. */
export const EXPIRY_NOTICE_DAYS = 14;

/** `YYYY-MM-DD` with a month 01-12 and a day 01-31: what every JSON-schema validator enforces (`format` is optional in the spec). */
export const EXPIRY_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/** A real calendar date in `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDate(s: string): boolean {
  if (!new RegExp(EXPIRY_PATTERN).test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Today's date in UTC, `YYYY-MM-DD`: the day exemptions are judged against. MINIDOCK_TODAY overrides the clock
 * (tests, or "will this still pass next month?"); it must itself be a calendar date, or every rule errors.
 */
export function todayUtc(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const given = env.MINIDOCK_TODAY;
  if (given !== undefined && given !== "") {
    if (!isCalendarDate(given)) throw new Error(`MINIDOCK_TODAY=${JSON.stringify(given)}: expected a date as YYYY-MM-DD`);
    return given;
  }
  return now.toISOString().slice(0, 10);
}

/** Expired once `today` is after its last day; an `expires` that is not a calendar date counts as expired. */
export function isExpired(e: { expires?: string }, today: string): boolean {
  if (e.expires === undefined) return false;
  return !isCalendarDate(e.expires) || today > e.expires;
}

/** The prefix an expired exemption puts before the violation it no longer hides. */
export function expiredNote(e: { resource: string; expires?: string }): string {
  return `exemption of ${JSON.stringify(e.resource)} expired on ${e.expires}: `;
}

/** The violation's own message, without an expired-exemption prefix (for tools that read the key at its start). */
export function withoutExpiredNote(message: string): string {
  return message.replace(/^exemption of "(?:[^"\\]|\\.)*" expired on [^:]*: /, "");
}

/** `YYYY-MM-DD` plus n days, in UTC. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
