import { z } from "zod";
import { hostAddress, parseAddress } from "../addresses";
import { describeValue } from "./errors";
import { NAME_PATTERN, NAME_RULE } from "../naming";
import { cpusRoundTrip, dockerCpus } from "../providerForm";

/** Small validated building blocks shared by every config section. Each message says what is allowed. */

export const positiveInt = z.number().refine((n) => Number.isInteger(n) && n > 0, (n) => ({
  message: `expected a positive integer, got ${describeValue(n)}`,
}));

export const nonNegativeInt = z.number().refine((n) => Number.isInteger(n) && n >= 0, (n) => ({
  message: `expected an integer >= 0, got ${describeValue(n)}`,
}));

export const port = z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= 65535, (n) => ({
  message: `expected a port number 1-65535, got ${describeValue(n)}`,
}));

/** Docker's --cpus: a decimal string such as "0.5" or "2". Strings, because that is what the provider takes. */
export const cpuString = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((s) => /^\d+(\.\d{1,9})?$/.test(s) && Number(s) > 0, (s) => ({
    message: `expected a CPU count such as "0.5" or "2", got ${describeValue(s)}`,
  }))
  // The docker provider rounds some values when it reads them back (lib/providerForm.ts): the daemon would run
  // one CPU count and report another, and every `pulumi up` would replace the container.
  .refine((s) => !/^\d+(\.\d{1,9})?$/.test(s) || cpusRoundTrip(s), (s) => ({
    message: `${describeValue(s)} would be read back from the daemon as ${dockerCpus(s)} (the provider rounds it), replacing the container on every up; use a value it keeps, such as "0.1" or "0.25"`,
  }));

/** Go durations as Docker's healthcheck takes them: 30s, 1m30s, 500ms. */
export const goDuration = z.string().refine((s) => /^(\d+(ns|us|ms|s|m|h))+$/.test(s), (s) => ({
  message: `expected a duration such as "30s" or "1m30s", got ${describeValue(s)}`,
}));

/** Docker log size: 10m, 512k, 1g. */
export const sizeString = z.string().refine((s) => /^\d+[kmg]$/.test(s), (s) => ({
  message: `expected a size such as "10m" (k, m or g), got ${describeValue(s)}`,
}));

export const resourceName = z.string().refine((s) => NAME_PATTERN.test(s), (s) => ({
  message: `expected a name of ${NAME_RULE}, got ${describeValue(s)}`,
}));

export const absolutePath = z.string().refine((s) => s.startsWith("/") && !s.split("/").includes(".."), (s) => ({
  message: `expected an absolute path without "..", got ${describeValue(s)}`,
}));

/**
 * An IPv4 or IPv6 address as Docker reads it (lib/addresses.ts, ipaddr.js): hostnames are not accepted because
 * Docker binds to addresses, and neither are brackets, zones or inet_aton shorthands such as `127.1`.
 */
export const ipAddress = z.string().refine((s) => parseAddress(s) !== undefined, (s) => {
  const parsed = hostAddress(s);
  return { message: `expected an IP address such as "127.0.0.1" or "::1", got ${describeValue(s)}${parsed.kind === "invalid" ? ` (${parsed.reason})` : ""}` };
});

export const envName = z.string().refine((s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s), (s) => ({
  message: `expected an environment variable name (letters, digits, _), got ${describeValue(s)}`,
}));

/** Record keys are validated separately so the message points at the key itself. */
export function namedRecord<T extends z.ZodTypeAny>(value: T) {
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const key of Object.keys(rec)) {
      if (!NAME_PATTERN.test(key)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `bad name: expected ${NAME_RULE}, got ${describeValue(key)}` });
      }
    }
  });
}
