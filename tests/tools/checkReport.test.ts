import { CheckResult, errorResult, formatText, summarize, toJson } from "../../tools/checkReport";
import { RecordedResource } from "../../tools/offline/evaluate";
import { redactDeep, redactedInputs } from "../../tools/stackRun";

/** Pure rendering of the check's results: hand-made resources and violations, no program evaluation. */
const SECRET = "hunter2-very-secret";

function resource(name: string, inputs: Record<string, unknown>, secretInputs: string[] = []): RecordedResource {
  return {
    type: "docker:index/container:Container",
    name,
    urn: `urn:pulumi:mini::minidock::minidock:index:Service$docker:index/container:Container::${name}`,
    custom: true,
    inputs,
    secretInputs,
    options: { dependencies: [], deleteBeforeReplace: false },
  };
}

const db = resource("db-1", { envs: [`PASSWORD=${SECRET}`, "A=b"], memory: 512 }, ["envs"]);
const web = resource("web-1", { command: ["sh", "-c", `echo ${SECRET}`], memory: 256 });

const result: CheckResult = {
  stack: "mini",
  pack: { name: "minidock", version: "0.1.0" },
  files: { stack: "Pulumi.mini.yaml", policyConfig: "policies/mini.json" },
  resources: [db, web],
  violations: [
    { policy: "images-pinned-by-digest", enforcementLevel: "advisory", resource: web.urn, message: "not pinned" },
    { policy: "hardening-no-privileged", enforcementLevel: "mandatory", resource: db.urn, description: "No privileged.", message: `privileged with ${SECRET}` },
    { policy: "budget-host-memory", enforcementLevel: "mandatory", message: "host mini: over" },
  ],
  exemptions: [{ policy: "mounts-no-sensitive-host-paths", resource: web.urn, resourceName: "web-1", reason: "reads /proc for metrics only", message: "mounts /proc" }],
  exemptionsUnused: [],
  exemptionsExpired: [],
  exemptionsExpiringSoon: [],
  expiryNoticeDays: 14,
  errors: [],
  secretValues: [SECRET],
};

/** The same result with the policy config's housekeeping: one exemption of each kind. */
const withHousekeeping: CheckResult = {
  ...result,
  exemptionsExpired: [{ policy: "hardening-read-only-rootfs", resource: "*.grafana-1", reason: "provisioning files are shipped with uploads", expires: "2026-11-30" }],
  exemptionsExpiringSoon: [{ policy: "mounts-no-runtime-socket", resource: "*.cadvisor-1", reason: "reads container stats from the Docker API", expires: "2026-12-10" }],
  exemptionsUnused: [{ policy: "hardening-no-privileged", resource: "old-agent-*", reason: `gone since the ${SECRET} migration` }],
};

test("summary counts mandatory apart from everything else", () => {
  expect(summarize(result.violations)).toEqual({ mandatory: 2, advisory: 1 });
  expect(summarize([])).toEqual({ mandatory: 0, advisory: 0 });
});

test("--json has the required keys and redacts secret inputs and secret text anywhere", () => {
  const out = toJson(result);
  expect(Object.keys(out)).toEqual([
    "stack", "resources", "violations", "summary", "exemptions", "exemptionsUnused", "exemptionsExpired", "exemptionsExpiringSoon", "errors",
  ]);
  expect(out.summary).toEqual({ mandatory: 2, advisory: 1, errors: 0 });
  expect(out.errors).toEqual([]);
  expect(out.resources[0]).toEqual({ type: db.type, name: "db-1", inputs: { envs: "[secret]", memory: 512 } });
  expect(out.resources[1].inputs.command).toEqual(["sh", "-c", "echo [secret]"]);
  expect(out.violations[1]).toEqual({ policy: "hardening-no-privileged", enforcementLevel: "mandatory", resource: db.urn, message: "privileged with [secret]" });
  // A stack-wide finding has no resource: an empty string keeps the field's type stable.
  expect(out.violations[2].resource).toBe("");
  expect(JSON.stringify(out)).not.toContain(SECRET);
});

