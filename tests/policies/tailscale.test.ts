/**
 * The tailscale policy rules, run through the offline CrossGuard mirror (tools/offline/policyRuntime.ts: the
 * engine's Analyze loop without gRPC) against hand-made `tailscale.Acl` resources. What is mocked: the Pulumi
 * engine (there is none here); the rules, the exemption wrapper and the policy file generator are the real ones.
 */
import { RecordedResource } from "../../tools/offline/evaluate";
import { runPolicies } from "../../tools/offline/policyRuntime";
import { buildPolicyFile, renderPolicyFile } from "../../lib/platform/tailscale/acl";
import { allPolicies } from "../../policies/allPolicies";
import { ACL_TYPE, tailscalePolicies } from "../../policies/tailscale";
import { model } from "../lib/platform/tailscale/fixtures";

const NAMES = tailscalePolicies.map((p) => p.name);
const policies = allPolicies.filter((p) => NAMES.includes(p.name));

function acl(file: unknown, extra: Record<string, unknown> = {}): RecordedResource {
  return {
    type: ACL_TYPE,
    name: "tailnet-acl",
    urn: `urn:pulumi:test::minidock::minidock:index:Tailnet$${ACL_TYPE}::tailnet-acl`,
    custom: true,
    inputs: { acl: typeof file === "string" ? file : JSON.stringify(file), ...extra },
    secretInputs: [],
    options: { dependencies: [], deleteBeforeReplace: false },
  };
}

async function violations(r: RecordedResource, config: Record<string, unknown> = {}) {
  return (await runPolicies([r], policies, config)).violations;
}

async function failing(r: RecordedResource): Promise<string[]> {
  return [...new Set((await violations(r)).map((v) => v.policy))].sort();
}

/** A minimal file that passes every rule; each case below breaks it in one way. */
function good(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(buildPolicyFile(model())));
}

test("the tailscale rules are in the pack (allPolicies)", () => {
  expect(policies.map((p) => p.name)).toEqual(NAMES);
  expect(NAMES).toHaveLength(11);
});

test("the generated policy file (rendered HuJSON, with its comment header) passes every rule", async () => {
  expect(await violations(acl(renderPolicyFile(buildPolicyFile(model())), { overwriteExistingContent: false }))).toEqual([]);
});

test("the provider docs' example (allow-all grant, HuJSON) fails no-allow-all, tests-present", async () => {
  const docsExample = `  {
    // Comments in HuJSON policy are preserved when the policy is applied.
    "grants": [
      {
        // Allow all users access to all ports.
        "src": ["*"],
        "dst": ["*"],
        "ip": ["*"],
      },
    ],
  }
`;
  expect(await failing(acl(docsExample))).toEqual(["tailscale-no-allow-all", "tailscale-tests-present"]);
});

test("Tailscale's legacy default file (acls from * to *:*) fails no-allow-all (and gets the grants advisory)", async () => {
  const legacy = { acls: [{ action: "accept", src: ["*"], dst: ["*:*"] }], tests: good().tests, tagOwners: good().tagOwners, groups: good().groups };
  expect(await failing(acl(legacy))).toEqual(["tailscale-no-allow-all", "tailscale-prefer-grants"]);
  const older = { acls: [{ action: "accept", users: ["*"], ports: ["*:*"] }], tests: good().tests, tagOwners: good().tagOwners, groups: good().groups };
  expect(await failing(acl(older))).toEqual(["tailscale-no-allow-all", "tailscale-prefer-grants"]);
});

