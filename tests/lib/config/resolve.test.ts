import { resolveStackConfig } from "../../../lib/stackConfig";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";

const resolve = (stack: Record<string, unknown>) => resolveStackConfig("test", toRawStackConfig(toConfigValues(stack)));

describe("resolved stack config", () => {
  const cfg = resolve(baseConfig());

  test("hosts get their daemon address; ssh hosts run Colima and pull arm64", () => {
    const mini = cfg.hosts.find((h) => h.name === "mini")!;
    expect(mini).toMatchObject({ dockerHost: "ssh://dev@mini-1.example.ts.net", remote: true, platform: "linux/arm64" });
    expect(mini.colima).toBeDefined();
    const mini2 = cfg.hosts.find((h) => h.name === "mini2")!;
    expect(mini2.reserveMb).toBe(1024);
    expect(mini2.diskGb).toBe(100);
  });

  test("a non-default ssh port goes into the daemon address", () => {
    const s = baseConfig();
    s.hosts.mini.sshPort = 2222;
    expect(resolve(s).hosts[0].dockerHost).toBe("ssh://dev@mini-1.example.ts.net:2222");
  });

  test("a local host has no Colima and keeps the daemon's own platform", () => {
    const s = baseConfig();
    s.hosts = { local: { dockerHost: "unix:///var/run/docker.sock", memoryMb: 4096, cpus: 2 } };
    delete s.services.agent.host;
    const local = resolve(s).hosts[0];
    expect(local).toMatchObject({ remote: false, dockerHost: "unix:///var/run/docker.sock" });
    expect(local.colima).toBeUndefined();
    expect(local.platform).toBeUndefined();
  });

  test("services default to the first host and the first network, with secure defaults", () => {
    const s = baseConfig();
    delete s.services.postgres.networks;
    // edge first: postgres publishes a port, which needs a network that is not internal.
    s.networks = { edge: {}, data: { internal: true } };
    const pg = resolve(s).services.find((x) => x.name === "postgres")!;
    expect(pg).toMatchObject({
      host: "mini",
      networks: ["edge"],
      tier: "workload",
      replicas: 1,
      restart: "unless-stopped",
      capAdd: [],
      logs: { driver: "json-file", maxSize: "10m", maxFiles: 3 },
      unsafe: { privileged: false, noNewPrivileges: true, hostMounts: [], writableRootFs: false },
    });
    expect(pg.ports[0]).toEqual({ published: 5432, target: 5432, bind: "127.0.0.1", protocol: "tcp" });
    expect(pg.volumes[0]).toMatchObject({ backup: true, retainOnDestroy: true, shared: false });
  });

  test("stack-wide log rotation applies unless the service sets its own", () => {
    const s = { ...baseConfig(), logMaxSize: "50m", logMaxFiles: 5 };
    s.services.agent.logs = { maxFiles: 2 };
    const r = resolve(s);
    expect(r.services.find((x) => x.name === "postgres")!.logs).toEqual({ driver: "json-file", maxSize: "50m", maxFiles: 5 });
    expect(r.services.find((x) => x.name === "agent")!.logs).toEqual({ driver: "json-file", maxSize: "50m", maxFiles: 2 });
  });

  test("numbers given as strings (as `pulumi config set` stores scalars) are parsed", () => {
    const raw = toRawStackConfig(toConfigValues(baseConfig()));
    raw.values.logMaxFiles = "7";
    expect(resolveStackConfig("t", raw).logMaxFiles).toBe(7);
  });
});
