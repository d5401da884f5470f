/**
 * The Tailscale container spec and its serve config are pure: built here from a config resolved by the real
 * contract. Nothing is mocked.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { resolveStackConfig } from "../../../../lib/stackConfig";
import { ENTRYPOINT_SCRIPT, HEALTHCHECK, SERVE_CONFIG_PATH, serveConfig, servedOn, tailscaleSpec } from "../../../../lib/platform/tailscale/container";
import { servableServices } from "../../../../lib/platform/plan";
import { deviceLookup } from "../../../../lib/platform/tailscale/device";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../../support/configs";
import { tempDir } from "../../../support/tmp";

function stack(serve: Record<string, unknown>[]) {
  const s: Record<string, unknown> & ReturnType<typeof baseConfig> = baseConfig();
  s.services.web = { image: "nginx:1.27.3-alpine", memoryMb: 128, networks: ["edge"], healthcheck: { test: ["NONE"] } };
  s.tailscale = {
    enabled: true,
    groups: { admins: ["alice@example.com"] },
    access: [{ group: "admins", ports: [22], services: serve.map((x) => x.service) }],
    serve,
  };
  return resolveStackConfig("test", toRawStackConfig(toConfigValues(s)));
}

test("https entries terminate TLS on the node and proxy to the service alias; funnel stays off", () => {
  const cfg = stack([{ service: "web", port: 8080 }, { service: "postgres", port: 5432, protocol: "tcp" }]);
  expect(serveConfig(servedOn(cfg, "mini", servableServices(cfg)))).toEqual({
    TCP: { "443": { HTTPS: true }, "5432": { TCPForward: "postgres:5432" } },
    Web: { "${TS_CERT_DOMAIN}:443": { Handlers: { "/": { Proxy: "http://web:8080" } } } },
    AllowFunnel: { "${TS_CERT_DOMAIN}:443": false },
  });
  expect(servedOn(cfg, "mini2", servableServices(cfg))).toEqual([]);
});

test("the spec: platform tier, userspace, read-only root, no ports, no capabilities added, state on a volume", () => {
  const cfg = stack([{ service: "postgres", port: 5432, protocol: "tcp" }]);
  const spec = tailscaleSpec(cfg, cfg.hosts[0], servableServices(cfg));
  expect(spec).toMatchObject({
    name: "tailscale", tier: "platform", host: "mini", replicas: 1, memoryMb: 128, cpus: "0.5",
    tmpfs: ["/tmp"], ports: [], capAdd: [], entrypoint: ["/bin/sh", "-c", ENTRYPOINT_SCRIPT],
    logs: { driver: "json-file", maxSize: "10m", maxFiles: 3 },
  });
  expect(spec.unsafe).toMatchObject({ privileged: false, noNewPrivileges: true, devices: [], writableRootFs: false });
  expect(spec.healthcheck?.test).toEqual(HEALTHCHECK);
  expect(spec.env).toMatchObject({ TS_USERSPACE: "true", TS_HOSTNAME: "mini", TS_AUTH_ONCE: "true", TS_ACCEPT_DNS: "false" });
  expect(spec.env).not.toHaveProperty("TS_AUTHKEY"); // comes from the key resource, as a secret
  expect(spec.volumes).toEqual([expect.objectContaining({ name: "state", path: "/var/lib/tailscale", backup: false, retainOnDestroy: true })]);
  // The outbound network first (network mode, default route), then the served service's internal network.
  expect(spec.networks).toEqual(["edge", "data"]);
});

test("the entrypoint writes the serve config without expanding it, then hands over to containerboot (run with sh)", () => {
  // The real script, with the file and containerboot swapped for a temp file and `cat`: sh and printf are real.
  const dir = tempDir("ts-entry-");
  const file = path.join(dir, "serve.json");
  const script = ENTRYPOINT_SCRIPT.replace(SERVE_CONFIG_PATH, file).replace("/usr/local/bin/containerboot", `cat ${file}`);
  const cfg = stack([{ service: "web", port: 8080 }]);
  const config = JSON.stringify(serveConfig(servedOn(cfg, "mini", servableServices(cfg))));
  const out = execFileSync("/bin/sh", ["-c", script], { env: { MINIDOCK_SERVE_CONFIG: config, TS_CERT_DOMAIN: "expanded-by-mistake" } }).toString();
  expect(out).toBe(config);
  expect(out).toContain("${TS_CERT_DOMAIN}:443");
});

test("deviceLookup: a full MagicDNS name by name, a short one by hostname, an IP address not at all", () => {
  expect(deviceLookup("dev@mac-mini.example.ts.net")).toEqual({ name: "mac-mini.example.ts.net" });
  expect(deviceLookup("dev@mac-mini")).toEqual({ hostname: "mac-mini" });
  expect(deviceLookup("dev@100.101.102.103")).toBeUndefined();
});

test("Grafana, minidock's own, is served on every mini: proxied to its alias, the container joins its network", () => {
  const s: Record<string, unknown> & ReturnType<typeof baseConfig> = baseConfig();
  s.networks = { data: { internal: true }, edge: {}, ops: {} };
  s.monitoring = { enabled: true, network: "ops" };
  s.tailscale = {
    enabled: true,
    groups: { admins: ["alice@example.com"] },
    access: [{ group: "admins", ports: [22], services: ["grafana"] }],
    serve: [{ service: "grafana", port: 3000 }],
  };
  const cfg = resolveStackConfig("test", toRawStackConfig(toConfigValues(s)));
  for (const host of cfg.hosts) {
    expect(serveConfig(servedOn(cfg, host.name, servableServices(cfg)))).toEqual({
      TCP: { "443": { HTTPS: true } },
      Web: { "${TS_CERT_DOMAIN}:443": { Handlers: { "/": { Proxy: "http://grafana:3000" } } } },
      AllowFunnel: { "${TS_CERT_DOMAIN}:443": false },
    });
    expect(tailscaleSpec(cfg, host, servableServices(cfg)).networks).toEqual(["edge", "ops"]);
  }
});
