import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../../../lib/config/errors";
import { StackConfig } from "../../../../lib/config/resolved";
import { DOCKER_API_NETWORK, DOCKER_API_PROXY_IMAGE } from "../../../../lib/platform/dockerApiProxy/config";
import { DOCKER_API_PROXY_SERVICE, DOCKER_API_URL, ENTRYPOINT_SCRIPT } from "../../../../lib/platform/dockerApiProxy/container";
import { haproxyConfig } from "../../../../lib/platform/dockerApiProxy/haproxy";
import { networksOn, plannedServices } from "../../../../lib/platform/plan";
import { resolveStackConfig } from "../../../../lib/stackConfig";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../../support/configs";

/**
 * The Docker API proxy as a platform service: its config section, where it runs, its container, and what its
 * clients (cAdvisor, docker-state) get. Pure: the specs are read straight from the plan the program deploys.
 */

const inputs = { secret: () => pulumi.secret("x"), tailnetAuthKey: () => pulumi.secret("k") };
const resolved = (extra: Record<string, unknown>): StackConfig =>
  resolveStackConfig("t", toRawStackConfig(toConfigValues({ ...baseConfig(), ...extra })));
const on = (config: StackConfig, host: string) =>
  Object.fromEntries(plannedServices(config, inputs).filter((p) => p.spec.host === host).map((p) => [p.spec.name, p.spec]));
const problems = (extra: Record<string, unknown>) => {
  try {
    resolved(extra);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe("where it runs", () => {
  test("on every host where monitoring reads the Docker API, on an internal network of its own", () => {
    const cfg = resolved({ monitoring: { enabled: true } });
    for (const host of cfg.hosts) {
      expect([host.name, Object.keys(on(cfg, host.name))]).toEqual([host.name, expect.arrayContaining([DOCKER_API_PROXY_SERVICE])]);
      expect(networksOn(cfg, host)[DOCKER_API_NETWORK]).toEqual({ internal: true });
    }
  });

  test("nowhere when nothing reads the Docker API: no container, no network", () => {
    const cfg = resolved({ monitoring: { enabled: false } });
    for (const host of cfg.hosts) {
      expect(Object.keys(on(cfg, host.name))).not.toContain(DOCKER_API_PROXY_SERVICE);
      expect(networksOn(cfg, host)).toEqual(cfg.networks);
    }
  });

  test("switched off: cAdvisor and docker-state mount the raw socket again", () => {
    const cfg = resolved({ monitoring: { enabled: true }, dockerApiProxy: { enabled: false } });
    const mini = on(cfg, "mini");
    expect(mini[DOCKER_API_PROXY_SERVICE]).toBeUndefined();
    expect(mini["docker-state"].unsafe.hostMounts.map((m) => m.path)).toEqual(["/var/run/docker.sock"]);
    expect(mini.cadvisor.unsafe.hostMounts.map((m) => m.hostPath)).toContain("/var/run");
  });
});

describe("its container", () => {
  const cfg = resolved({ monitoring: { enabled: true } });
  const proxy = on(cfg, "mini")[DOCKER_API_PROXY_SERVICE];

  test("the only socket mount, read-only, and nothing else of the host", () => {
    expect(proxy.unsafe.hostMounts).toEqual([{ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true, propagation: undefined }]);
    const mini = on(cfg, "mini");
    const socketHolders = Object.values(mini).filter((s) => s.unsafe.hostMounts.some((m) => m.hostPath.endsWith("docker.sock")));
    expect(socketHolders.map((s) => s.name)).toEqual([DOCKER_API_PROXY_SERVICE]);
  });

  test("hardened like every service: read-only root, no capabilities added, memory and CPU limits, a healthcheck through the proxy", () => {
    expect(proxy).toMatchObject({
      tier: "platform", image: DOCKER_API_PROXY_IMAGE, memoryMb: 32, cpus: "0.1", user: "0:0",
      networks: [DOCKER_API_NETWORK], ports: [], tmpfs: ["/tmp"], capAdd: [],
      unsafe: { writableRootFs: false, privileged: false, noNewPrivileges: true },
    });
    expect(proxy.healthcheck!.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:2375/_ping"]);
  });

  test("its config travels in env and is written to the tmpfs by the entrypoint (no uploads on a read-only root)", () => {
    expect(proxy.entrypoint).toEqual(["/bin/sh", "-c", ENTRYPOINT_SCRIPT]);
    expect(ENTRYPOINT_SCRIPT).toContain("> /tmp/haproxy.cfg && exec haproxy -db -f /tmp/haproxy.cfg");
    expect(proxy.env.MINIDOCK_HAPROXY_CONFIG).toBe(haproxyConfig());
  });

  test("its clients join its network and name it; nobody else is on that network", () => {
    const mini = on(cfg, "mini");
    const onNetwork = Object.values(mini).filter((s) => s.networks.includes(DOCKER_API_NETWORK)).map((s) => s.name).sort();
    expect(onNetwork).toEqual(["cadvisor", DOCKER_API_PROXY_SERVICE, "docker-state"].sort());
    expect(mini["docker-state"].env.DOCKER_HOST).toBe(DOCKER_API_URL);
    expect(mini.cadvisor.command).toContain(`--docker=${DOCKER_API_URL}`);
  });
});

describe("its config section", () => {
  test("defaults: on, the pinned image, 32 MB", () => {
    expect(resolved({}).dockerApiProxy).toEqual({ enabled: true, image: DOCKER_API_PROXY_IMAGE, memoryMb: 32, cpus: "0.1" });
  });

  test("an unpinned image, a typo and a zero limit name their key path", () => {
    expect(problems({ dockerApiProxy: { image: "haproxy:latest" } })).toEqual([expect.stringMatching(/^dockerApiProxy\.image: /)]);
    expect(problems({ dockerApiProxy: { enabeld: false } })).toEqual([expect.stringMatching(/^dockerApiProxy\.enabeld: unknown key \(did you mean "enabled"\?\)/)]);
    expect(problems({ dockerApiProxy: { memoryMb: 0 } })).toEqual([expect.stringMatching(/^dockerApiProxy\.memoryMb: /)]);
  });

  test("a config network may not take the proxy network's name while the proxy is on", () => {
    const networks = { ...baseConfig().networks, [DOCKER_API_NETWORK]: {} };
    expect(problems({ networks })).toEqual([expect.stringMatching(/^networks\.docker-api: the name is taken by minidock's Docker API proxy network/)]);
    expect(problems({ networks, dockerApiProxy: { enabled: false } })).toEqual([]);
  });
});
