/**
 * The monitoring config contract: defaults, refused values (with house-style messages) and the cross-checks in
 * resolve.ts (secret references, network, Grafana's port). Nothing is mocked: resolveStackConfig is pure.
 */
import { ConfigError } from "../../../../lib/config/errors";
import { PIN_RULE } from "../../../../lib/images";
import {
  DEFAULT_MEMORY_MB, MONITORING_COMPONENTS, componentMemoryMb, enabledComponents, monitoringNetwork,
} from "../../../../lib/platform/monitoring/config";
import { resolveStackConfig } from "../../../../lib/stackConfig";
import { StackConfig } from "../../../../lib/config/resolved";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { TEST_SECRETS, baseConfig, toConfigValues } from "../../../support/configs";

function resolveWith(monitoring: unknown, secrets: Record<string, string> = {}, plain: Record<string, string> = {}, mutate?: (s: ReturnType<typeof baseConfig>) => void): StackConfig {
  const s: Record<string, unknown> & ReturnType<typeof baseConfig> = { ...baseConfig(), monitoring };
  mutate?.(s);
  const cfg = toConfigValues(s, { ...TEST_SECRETS, ...secrets });
  for (const [k, v] of Object.entries(plain)) cfg.values[`minidock:${k}`] = v;
  return resolveStackConfig("test", toRawStackConfig(cfg));
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("defaults", () => {
  test("off unless enabled; when on, every default the docs list", () => {
    expect(resolveWith(undefined).monitoring.enabled).toBe(false);
    const m = resolveWith({ enabled: true }).monitoring;
    expect(m.retention).toEqual({ time: "7d", size: "1GB" });
    expect(m.scrapeInterval).toBe("30s");
    expect(m.thresholds).toEqual({ hostMemoryPercent: 85, hostMemoryFor: "10m", containerMemoryPercent: 90, diskPercent: 80, backupMaxAgeHours: 26 });
    expect(m.grafana).toEqual({ enabled: true, port: 3000 });
    expect(m.alerting).toBeUndefined();
  });

  test("memory per component: defaults, overrides, and Grafana can be left out", () => {
    const m = resolveWith({ enabled: true, memoryMb: { prometheus: 384 }, grafana: { enabled: false } }).monitoring;
    expect(componentMemoryMb(m, "prometheus")).toBe(384);
    expect(componentMemoryMb(m, "cadvisor")).toBe(DEFAULT_MEMORY_MB.cadvisor);
    expect(enabledComponents(m)).toEqual(MONITORING_COMPONENTS.filter((c) => c !== "grafana"));
  });

  test("the default footprint stays under 1100 MB, leaving room for backup and tailscale in the 1536 MB platform limit", () => {
    const total = Object.values(DEFAULT_MEMORY_MB).reduce((a, b) => a + b, 0);
    expect(total).toBe(912);
    expect(total).toBeLessThanOrEqual(1100);
  });

  test("the monitoring network is the first with a route out unless configured", () => {
    expect(monitoringNetwork({}, { data: { internal: true }, edge: { internal: false } })).toBe("edge");
    expect(monitoringNetwork({ network: "data" }, { data: { internal: true } })).toBe("data");
    expect(monitoringNetwork({}, { data: { internal: true } })).toBeUndefined();
  });
});

describe("refused values name the key, the value and what is allowed", () => {
  test.each([
    [{ enabled: true, retention: { time: "7 days" } }, 'monitoring.retention.time: expected a duration such as "30s", "10m" or "7d", got "7 days"'],
    [{ enabled: true, retention: { size: "1G" } }, 'monitoring.retention.size: expected a size such as "512MB" or "2GB" (B, KB, MB, GB, TB), got "1G"'],
    [{ enabled: true, thresholds: { diskPercent: 120 } }, "monitoring.thresholds.diskPercent: expected a percentage between 0 and 100, got 120"],
    [{ enabled: true, memoryMb: { cadvisor: 0 } }, "monitoring.memoryMb.cadvisor: expected a positive integer, got 0"],
    [{ enabled: true, images: { prometheus: "prom/prometheus:latest" } }, `monitoring.images.prometheus: prom/prometheus:latest: tag "latest" moves with every release; ${PIN_RULE}`],
    [{ enabled: true, alerting: { kind: "slack" } }, 'monitoring.alerting.urlSecret: expected the name of a secret config key holding the slack URL (e.g. "alertWebhookUrl"), got nothing'],
    [{ enabled: true, alerting: { kind: "email" } }, 'monitoring.alerting.email: expected {to, from, smarthost} for kind "email", got nothing'],
    [{ enabled: true, alerting: { kind: "email", email: { to: "a@b.c", from: "d@e.f", smarthost: "smtp.example.com" } } }, 'monitoring.alerting.email.smarthost: expected host:port such as "smtp.example.com:587", got "smtp.example.com"'],
  ])("%j", (monitoring, message) => {
    expect(problemsOf(() => resolveWith(monitoring))).toContain(message);
  });

  test("an unknown kind or key is refused", () => {
    const problems = problemsOf(() => resolveWith({ enabled: true, alerting: { kind: "pager", urlSecret: "x" }, grafna: {} }));
    expect(problems.some((p) => p.startsWith("monitoring.alerting.kind:"))).toBe(true);
    expect(problems.some((p) => p.includes("grafna"))).toBe(true);
  });
});

describe("cross-checks", () => {
  const ntfy = { enabled: true, alerting: { kind: "ntfy", urlSecret: "alertWebhookUrl" } };

  test("the receiver URL must be a secret that is set", () => {
    expect(() => resolveWith(ntfy, { alertWebhookUrl: "https://ntfy.sh/topic" })).not.toThrow();
    const missing = (() => {
      try {
        resolveWith(ntfy);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(missing.problems).toContain('monitoring.alerting.urlSecret: secret config key "alertWebhookUrl" is not set (run: pulumi config set --secret alertWebhookUrl <value>)');
    expect(missing.missingSecrets).toEqual(["alertWebhookUrl"]);
    expect(problemsOf(() => resolveWith(ntfy, {}, { alertWebhookUrl: "https://ntfy.sh/topic" }))).toContain(
      'monitoring.alerting.urlSecret: config key "alertWebhookUrl" is set in plain text; set it again with --secret',
    );
  });

  test("SMTP password, heartbeat URL and Grafana admin password are secret references too", () => {
    const problems = problemsOf(() => resolveWith({
      enabled: true,
      alerting: { kind: "email", email: { to: "ops@example.com", from: "md@example.com", smarthost: "smtp.example.com:587", passwordSecret: "smtpPassword" } },
      grafana: { adminPasswordSecret: "grafanaAdmin" },
    }));
    expect(problemsOf(() => resolveWith({ enabled: true, alerting: { kind: "webhook", urlSecret: "alertWebhookUrl", heartbeatUrlSecret: "heartbeatUrl" } }, { alertWebhookUrl: "x" })))
      .toEqual([expect.stringMatching(/^monitoring\.alerting\.heartbeatUrlSecret: secret config key "heartbeatUrl" is not set/)]);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^monitoring\.alerting\.email\.passwordSecret: secret config key "smtpPassword" is not set/),
      expect.stringMatching(/^monitoring\.grafana\.adminPasswordSecret: secret config key "grafanaAdmin" is not set/),
    ]));
  });

  test("the network must exist and have a route out", () => {
    expect(problemsOf(() => resolveWith({ enabled: true, network: "nope" }))).toContain('monitoring.network: unknown network "nope" (declared networks: data, edge)');
    expect(problemsOf(() => resolveWith({ enabled: true, network: "data" }))).toContain(
      'monitoring.network: expected a network with a route out (Alertmanager posts alerts), got internal network "data"',
    );
    expect(problemsOf(() => resolveWith({ enabled: true }, {}, {}, (s) => {
      s.networks = { data: { internal: true } };
      s.services.agent.networks = ["data"];
    }))).toContain('monitoring.network: every declared network is internal; declare one without "internal: true" for monitoring (Alertmanager posts alerts)');
  });

  test("Grafana's port may not collide with a published service port; disabled monitoring is not checked", () => {
    expect(problemsOf(() => resolveWith({ enabled: true, grafana: { port: 5432 } }))).toContain(
      "monitoring.grafana.port: 5432 is already published by services.postgres; pick another port",
    );
    expect(() => resolveWith({ enabled: false, network: "nope" })).not.toThrow();
  });
});
