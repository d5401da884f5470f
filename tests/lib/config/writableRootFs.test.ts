/**
 * The read-only root in the config contract: on by default, turned off only under `unsafe:`, and the old
 * top-level `readOnlyRootFs` key refused with where it moved. Pure: nothing is mocked.
 */
import { ConfigError } from "../../../lib/config/errors";
import { resolveStackConfig } from "../../../lib/stackConfig";
import { StackConfig } from "../../../lib/config/resolved";
import { containerInputs } from "../../../lib/containerInputs";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";

type Stack = ReturnType<typeof baseConfig>;

function outcome(mutate: (s: Stack) => void): { problems: string[]; resolved?: StackConfig } {
  const stack = baseConfig();
  mutate(stack);
  try {
    return { problems: [], resolved: resolveStackConfig("test", toRawStackConfig(toConfigValues(stack))) };
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems };
    throw e;
  }
}

const agent = (r: StackConfig | undefined) => r!.services.find((s) => s.name === "agent")!;

test("unset: the root is read-only", () => {
  const { resolved } = outcome(() => undefined);
  expect(agent(resolved).unsafe.writableRootFs).toBe(false);
  expect(containerInputs(agent(resolved)).readOnly).toBe(true);
});

test("unsafe.writableRootFs: true turns it off, and nothing else", () => {
  const { resolved, problems } = outcome((s) => (s.services.agent.unsafe = { writableRootFs: true }));
  expect(problems).toEqual([]);
  expect(containerInputs(agent(resolved)).readOnly).toBe(false);
});

test.each([[false], [true]])("the old top-level readOnlyRootFs: %s fails with its key path and where it moved", (value) => {
  const { problems } = outcome((s) => (s.services.agent.readOnlyRootFs = value));
  expect(problems).toEqual([expect.stringMatching(/^services\.agent\.readOnlyRootFs: moved to unsafe\.writableRootFs\b/)]);
  expect(problems[0]).toContain("unsafe.writableRootFs: true");
  expect(problems[0]).toContain("hardening-read-only-rootfs");
  expect(problems[0]).not.toMatch(/unknown key/);
});

test("the moved key is reported beside the service's other problems, not instead of them", () => {
  const { problems } = outcome((s) => Object.assign(s.services.agent, { readOnlyRootFs: false, memroyMb: 1 }));
  expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["services.agent.memroyMb", "services.agent.readOnlyRootFs"]);
});

test("writableRootFs must be a boolean", () => {
  const { problems } = outcome((s) => (s.services.agent.unsafe = { writableRootFs: "yes" }));
  expect(problems).toEqual(['services.agent.unsafe.writableRootFs: expected boolean, got "yes"']);
});
