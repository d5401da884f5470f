import { stringify } from "yaml";
import { BACKUP_METRIC, JOBS, MB, MonitoringContext, WATCHDOG, runbookUrl } from "./context";

/**
 * Recording and alerting rules for one host. Written for Prometheus 2.42+ (what Debian's promtool checks) and
 * unit-tested with `promtool test rules` (tests/monitoring/*.test.yml). Where a metric comes from:
 *   node-exporter: host memory and disks (of the Colima VM, which is the host's whole budget)
 *   cAdvisor: memory/CPU per container and its limit
 *   docker-state (pushed to the Pushgateway): running, health status, restart count, OOM kill per container
 *   backup service (pushed): time of the last successful backup
 */

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** `label_replace(vector(v), "a", "x", "", "") ...`: a constant series with labels, for values only the config knows. */
function constant(value: number, labels: Record<string, string>): string {
  return Object.entries(labels).reduce((expr, [k, v]) => `label_replace(${expr}, "${k}", "${v}", "", "")`, `vector(${value})`);
}

function alert(name: string, expr: string, forDuration: string | undefined, severity: "critical" | "warning", summary: string, description: string): Rule {
  return {
    alert: name,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity },
    annotations: { summary, description, runbook_url: runbookUrl(name) },
  };
}

/** Names of every alert the rules define: the runbook has one section per name (docs/runbook.md#<lower-case>). */
export const ALERT_NAMES = [
  "HostMemoryHigh", "ContainerMemoryNearLimit", "ContainerRestarting", "ContainerUnhealthy", "ServiceDown",
  "MonitoringTargetDown", "ContainerStateStale", "DiskUsageHigh", "BackupTooOld",
] as const;

export function recordingRules(ctx: MonitoringContext): Rule[] {
  const h = { host: ctx.host };
  const declared = ctx.expected.map((e) => constant(e.replicas, { ...h, service: e.service })).join("\nor\n");
  return [
    { record: "minidock:host_memory_budget_bytes", expr: constant(ctx.memoryMb * MB, h) },
    { record: "minidock:host_memory_reserve_bytes", expr: constant(ctx.reserveMb * MB, h) },
    { record: "minidock:host_memory_used_bytes", expr: "sum by (host) (node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes)" },
    { record: "minidock:container_memory_used_ratio", expr: 'container_memory_working_set_bytes{service!=""} / (container_spec_memory_limit_bytes{service!=""} > 0)' },
    { record: "minidock:service_memory_bytes", expr: 'sum by (host, service, tier) (container_memory_working_set_bytes{service!=""})' },
    { record: "minidock:service_memory_limit_bytes", expr: 'sum by (host, service, tier) (container_spec_memory_limit_bytes{service!=""})' },
    { record: "minidock:host_memory_declared_bytes", expr: 'sum by (host) (container_spec_memory_limit_bytes{service!=""})' },
    { record: "minidock:service_cpu_cores", expr: 'sum by (host, service, tier) (rate(container_cpu_usage_seconds_total{service!=""}[5m]))' },
    ...(declared ? [{ record: "minidock:service_replicas:declared", expr: declared }] : []),
    // Declared by the config, else (platform services this generator does not know of) as many as exist.
    { record: "minidock:service_replicas:expected", expr: "minidock:service_replicas:declared or count by (host, service) (minidock_container_running)" },
    { record: "minidock:service_replicas:running", expr: "count by (host, service) (minidock_container_running == 1)" },
    // 1 while every declared replica runs: the dashboard's uptime per service is its average over time.
    { record: "minidock:service_up", expr: "(minidock:service_replicas:expected - on (host, service) (minidock:service_replicas:running or minidock:service_replicas:expected * 0)) == bool 0" },
  ];
}

