import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { StackConfig } from "../../../lib/config/resolved";
import { PLATFORM_SERVICES } from "../../../lib/platform/allPlatformServices";
import { PlatformInputs, PlatformServiceDefinition, platformServiceSpec } from "../../../lib/platform/definition";
import { monitoringServices } from "../../../lib/platform/monitoring/containers";
import { assertPlanDeployable, inCreationOrder, networksOn, plannedServices } from "../../../lib/platform/plan";
import { resolveStackConfig } from "../../../lib/stackConfig";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";

/**
 * The plan: how the one list of platform services (lib/platform/allPlatformServices.ts) becomes every service the program
 * deploys. Pure; the platform services here are small stand-in definitions, so each declared input is seen alone.
 */

const inputs: PlatformInputs = { secret: (key) => `secret:${key}`, tailnetAuthKey: (host) => `authkey:${host}` };
const resolved = (stack: Record<string, unknown> = baseConfig()): StackConfig =>
  resolveStackConfig("t", toRawStackConfig(toConfigValues(stack)));

/** A stand-in platform service: one 16 MB container per host, named `name`. */
function stub(name: string, extra: Partial<PlatformServiceDefinition> = {}): PlatformServiceDefinition {
  return {
    key: name,
    schema: z.object({}).default({}),
    services: ({ config, host }) => [{ spec: platformServiceSpec(name, host.name, ["edge"], config, { image: "busybox:1.37.0", memoryMb: 16 }) }],
    ...extra,
  };
}

const names = (config: StackConfig, platforms: PlatformServiceDefinition[]) =>
  plannedServices(config, inputs, platforms).map((p) => `${p.spec.host}/${p.spec.name}`);

