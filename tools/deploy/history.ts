import type { ConfigMap, OpMap, UpdateSummary } from "@pulumi/pulumi/automation";

/**
 * The stack's own history in its backend (`pulumi stack history`), read as the list of deployments that
 * `npm run deploy` and `npm run rollback` choose from. Pure: the engine hands over UpdateSummary[].
 *
 * Where "verified" lives: two stack tags, set by deploy after its verification passed. Tags are held by the
 * backend next to the stack's state and history (Pulumi Cloud, and the file backend since it stores them in
 * `.pulumi/stacks/<project>/<stack>.pulumi-tags`: checked with CLI v3.248), so any machine that can deploy the
 * stack reads them, and nothing is kept in a local file or in the repository's Pulumi.<stack>.yaml (which is the
 * user's reviewed config, and where a "stack config key" would have to live for file-based config).
 *   minidock:verified-version   the last verified update's version
 *   minidock:verified-versions  the recent verified versions, oldest first, comma-separated (a tag value holds
 *                               at most 256 characters, so the oldest fall off)
 */
export const VERIFIED_TAG = "minidock:verified-version";
export const VERIFIED_LIST_TAG = "minidock:verified-versions";
/** Pulumi Cloud's limit on a tag value. */
export const TAG_VALUE_MAX = 256;

export interface Deployment {
  /** The update's version: the backend's own number, or its position from the oldest (1-based) on the file backend. */
  version: number;
  kind: UpdateSummary["kind"];
  result: UpdateSummary["result"];
  startTime: Date;
  endTime?: Date;
  message: string;
  config: ConfigMap;
  resourceChanges?: OpMap;
  environment: Record<string, string>;
}

/**
 * Versions for every entry, newest first as the CLI lists them. Pulumi Cloud numbers its updates; the file
 * backend reports version 0 for all of them (CLI v3.248), so there an update's number is its position counted
 * from the oldest, which is the numbering Pulumi Cloud uses too (every update, refresh and destroy counts).
 */
export function numberHistory(entries: UpdateSummary[]): Deployment[] {
  const own = entries.map((e) => e.version);
  const numbered = own.every((v) => Number.isInteger(v) && v > 0) && new Set(own).size === own.length;
  return entries.map((e, i) => ({
    version: numbered ? e.version : entries.length - i,
    kind: e.kind,
    result: e.result,
    startTime: new Date(e.startTime),
    endTime: e.endTime ? new Date(e.endTime) : undefined,
    message: e.message ?? "",
    config: e.config ?? {},
    resourceChanges: e.resourceChanges,
    environment: e.environment ?? {},
  }));
}

export const isSuccessfulUpdate = (d: Deployment): boolean => d.kind === "update" && d.result === "succeeded";

/** The verified versions from the tags (either may be missing or hand-edited: anything unreadable is ignored). */
export function verifiedVersions(tags: Record<string, string | undefined>): number[] {
  const all = [...(tags[VERIFIED_LIST_TAG] ?? "").split(","), tags[VERIFIED_TAG] ?? ""]
    .map((s) => s.trim())
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
  return [...new Set(all)].sort((a, b) => a - b);
}

/** The tag values after `version` was verified: it becomes the last one, and the list keeps what fits in a tag. */
export function recordVerified(tags: Record<string, string | undefined>, version: number): Record<string, string> {
  const list = [...verifiedVersions(tags).filter((v) => v !== version), version];
  let text = list.join(",");
  while (text.length > TAG_VALUE_MAX) {
    list.shift();
    text = list.join(",");
  }
  return { [VERIFIED_TAG]: String(version), [VERIFIED_LIST_TAG]: text };
}

export type TargetChoice = { ok: true; target: Deployment; verified: boolean } | { ok: false; reason: string };

function describeVersions(vs: number[]): string {
  return vs.length === 0 ? "none" : vs.join(", ");
}

/**
 * Which deployment a rollback returns to. Without `to`: the newest verified deployment still in the history (a
 * successful update whose version the tags name). With `to`: that version, which must be a successful update;
 * an update that deploy did not verify is allowed (the caller warns), anything else is refused with the versions
 * that are verified.
 */