test.each<[string, (f: Record<string, unknown>) => void, string, string]>([
  ["neither acls nor grants", (f) => delete f.grants, "tailscale-no-allow-all", "tailscale.access (grants): the policy file has neither acls nor grants"],
  ["no tests at all", (f) => delete f.tests, "tailscale-tests-present", "tailscale.access (tests): no accept case"],
  ["tests without deny", (f) => (f.tests = (f.tests as { deny?: unknown }[]).map((t) => ({ ...t, deny: undefined }))), "tailscale-tests-present", "tailscale.access (tests): no deny case"],
  ["ssh rules without sshTests", (f) => delete f.sshTests, "tailscale-tests-present", "tailscale.ssh (sshTests): the file has ssh rules but no sshTests deny case"],
  ["a grant from everyone to everything", (f) => (f.grants as unknown[]).push({ src: ["*"], dst: ["*"], ip: ["*"] }), "tailscale-no-allow-all", "tailscale.access[2] (grants.2): allows every source to every destination"],
  ["a tag nobody owns", (f) => (f.tagOwners = {}), "tailscale-tags-owned", "tag:minidock is used but has no tagOwners entry"],
  ["a tag only used in tests", (f) => (f.tests as unknown[]).push({ src: "tag:ci", deny: ["tag:minidock:22"] }), "tailscale-tags-owned", "tag:ci is used"],
  ["tag owned by *", (f) => (f.tagOwners = { "tag:minidock": ["*"] }), "tailscale-tag-owners-not-broad", 'tailscale.tagOwners (tagOwners.tag:minidock): owned by "*"'],
  ["tag owned by autogroup:member", (f) => (f.tagOwners = { "tag:minidock": ["autogroup:member"] }), "tailscale-tag-owners-not-broad", "autogroup:member"],
  ["ssh as root in accept mode", (f) => ((f.ssh as Record<string, unknown>[])[0].action = "accept"), "tailscale-ssh-root-check", 'tailscale.ssh (ssh.0, group admins): allows root with action "accept"'],
  ["ssh from * in accept mode", (f) => (f.ssh as unknown[]).push({ action: "accept", src: ["*"], dst: ["tag:minidock"], users: ["dev"] }), "tailscale-ssh-root-check", "tailscale.ssh (ssh.2): source *"],
  ["nonroot towards a tag", (f) => (f.ssh as unknown[]).push({ action: "check", src: ["group:devs"], dst: ["tag:minidock"], users: ["autogroup:nonroot"] }), "tailscale-ssh-nonroot-only-self", "tailscale.ssh (ssh.2, group devs): autogroup:nonroot towards tag:minidock"],
  ["autogroup:danger-all as a grant source", (f) => (f.grants as unknown[]).push({ src: ["autogroup:danger-all"], dst: ["tag:minidock"], ip: ["tcp:443"] }), "tailscale-no-danger-all", "autogroup:danger-all is used"],
  ["routes auto-approved for autogroup:member", (f) => (f.autoApprovers = { routes: { "10.0.0.0/8": ["autogroup:member"] } }), "tailscale-auto-approvers-not-broad", "autoApprovers.routes.10.0.0.0/8"],
  ["exit node auto-approved for *", (f) => (f.autoApprovers = { exitNode: ["*"] }), "tailscale-auto-approvers-not-broad", 'autoApprovers.exitNode: approved for "*"'],
  ["a grant to an undefined group", (f) => (f.grants as unknown[]).push({ src: ["group:ops"], dst: ["tag:minidock"], ip: ["tcp:443"] }), "tailscale-groups-defined", "tailscale.groups.ops (group:ops): group:ops is used but not defined"],
  ["funnel for every member", (f) => (f.nodeAttrs = [{ target: ["autogroup:member"], attr: ["funnel"] }]), "tailscale-funnel-restricted", "nodeAttrs.0: funnel for autogroup:member"],
])("fails: %s", async (_name, mutate, policy, fragment) => {
  const file = good();
  mutate(file);
  const v = await violations(acl(file));
  expect([...new Set(v.map((x) => x.policy))]).toEqual([policy]);
  expect(v.map((x) => x.message).join("\n")).toContain(fragment);
  expect(v.every((x) => x.enforcementLevel === "mandatory")).toBe(true);
});

test("passes: check-mode root SSH, nonroot towards autogroup:self, narrow autoApprovers", async () => {
  const file = good();
  (file.ssh as unknown[]).push({ action: "check", src: ["group:devs"], dst: ["autogroup:self"], users: ["autogroup:nonroot"] });
  file.autoApprovers = { routes: { "10.0.0.0/8": ["group:admins"] }, exitNode: ["tag:minidock"] };
  expect(await violations(acl(file))).toEqual([]);
});

test("legacy acls (even narrow ones) get an advisory to move to grants", async () => {
  const file = good();
  file.acls = [{ action: "accept", src: ["group:admins"], dst: ["tag:minidock:22"] }];
  const v = await violations(acl(file));
  expect(v.map((x) => [x.policy, x.enforcementLevel])).toEqual([["tailscale-prefer-grants", "advisory"]]);
  expect(v[0].message).toContain("acls has 1 legacy entry");
});

test("passes: funnel for a named tag", async () => {
  const file = good();
  file.nodeAttrs = [{ target: ["tag:minidock"], attr: ["funnel"] }];
  expect(await violations(acl(file))).toEqual([]);
});

test("overwriteExistingContent is not a finding: the stack owns the policy file, whose content every rule checks", async () => {
  expect(await violations(acl(good(), { overwriteExistingContent: true }))).toEqual([]);
  expect(await violations(acl(good(), { overwriteExistingContent: false }))).toEqual([]);
});

test("a file that does not parse fails every content rule with the parse error", async () => {
  const v = await violations(acl('{ "grants": [ }'));
  expect(v.length).toBe(11);
  expect(v[0].message).toMatch(/acl is not a valid HuJSON object: .* at offset \d+/);
});

test("an exemption with a reason silences a rule for that resource only", async () => {
  const file = good();
  file.tagOwners = { "tag:minidock": ["autogroup:member"] };
  const config = { "tailscale-tag-owners-not-broad": { exemptions: [{ resource: "tailnet-acl", reason: "lab tailnet where every member administers the minis" }] } };
  expect(await violations(acl(file), config)).toEqual([]);
});
