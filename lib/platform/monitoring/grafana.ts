import { stringify } from "yaml";
import { CONFIG_DIR, MonitoringContext, serviceUrl } from "./context";

/**
 * Grafana provisioning: the Prometheus datasource, a file dashboard provider and the dashboard itself, built in
 * code so it is reviewed like any other change (never clicked together). Grafana keeps no state worth keeping:
 * everything it shows is provisioned, so its data directory is a tmpfs.
 */
export const DATASOURCE_UID = "minidock-prometheus";
export const DASHBOARD_UID = "minidock-budget";

export function datasourcesFile(): string {
  return stringify({
    apiVersion: 1,
    datasources: [{
      name: "Prometheus", uid: DATASOURCE_UID, type: "prometheus", access: "proxy", url: serviceUrl("prometheus"), isDefault: true, editable: false,
    }],
  });
}

export function dashboardProvidersFile(): string {
  return stringify({
    apiVersion: 1,
    providers: [{
      name: "minidock", folder: "minidock", type: "file", disableDeletion: true, allowUiUpdates: false,
      options: { path: `${CONFIG_DIR}/dashboards` },
    }],
  });
}

type Unit = "bytes" | "percentunit" | "short" | "s" | "none";
interface Target { expr: string; legend?: string; instant?: boolean }

const ds = { type: "prometheus", uid: DATASOURCE_UID };
let nextId = 1;

function panel(type: string, title: string, grid: [number, number, number, number], targets: Target[], unit: Unit, extra: Record<string, unknown> = {}) {
  const [x, y, w, h] = grid;
  return {
    id: nextId++,
    type,
    title,
    datasource: ds,
    gridPos: { x, y, w, h },
    targets: targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i), datasource: ds, expr: t.expr, legendFormat: t.legend ?? "", instant: t.instant ?? false, range: !t.instant,
    })),
    fieldConfig: { defaults: { unit, ...(extra.defaults as object) }, overrides: [] },
    options: extra.options ?? {},
  };
}

const thresholdsPct = (warn: number, crit: number) => ({
  thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "orange", value: warn }, { color: "red", value: crit }] },
  min: 0, max: 1,
});

