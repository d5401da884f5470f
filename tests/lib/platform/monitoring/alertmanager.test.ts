/** alertmanager.yml per receiver kind (pure). amtool checks every kind in scripts/ci/monitoring.sh. */
import { parse } from "yaml";
import { AlertingConfig } from "../../../../lib/platform/monitoring/config";
import { alertmanagerConfig, ntfyUrl } from "../../../../lib/platform/monitoring/alertmanager";

const URL = "https://hooks.example.com/secret-path";
const render = (a: AlertingConfig | undefined, secrets = { url: URL, smtpPassword: "smtp-pw" }) =>
  parse(alertmanagerConfig(a, secrets)) as { route: Record<string, unknown>; receivers: Record<string, unknown>[] };

test.each([
  ["slack", "slack_configs", "api_url"],
  ["discord", "discord_configs", "webhook_url"],
  ["webhook", "webhook_configs", "url"],
] as const)("%s: the secret URL goes into %s.%s, resolved alerts are sent too", (kind, key, field) => {
  const doc = render({ kind, urlSecret: "alertWebhookUrl", repeatInterval: "4h" });
  expect(doc.route.receiver).toBe(kind);
  const cfg = (doc.receivers[0][key] as Record<string, unknown>[])[0];
  expect(cfg[field]).toBe(URL);
  expect(cfg.send_resolved).toBe(true);
});

test("ntfy: a webhook whose URL asks ntfy (2.10+) to template title and message from the JSON", () => {
  const doc = render({ kind: "ntfy", urlSecret: "alertWebhookUrl", repeatInterval: "4h" });
  const url = ((doc.receivers[0].webhook_configs as Record<string, unknown>[])[0].url as string);
  expect(url.startsWith(`${URL}?tpl=1&t=`)).toBe(true);
  expect(decodeURIComponent(url)).toContain("{{.commonLabels.alertname}}");
  expect(ntfyUrl("https://ntfy.sh/t?auth=x")).toMatch(/^https:\/\/ntfy\.sh\/t\?auth=x&tpl=1&/);
});

test("email: smarthost, TLS required, password only when configured", () => {
  const email = { to: "ops@example.com", from: "md@example.com", smarthost: "smtp.example.com:587" };
  const withPw = render({ kind: "email", repeatInterval: "4h", email: { ...email, username: "md", passwordSecret: "smtpPassword" } });
  expect((withPw.receivers[0].email_configs as Record<string, unknown>[])[0]).toMatchObject({ ...email, auth_username: "md", auth_password: "smtp-pw", require_tls: true });
  const without = render({ kind: "email", repeatInterval: "4h", email });
  expect((without.receivers[0].email_configs as Record<string, unknown>[])[0]).not.toHaveProperty("auth_password");
});

test("without alerting config, one receiver with no integration: alerts stay visible in Alertmanager only", () => {
  const doc = render(undefined);
  expect(doc.receivers).toEqual([{ name: "none" }]);
  expect(doc.route.repeat_interval).toBe("4h");
});

test("the repeat interval comes from config; grouping is per alert, host and service", () => {
  const doc = render({ kind: "webhook", urlSecret: "x", repeatInterval: "12h" });
  expect(doc.route.repeat_interval).toBe("12h");
  expect(doc.route.group_by).toEqual(["alertname", "host", "service"]);
});

describe("Watchdog", () => {
  type Route = { matchers: string[]; receiver: string; repeat_interval: string };
  const watchdogRoute = (doc: ReturnType<typeof render>) => (doc.route.routes as Route[]).find((r) => r.matchers.includes('alertname="Watchdog"'))!;

  test("goes to the heartbeat URL every 5 minutes when one is configured", () => {
    const doc = parse(alertmanagerConfig(
      { kind: "slack", urlSecret: "u", heartbeatUrlSecret: "hb", repeatInterval: "4h" },
      { url: URL, heartbeatUrl: "https://hc-ping.com/abc" },
    )) as ReturnType<typeof render>;
    expect(watchdogRoute(doc)).toMatchObject({ receiver: "heartbeat", repeat_interval: "5m" });
    expect(doc.receivers.find((r) => r.name === "heartbeat")).toEqual({ name: "heartbeat", webhook_configs: [{ url: "https://hc-ping.com/abc", send_resolved: false }] });
  });

  test("never reaches the people's receiver: without a heartbeat it goes to a receiver with no integration", () => {
    const doc = render({ kind: "slack", urlSecret: "u", repeatInterval: "4h" });
    expect(watchdogRoute(doc).receiver).toBe("blackhole");
    expect(doc.receivers.find((r) => r.name === "blackhole")).toEqual({ name: "blackhole" });
    expect(watchdogRoute(render(undefined)).receiver).toBe("none");
  });
});