describe("the list", () => {
  test("every folder under lib/platform/ is one entry, with its own config key", () => {
    const root = path.join(__dirname, "../../../lib/platform");
    const folders = fs.readdirSync(root).filter((f) => fs.statSync(path.join(root, f)).isDirectory()).sort();
    expect(folders.length).toBeGreaterThanOrEqual(3);
    const listed = folders.map((f) => Object.values(jest.requireActual(path.join(root, f))).find((v) => PLATFORM_SERVICES.includes(v as PlatformServiceDefinition)));
    expect(folders.filter((_, i) => listed[i] === undefined)).toEqual([]);
    const keys = PLATFORM_SERVICES.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("user services first, then per host each platform service in list order", () => {
    expect(names(resolved(), [stub("one"), stub("two")])).toEqual([
      "mini/postgres", "mini2/agent", "mini/one", "mini/two", "mini2/one", "mini2/two",
    ]);
  });

  test("secretEnv is read through inputs.secret, by config key", () => {
    const pg = plannedServices(resolved(), inputs, []).find((p) => p.spec.name === "postgres")!;
    expect(pg.secretEnv).toEqual({ POSTGRES_PASSWORD: "secret:postgresPassword" });
  });

  test("every image goes through minidock:images", () => {
    const stack = { ...baseConfig(), images: { registry: "mirror.example.com" } };
    const images = plannedServices(resolved(stack), inputs, [stub("one")]).map((p) => p.spec.image);
    expect(images.every((i) => i.startsWith("mirror.example.com/"))).toBe(true);
  });
});

describe("declared inputs", () => {
  test("needsOtherServices: planned after the others on its host, whatever its place, and given their specs", () => {
    const seen: Record<string, string[]> = {};
    const watcher = stub("watcher", {
      needsOtherServices: true,
      services: ({ host, others, config }) => {
        seen[host.name] = others.map((p) => p.spec.name);
        return stub("watcher").services({ host, config } as never);
      },
    });
    expect(names(resolved(), [watcher, stub("one"), stub("two")])).toEqual([
      "mini/postgres", "mini2/agent", "mini/one", "mini/two", "mini/watcher", "mini2/one", "mini2/two", "mini2/watcher",
    ]);
    expect(seen).toEqual({ mini: ["one", "two"], mini2: ["one", "two"] });
  });

  test("usesDockerApi without a provider: the host's socket", () => {
    let api: unknown;
    const client = stub("client", { usesDockerApi: () => true, services: (plan) => ((api = plan.dockerApi), []) });
    plannedServices(resolved(), inputs, [client]);
    expect(api).toEqual({ kind: "socket", hostPath: "/var/run/docker.sock" });
  });

  test("a provider answers for the Docker API only where some service uses it", () => {
    const proxy = { kind: "proxy" as const, url: "tcp://api-proxy:2375", service: "api-proxy", network: "api" };
    const wanted: Record<string, boolean> = {};
    const provider = stub("api-proxy", {
      providesDockerApi: () => proxy,
      services: (plan) => ((wanted[plan.host.name] = plan.dockerApiWanted), []),
    });
    const got: Record<string, unknown> = {};
    const client = stub("client", {
      usesDockerApi: (_c, host) => host.name === "mini",
      services: (plan) => ((got[plan.host.name] = plan.dockerApi), []),
    });
    plannedServices(resolved(), inputs, [provider, client]);
    expect(wanted).toEqual({ mini: true, mini2: false });
    expect(got).toEqual({ mini: proxy, mini2: { kind: "socket", hostPath: "/var/run/docker.sock" } });
  });

  test("networks: a platform service's own networks join the config's on its host", () => {
    const owner = stub("owner", { networks: (plan): Record<string, { internal: boolean }> => (plan.host.name === "mini" ? { private: { internal: true } } : {}) });
    const cfg = resolved();
    expect(networksOn(cfg, cfg.hosts[0], [owner])).toEqual({ ...cfg.networks, private: { internal: true } });
    expect(networksOn(cfg, cfg.hosts[1], [owner])).toEqual(cfg.networks);
    expect(networksOn(cfg, cfg.hosts[0], PLATFORM_SERVICES)).toEqual(expect.objectContaining(cfg.networks));
  });

  test("servable: what the tailnet may serve comes from every definition", () => {
    let servable: unknown;
    const served = stub("served", { servable: () => [{ name: "served", port: 80, network: "edge" }] });
    const reader = stub("reader", { services: (plan) => ((servable = plan.servable), []) });
    plannedServices(resolved(), inputs, [served, reader]);
    expect(servable).toEqual([{ name: "served", port: 80, network: "edge" }]);
  });
});

describe("monitoring behind a Docker API proxy", () => {
  const stack = { ...baseConfig(), monitoring: { enabled: true } };
  const cfg = resolved(stack);
  const proxy = { kind: "proxy" as const, url: "tcp://api-proxy:2375", service: "api-proxy", network: "api" };
  const byName = (api?: typeof proxy) =>
    Object.fromEntries(monitoringServices(cfg, cfg.hosts[0], () => pulumi.secret("x"), [], api).map((p) => [p.spec.name, p.spec]));

  test("cAdvisor asks the proxy, joins its network and no longer mounts /var/run", () => {
    const direct = byName().cadvisor;
    const proxied = byName(proxy).cadvisor;
    expect(direct.unsafe.hostMounts.map((m) => m.hostPath)).toContain("/var/run");
    expect(proxied.unsafe.hostMounts.map((m) => m.hostPath)).not.toContain("/var/run");
    expect(proxied.command).toContain("--docker=tcp://api-proxy:2375");
    expect(proxied.networks).toEqual([...direct.networks, "api"]);
    // Its / mount would still carry the socket (and containerd's): empty tmpfs hide both directories.
    expect(proxied.tmpfs).toEqual([...direct.tmpfs, "/rootfs/run", "/rootfs/var/run"]);
    expect(direct.tmpfs).toEqual(["/tmp"]);
  });

  test("docker-state uses DOCKER_HOST, mounts nothing and runs as nobody", () => {
    const direct = byName()["docker-state"];
    const proxied = byName(proxy)["docker-state"];
    expect(direct.unsafe.hostMounts).toEqual([{ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true, propagation: undefined }]);
    expect(proxied.unsafe.hostMounts).toEqual([]);
    expect(proxied.env).toMatchObject({ DOCKER_HOST: "tcp://api-proxy:2375" });
    expect(proxied.user).toBe("65534:65534");
    expect(direct.env.DOCKER_HOST).toBeUndefined();
  });

  test("the other components are untouched", () => {
    const direct = byName();
    const proxied = byName(proxy);
    for (const c of ["prometheus", "alertmanager", "node-exporter", "pushgateway", "grafana"]) expect([c, proxied[c]]).toEqual([c, direct[c]]);
  });
});

describe("the early check", () => {
  test("the shipped platform services plan cleanly on the test stack with everything on", () => {
    expect(() => assertPlanDeployable(resolved({ ...baseConfig(), monitoring: { enabled: true }, backup: { enabled: true } }))).not.toThrow();
  });

  test("a volume mounted from another service must be created on the same host", () => {
    const borrower = stub("borrower", {
      services: ({ config, host }) => [{
        spec: platformServiceSpec("borrower", host.name, ["edge"], config, { image: "busybox:1.37.0", memoryMb: 16 }),
        extraVolumes: [{ volumeName: "minidock-postgres-pgdata", path: "/src", readOnly: true }],
      }],
    });
    expect(() => assertPlanDeployable(resolved(), [borrower])).toThrow(
      "volume minidock-postgres-pgdata on host mini2 is mounted by borrower, but no service on that host creates it",
    );
  });

  test("services that mount others' volumes are created last", () => {
    const all = plannedServices(resolved({ ...baseConfig(), backup: { enabled: true } }), inputs);
    const order = inCreationOrder(all).map((p) => p.spec.name);
    const firstBackup = order.indexOf("backup");
    expect(firstBackup).toBeGreaterThan(0);
    expect(order.slice(firstBackup).every((n) => n === "backup")).toBe(true);
  });
});
