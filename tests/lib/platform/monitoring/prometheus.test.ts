/** prometheus.yml and the Prometheus flags (pure generators). */
import { parse } from "yaml";
import { CONFIG_DIR } from "../../../../lib/platform/monitoring/context";
import { prometheusArgs, prometheusConfig } from "../../../../lib/platform/monitoring/prometheus";
import { testContext } from "./support";

interface ScrapeConfig { job_name: string; honor_labels?: boolean; static_configs: { targets: string[]; labels: Record<string, string> }[]; metric_relabel_configs?: Record<string, unknown>[] }

const doc = (ctx = testContext()) => parse(prometheusConfig(ctx)) as {
  global: Record<string, unknown>; rule_files: string[]; scrape_configs: ScrapeConfig[]; alerting: unknown;
};

test("scrapes every component on the monitoring network by service name, each series labelled with the host", () => {
  const d = doc();
  expect(d.scrape_configs.map((s) => s.static_configs[0].targets[0])).toEqual([
    "prometheus:9090", "alertmanager:9093", "node-exporter:9100", "cadvisor:8080", "pushgateway:9091",
  ]);
  for (const s of d.scrape_configs) expect(s.static_configs[0].labels).toEqual({ host: "mini" });
  expect(d.global.external_labels).toEqual({ host: "mini", stack: "mini" });
  expect(d.rule_files).toEqual([`${CONFIG_DIR}/rules.yml`]);
});

test("pushed metrics keep their own labels; cAdvisor's whitelisted labels become service/host/tier", () => {
  const d = doc();
  expect(d.scrape_configs.find((s) => s.job_name === "pushgateway")!.honor_labels).toBe(true);
  const relabel = d.scrape_configs.find((s) => s.job_name === "cadvisor")!.metric_relabel_configs!;
  expect(relabel[0]).toEqual({ action: "labelmap", regex: "container_label_minidock_(service|host|tier)", replacement: "$1" });
  expect(relabel.some((r) => r.action === "labeldrop" && r.regex === "container_label_.*")).toBe(true);
});

test("scrape interval and retention come from config", () => {
  const ctx = testContext({}, { scrapeInterval: "15s", retention: { time: "3d", size: "512MB" } });
  expect(doc(ctx).global.scrape_interval).toBe("15s");
  expect(prometheusArgs(ctx)).toEqual(expect.arrayContaining(["--storage.tsdb.retention.time=3d", "--storage.tsdb.retention.size=512MB"]));
  expect(prometheusArgs(ctx)).toContain(`--config.file=${CONFIG_DIR}/prometheus.yml`);
  expect(prometheusArgs(ctx).some((a) => a.includes("enable-admin-api") || a.includes("enable-lifecycle"))).toBe(false);
});
