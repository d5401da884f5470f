import { z } from "zod";

/**
 * What an unknown key should have been: the keys the schema allows at that place, and the nearest one when the
 * key looks like a typo of it. Walks the schema the way zod walks the data, so it stays right as schemas change.
 */

/** The keys the object schema at `path` accepts, or undefined when no object schema sits there. */
export function allowedKeysAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): string[] | undefined {
  const node = objectAt(schema, path);
  return node ? Object.keys(node.shape) : undefined;
}

function objectAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): z.AnyZodObject | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) {
    for (const option of s.options as z.ZodTypeAny[]) {
      const found = objectAt(option, path);
      if (found) return found;
    }
    return undefined;
  }
  if (path.length === 0) return s instanceof z.ZodObject ? s : undefined;
  const [head, ...rest] = path;
  if (s instanceof z.ZodObject) {
    const child = (s.shape as Record<string, z.ZodTypeAny>)[String(head)];
    return child ? objectAt(child, rest) : undefined;
  }
  if (s instanceof z.ZodRecord) return objectAt(s.valueSchema, rest);
  if (s instanceof z.ZodArray) return objectAt(s.element, rest);
  return undefined;
}

/** Peels the wrappers that do not change an object's keys: optional, default, refinements, transforms. */
function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodDefault) return unwrap(schema.removeDefault());
  if (schema instanceof z.ZodEffects) return unwrap(schema.innerType());
  if (schema instanceof z.ZodLazy) return unwrap(schema.schema);
  if (schema instanceof z.ZodPipeline) return unwrap(schema._def.in);
  return schema;
}

/** The candidate a typo most likely meant: case-insensitive edit distance within a third of its length (at least 1). */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** ` (did you mean "x"?)` when a candidate is close enough to be the key meant, else nothing. */
export function didYouMean(key: string, candidates: readonly string[]): string {
  const guess = closestKey(key, candidates);
  return guess ? ` (did you mean "${guess}"?)` : "";
}

/** "unknown key", plus the likely intended key and the allowed ones when they are known. */
export function unknownKeyMessage(key: string, allowed: readonly string[] | undefined): string {
  if (!allowed || allowed.length === 0) return "unknown key";
  return `unknown key${didYouMean(key, allowed)}; allowed: ${allowed.join(", ")}`;
}