/** The budget dashboard: per host (in use and declared against the budget, headroom) and per service and container. */
export function budgetDashboard(ctx: MonitoringContext): Record<string, unknown> {
  nextId = 1;
  const t = ctx.monitoring.thresholds;
  const warnHost = t.hostMemoryPercent / 100;
  const warnContainer = t.containerMemoryPercent / 100;
  const h = `host="${ctx.host}"`;
  const panels = [
    panel("gauge", "Memory in use / budget", [0, 0, 6, 6], [{ expr: `minidock:host_memory_used_bytes{${h}} / on (host) minidock:host_memory_budget_bytes`, instant: true }], "percentunit",
      { defaults: thresholdsPct(warnHost - 0.1, warnHost) }),
    panel("gauge", "Declared + reserve / budget", [6, 0, 6, 6], [{
      expr: `(minidock:host_memory_declared_bytes{${h}} + on (host) minidock:host_memory_reserve_bytes) / on (host) minidock:host_memory_budget_bytes`, instant: true,
    }], "percentunit", { defaults: thresholdsPct(0.9, 1) }),
    panel("stat", "Headroom", [12, 0, 6, 6], [
      { expr: `minidock:host_memory_budget_bytes{${h}} - on (host) minidock:host_memory_used_bytes`, legend: "actual (budget - in use)", instant: true },
      { expr: `minidock:host_memory_budget_bytes{${h}} - on (host) minidock:host_memory_reserve_bytes - on (host) minidock:host_memory_declared_bytes`, legend: "declared (budget - reserve - limits)", instant: true },
    ], "bytes"),
    panel("stat", "Host CPU busy / disk use", [18, 0, 6, 6], [
      { expr: `1 - avg(rate(node_cpu_seconds_total{${h},mode="idle"}[5m]))`, legend: "CPU", instant: true },
      { expr: `max(1 - node_filesystem_avail_bytes{${h},fstype!~"tmpfs|overlay|squashfs|ramfs|devtmpfs|nsfs"} / node_filesystem_size_bytes{${h},fstype!~"tmpfs|overlay|squashfs|ramfs|devtmpfs|nsfs"})`, legend: "fullest disk", instant: true },
    ], "percentunit"),
    panel("timeseries", "Host memory against the budget", [0, 6, 24, 8], [
      { expr: `minidock:host_memory_used_bytes{${h}}`, legend: "in use" },
      { expr: `minidock:host_memory_budget_bytes{${h}}`, legend: "budget (VM memory)" },
      { expr: `minidock:host_memory_budget_bytes{${h}} - on (host) minidock:host_memory_reserve_bytes`, legend: "budget - reserve" },
      { expr: `minidock:host_memory_declared_bytes{${h}}`, legend: "declared limits" },
      { expr: `sum by (tier) (minidock:service_memory_bytes{${h}})`, legend: "in use: {{tier}}" },
    ], "bytes"),
    panel("bargauge", "Memory per service / its limit", [0, 14, 12, 10], [{
      expr: `minidock:service_memory_bytes{${h}} / on (host, service, tier) minidock:service_memory_limit_bytes`, legend: "{{service}} ({{tier}})", instant: true,
    }], "percentunit", { defaults: thresholdsPct(warnContainer - 0.1, warnContainer), options: { orientation: "horizontal", displayMode: "gradient" } }),
    panel("timeseries", "Memory per container (dashed: limit)", [12, 14, 12, 10], [
      { expr: `container_memory_working_set_bytes{${h},service!=""}`, legend: "{{container}}" },
      { expr: `container_spec_memory_limit_bytes{${h},service!=""}`, legend: "{{container}} limit" },
    ], "bytes"),
    panel("timeseries", "CPU per service (cores)", [0, 24, 12, 8], [{ expr: `minidock:service_cpu_cores{${h}}`, legend: "{{service}}" }], "short"),
    panel("table", "Services: uptime, restarts, health", [12, 24, 12, 8], [
      { expr: `avg_over_time(minidock:service_up{${h}}[$__range])`, legend: "uptime", instant: true },
      { expr: `sum by (service) (minidock_container_restarts{${h}})`, legend: "restarts", instant: true },
      { expr: `count by (service) (minidock_container_health{${h},status="unhealthy"} == 1)`, legend: "unhealthy", instant: true },
    ], "none", { options: { showHeader: true } }),
    panel("table", "Firing alerts", [0, 32, 24, 6], [{ expr: `ALERTS{alertstate="firing"}`, instant: true }], "none"),
  ];
  return {
    uid: DASHBOARD_UID,
    title: `minidock: memory budget (${ctx.host})`,
    tags: ["minidock"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: "1m",
    time: { from: "now-24h", to: "now" },
    panels,
  };
}

/** Grafana settings as environment: paths into the uploaded config, and read-only anonymous access by default. */
export function grafanaEnv(withAdminLogin: boolean): Record<string, string> {
  const env: Record<string, string> = {
    GF_PATHS_PROVISIONING: `${CONFIG_DIR}/provisioning`,
    GF_PATHS_DATA: "/var/lib/grafana",
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: "false",
    GF_NEWS_NEWS_FEED_ENABLED: "false",
    GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: `${CONFIG_DIR}/dashboards/budget.json`,
    GF_AUTH_ANONYMOUS_ENABLED: "true",
    GF_AUTH_ANONYMOUS_ORG_ROLE: "Viewer",
  };
  if (!withAdminLogin) {
    env.GF_AUTH_DISABLE_LOGIN_FORM = "true";
    env.GF_AUTH_BASIC_ENABLED = "false";
  }
  return env;
}
