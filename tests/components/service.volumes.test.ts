/**
 * Volume lifecycle under Pulumi's mock monitor (engine and docker provider mocked; they cannot run here):
 * data survives destroy unless the service config asks otherwise, and replicas get their own volumes.
 */
import { evaluateProgram } from "../../tools/offline/evaluate";
import { baseConfig, toConfigValues } from "../support/configs";
import { T } from "../support/stack";

test("retainOnDestroy: false is the only way a volume goes with `pulumi destroy`; replicas get their own", async () => {
  const s = baseConfig();
  s.services.agent.volumes = [
    { name: "workspace", path: "/workspace" },
    { name: "cache", path: "/cache", retainOnDestroy: false, shared: true },
  ];
  const ev = await evaluateProgram("t", toConfigValues(s));
  if (ev.error) throw ev.error;
  const volumes = Object.fromEntries(ev.resources.filter((r) => r.type === T.volume).map((v) => [v.inputs.name, v.options.retainOnDelete]));
  expect(volumes).toEqual({
    "minidock-postgres-pgdata": true,
    "minidock-agent-1-workspace": true,
    "minidock-agent-2-workspace": true,
    "minidock-agent-3-workspace": true,
    "minidock-agent-cache": false,
  });
  const agent2 = ev.resources.find((r) => r.type === T.container && r.inputs.name === "minidock-agent-2")!;
  expect(agent2.inputs.volumes).toEqual([
    { volumeName: "minidock-agent-2-workspace", containerPath: "/workspace" },
    { volumeName: "minidock-agent-cache", containerPath: "/cache" },
  ]);
});
