import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { withExemptions } from "../../policies/exemptions";
import { PolicyConfigError, runPolicies } from "../../tools/offline/policyRuntime";
import { check, container, image, mutate, of, provider, UNKNOWN_STRING } from "./support";

/**
 * The engine mirror itself (tools/offline/policyRuntime.ts): level precedence, disabled, remediate, schema
 * defaults in getConfig, notApplicable, stackTags, unknowns, and pack config validation. Test policies here are
 * plain objects like the pack's; nothing starts a PolicyPack server.
 */
const probe = (over: Partial<ResourceValidationPolicy> = {}): ResourceValidationPolicy => ({
  name: "test-probe",
  description: "probe",
  enforcementLevel: "advisory",
  configSchema: { properties: { limit: { type: "integer", default: 3 }, names: { type: "array", items: { type: "string" }, default: ["a"] } } },
  validateResource: (args, report) => {
    if (args.type !== "docker:index/container:Container") return;
    const c = args.getConfig<{ limit: number; names: string[] }>();
    report(`limit=${c.limit} names=${c.names.join(",")} env=${args.stackTags.get("env") ?? "-"} provider=${args.provider?.name ?? "-"}`);
  },
  ...over,
});

describe("enforcement level precedence: policy config > all > the policy's own > the pack", () => {
  const level = async (config: Record<string, unknown>, own?: "advisory" | "mandatory") => {
    const p = probe(own ? { enforcementLevel: own } : { enforcementLevel: undefined });
    const r = await runPolicies([container()], [p], config);
    return r.violations.map((v) => v.enforcementLevel);
  };
  test("the policy's own level", async () => expect(await level({}, "advisory")).toEqual(["advisory"]));
  test("the pack's level when the policy has none", async () => expect(await level({})).toEqual(["mandatory"]));
  test("all overrides the policy's own", async () => expect(await level({ all: "mandatory" }, "advisory")).toEqual(["mandatory"]));
  test("all as an object", async () => expect(await level({ all: { enforcementLevel: "mandatory" } }, "advisory")).toEqual(["mandatory"]));
  test("a policy's entry overrides all (string form)", async () => expect(await level({ all: "mandatory", "test-probe": "advisory" })).toEqual(["advisory"]));
  test("a policy's entry overrides all (object form)", async () => expect(await level({ all: "advisory", "test-probe": { enforcementLevel: "mandatory" } })).toEqual(["mandatory"]));
  test("disabled skips the policy", async () => expect(await level({ "test-probe": "disabled" }, "mandatory")).toEqual([]));
  test("all: disabled skips everything", async () => expect(await level({ all: "disabled" }, "mandatory")).toEqual([]));
  test("remediate reports as mandatory", async () => expect(await level({ "test-probe": "remediate" })).toEqual(["mandatory"]));
});

describe("args", () => {
  test("getConfig applies the schema's defaults, and config overrides them", async () => {
    const r1 = await runPolicies([container()], [probe()], {});
    expect(r1.violations[0].message).toMatch(/limit=3 names=a /);
    const r2 = await runPolicies([container()], [probe()], { "test-probe": { limit: 7, names: ["x", "y"] } });
    expect(r2.violations[0].message).toMatch(/limit=7 names=x,y /);
  });
  test("stackTags reach the policy as a read-only map", async () => {
    const r = await runPolicies([container()], [probe()], {}, { stackTags: { env: "prod" } });
    expect(r.violations[0].message).toMatch(/env=prod/);
  });
  test("args.provider is the resource's provider, resolved from its reference", async () => {
    const r = await runPolicies([provider(), container()], [probe()], {});
    expect(r.violations[0].message).toMatch(/provider=mini-docker/);
  });
  test("notApplicable(reason) is recorded with the resource, and ends that validation", async () => {
    const p = probe({ validateResource: (args, report) => { args.notApplicable("not mine"); report("never"); } });
    const r = await runPolicies([container()], [p], {});
    expect(r.violations).toEqual([]);
    expect(r.notApplicable).toEqual([{ policy: "test-probe", resource: container().urn, reason: "not mine" }]);
  });
  test("an unknown read becomes the engine's advisory, whatever the policy's level", async () => {
    const p = probe({ enforcementLevel: "mandatory", validateResource: (args, report) => { if (args.props.image) report("x"); } });
    const r = await runPolicies([container()], [p], {});
    expect(r.violations).toEqual([expect.objectContaining({
      enforcementLevel: "advisory", message: "can't run policy 'test-probe' from policy pack 'minidock@v0.1.0' during preview: string value at .image can't be known during preview",
    })]);
  });
  test("unknowns are checked at every depth of props", async () => {
    const p = probe({ validateResource: (args, report) => { if (args.props.ports?.[0]?.ip) report("x"); } });
    const r = await runPolicies([mutate(container(), "ports.0.ip", UNKNOWN_STRING)], [p], {});
    expect(r.violations[0].message).toMatch(/string value at \.ports\.0\.ip/);
  });
  test("a policy that throws fails the run, as it fails the preview", async () => {
    const p = probe({ validateResource: () => { throw new Error("boom"); } });
    await expect(runPolicies([container()], [p], {})).rejects.toThrow(/Error validating resource with policy 'test-probe'.*boom/);
  });
  test("stack policies see every resource with props = inputs, and may report against a URN", async () => {
    const sp: StackValidationPolicy = {
      name: "test-stack", description: "stack probe", enforcementLevel: "mandatory",
      validateStack: (args, report) => {
        for (const r of args.resources) if (r.type.startsWith("docker:index/container")) report(`memory=${r.props.memory} parent=${r.provider?.name}`, r.urn);
        report("whole stack");
      },
    };
    const r = await runPolicies([provider(), container()], [sp], {});
    expect(r.violations.map((v) => [v.resourceName, v.message])).toEqual([["app-1", "memory=512 parent=mini-docker"], [undefined, "whole stack"]]);
  });
});

describe("pack config validation (the CLI refuses invalid config before any rule runs)", () => {
  test("a wrong type is an error naming the key path", async () => {
    await expect(runPolicies([container()], [probe()], { "test-probe": { limit: "many" } })).rejects.toThrow(/test-probe\.limit: expected integer, got "many"/);
  });
  test("an unknown enforcement level is an error", async () => {
    await expect(runPolicies([container()], [probe()], { "test-probe": "loud" })).rejects.toBeInstanceOf(PolicyConfigError);
  });
  test("keys naming no policy are ignored like the CLI does, and returned so the check can warn", async () => {
    const r = await runPolicies([container()], [probe()], { "test-prob": "disabled" });
    expect(r.unknownConfigKeys).toEqual(["test-prob"]);
    expect(r.violations).toHaveLength(1);
  });
});

describe("the pack's own policies under the mirror", () => {
  test("advisory and mandatory rules keep their levels; the happy path is clean", async () => {
    const r = await check([container(), image()]);
    expect(r.violations).toEqual([]);
  });
  test("a policy wrapped with exemptions still honours its levels", async () => {
    const p = withExemptions(probe({ enforcementLevel: "mandatory" }));
    const r = await runPolicies([container()], [p], { "test-probe": "advisory" });
    expect(of(r, "test-probe").map((v) => v.enforcementLevel)).toEqual(["advisory"]);
  });
});
