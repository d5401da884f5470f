/**
 * Values in the exact form the docker provider reads them back from the daemon.
 *
 * The provider compares what the program declares with what it reads back after every `pulumi up`. A value
 * that means the same but is spelt differently (`2` against `2.0`, `60s` against `1m0s`) is a change on every
 * run: a perpetual diff, and for `cpus`, which forces a new container, a replace on every `up`. So the program
 * hands the provider the spelling it will read back, computed here from the user's config value.
 */

const NANOS = { ns: 1n, us: 1_000n, µs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n } as const;

/** A Go duration ("1m30s", "500ms") in nanoseconds. */
export function parseGoDuration(s: string): bigint {
  const re = /(\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0n;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += BigInt(m[1]) * NANOS[m[2] as keyof typeof NANOS];
    matched += m[0].length;
  }
  if (s.length === 0 || matched !== s.length) throw new Error(`not a Go duration: ${JSON.stringify(s)}`);
  return total;
}

/** Fractional digits of `value / unit`, as Go prints them: trailing zeros dropped, no dot when there are none. */
function fraction(value: bigint, unit: bigint, digits: number): string {
  const whole = value / unit;
  const rest = (value % unit).toString().padStart(digits, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : `${whole}`;
}

/** Go's time.Duration.String(): 30s, 1m0s, 5m0s, 1h0m0s, 1.5s, 500ms, 0s. */
export function goDurationString(s: string): string {
  const ns = parseGoDuration(s);
  if (ns === 0n) return "0s";
  if (ns < 1_000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${fraction(ns, 1_000n, 3)}µs`;
  if (ns < 1_000_000_000n) return `${fraction(ns, 1_000_000n, 6)}ms`;
  const h = ns / NANOS.h;
  const m = (ns % NANOS.h) / NANOS.m;
  const sec = fraction(ns % NANOS.m, NANOS.s, 9);
  if (h > 0n) return `${h}h${m}m${sec}s`;
  if (m > 0n) return `${m}m${sec}s`;
  return `${sec}s`;
}

/**
 * `cpus` as the provider reads it back (its nanoInt64ToDecimalString): the exact decimal of NanoCPUs, except
 * that a value whose nine-digit form holds exactly nine zeros is printed with one decimal. So "2" reads back as
 * "2.0", "0.5" as "0.5", "1.25" as "1.25", and also "0.05" as "0.1", a rounding of the provider's; the config
 * contract refuses such values, since the daemon would then run something other than what was declared.
 */
export function dockerCpus(s: string): string {
  const [intPart, fracPart = ""] = s.split(".");
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(fracPart) || fracPart.length > 9) throw new Error(`not a CPU count: ${JSON.stringify(s)}`);
  const nano = BigInt(intPart) * 1_000_000_000n + BigInt(fracPart.padEnd(9, "0") || "0");
  if (nano === 0n) return "0";
  const nine = `${nano / 1_000_000_000n}.${(nano % 1_000_000_000n).toString().padStart(9, "0")}`;
  if ((nine.match(/0/g) ?? []).length === 9) {
    // big.Rat.FloatString(1): rounded half away from zero to one decimal.
    const tenths = (nano + 50_000_000n) / 100_000_000n;
    return `${tenths / 10n}.${tenths % 10n}`;
  }
  return nine.replace(/0+$/, "");
}

/** True when the daemon runs exactly the declared CPU count (the provider's spelling keeps its value). */
export function cpusRoundTrip(s: string): boolean {
  return Number(dockerCpus(s)) === Number(s);
}
