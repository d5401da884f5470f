import * as fs from "fs";
import * as path from "path";
import type * as Sarif from "sarif";
import { CheckResult, errorResult } from "../../tools/checkReport";
import { RecordedResource } from "../../tools/offline/evaluate";
import { CONFIG_RULE, EXEMPTIONS_RULE, KeyLocator, SRCROOT, SarifInput, keyOfProblem, toSarif } from "../../tools/sarif";
import { sarifSchemaErrors, validateSarif } from "../support/sarifSchema";

/**
 * The SARIF writer on hand-made results (the rules' messages are being reworded elsewhere; the writer only
 * relies on a message starting with its config key) against a real stack file: tests/fixtures/stacks/
 * Pulumi.clean.yaml. Every document is validated against the SARIF 2.1.0 JSON schema as published by the
 * SARIF SDK team (@microsoft/jest-sarif ships it), so GitHub's upload will not refuse it for its shape.
 */
const ROOT = path.resolve(__dirname, "../..");
const STACK_URI = "tests/fixtures/stacks/Pulumi.clean.yaml";
const STACK_TEXT = fs.readFileSync(path.join(ROOT, STACK_URI), "utf8");
const SECRET = "hunter2-very-secret";

function expectValidSarif(doc: unknown): void {
  expect(sarifSchemaErrors(doc)).toEqual([]);
}

