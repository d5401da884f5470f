import { findExemption, globToRegExp } from "../../policies/exemptions";
import { isCalendarDate, todayUtc, withoutExpiredNote } from "../../policies/expiry";
import { PolicyConfigError } from "../../tools/offline/policyRuntime";
import { check, container, mutate, of } from "./support";

/**
 * Exemptions: a named resource may be exempted from a named rule only with a written reason (>= 20 characters).
 * Exempt violations are dropped and listed as used; exemptions that suppressed nothing are listed as unused.
 */
const REASON = "node-exporter reads the host's /proc and /sys read-only to export host metrics";
const privileged = (name: string) => mutate(container(name), "privileged", true);
/** `reason: null` leaves the reason out. */
const exempt = (resource: string, reason: string | null = REASON, policy = "hardening-no-privileged", expires?: string) => ({
  [policy]: { exemptions: [{ resource, ...(reason === null ? {} : { reason }), ...(expires === undefined ? {} : { expires }) }] },
});
/** An exemption of x-1 from hardening-no-privileged with an expiry date. */
const dated = (expires: string) => exempt("x-1", REASON, "hardening-no-privileged", expires);

describe("resource policies", () => {
  test("an exempted resource's violation is dropped and listed with its reason", async () => {
    const r = await check([privileged("mini-node-exporter-1")], exempt("mini-node-exporter-1"));
    expect(of(r, "hardening-no-privileged")).toEqual([]);
    expect(r.exemptions).toEqual([expect.objectContaining({
      policy: "hardening-no-privileged", resourceName: "mini-node-exporter-1", reason: REASON, message: expect.stringMatching(/privileged/),
    })]);
    expect(r.notApplicable).toContainEqual(expect.objectContaining({ policy: "hardening-no-privileged", reason: `exempt: ${REASON}` }));
  });
  test("* globs match Pulumi names (every replica)", async () => {
    const r = await check([privileged("mini-node-exporter-1"), privileged("mini-node-exporter-2"), privileged("agent-1")], exempt("mini-node-exporter-*"));
    expect(of(r, "hardening-no-privileged").map((v) => v.resourceName)).toEqual(["agent-1"]);
    expect(r.exemptions.map((e) => e.resourceName)).toEqual(["mini-node-exporter-1", "mini-node-exporter-2"]);
  });
  test("an exemption covers only its rule", async () => {
    const c = mutate(privileged("x-1"), "user", "0");
    const r = await check([c], exempt("x-1"));
    expect(of(r, "hardening-non-root-user")).toHaveLength(1);
  });
  test("without a reason the config is refused", async () => {
    await expect(check([privileged("x-1")], exempt("x-1", null))).rejects.toThrow(/hardening-no-privileged\.exemptions\[0\]\.reason: required/);
  });
  test("a short reason is refused", async () => {
    await expect(check([privileged("x-1")], exempt("x-1", "because"))).rejects.toThrow(/exemptions\[0\]\.reason: expected at least 20 characters/);
  });
  test("unknown keys in an exemption are refused", async () => {
    const cfg = { "hardening-no-privileged": { exemptions: [{ resource: "x-1", reason: REASON, until: "2027" }] } };
    await expect(check([privileged("x-1")], cfg)).rejects.toBeInstanceOf(PolicyConfigError);
  });
  test("the wrapper itself never honours an exemption without a valid reason (defence in depth)", () => {
    expect(findExemption([{ resource: "x-1" }], "x-1")).toBeUndefined();
    expect(findExemption([{ resource: "x-1", reason: "too short" }], "x-1")).toBeUndefined();
    expect(findExemption([{ resource: "x-1", reason: "                         " }], "x-1")).toBeUndefined();
    expect(findExemption([{ resource: "x-*", reason: REASON }], "x-1")?.reason).toBe(REASON);
  });
  test("an exemption that suppressed nothing is listed as unused", async () => {
    const r = await check([container("x-1")], exempt("x-1"));
    expect(r.exemptions).toEqual([]);
    expect(r.unusedExemptions).toEqual([{ policy: "hardening-no-privileged", resource: "x-1", reason: REASON }]);
  });
});