test("text output groups like pulumi preview: pack line, mandatory first, type: name, description, message", () => {
  const text = formatText(result);
  const lines = text.split("\n");
  expect(lines[0]).toBe("Policies:");
  expect(lines[1]).toBe("    ❌ minidock@v0.1.0 (local: policies)");
  expect(lines[2]).toBe("        - [mandatory]  budget-host-memory  (stack)");
  expect(text).toContain("        - [mandatory]  hardening-no-privileged  (docker:index/container:Container: db-1)\n          No privileged.\n          privileged with [secret]");
  expect(text.indexOf("[advisory]")).toBeGreaterThan(text.lastIndexOf("[mandatory]"));
  expect(text).toContain("Exemptions used:\n    - mounts-no-sensitive-host-paths  (docker:index/container:Container: web-1)\n      reason: reads /proc for metrics only");
  expect(lines[lines.length - 1]).toBe("FAIL: stack mini: 2 resources, 2 mandatory and 1 advisory violation, 1 exemption used");
  expect(text).not.toContain(SECRET);
});

test("stale, expired and soon-expiring exemptions: a section each in the text, a list each in --json", () => {
  const text = formatText(withHousekeeping);
  expect(text).toContain(
    'Exemptions expired, no longer applied (policies/mini.json):\n    - hardening-read-only-rootfs  "*.grafana-1"  expired on 2026-11-30\n      reason: provisioning files are shipped with uploads',
  );
  expect(text).toContain('Exemptions expiring within 14 days (policies/mini.json):\n    - mounts-no-runtime-socket  "*.cadvisor-1"  last day 2026-12-10');
  expect(text).toContain('Exemptions that suppressed nothing (stale or misspelt: remove them) (policies/mini.json):\n    - hardening-no-privileged  "old-agent-*"');
  expect(text).toMatch(/1 exemption used \(1 expired, 1 unused\)$/);
  expect(text).not.toContain(SECRET);
  const out = toJson(withHousekeeping);
  expect(out.exemptionsExpired).toEqual([{ policy: "hardening-read-only-rootfs", resource: "*.grafana-1", reason: "provisioning files are shipped with uploads", expires: "2026-11-30" }]);
  expect(out.exemptionsExpiringSoon.map((e) => e.expires)).toEqual(["2026-12-10"]);
  expect(out.exemptionsUnused[0].reason).toBe("gone since the [secret] migration");
  // None of it is listed when there is none.
  expect(formatText(result)).not.toMatch(/Exemptions (expired|expiring|that suppressed)/);
});

test("an invalid config is the same document with errors, no resources and no violations", () => {
  const out = toJson(errorResult(result, [{ source: "stack-config", message: `services.web.memoryMb: expected number, got "${SECRET}"`, key: "services.web.memoryMb" }]));
  expect(out).toMatchObject({ stack: "mini", resources: [], violations: [], summary: { mandatory: 0, advisory: 0, errors: 1 } });
  expect(out.errors).toEqual([{ source: "stack-config", message: 'services.web.memoryMb: expected number, got "[secret]"', key: "services.web.memoryMb" }]);
});

test("a clean result passes", () => {
  const text = formatText({ ...result, violations: [], exemptions: [] });
  expect(text).toContain("✅ minidock@v0.1.0");
  expect(text).toMatch(/^PASS: stack mini: 2 resources, 0 mandatory and 0 advisory violations, 0 exemptions used$/m);
});

test("redaction replaces every occurrence, at any depth, and leaves other values alone", () => {
  expect(redactDeep({ a: [{ b: `x${SECRET}y${SECRET}` }], n: 3, t: true }, [SECRET])).toEqual({ a: [{ b: "x[secret]y[secret]" }], n: 3, t: true });
  expect(redactedInputs(db, [])).toEqual({ envs: "[secret]", memory: 512 });
});
