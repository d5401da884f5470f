import { RULE_META } from "../../policies/ruleKit";
import { catalogMarkdown, ruleAnchors, ruleCatalog } from "../../policies/catalog";
import { allPolicies } from "../../policies/allPolicies";

/** The rule table docs/policies.md is built from: complete, derived from the policy objects, one row per rule. */
describe("policies/catalog.ts", () => {
  const rows = ruleCatalog();

  test("one row per policy, names unique and kebab-case with their group as prefix", () => {
    expect(rows.map((r) => r.name)).toEqual(allPolicies.map((p) => p.name));
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const r of rows) expect(r.name).toMatch(new RegExp(`^${r.group}-[a-z0-9-]+$`));
  });
  test("every rule has a description, a level and an anchor", () => {
    for (const r of rows) {
      expect(r.checks.length).toBeGreaterThan(20);
      expect(["advisory", "mandatory"]).toContain(r.level);
      expect(r.anchor).not.toBe("");
      expect(RULE_META.get(r.name)).toBeDefined();
    }
  });
  test("settings come from the config schema, with defaults; exemptions are every rule's and not listed", () => {
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by["budget-host-ceiling"].config).toBe("maxHostMemoryMb: integer = 14336");
    expect(by["budget-platform-memory"].config).toBe("maxPlatformMemoryMb: integer = 1536");
    expect(by["images-registry-allowlist"].config).toBe("allowedRegistries: string[] = []");
    expect(by["hardening-no-privileged"].config).toBe("");
    for (const p of allPolicies) expect(p.configSchema?.properties.exemptions).toBeDefined();
  });
  test("the advisory rules are the ones the issue names advisory", () => {
    const advisory = rows.filter((r) => r.level === "advisory" && !["tailscale", "backup"].includes(r.group)).map((r) => r.name).sort();
    expect(advisory).toEqual(["budget-host-cpu", "hardening-non-root-user", "images-pinned-by-digest"]);
  });
  test("markdown has a header and a row per rule; anchors by name", () => {
    const md = catalogMarkdown().split("\n");
    expect(md[0]).toBe("| Rule | Checks | Default level | Config | Anchor |");
    expect(md).toHaveLength(rows.length + 2);
    expect(ruleAnchors()["hardening-no-privileged"]).toBe("CIS 5.5, CKV_K8S_16");
  });
});