/** 1-based line and column of the first occurrence of `needle` after the line containing `after`. */
function position(text: string, needle: string, after = ""): { line: number; col: number } {
  const from = after ? text.indexOf(after) : 0;
  const offset = text.indexOf(needle, from);
  if (from < 0 || offset < 0) throw new Error(`${needle} not in the fixture`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

const URN = (name: string) => `urn:pulumi:clean::minidock::minidock:index:Service$docker:index/container:Container::${name}`;
const container = (name: string, service: string): RecordedResource => ({
  type: "docker:index/container:Container", name, urn: URN(name), custom: true, secretInputs: [],
  inputs: { labels: [{ label: "minidock.config-key", value: `services.${service}` }] }, options: { dependencies: [], deleteBeforeReplace: false },
});

// The text is made here; the name is a real file so the repository path checker (tests/docs) finds it.
const POLICY_CONFIG_URI = "policies/mini.json";
const POLICY_CONFIG_TEXT = `{
  "hardening-no-privileged": {
    "exemptions": [
      { "resource": "web-1", "reason": "a throwaway fixture that needs it for the test", "expires": "2026-11-30" }
    ]
  }
}
`;

const violation = (policy: string, message: string, resourceName?: string, enforcementLevel = "mandatory") => ({
  policy, enforcementLevel, message, ...(resourceName ? { resource: URN(resourceName), resourceName } : {}),
});

const result: CheckResult = {
  stack: "clean",
  pack: { name: "minidock", version: "0.1.0" },
  files: { stack: STACK_URI, policyConfig: POLICY_CONFIG_URI },
  resources: [container("web-1", "web"), container("db-1", "db")],
  violations: [
    violation("network-ports-bound-to-address", "services.web.ports[0].bind (ports[0].ip) is unset, which the provider reads as 0.0.0.0", "web-1"),
    violation("budget-host-memory", "hosts.mini.memoryMb: 5120 MB declared + 512 reserve > 4096 budget"),
    violation("env-no-secret-literals", `services.db.env.POSTGRES_DB (envs): looks like a secret: ${SECRET}`, "db-1"),
    violation("hardening-no-privileged", 'exemption of "web-1" expired on 2026-11-30: services.web.unsafe.privileged (privileged) is true', "web-1"),
    violation("images-pinned-by-digest", "services.ghost.image (name): not pinned", undefined, "advisory"),
    violation("hardening-healthcheck", "no healthcheck test", "db-1"),
    violation("budget-host-cpus", "the stack asks for too much"),
  ],
  exemptions: [],
  exemptionsUnused: [],
  exemptionsExpired: [{ policy: "hardening-no-privileged", resource: "web-1", reason: "a throwaway fixture that needs it for the test", expires: "2026-11-30" }],
  exemptionsExpiringSoon: [],
  expiryNoticeDays: 14,
  errors: [],
  secretValues: [SECRET],
};

const input = (r: CheckResult, over: Partial<SarifInput> = {}): SarifInput => ({
  result: r,
  rules: [
    { name: "network-ports-bound-to-address", description: "Ports bind to an address.", enforcementLevel: "mandatory" },
    { name: "budget-host-memory", description: "Hosts fit their memory.", enforcementLevel: "mandatory" },
    { name: "env-no-secret-literals", description: "No secrets in env.", enforcementLevel: "mandatory" },
    { name: "hardening-no-privileged", description: "No privileged.", enforcementLevel: "mandatory" },
    { name: "images-pinned-by-digest", description: "Digests.", enforcementLevel: "advisory" },
    { name: "hardening-healthcheck", description: "A healthcheck.", enforcementLevel: "mandatory" },
    { name: "budget-host-cpus", description: "Hosts fit their CPUs.", enforcementLevel: "disabled" },
  ],
  stackFile: { uri: STACK_URI, text: STACK_TEXT },
  policyConfigFile: { uri: POLICY_CONFIG_URI, text: POLICY_CONFIG_TEXT },
  informationUri: "https://github.com/example/minidock/blob/HEAD/docs/policies.md",
  ...over,
});

const log = toSarif(input(result));
const run = log.runs[0];
const resultOf = (ruleId: string) => run.results!.find((x) => x.ruleId === ruleId)!;
const regionOf = (x: Sarif.Result) => x.locations![0].physicalLocation!.region!;

test("a valid SARIF 2.1.0 log: the schema accepts it, and refuses it when broken (the validator is live)", () => {
  expectValidSarif(log);
  const broken = JSON.parse(JSON.stringify(log)) as Sarif.Log;
  (broken.runs[0].results![0] as { level: string }).level = "fatal";
  expect(validateSarif(broken)).toBe(false);
});

test("tool.driver names the pack and lists every rule, with its level from the enforcement", () => {
  expect(log.version).toBe("2.1.0");
  expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
  const driver = run.tool.driver;
  expect(driver).toMatchObject({ name: "minidock", version: "0.1.0", informationUri: "https://github.com/example/minidock/blob/HEAD/docs/policies.md" });
  const rule = (id: string) => driver.rules!.find((r) => r.id === id)!;
  expect(rule("network-ports-bound-to-address")).toMatchObject({ shortDescription: { text: "Ports bind to an address." }, defaultConfiguration: { level: "error" } });
  expect(rule("images-pinned-by-digest").defaultConfiguration).toMatchObject({ level: "warning" });
  expect(rule("budget-host-cpus").defaultConfiguration).toEqual({ level: "none", enabled: false });
  expect(driver.rules!.map((r) => r.id)).toEqual(expect.arrayContaining([CONFIG_RULE, EXEMPTIONS_RULE]));
});

test("results: rule id and index, level from the violation, message text with secrets redacted", () => {
  for (const x of run.results!) expect(run.tool.driver.rules![x.ruleIndex!].id).toBe(x.ruleId);
  expect(resultOf("network-ports-bound-to-address").level).toBe("error");
  expect(resultOf("images-pinned-by-digest").level).toBe("warning");
  expect(resultOf("env-no-secret-literals").message.text).toBe("services.db.env.POSTGRES_DB (envs): looks like a secret: [secret]");
  expect(JSON.stringify(log)).not.toContain(SECRET);
  expect(resultOf("network-ports-bound-to-address").locations![0].logicalLocations).toEqual([{ name: "web-1", fullyQualifiedName: URN("web-1"), kind: "resource" }]);
});

describe("locations: the stack file, relative to SRCROOT, at the line of the key", () => {
  test("a key written in the file: its own line and columns", () => {
    const x = resultOf("budget-host-memory");
    expect(x.locations![0].physicalLocation!.artifactLocation).toEqual({ uri: STACK_URI, uriBaseId: SRCROOT });
    const at = position(STACK_TEXT, "memoryMb", "minidock:hosts");
    expect(regionOf(x)).toEqual({ startLine: at.line, startColumn: at.col, endLine: at.line, endColumn: at.col + "memoryMb".length });
    expect(regionOf(resultOf("env-no-secret-literals")).startLine).toBe(position(STACK_TEXT, "POSTGRES_DB").line);
  });
  test("a key not written (bind unset): the nearest ancestor, here the ports[0] item", () => {
    const at = position(STACK_TEXT, "{ published: 8080");
    expect(regionOf(resultOf("network-ports-bound-to-address"))).toMatchObject({ startLine: at.line, startColumn: at.col });
  });
  test("behind an expired-exemption note, the key is still found; unsafe.* unset falls back to the service", () => {
    expect(regionOf(resultOf("hardening-no-privileged")).startLine).toBe(position(STACK_TEXT, "web:").line);
  });
  test("an unknown service falls back to minidock:services; a message without a key to its container's service, else config:", () => {
    expect(regionOf(resultOf("images-pinned-by-digest")).startLine).toBe(position(STACK_TEXT, "minidock:services:").line);
    expect(regionOf(resultOf("hardening-healthcheck")).startLine).toBe(position(STACK_TEXT, "db:").line);
    expect(regionOf(resultOf("budget-host-cpus")).startLine).toBe(position(STACK_TEXT, "config:").line);
  });
  test("an expired exemption is a warning at its expires key in the policy config", () => {
    const x = run.results!.find((r) => r.ruleId === EXEMPTIONS_RULE)!;
    expect(x.level).toBe("warning");
    expect(x.message.text).toMatch(/^exemption of "web-1" from hardening-no-privileged expired on 2026-11-30/);
    expect(x.locations![0].physicalLocation!.artifactLocation!.uri).toBe(POLICY_CONFIG_URI);
    expect(regionOf(x).startLine).toBe(position(POLICY_CONFIG_TEXT, '"expires"').line);
  });
});

test("an invalid config: one error result per problem, at its key (the contract writes indexes as .0.)", () => {
  const problems = ['services.web.memoryMb: expected number, got "lots"', "services.web.ports.0.published: expected a number >= 1024, got 80"];
  const r = errorResult(result, problems.map((message) => ({ source: "stack-config" as const, message, key: keyOfProblem("stack-config", message) })));
  const doc = toSarif(input(r));
  expectValidSarif(doc);
  const [a, b] = doc.runs[0].results!;
  expect(a).toMatchObject({ ruleId: CONFIG_RULE, level: "error", message: { text: problems[0] } });
  expect(regionOf(a).startLine).toBe(position(STACK_TEXT, "memoryMb", "web:").line);
  const published = position(STACK_TEXT, "published");
  expect(regionOf(b)).toMatchObject({ startLine: published.line, startColumn: published.col });
  // A policy config problem points into the policy config file.
  const bad = "hardening-no-privileged.exemptions[0].expires: expected a calendar date as YYYY-MM-DD, got \"2026-02-30\"";
  const p = toSarif(input(errorResult(result, [{ source: "policy-config", message: bad, key: keyOfProblem("policy-config", bad) }])));
  expect(p.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!.uri).toBe(POLICY_CONFIG_URI);
  expect(regionOf(p.runs[0].results![0]).startLine).toBe(position(POLICY_CONFIG_TEXT, '"expires"').line);
});

test("the key locator: un-namespaced config keys, sequences by index, and a broken file points at its top", () => {
  const text = "config:\n  services:\n    web:\n      command: [a, b]\n";
  const keys = new KeyLocator(text);
  expect(keys.has(["config", "services", "web", "command", 1])).toBe(true);
  expect(keys.locate(["config", "services", "web", "command", "1"])).toMatchObject({ startLine: 4, startColumn: 20 });
  const doc = toSarif(input({ ...result, violations: [violation("budget-host-memory", "services.web.command[1]: x")], exemptionsExpired: [] }, { stackFile: { uri: "Pulumi.x.yaml", text } }));
  expect(regionOf(doc.runs[0].results![0])).toMatchObject({ startLine: 4, startColumn: 20 });
  expect(new KeyLocator("config: [unclosed").locate(["config"])).toEqual({ startLine: 1, startColumn: 1 });
  // A file outside the repository has an absolute URI and no base.
  const outside = toSarif(input(result, { policyConfigFile: { uri: "file:///tmp/pc.json", text: POLICY_CONFIG_TEXT } }));
  const exemption = outside.runs[0].results!.find((x) => x.ruleId === EXEMPTIONS_RULE)!;
  expect(exemption.locations![0].physicalLocation!.artifactLocation).toEqual({ uri: "file:///tmp/pc.json" });
});
