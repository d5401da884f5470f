import { DEFAULTS } from "../../lib/defaults";
import { Evaluation } from "../../tools/offline/evaluate";
import { SECRET_PLACEHOLDER, toRawStackConfig } from "../../tools/offline/stackFile";
import { plannedServices } from "../../lib/platform/plan";
import { resolveStackConfig } from "../../lib/stackConfig";
import { REPLACED_BY_STAND_IN, dockerRunFlags } from "../../tools/dockerRunFlags";
import { T, evaluateShippedStack, ofType, shippedStackConfig } from "../support/stack";

/**
 * tools/dockerRunFlags.ts on the containers the real program declares for the shipped mini stack (index.ts under
 * Pulumi's mock monitor: the engine and providers are mocked, they cannot run here). scripts/ci/load-test.sh runs
 * these flags on a real dockerd; this pins down what it runs.
 */
let ev: Evaluation;
beforeAll(async () => {
  ev = await evaluateShippedStack("mini");
  if (ev.error) throw ev.error;
});
const inputsOf = (name: string) => ofType(ev, T.container).find((c) => c.inputs.name === name)!.inputs;

test("agent-1: its limits and every hardening default, as docker run flags", () => {
  const flags = dockerRunFlags(inputsOf("minidock-agent-1")).filter((f) => !f.startsWith("--label="));
  expect(flags.sort()).toEqual([
    "--cap-drop=ALL",
    "--cpus=1.5",
    "--log-driver=json-file",
    `--log-opt=max-file=${DEFAULTS.logMaxFiles}`,
    `--log-opt=max-size=${DEFAULTS.logMaxSize}`,
    "--memory-swap=2048m",
    "--memory=2048m",
    "--name=minidock-agent-1",
    "--read-only=true",
    `--restart=${DEFAULTS.restart}`,
    "--security-opt=no-new-privileges:true",
    "--stop-timeout=30",
    `--tmpfs=/tmp:${DEFAULTS.tmpfsOptions}`,
    "--user=1000:1000",
  ]);
});

test("every container of the stack translates, platform ones with their namespaces; no secret value leaks", () => {
  expect(JSON.stringify(inputsOf("minidock-postgres-1").envs)).toContain(SECRET_PLACEHOLDER); // so the check below can fail
  const all = ofType(ev, T.container).map((c) => ({ name: c.inputs.name as string, flags: dockerRunFlags(c.inputs) }));
  // Every replica of every service the program plans for the stack (lib/platform/plan.ts), and no fewer than today's.
  const cfg = resolveStackConfig("mini", toRawStackConfig(shippedStackConfig("mini")));
  const planned = plannedServices(cfg, { secret: () => "", tailnetAuthKey: () => "" }).reduce((n, p) => n + p.spec.replicas, 0);
  expect(planned).toBeGreaterThanOrEqual(16);
  expect(all.length).toBe(planned);
  for (const { name, flags } of all) {
    expect([name, flags.filter((f) => /^--(memory|memory-swap|cpus|restart|cap-drop)=/.test(f)).length]).toEqual([name, 5]);
    expect(flags.join(" ")).not.toContain(SECRET_PLACEHOLDER);
  }
  expect(all.find((c) => c.name === "minidock-node-exporter-1")!.flags).toContain("--pid=host");
  expect(all.find((c) => c.name === "minidock-backup-1")!.flags).toContain("--cap-add=DAC_OVERRIDE");
});

test("the workload's own inputs are left to the stand-in: no image, env, network, port or volume flag", () => {
  const flags = dockerRunFlags(inputsOf("minidock-postgres-1"));
  expect(flags.filter((f) => /^--(env|network|publish|volume|mount|health|entrypoint)/.test(f))).toEqual([]);
  expect(Object.keys(REPLACED_BY_STAND_IN)).toEqual(expect.arrayContaining(["image", "envs", "ports", "volumes", "healthcheck"]));
});

test("an input it does not know is an error that names it, so the load test never drops a setting silently", () => {
  expect(() => dockerRunFlags({ memory: 64, oomKillDisable: true })).toThrow(
    /container input\(s\) oomKillDisable are neither translated to docker run flags nor replaced by the stand-in workload/,
  );
  expect(dockerRunFlags({ memory: 64, privileged: undefined })).toEqual(["--memory=64m"]);
});