describe("expiry", () => {
  // "Today" is always given, never the clock: these tests mean the same at any hour of any day.
  test("an exemption applies up to and including its expiry day (UTC)", async () => {
    for (const today of ["2026-11-01", "2026-11-30"]) {
      const r = await check([privileged("x-1")], dated("2026-11-30"), { today });
      expect(of(r, "hardening-no-privileged")).toEqual([]);
      expect(r.exemptions).toHaveLength(1);
      expect(r.expiredExemptions).toEqual([]);
    }
  });
  test("the day after, the violation is reported again and says which exemption expired", async () => {
    const r = await check([privileged("x-1")], dated("2026-11-30"), { today: "2026-12-01" });
    const [v] = of(r, "hardening-no-privileged");
    expect(v).toMatchObject({ enforcementLevel: "mandatory", resourceName: "x-1" });
    expect(v.message).toMatch(/^exemption of "x-1" expired on 2026-11-30: privileged/);
    // Tools that read the config key at the start of a message can take the note off again.
    expect(withoutExpiredNote(v.message)).toMatch(/^privileged/);
    expect(r.exemptions).toEqual([]);
    expect(r.notApplicable).not.toContainEqual(expect.objectContaining({ policy: "hardening-no-privileged" }));
    expect(r.expiredExemptions).toEqual([{ policy: "hardening-no-privileged", resource: "x-1", reason: REASON, expires: "2026-11-30" }]);
    // Expired is its own list: not also "unused".
    expect(r.unusedExemptions).toEqual([]);
  });
  test("an expired exemption that matches nothing is still listed as expired", async () => {
    const r = await check([container("x-1")], dated("2026-01-31"), { today: "2026-12-01" });
    expect(r.expiredExemptions.map((e) => e.resource)).toEqual(["x-1"]);
    expect(r.unusedExemptions).toEqual([]);
  });
  test("an unexpired exemption of the same resource still applies beside an expired one", async () => {
    const cfg = { "hardening-no-privileged": { exemptions: [
      { resource: "x-*", reason: REASON, expires: "2026-01-31" },
      { resource: "x-1", reason: "renewed after review: still needs privileged for the FUSE mount", expires: "2027-01-31" },
    ] } };
    const r = await check([privileged("x-1")], cfg, { today: "2026-12-01" });
    expect(of(r, "hardening-no-privileged")).toEqual([]);
    expect(r.exemptions.map((e) => e.reason)).toEqual([expect.stringMatching(/^renewed/)]);
    expect(r.expiredExemptions.map((e) => e.resource)).toEqual(["x-*"]);
  });
  test("exemptions expiring within 14 days (today included) are listed, and still apply", async () => {
    const cfg = { "hardening-no-privileged": { exemptions: [
      { resource: "x-1", reason: REASON, expires: "2026-12-01" },
      { resource: "y-1", reason: REASON, expires: "2026-12-14" },
      { resource: "z-1", reason: REASON, expires: "2026-12-15" },
      { resource: "w-1", reason: REASON },
    ] } };
    const r = await check([privileged("x-1"), privileged("y-1"), privileged("z-1"), privileged("w-1")], cfg, { today: "2026-12-01" });
    expect(of(r, "hardening-no-privileged")).toEqual([]);
    expect(r.expiringExemptions.map((e) => `${e.resource} ${e.expires}`)).toEqual(["x-1 2026-12-01", "y-1 2026-12-14"]);
  });
  test("stack policies honour the date too", async () => {
    const port = (name: string) => mutate(container(name), "ports", [{ internal: 80, external: 15000, ip: "127.0.0.1" }]);
    const cfg = exempt("b-1", "b-1 replaces a-1 during a planned migration this week", "network-no-duplicate-host-ports", "2026-11-30");
    const before = await check([port("a-1"), port("b-1")], cfg, { today: "2026-11-30" });
    expect(of(before, "network-no-duplicate-host-ports")).toEqual([]);
    const after = await check([port("a-1"), port("b-1")], cfg, { today: "2026-12-01" });
    expect(of(after, "network-no-duplicate-host-ports").map((v) => v.message)).toEqual([expect.stringMatching(/^exemption of "b-1" expired on 2026-11-30: /)]);
  });
  test.each(["2026-13-01", "2026-00-10", "2026-11-31", "2026-02-29", "30.11.2026", "2026-1-5", "2026-11-30T00:00:00Z", ""])(
    "the schema refuses the expiry date %j",
    async (expires) => {
      await expect(check([privileged("x-1")], dated(expires))).rejects.toThrow(/hardening-no-privileged\.exemptions\[0\]\.expires: expected/);
    },
  );
  test("the schema accepts a leap day and refuses a number", async () => {
    await expect(check([privileged("x-1")], dated("2028-02-29"), { today: "2028-02-29" })).resolves.toBeDefined();
    const cfg = { "hardening-no-privileged": { exemptions: [{ resource: "x-1", reason: REASON, expires: 20261130 }] } };
    await expect(check([privileged("x-1")], cfg)).rejects.toThrow(/expires: expected string/);
  });
  test("the wrapper treats a date that is not on the calendar as expired (defence in depth)", () => {
    expect(findExemption([{ resource: "x-1", reason: REASON, expires: "2026-02-30" }], "x-1", "2026-01-01")).toBeUndefined();
    expect(findExemption([{ resource: "x-1", reason: REASON, expires: "2026-12-31" }], "x-1", "2026-01-01")?.reason).toBe(REASON);
    expect(isCalendarDate("2026-02-28")).toBe(true);
    expect(isCalendarDate("2026-02-30")).toBe(false);
  });
  test("today is UTC, overridable with MINIDOCK_TODAY, which must be a date", () => {
    // 23:30 on Nov 30 in New York is already Dec 1 in UTC.
    expect(todayUtc({}, new Date("2026-11-30T23:30:00-05:00"))).toBe("2026-12-01");
    expect(todayUtc({ MINIDOCK_TODAY: "2027-01-15" }, new Date("2026-11-30T12:00:00Z"))).toBe("2027-01-15");
    expect(() => todayUtc({ MINIDOCK_TODAY: "tomorrow" })).toThrow(/MINIDOCK_TODAY="tomorrow": expected a date as YYYY-MM-DD/);
  });
});

