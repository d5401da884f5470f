import { z } from "zod";
import { allowedKeysAt, unknownKeyMessage } from "./unknownKeys";

/**
 * One error that lists every problem in the stack config, each as `key.path: what was expected, got what`.
 * Thrown before any resource is registered, so a bad config never half-creates a stack. A RunError to the Pulumi
 * runtime, so `pulumi up` prints the problems without a stack trace: the runtime recognises one by the
 * `__pulumiRunError` marker (RunError.isInstance, which works across SDK copies), and setting it here keeps the
 * whole config layer free of @pulumi/pulumi.
 */
export class ConfigError extends Error {
  /** The Pulumi SDK's RunError marker (@pulumi/pulumi errors.js); see the class comment. */
  readonly __pulumiRunError = true;

  constructor(
    public readonly problems: string[],
    /** Secret config keys that are referenced but not set: offline tools fill these with placeholders. */
    public readonly missingSecrets: string[] = [],
  ) {
    super(
      `minidock: the stack config has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Short, quoted rendering of a bad value for messages; long values are cut so one problem stays one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `a list (${value.length} items)`;
  return "an object";
}

export function joinPath(path: (string | number)[]): string {
  return path.map(String).join(".");
}

/**
 * zod's messages rewritten to the minidock style. The data under the failing path is at hand here, which is
 * what lets every message say what it got.
 */
export const errorMap: z.ZodErrorMap = (issue, ctx) => {
  const got = `got ${describeValue(ctx.data)}`;
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === "undefined") return { message: `required, expected ${issue.expected}` };
      return { message: `expected ${issue.expected}, ${got}` };
    case z.ZodIssueCode.unrecognized_keys:
      return { message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}` };
    case z.ZodIssueCode.invalid_enum_value:
      return { message: `expected one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}, ${got}` };
    case z.ZodIssueCode.too_small:
      if (issue.type === "array") return { message: `expected at least ${issue.minimum} item(s), ${got}` };
      if (issue.type === "string") return { message: `expected a non-empty string, ${got}` };
      return { message: `expected a number ${issue.inclusive ? ">=" : ">"} ${issue.minimum}, ${got}` };
    case z.ZodIssueCode.too_big:
      return { message: `expected a number ${issue.inclusive ? "<=" : "<"} ${issue.maximum}, ${got}` };
    case z.ZodIssueCode.invalid_string:
      return { message: `${ctx.defaultError}, ${got}` };
    default:
      return { message: issue.message ?? ctx.defaultError };
  }
};

/**
 * zod issues → minidock problem lines. Unknown keys are reported one per line at their full path, with the keys
 * `schema` allows there (the schema the issues came from).
 */
export function formatIssues(issues: z.ZodIssue[], schema: z.ZodTypeAny): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      const allowed = allowedKeysAt(schema, issue.path);
      return issue.keys.map((k) => `${joinPath([...issue.path, k])}: ${unknownKeyMessage(k, allowed)}`);
    }
    return [`${joinPath(issue.path)}: ${issue.message}`];
  });
}
