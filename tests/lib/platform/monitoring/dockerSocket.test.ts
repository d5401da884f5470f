import { resolveStackConfig } from "../../../../lib/stackConfig";
import { monitoringServices } from "../../../../lib/platform/monitoring/containers";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { shippedStackConfig } from "../../../support/stack";

/**
 * The containers that read the daemon mount ITS socket: on a mini (Colima's VM) and for a daemon at the default
 * path that is /var/run/docker.sock; a local daemon elsewhere (dockerHost unix:///PATH) is mounted from PATH.
 * Pure: the monitoring specs are computed from the resolved config, nothing is mocked.
 */
function specs(dockerHost?: string) {
  const cfg = shippedStackConfig("local");
  if (dockerHost) {
    const hosts = JSON.parse(cfg.values["minidock:hosts"] as string) as Record<string, Record<string, unknown>>;
    hosts.local.dockerHost = dockerHost;
    cfg.values["minidock:hosts"] = JSON.stringify(hosts);
  }
  const config = resolveStackConfig("local", toRawStackConfig(cfg));
  const byName = Object.fromEntries(monitoringServices(config, config.hosts[0], () => "x").map((p) => [p.spec.name, p.spec]));
  return { config, byName };
}

test("the default socket: docker-state mounts it, cadvisor reads it through /var/run", () => {
  const { config, byName } = specs();
  expect(config.hosts[0].dockerSocket).toBe("/var/run/docker.sock");
  expect(byName["docker-state"].unsafe.hostMounts).toEqual([expect.objectContaining({ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true })]);
  expect(byName.cadvisor.command!.some((a) => a.startsWith("--docker="))).toBe(false);
});

test("a daemon at another path is mounted from there, read-only, for both", () => {
  const { config, byName } = specs("unix:///srv/ci/docker.sock");
  expect(config.hosts[0].dockerSocket).toBe("/srv/ci/docker.sock");
  expect(byName["docker-state"].unsafe.hostMounts).toEqual([expect.objectContaining({ hostPath: "/srv/ci/docker.sock", path: "/var/run/docker.sock", readOnly: true })]);
  expect(byName.cadvisor.unsafe.hostMounts).toContainEqual(expect.objectContaining({ hostPath: "/srv/ci/docker.sock", readOnly: true }));
  expect(byName.cadvisor.command).toContain("--docker=unix:///tmp/minidock-docker.sock");
});

test("a mini's daemon is Colima's, at the default path inside the VM", () => {
  const config = resolveStackConfig("mini", toRawStackConfig(shippedStackConfig("mini")));
  for (const h of config.hosts) expect([h.name, h.dockerSocket]).toEqual([h.name, "/var/run/docker.sock"]);
});
