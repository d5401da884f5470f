/**
 * Grafana provisioning (pure). The dashboard is built in code; this checks it shows the budget per host and per
 * service, and that every recorded series it queries is one the rules actually record.
 */
import { parse } from "yaml";
import { CONFIG_DIR } from "../../../../lib/platform/monitoring/context";
import {
  DASHBOARD_UID, DATASOURCE_UID, budgetDashboard, dashboardProvidersFile, datasourcesFile, grafanaEnv,
} from "../../../../lib/platform/monitoring/grafana";
import { recordingRules } from "../../../../lib/platform/monitoring/alertRules";
import { testContext } from "./support";

interface Panel { title: string; type: string; targets: { expr: string; refId: string }[]; datasource: { uid: string } }

const dashboard = budgetDashboard(testContext()) as { uid: string; panels: Panel[]; editable: boolean };
const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

test("datasource and provider point at Prometheus and the uploaded dashboard directory", () => {
  const ds = parse(datasourcesFile()).datasources[0];
  expect(ds).toMatchObject({ uid: DATASOURCE_UID, type: "prometheus", url: "http://prometheus:9090", isDefault: true, editable: false });
  expect(parse(dashboardProvidersFile()).providers[0].options.path).toBe(`${CONFIG_DIR}/dashboards`);
  expect(dashboard.uid).toBe(DASHBOARD_UID);
  expect(dashboard.editable).toBe(false);
});

test("shows memory budget use per host (in use and declared vs budget, headroom) and per service vs its limit", () => {
  const titles = dashboard.panels.map((p) => p.title);
  expect(titles).toEqual(expect.arrayContaining([
    "Memory in use / budget", "Declared + reserve / budget", "Headroom", "Memory per service / its limit", "Memory per container (dashed: limit)",
  ]));
  expect(exprs.some((e) => e.includes("minidock:host_memory_used_bytes") && e.includes("minidock:host_memory_budget_bytes"))).toBe(true);
  expect(exprs.some((e) => e.includes("minidock:service_memory_bytes") && e.includes("minidock:service_memory_limit_bytes"))).toBe(true);
  expect(exprs.some((e) => e.includes("container_spec_memory_limit_bytes"))).toBe(true);
  expect(exprs.some((e) => e.includes("minidock:service_up"))).toBe(true);
});

test("every minidock:* series the dashboard queries is recorded by the rules", () => {
  const recorded = new Set(recordingRules(testContext()).map((r) => r.record));
  const used = new Set(exprs.flatMap((e) => e.match(/minidock:[a-z_:]+/g) ?? []));
  expect(used.size).toBeGreaterThan(5);
  for (const name of used) expect(recorded).toContain(name);
});

test("panels have unique ids and refIds and use the provisioned datasource", () => {
  const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const p of dashboard.panels) {
    expect(p.datasource.uid).toBe(DATASOURCE_UID);
    expect(new Set(p.targets.map((t) => t.refId)).size).toBe(p.targets.length);
  }
});

test("read-only by default: anonymous Viewer, no login form, no basic auth; an admin password turns the login back on", () => {
  const ro = grafanaEnv(false);
  expect(ro).toMatchObject({ GF_AUTH_ANONYMOUS_ENABLED: "true", GF_AUTH_ANONYMOUS_ORG_ROLE: "Viewer", GF_AUTH_DISABLE_LOGIN_FORM: "true", GF_AUTH_BASIC_ENABLED: "false" });
  const admin = grafanaEnv(true);
  expect(admin).not.toHaveProperty("GF_AUTH_DISABLE_LOGIN_FORM");
  expect(admin.GF_PATHS_PROVISIONING).toBe(`${CONFIG_DIR}/provisioning`);
});
