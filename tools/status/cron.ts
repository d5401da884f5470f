/**
 * When a backup schedule last fired: the cron forms lib/platform/backup/config.ts accepts (5 fields, 6 with
 * seconds first, the @descriptors, `@every <n><s|m|h>`), read the way offen's scheduler (robfig/cron) reads them,
 * in UTC (the backup container's time zone). Pure; `status` compares the newest archive with it.
 */

interface Field {
  min: number;
  max: number;
}

const FIELDS: Record<"second" | "minute" | "hour" | "dom" | "month" | "dow", Field> = {
  second: { min: 0, max: 59 },
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  dom: { min: 1, max: 31 },
  month: { min: 1, max: 12 },
  dow: { min: 0, max: 6 },
};

const NAMES: Record<string, Record<string, number>> = {
  month: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  dow: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 },
};

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

export class CronError extends Error {}

/** The values one field allows, or throws naming the field. `*` and `?` are every value. */
function parseField(text: string, kind: keyof typeof FIELDS): Set<number> {
  const { min, max } = FIELDS[kind];
  const out = new Set<number>();
  const value = (s: string) => {
    const named = NAMES[kind]?.[s.toLowerCase()];
    const n = named ?? (/^\d+$/.test(s) ? Number(s) : NaN);
    // Sunday may be written 7.
    const v = kind === "dow" && n === 7 ? 0 : n;
    if (!Number.isInteger(v) || v < min || v > max) throw new CronError(`${kind} field "${text}": ${s} is not in ${min}-${max}`);
    return v;
  };
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`${kind} field "${text}": step ${stepText} is not a whole number >= 1`);
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") [lo, hi] = [min, max];
    else if (range.includes("-")) [lo, hi] = range.split("-").map(value) as [number, number];
    else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export type Schedule =
  | { kind: "cron"; second: Set<number>; minute: Set<number>; hour: Set<number>; dom: Set<number>; month: Set<number>; dow: Set<number>; domStar: boolean; dowStar: boolean }
  | { kind: "every"; everyMs: number };

export function parseSchedule(expression: string): Schedule {
  const t = expression.trim();
  const every = /^@every (\d+)([smh])$/.exec(t);
  if (every) return { kind: "every", everyMs: Number(every[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[every[2] as "s" | "m" | "h"] };
  const fields = (DESCRIPTORS[t] ?? t).split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) throw new CronError(`"${expression}": expected 5 fields (or 6 with seconds first), got ${fields.length}`);
  const [sec, min, hour, dom, month, dow] = fields.length === 6 ? fields : ["0", ...fields];
  return {
    kind: "cron",
    second: parseField(sec, "second"),
    minute: parseField(min, "minute"),
    hour: parseField(hour, "hour"),
    dom: parseField(dom, "dom"),
    month: parseField(month, "month"),
    dow: parseField(dow, "dow"),
    domStar: dom === "*" || dom === "?",
    dowStar: dow === "*" || dow === "?",
  };
}

/** Cron's day rule: with both day fields restricted, either one matching is enough. */
function dayMatches(s: Extract<Schedule, { kind: "cron" }>, d: Date): boolean {
  const dom = s.dom.has(d.getUTCDate());
  const dow = s.dow.has(d.getUTCDay());
  if (s.domStar || s.dowStar) return dom && dow;
  return dom || dow;
}

const DAY_MS = 86_400_000;

/**
 * The latest time at or before `atMs` the schedule fires, in UTC; undefined for `@every` (it counts from the
 * scheduler's start, which the daemon does not tell) or when it never fired in the 400 days before.
 */
export function previousFiring(s: Schedule, atMs: number): number | undefined {
  if (s.kind === "every") return undefined;
  const at = new Date(Math.floor(atMs / 1000) * 1000);
  // Day by day backwards, then the latest matching second of that day not after `at`.
  for (let day = 0; day <= 400; day++) {
    const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()) - day * DAY_MS);
    if (!s.month.has(d.getUTCMonth() + 1) || !dayMatches(s, d)) continue;
    const hours = [...s.hour].sort((a, b) => b - a);
    const minutes = [...s.minute].sort((a, b) => b - a);
    const seconds = [...s.second].sort((a, b) => b - a);
    for (const h of hours) for (const m of minutes) for (const sec of seconds) {
      const t = d.getTime() + h * 3_600_000 + m * 60_000 + sec * 1000;
      if (t <= at.getTime()) return t;
    }
  }
  return undefined;
}
