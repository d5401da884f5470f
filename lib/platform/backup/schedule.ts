import { CronExpressionParser } from "cron-parser";

/**
 * The backup schedule as offen's scheduler (robfig/cron) reads it, in UTC (the backup container's time zone): 5
 * fields, 6 with seconds first, the @descriptors, or `@every <n><s|m|h>`. The config contract refuses what cannot
 * be read (with the parser's reason), and `npm run status` asks when the schedule last fired, so the two agree on
 * every expression. The calendar arithmetic is cron-parser's.
 */
export type Schedule = { kind: "cron"; expression: string } | { kind: "every"; everyMs: number };

export class CronError extends Error {}

const EVERY = /^@every (\d+)([smh])$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Throws CronError saying why offen would refuse it. */
export function parseSchedule(expression: string): Schedule {
  const t = expression.trim();
  const every = EVERY.exec(t);
  if (every) {
    const everyMs = Number(every[1]) * UNIT_MS[every[2] as keyof typeof UNIT_MS];
    if (everyMs === 0) throw new CronError("@every needs a duration above 0");
    return { kind: "every", everyMs };
  }
  if (t.startsWith("@")) {
    if (!["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"].includes(t)) throw new CronError(`unknown descriptor ${t}`);
  } else {
    // cron-parser fills in missing trailing fields; robfig/cron does not.
    const fields = t.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) throw new CronError(`expected 5 fields (or 6 with seconds first), got ${fields}`);
  }
  try {
    CronExpressionParser.parse(t === "@midnight" ? "@daily" : t, { tz: "UTC" });
  } catch (e) {
    throw new CronError((e as Error).message);
  }
  return { kind: "cron", expression: t === "@midnight" ? "@daily" : t };
}

/**
 * The latest time at or before `atMs` the schedule fires, in UTC; undefined for `@every` (it counts from the
 * scheduler's start, which the daemon does not tell) or for a date that never comes (30 February).
 */
export function previousFiring(s: Schedule, atMs: number): number | undefined {
  if (s.kind === "every") return undefined;
  // prev() is strictly before currentDate: one second later makes a firing exactly at `atMs` count.
  const currentDate = new Date(Math.floor(atMs / 1000) * 1000 + 1000);
  try {
    return CronExpressionParser.parse(s.expression, { tz: "UTC", currentDate }).prev().getTime();
  } catch {
    return undefined;
  }
}
