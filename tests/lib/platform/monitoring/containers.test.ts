/**
 * The monitoring platform services of a host (lib/platform/monitoring/containers.ts). Pure apart from secrets, which a test
 * function stands in for (the real program reads them with pulumi.Config.requireSecret); Pulumi Outputs are
 * resolved with promiseOf below. No Pulumi engine is needed.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_MEMORY_MB, MONITORING_COMPONENTS } from "../../../../lib/platform/monitoring/config";
import { resolveStackConfig } from "../../../../lib/stackConfig";
import { StackConfig } from "../../../../lib/config/resolved";
import { CONFIG_DIR } from "../../../../lib/platform/monitoring/context";
import { monitoringServices } from "../../../../lib/platform/monitoring/containers";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { TEST_SECRETS, baseConfig, toConfigValues } from "../../../support/configs";

const secretValue = (key: string) => pulumi.output(`value-of-${key}`);

function configWith(monitoring: Record<string, unknown>, secrets: Record<string, string> = {}): StackConfig {
  return resolveStackConfig("test", toRawStackConfig(toConfigValues({ ...baseConfig(), monitoring }, { ...TEST_SECRETS, ...secrets })));
}

/** The value inside an Output (plain values pass through), as the engine would hand it to the provider. */
function promiseOf<T>(input: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(input).apply((v) => { resolve(v as T); return v; }));
}

const on = configWith({ enabled: true });
const mini = on.hosts.find((h) => h.name === "mini")!;
const services = monitoringServices(on, mini, secretValue);
const byName = Object.fromEntries(services.map((p) => [p.spec.name, p]));

test("nothing when monitoring is off", () => {
  const off = configWith({ enabled: false });
  expect(monitoringServices(off, off.hosts[0], secretValue)).toEqual([]);
});

test("one platform service per component, on this host, on the monitoring network, with the default memory", () => {
  expect(services.map((p) => p.spec.name)).toEqual([...MONITORING_COMPONENTS]);
  for (const { spec } of services) {
    expect(spec).toMatchObject({ tier: "platform", host: "mini", networks: ["edge"], replicas: 1, restart: "unless-stopped" });
    expect(spec.memoryMb).toBe(DEFAULT_MEMORY_MB[spec.name as keyof typeof DEFAULT_MEMORY_MB]);
    expect(spec.healthcheck?.test[0]).toMatch(/^CMD/);
  }
});

test("config travels as uploads into the config volume; no host bind mount carries config", () => {
  for (const name of ["prometheus", "alertmanager", "grafana", "docker-state"]) {
    const p = byName[name];
    expect(p.uploads!.length).toBeGreaterThan(0);
    for (const u of p.uploads!) expect(u.file.startsWith(`${CONFIG_DIR}/`)).toBe(true);
    expect(p.spec.volumes.find((v) => v.path === CONFIG_DIR)).toMatchObject({ name: "config", backup: false, retainOnDestroy: false });
  }
  for (const { spec } of services) {
    for (const m of spec.unsafe.hostMounts) {
      expect(m.readOnly).toBe(true);
      expect(m.path.startsWith(CONFIG_DIR)).toBe(false);
    }
  }
});

test("a writable root only where uploads need it (Docker refuses uploads into a read-only root)", () => {
  for (const p of services) expect(p.spec.unsafe.writableRootFs).toBe(p.uploads !== undefined);
});

test("host access is limited to cAdvisor, node-exporter and docker-state, all read-only; only node-exporter shares the pid namespace", () => {
  const withHost = services.filter((p) => p.spec.unsafe.hostMounts.length > 0).map((p) => p.spec.name);
  expect(withHost).toEqual(["node-exporter", "cadvisor", "docker-state"]);
  expect(services.filter((p) => p.spec.unsafe.pidMode === "host").map((p) => p.spec.name)).toEqual(["node-exporter"]);
  for (const p of services) expect(p.spec.unsafe.privileged).toBe(false);
  expect(byName["docker-state"].spec.unsafe.hostMounts).toEqual([{ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true }]);
});

test("cAdvisor is tuned and keeps only the minidock labels", () => {
  const cmd = byName.cadvisor.spec.command!;
  expect(cmd).toEqual(expect.arrayContaining([
    "--housekeeping_interval=60s", "--max_housekeeping_interval=2m", "--storage_duration=2m", "--docker_only=true", "--store_container_labels=false",
    "--whitelisted_container_labels=minidock.service,minidock.host,minidock.tier,minidock.host.memory-mb",
  ]));
  expect(cmd.find((a) => a.startsWith("--disable_metrics="))).toContain("percpu,hugetlb,sched,tcp,udp,advtcp,disk");
});

test("only Grafana publishes a port, on 127.0.0.1", () => {
  const published = services.flatMap((p) => p.spec.ports.map((port) => ({ name: p.spec.name, ...port })));
  expect(published).toEqual([{ name: "grafana", published: 3000, target: 3000, bind: "127.0.0.1", protocol: "tcp" }]);
});

test("every component (all Go, docker-state runs the docker CLI) gets GOMEMLIMIT at 80% of its limit", () => {
  expect(byName.prometheus.spec.env.GOMEMLIMIT).toBe("204MiB");
  expect(byName.grafana.spec.env.GOMEMLIMIT).toBe("307MiB");
  expect(byName["docker-state"].spec.env.GOMEMLIMIT).toBe("25MiB");
});

test("the receiver URL is read as a secret and the rendered alertmanager.yml is a secret", async () => {
  const cfg = configWith({ enabled: true, alerting: { kind: "slack", urlSecret: "alertWebhookUrl" } }, { alertWebhookUrl: "x" });
  const am = monitoringServices(cfg, cfg.hosts[0], secretValue).find((p) => p.spec.name === "alertmanager")!;
  const content = am.uploads![0].content;
  expect(await pulumi.isSecret(pulumi.output(content))).toBe(true);
  expect(await promiseOf(content)).toContain("api_url: value-of-alertWebhookUrl");
});

test("Grafana's admin password, when configured, is a secretEnv read from config", () => {
  const cfg = configWith({ enabled: true, grafana: { adminPasswordSecret: "grafanaAdmin" } }, { grafanaAdmin: "pw" });
  const g = monitoringServices(cfg, cfg.hosts[0], secretValue).find((p) => p.spec.name === "grafana")!;
  expect(g.spec.secretEnv).toEqual({ GF_SECURITY_ADMIN_PASSWORD: "grafanaAdmin" });
  expect(g.secretEnv).toHaveProperty("GF_SECURITY_ADMIN_PASSWORD");
  expect(g.spec.env).not.toHaveProperty("GF_AUTH_DISABLE_LOGIN_FORM");
  expect(byName.grafana.secretEnv).toBeUndefined();
});

test("ServiceDown knows this host's config services, the monitoring components and the other platform services passed in", async () => {
  const withExtras = monitoringServices(on, mini, secretValue, [{ service: "backup", replicas: 1 }]);
  const rules = await promiseOf(withExtras.find((p) => p.spec.name === "prometheus")!.uploads!.find((u) => u.file.endsWith("rules.yml"))!.content);
  expect(rules).toContain('"service", "postgres"');
  expect(rules).not.toContain('"service", "agent"'); // agent runs on host mini2
  expect(rules).toContain('"service", "grafana"');
  expect(rules).toContain('"service", "backup"');
});