export function chooseRollbackTarget(history: Deployment[], verified: number[], to?: number): TargetChoice {
  const ok = history.filter(isSuccessfulUpdate);
  const verifiedHere = ok.filter((d) => verified.includes(d.version)).map((d) => d.version).sort((a, b) => a - b);
  const listing = `verified deployments: ${describeVersions(verifiedHere)}`;
  if (to !== undefined) {
    const d = history.find((h) => h.version === to);
    if (!d) {
      const range = history.length ? `versions ${Math.min(...history.map((h) => h.version))} to ${Math.max(...history.map((h) => h.version))}` : "no versions";
      return { ok: false, reason: `version ${to} is not in the stack's history (it has ${range}); ${listing}` };
    }
    if (!isSuccessfulUpdate(d)) {
      return { ok: false, reason: `version ${to} is ${/^[aeiou]/.test(d.kind) ? "an" : "a"} ${d.kind} that ${d.result === "succeeded" ? "succeeded" : `ended ${d.result}`}: only a successful update can be rolled back to; ${listing}` };
    }
    if (Object.keys(d.config).length === 0) return { ok: false, reason: `version ${to} has no config in the stack's history, so there is nothing to restore; ${listing}` };
    return { ok: true, target: d, verified: verified.includes(d.version) };
  }
  const newest = [...verifiedHere].reverse().map((v) => ok.find((d) => d.version === v)!).find((d) => Object.keys(d.config).length > 0);
  if (!newest) {
    const successes = ok.map((d) => d.version).sort((a, b) => a - b);
    return {
      ok: false,
      reason: `no verified deployment in the stack's history (tag ${VERIFIED_TAG} is set by npm run deploy once it has verified an update); ` +
        `successful updates: ${describeVersions(successes)}${successes.length ? " (npm run rollback -- --to N picks one of them)" : ""}`,
    };
  }
  return { ok: true, target: newest, verified: true };
}

/** The newest entry of the history that started at or after `since`: the update this process just ran. */
export function updateSince(history: Deployment[], since: Date): Deployment | undefined {
  // The history's times have one-second precision.
  const from = Math.floor(since.getTime() / 1000) * 1000 - 1000;
  return history.find((d) => d.kind === "update" && d.startTime.getTime() >= from);
}

/**
 * Config keys whose value differs between two configs (full keys, "minidock:services"). Secret values are compared
 * only when both sides carry one; a secret whose text is unknown on either side counts as unchanged.
 */
export function changedKeys(from: ConfigMap, to: ConfigMap): string[] {
  const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
  return [...keys].filter((k) => {
    const a = from[k];
    const b = to[k];
    if (!a || !b) return true;
    if (a.secret !== b.secret) return true;
    if (a.value === undefined || b.value === undefined) return false;
    return canonical(a.value) !== canonical(b.value);
  }).sort();
}

/** A config value in one spelling: JSON objects with their keys sorted (the CLI and a YAML file order them differently). */
function canonical(value: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys)
      : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
        : v;
  return typeof parsed === "object" && parsed !== null ? JSON.stringify(sortKeys(parsed)) : value;
}

/** `npm run rollback -- --list`: the newest entries, with the numbering rollback uses and which are verified. */
export function historyLines(history: Deployment[], verified: number[], limit = 20): string[] {
  const rows = history.slice(0, limit).map((d) => {
    const when = d.startTime.toISOString().replace("T", " ").slice(0, 19);
    const mark = verified.includes(d.version) && isSuccessfulUpdate(d) ? "verified" : "";
    return `${String(d.version).padStart(7)}  ${d.kind.padEnd(7)}  ${d.result.padEnd(9)}  ${when}  ${mark.padEnd(8)}  ${d.message}`.trimEnd();
  });
  const more = history.length > limit ? [`(${history.length - limit} older entries not shown)`] : [];
  return [`${"version".padStart(7)}  ${"kind".padEnd(7)}  ${"result".padEnd(9)}  ${"started (UTC)".padEnd(19)}  ${"".padEnd(8)}  message`, ...rows, ...more];
}