describe("stack policies", () => {
  const port = (name: string) => mutate(container(name), "ports", [{ internal: 80, external: 15000, ip: "127.0.0.1" }]);
  test("reports attributed to an exempted URN are dropped and listed", async () => {
    const cfg = exempt("b-1", "b-1 replaces a-1 during a planned migration this week", "network-no-duplicate-host-ports");
    const r = await check([port("a-1"), port("b-1")], cfg);
    expect(of(r, "network-no-duplicate-host-ports")).toEqual([]);
    expect(r.exemptions).toEqual([expect.objectContaining({ policy: "network-no-duplicate-host-ports", resourceName: "b-1" })]);
  });
  test("reports on other resources stay", async () => {
    const cfg = exempt("a-1", "a-1 is not the one that collides, so this changes nothing", "network-no-duplicate-host-ports");
    const r = await check([port("a-1"), port("b-1")], cfg);
    expect(of(r, "network-no-duplicate-host-ports").map((v) => v.resourceName)).toEqual(["b-1"]);
  });
});

test("globs escape regex characters", () => {
  expect(globToRegExp("a.b-*").test("a.b-1")).toBe(true);
  expect(globToRegExp("a.b-*").test("axb-1")).toBe(false);
  expect(globToRegExp("*").test("anything")).toBe(true);
});
