/**
 * Renders the generated monitoring configs of the shipped stacks into a directory, for the real tools to check
 * (scripts/ci/monitoring.sh: promtool check config / check rules / test rules, amtool check-config):
 *
 *   <out>/<stack>/<host>/prometheus.yml, rules.yml, alertmanager.yml, docker-state.sh, grafana/...
 *
 * Usage: node -r ts-node/register/transpile-only tools/monitoring/render.ts <out-dir> [stack ...]
 * Secrets the stack references get placeholders (as in every offline check); the receiver URL becomes a
 * syntactically valid https URL so amtool checks the real structure.
 */
import * as fs from "fs";
import * as path from "path";
import { ALERT_KINDS } from "../../lib/platform/monitoring/config";
import { resolveStackConfig } from "../../lib/stackConfig";
import { alertmanagerConfig } from "../../lib/platform/monitoring/alertmanager";
import { CONFIG_DIR } from "../../lib/platform/monitoring/context";
import { dockerStateScript } from "../../lib/platform/monitoring/dockerState";
import { budgetDashboard, dashboardProvidersFile, datasourcesFile } from "../../lib/platform/monitoring/grafana";
import { prometheusConfig } from "../../lib/platform/monitoring/prometheus";
import { rulesFile } from "../../lib/platform/monitoring/alertRules";
import { monitoringContext } from "../../lib/platform/monitoring/containers";
import { readStackConfigFile, stackFilePath, toRawStackConfig, withPlaceholderSecrets } from "../offline/stackFile";
import { UsageError, parseToolArgs, runMain } from "../stackRun";

const PROJECT_DIR = path.resolve(__dirname, "../..");
export const PLACEHOLDER_URL = "https://alerts.example.invalid/minidock-placeholder";

/** Files for one host, keyed by their path relative to the host's directory. */
export function renderStack(stack: string, projectDir = PROJECT_DIR): Record<string, Record<string, string>> {
  const cfg = withPlaceholderSecrets(stack, readStackConfigFile(stackFilePath(projectDir, stack), projectDir)).config;
  const config = resolveStackConfig(stack, toRawStackConfig(cfg));
  const out: Record<string, Record<string, string>> = {};
  if (!config.monitoring.enabled) return out;
  for (const host of config.hosts) {
    const ctx = monitoringContext(config, host);
    // prometheus.yml names its rule file by its in-container path; the rendered copy points next to itself.
    const prom = prometheusConfig(ctx).replace(`${CONFIG_DIR}/rules.yml`, "rules.yml");
    out[host.name] = {
      "prometheus.yml": prom,
      "rules.yml": rulesFile(ctx),
      "alertmanager.yml": alertmanagerConfig(config.monitoring.alerting, { url: PLACEHOLDER_URL, smtpPassword: "placeholder", heartbeatUrl: PLACEHOLDER_URL }),
      "docker-state.sh": dockerStateScript(),
      "grafana/datasources.yml": datasourcesFile(),
      "grafana/dashboards.yml": dashboardProvidersFile(),
      "grafana/budget.json": JSON.stringify(budgetDashboard(ctx), null, 2),
    };
  }
  return out;
}

/** One alertmanager.yml per receiver kind, so amtool checks every shape a user can configure, not only the shipped one. */
export function renderReceivers(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of ALERT_KINDS) {
    const alerting = kind === "email"
      ? { kind, repeatInterval: "4h", email: { to: "ops@example.com", from: "minidock@example.com", smarthost: "smtp.example.com:587", username: "minidock", passwordSecret: "smtpPassword" } }
      : { kind, repeatInterval: "4h", urlSecret: "alertWebhookUrl" };
    out[`alertmanager-${kind}.yml`] = alertmanagerConfig(alerting, { url: PLACEHOLDER_URL, smtpPassword: "placeholder" });
  }
  out["alertmanager-none.yml"] = alertmanagerConfig(undefined);
  out["alertmanager-heartbeat.yml"] = alertmanagerConfig(
    { kind: "ntfy", repeatInterval: "4h", urlSecret: "alertWebhookUrl", heartbeatUrlSecret: "heartbeatUrl" },
    { url: PLACEHOLDER_URL, heartbeatUrl: "https://hc-ping.example.invalid/uuid" },
  );
  return out;
}

export const USAGE = "npm run render:monitoring -- <out-dir> [stack ...]   (default stacks: mini local)";

export async function main(argv: string[]): Promise<number> {
  const { positionals } = parseToolArgs(argv, {}, true);
  const [outDir, ...stacks] = positionals;
  if (!outDir) throw new UsageError("expected an output directory");
  for (const stack of stacks.length > 0 ? stacks : ["mini", "local"]) {
    for (const [host, files] of Object.entries(renderStack(stack))) {
      for (const [name, content] of Object.entries(files)) {
        const file = path.join(outDir, stack, host, name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
      }
      console.log(`${stack}/${host}: ${Object.keys(files).length} files`);
    }
  }
  const receivers = renderReceivers();
  fs.mkdirSync(path.join(outDir, "receivers"), { recursive: true });
  for (const [name, content] of Object.entries(receivers)) fs.writeFileSync(path.join(outDir, "receivers", name), content);
  console.log(`receivers: ${Object.keys(receivers).length} files`);
  return 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