export function alertRules(ctx: MonitoringContext): Rule[] {
  const t = ctx.monitoring.thresholds;
  const rules: Rule[] = [
    alert(
      "HostMemoryHigh",
      `minidock:host_memory_used_bytes / on (host) minidock:host_memory_budget_bytes > ${t.hostMemoryPercent / 100}`,
      t.hostMemoryFor, "warning",
      `Host {{ $labels.host }} uses {{ $value | humanizePercentage }} of its memory budget`,
      `Memory in use on the Colima VM of {{ $labels.host }} has been above ${t.hostMemoryPercent}% of the budget (hosts.{{ $labels.host }}.memoryMb) for ${t.hostMemoryFor}. The VM does not give memory back; the next step is OOM kills.`,
    ),
    alert(
      "ContainerMemoryNearLimit",
      `minidock:container_memory_used_ratio > ${t.containerMemoryPercent / 100}`,
      "5m", "warning",
      `{{ $labels.container }} uses {{ $value | humanizePercentage }} of its memory limit`,
      `Container {{ $labels.container }} (service {{ $labels.service }}, host {{ $labels.host }}) has used more than ${t.containerMemoryPercent}% of its memory limit (services.{{ $labels.service }}.memoryMb) for 5 minutes. At 100% the kernel OOM-kills it.`,
    ),
    alert(
      "ContainerRestarting",
      "changes(minidock_container_restarts[15m]) > 0 or minidock_container_oom_killed == 1",
      undefined, "warning",
      `{{ $labels.container }} restarted or was OOM-killed`,
      `Container {{ $labels.container }} (service {{ $labels.service }}, host {{ $labels.host }}) restarted in the last 15 minutes, or its last exit was an OOM kill. Docker restarts it (restart: unless-stopped); repeated restarts mean a crash loop.`,
    ),
    alert(
      "ContainerUnhealthy",
      'minidock_container_health{status="unhealthy"} == 1',
      "2m", "critical",
      `{{ $labels.container }} is unhealthy`,
      `The Docker healthcheck of {{ $labels.container }} (service {{ $labels.service }}, host {{ $labels.host }}) has failed for 2 minutes. Docker does not restart unhealthy containers on its own.`,
    ),
    alert(
      "ServiceDown",
      "minidock:service_replicas:expected - on (host, service) (minidock:service_replicas:running or minidock:service_replicas:expected * 0) > 0",
      "2m", "critical",
      `{{ $value }} replica(s) of {{ $labels.service }} not running on {{ $labels.host }}`,
      `Service {{ $labels.service }} on host {{ $labels.host }} has had fewer running containers than declared for 2 minutes ({{ $value }} missing).`,
    ),
    alert(
      "MonitoringTargetDown",
      "up == 0",
      "5m", "warning",
      `{{ $labels.job }} on {{ $labels.host }} is not answering`,
      `Prometheus has not been able to scrape {{ $labels.job }} ({{ $labels.instance }}) for 5 minutes: the metrics it provides, and the alerts built on them, are blind.`,
    ),
    alert(
      "ContainerStateStale",
      `time() - max by (job) (push_time_seconds{job="${JOBS.dockerState}"}) > 180 or absent(push_time_seconds{job="${JOBS.dockerState}"})`,
      "3m", "warning",
      `docker-state has stopped reporting on ${ctx.host}`,
      `The docker-state pusher has not pushed container state for over 3 minutes: ContainerRestarting, ContainerUnhealthy and ServiceDown cannot fire until it does.`,
    ),
    alert(
      "DiskUsageHigh",
      `(1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs|ramfs|devtmpfs|nsfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs|ramfs|devtmpfs|nsfs"}) * 100 > ${t.diskPercent}`,
      "10m", "warning",
      `{{ $labels.mountpoint }} on {{ $labels.host }} is {{ $value | printf "%.0f" }}% full`,
      `Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on host {{ $labels.host }} has been more than ${t.diskPercent}% full for 10 minutes. Colima's disk can only grow.`,
    ),
  ];
  rules.push({
    alert: WATCHDOG,
    expr: "vector(1)",
    labels: { severity: "none" },
    annotations: {
      summary: `Alerting on ${ctx.host} works (always firing)`,
      description: "Prometheus evaluates rules and reaches Alertmanager. Sent to the heartbeat URL every 5 minutes when alerting.heartbeatUrlSecret is set; the heartbeat service alarms when it stops.",
      runbook_url: runbookUrl(WATCHDOG),
    },
  });
  if (ctx.backupEnabled) {
    const maxAge = t.backupMaxAgeHours * 3600;
    rules.push(alert(
      "BackupTooOld",
      // A series older than the limit, or none at all while Prometheus has held more history than the limit (a
      // fresh install does not fire; a Pushgateway restart does not either, because older samples are still there).
      `time() - ${BACKUP_METRIC} > ${maxAge} or on () (absent_over_time(${BACKUP_METRIC}[${t.backupMaxAgeHours}h]) and on () (time() - min(prometheus_tsdb_lowest_timestamp_seconds) > ${maxAge}))`,
      undefined, "critical",
      `No successful backup on ${ctx.host} for more than ${t.backupMaxAgeHours} hours`,
      `The last successful backup{{ with $labels.target }} to {{ . }}{{ end }} on host ${ctx.host} is older than ${t.backupMaxAgeHours} hours, or none has been reported.`,
    ));
  }
  return rules;
}

/** rules.yml: one group of recording rules, one of alerts. */
export function rulesFile(ctx: MonitoringContext): string {
  const groups = [
    { name: "minidock-records", rules: recordingRules(ctx) },
    { name: "minidock-alerts", rules: alertRules(ctx) },
  ];
  return `# Generated by minidock (lib/platform/monitoring/alertRules.ts) for host ${ctx.host}. Do not edit on the host.\n${stringify({ groups }, { lineWidth: 0 })}`;
}
