import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR, UsageError, loadStack, parseCli, resolveTarget, shippedStacks, stackNameOf } from "../../tools/stackRun";
import { tempDir } from "../support/tmp";

/** Argument handling and config loading of the tools, in-process (no program evaluation, nothing mocked). */
const FIXTURES = path.join(PROJECT_DIR, "tests/fixtures/stacks");

test("flags: known ones parse, unknown or foreign ones are usage errors", () => {
  expect(parseCli(["--stack", "mini", "--json"], ["json"])).toMatchObject({ stack: "mini", json: true, markdown: false });
  expect(() => parseCli(["--bogus"], ["json"])).toThrow(UsageError);
  expect(() => parseCli(["--markdown"], ["json"])).toThrow(/unknown option --markdown/);
  expect(() => parseCli(["extra"], ["json"])).toThrow(UsageError);
});

test("shipped stacks are the Pulumi.<stack>.yaml files beside Pulumi.yaml", () => {
  expect(shippedStacks()).toEqual(expect.arrayContaining(["local", "mini"]));
});

test("the stack name comes from the file name, or --stack", () => {
  expect(stackNameOf("/x/Pulumi.bad-port.yaml")).toBe("bad-port");
  expect(stackNameOf("/x/stack.yaml")).toBeUndefined();
  const file = path.join(FIXTURES, "Pulumi.clean.yaml");
  expect(resolveTarget({ config: file }).stack).toBe("clean");
  expect(resolveTarget({ config: file, stack: "other" }).stack).toBe("other");
  const tmp = path.join(tempDir("minidock-"), "stack.yaml");
  fs.copyFileSync(file, tmp);
  expect(() => resolveTarget({ config: tmp })).toThrow(/pass --stack NAME/);
});

test("policy config: --policy-config, else policies/<stack>.json, else policies/mini.json", () => {
  expect(resolveTarget({ stack: "local" }).policyConfigFile).toBe(path.join(PROJECT_DIR, "policies/local.json"));
  expect(resolveTarget({ config: path.join(FIXTURES, "Pulumi.clean.yaml") }).policyConfigFile).toBe(path.join(PROJECT_DIR, "policies/mini.json"));
  expect(resolveTarget({ stack: "mini", policyConfig: "policies/local.json" }).policyConfigFile).toBe(path.join(PROJECT_DIR, "policies/local.json"));
  expect(() => resolveTarget({ stack: "mini", policyConfig: "nope.json" })).toThrow(/no such file/);
  expect(() => resolveTarget({ stack: "nope" })).toThrow(/shipped stacks: .*mini/);
  expect(() => resolveTarget({})).toThrow(/--stack NAME or --config FILE/);
});

test("loading: secure values and unset secrets become placeholders, and both are listed for redaction", () => {
  const loaded = loadStack(resolveTarget({ config: path.join(FIXTURES, "Pulumi.clean.yaml") }));
  expect(loaded.configError).toBeUndefined();
  expect(loaded.encrypted).toEqual(["dbPassword"]);
  expect(loaded.secretValues.length).toBeGreaterThan(0);
  expect(JSON.stringify(loaded.config.values)).not.toContain("CIPHERTEXT-SENTINEL");
});

test("loading a bad config keeps the ConfigError with every problem's key path", () => {
  const loaded = loadStack(resolveTarget({ config: path.join(FIXTURES, "Pulumi.bad-config.yaml") }));
  expect(loaded.configError?.problems).toEqual(['services.web.memoryMb: expected number, got "lots"']);
});
