import { findExemption, globToRegExp } from "../../policies/exemptions";
import { PolicyConfigError } from "../../tools/offline/policyRuntime";
import { check, container, mutate, of } from "./support";

/**
 * Exemptions: a named resource may be exempted from a named rule only with a written reason (>= 20 characters).
 * Exempt violations are dropped and listed as used; exemptions that suppressed nothing are listed as unused.
 */
const REASON = "node-exporter reads the host's /proc and /sys read-only to export host metrics";
const privileged = (name: string) => mutate(container(name), "privileged", true);
/** `reason: null` leaves the reason out. */
const exempt = (resource: string, reason: string | null = REASON, policy = "hardening-no-privileged") => ({ [policy]: { exemptions: [{ resource, ...(reason === null ? {} : { reason }) }] } });

describe("resource policies", () => {
  test("an exempted resource's violation is dropped and listed with its reason", async () => {
    const r = await check([privileged("mini-node-exporter-1")], exempt("mini-node-exporter-1"));
    expect(of(r, "hardening-no-privileged")).toEqual([]);
    expect(r.exemptions).toEqual([expect.objectContaining({
      policy: "hardening-no-privileged", resourceName: "mini-node-exporter-1", reason: REASON, message: expect.stringMatching(/privileged: true/),
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
