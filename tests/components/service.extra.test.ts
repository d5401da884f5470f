/**
 * components/service.ts's two additions for platform services, under Pulumi's mock monitor (engine and docker
 * provider mocked; they cannot run here): `extraVolumes` mounts volumes OTHER services created, and the container
 * waits for them (the dependency reaches the engine); `labels` are added next to the contract labels.
 */
import { evaluateProgram } from "../../tools/offline/evaluate";
import { LABEL } from "../../lib/labels";
import { baseConfig, toConfigValues } from "../support/configs";
import { T, label } from "../support/stack";

test("the backup container mounts other services' volumes read-only and depends on those volumes", async () => {
  const s = { ...baseConfig(), backup: { enabled: true } };
  s.services.agent.volumes = [{ name: "workspace", path: "/workspace", backup: true }];
  const ev = await evaluateProgram("t", toConfigValues(s));
  if (ev.error) throw ev.error;
  const backup = ev.resources.find((r) => r.type === T.container && r.inputs.name === "minidock-backup-1" && label(r, LABEL.host) === "mini2")!;
  expect(backup).toBeDefined();
  const mounts = (backup.inputs.volumes as { volumeName: string; containerPath: string; readOnly?: boolean }[]).filter((m) => m.containerPath.startsWith("/backup/"));
  expect(mounts).toEqual([1, 2, 3].map((n) => ({ volumeName: `minidock-agent-${n}-workspace`, containerPath: `/backup/minidock-agent-${n}-workspace`, readOnly: true })));
  const volumeUrns = ev.resources.filter((r) => r.type === T.volume && String(r.inputs.name).startsWith("minidock-agent-")).map((r) => r.urn);
  expect(volumeUrns).toHaveLength(3);
  for (const urn of volumeUrns) expect(backup.options.dependencies).toContain(urn);

  const sidecar = ev.resources.find((r) => r.type === T.container && r.inputs.name === "minidock-postgres-pgdump-1")!;
  expect(label(sidecar, LABEL.backupDumpOf)).toBe("minidock-postgres-pgdata");
  // The contract labels are still there and still say who it is.
  expect(label(sidecar, LABEL.service)).toBe("postgres-pgdump");
  expect(label(sidecar, LABEL.tier)).toBe("platform");
});
