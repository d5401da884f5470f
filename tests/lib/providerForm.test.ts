import { cpusRoundTrip, dockerCpus, goDurationString, parseGoDuration } from "../../lib/providerForm";

// Expected values are what the docker provider reads back: Go's time.Duration.String() for healthcheck
// durations, and the provider's nanoInt64ToDecimalString for cpus (scripts/ci/e2e.sh checks both on a real
// daemon, through `pulumi preview --expect-no-changes`).
describe("goDurationString: Go's Duration.String()", () => {
  test.each([
    ["30s", "30s"], ["60s", "1m0s"], ["5m", "5m0s"], ["90s", "1m30s"], ["1m30s", "1m30s"], ["2h", "2h0m0s"],
    ["3601s", "1h0m1s"], ["1500ms", "1.5s"], ["500ms", "500ms"], ["0s", "0s"], ["250us", "250µs"], ["10ns", "10ns"],
    ["1h90m", "2h30m0s"],
  ])("%s reads back as %s", (input, expected) => {
    expect(goDurationString(input)).toBe(expected);
  });

  test("refuses what is not a duration", () => {
    for (const bad of ["", "30", "1d", "s", "1m 30s"]) expect(() => parseGoDuration(bad)).toThrow(/not a Go duration/);
  });
});

describe("dockerCpus: the provider's reading of NanoCPUs", () => {
  test.each([
    ["2", "2.0"], ["1", "1.0"], ["0.5", "0.5"], ["0.25", "0.25"], ["1.5", "1.5"], ["1.25", "1.25"], ["2.0", "2.0"],
    ["0.125", "0.125"],
    // Nine zeros in the nine-digit form: printed with one decimal, rounded.
    ["0.05", "0.1"], ["10", "10."],
  ])("%s reads back as %s", (input, expected) => {
    expect(dockerCpus(input)).toBe(expected);
  });

  test("a value keeps its meaning unless the provider rounds it", () => {
    expect(cpusRoundTrip("2")).toBe(true);
    expect(cpusRoundTrip("0.5")).toBe(true);
    expect(cpusRoundTrip("10")).toBe(true);
    expect(cpusRoundTrip("0.05")).toBe(false);
  });
});
