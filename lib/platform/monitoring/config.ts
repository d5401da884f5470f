import { z } from "zod";
import { describeValue } from "../../config/errors";
import { NetworkConfig } from "../../config/hosts";
import { port, positiveInt, resourceName } from "../../config/primitives";
import { CheckContext, checkSecretRef } from "../../config/secrets";
import { imageRef } from "../../config/services";

/**
 * Monitoring and alerting, per host: Prometheus, Alertmanager, node-exporter, cAdvisor, a Pushgateway, a tiny
 * docker-state pusher (health and restarts, which cAdvisor does not see) and an optional read-only Grafana.
 * Every default here is what the shipped stacks run; docs/configuration.md lists the keys.
 */

/** Component names double as service names on each host (container minidock-<name>-1). */
export const MONITORING_COMPONENTS = [
  "prometheus", "alertmanager", "node-exporter", "cadvisor", "pushgateway", "docker-state", "grafana",
] as const;
export type MonitoringComponent = (typeof MONITORING_COMPONENTS)[number];

/**
 * Declared memory (MB) per component. Figures: ../shared/reference/mac-mini-ops.md and the upstream issues it
 * cites; docs/architecture.md explains each. Prometheus ~300 MB reported at ~15 containers with default retention;
 * we keep 7 days and ~20 containers, with GOMEMLIMIT at 80% of the limit. cAdvisor tuned runs at 87-91 MiB, so
 * 128 keeps it under our own 90%-of-limit alert. Grafana 220-390 MiB steady: 384 with GOMEMLIMIT.
 */
export const DEFAULT_MEMORY_MB: Record<MonitoringComponent, number> = {
  prometheus: 256,
  alertmanager: 48,
  "node-exporter": 32,
  cadvisor: 128,
  pushgateway: 32,
  "docker-state": 32,
  grafana: 384,
};

/** Pinned images that publish linux/arm64 (and amd64 for the local stack). Override per key under `images`. */
export const DEFAULT_IMAGES: Record<MonitoringComponent, string> = {
  prometheus: "prom/prometheus:v2.55.1",
  alertmanager: "prom/alertmanager:v0.27.0",
  "node-exporter": "prom/node-exporter:v1.8.2",
  cadvisor: "gcr.io/cadvisor/cadvisor:v0.49.1",
  pushgateway: "prom/pushgateway:v1.10.0",
  "docker-state": "docker:27.4.1-cli",
  grafana: "grafana/grafana:11.3.1",
};

/** Prometheus durations: 7d, 12h, 1h30m, 30s. */
const promDuration = z.string().refine((s) => /^(\d+(y|w|d|h|m|s|ms))+$/.test(s), (s) => ({
  message: `expected a duration such as "30s", "10m" or "7d", got ${describeValue(s)}`,
}));

/** Prometheus sizes for --storage.tsdb.retention.size: 512MB, 2GB. */
const promSize = z.string().refine((s) => /^\d+(B|KB|MB|GB|TB)$/.test(s), (s) => ({
  message: `expected a size such as "512MB" or "2GB" (B, KB, MB, GB, TB), got ${describeValue(s)}`,
}));

const percent = z.number().refine((n) => n > 0 && n < 100, (n) => ({ message: `expected a percentage between 0 and 100, got ${describeValue(n)}` }));

/** The pin rule of every image, with its wording (lib/images.ts pinProblem through services.ts imageRef). */
const pinnedImage = imageRef;

const perComponent = <T extends z.ZodTypeAny>(value: T) =>
  z.object(Object.fromEntries(MONITORING_COMPONENTS.map((c) => [c, value.optional()])) as Record<MonitoringComponent, z.ZodOptional<T>>).strict();

export const ALERT_KINDS = ["ntfy", "slack", "discord", "email", "webhook"] as const;

const email = z
  .object({
    to: z.string().email(),
    from: z.string().email(),
    /** host:port of the SMTP server, e.g. smtp.fastmail.com:587 (STARTTLS is required). */
    smarthost: z.string().refine((s) => /^[A-Za-z0-9.-]+:\d+$/.test(s), (s) => ({
      message: `expected host:port such as "smtp.example.com:587", got ${describeValue(s)}`,
    })),
    username: z.string().min(1).optional(),
    /** Name of a secret config key holding the SMTP password. */
    passwordSecret: z.string().min(1).optional(),
  })
  .strict();

const alerting = z
  .object({
    kind: z.enum(ALERT_KINDS),
    /**
     * Name of a secret config key holding the receiver URL: ntfy topic URL, Slack or Discord webhook URL, or any
     * webhook. The URL itself is a credential (anyone holding it can post), so it never sits in plain config.
     */
    urlSecret: z.string().min(1).optional(),
    email: email.optional(),
    /**
     * Name of a secret config key holding a heartbeat URL (e.g. a healthchecks.io ping URL). Alertmanager posts the
     * always-firing Watchdog alert there every 5 minutes; the service raises the alarm when the posts stop, which is
     * the only way to hear about a mini that is down as a whole (its own Alertmanager is down with it).
     */
    heartbeatUrlSecret: z.string().min(1).optional(),
    /** How often a still-firing alert is sent again. */
    repeatInterval: promDuration.default("4h"),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.kind === "email" && !a.email) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["email"], message: `expected {to, from, smarthost} for kind "email", got nothing` });
    }
    if (a.kind !== "email" && !a.urlSecret) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["urlSecret"],
        message: `expected the name of a secret config key holding the ${a.kind} URL (e.g. "alertWebhookUrl"), got nothing`,
      });
    }
    if (a.kind !== "email" && a.email) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["email"], message: `only used with kind "email", got kind ${describeValue(a.kind)}` });
    }
  });

const thresholds = z
  .object({
    hostMemoryPercent: percent.default(85),
    hostMemoryFor: promDuration.default("10m"),
    containerMemoryPercent: percent.default(90),
    diskPercent: percent.default(80),
    backupMaxAgeHours: positiveInt.default(26),
  })
  .strict();

const grafana = z
  .object({
    enabled: z.boolean().default(true),
    /** Published on 127.0.0.1 only: reach it through an SSH tunnel or `tailscale serve`. */
    port: port.default(3000),
    /**
     * Without it Grafana is read-only: anonymous Viewer, no login form, no basic auth (everything is provisioned).
     * Set it to the name of a secret config key to allow the admin login.
     */
    adminPasswordSecret: z.string().min(1).optional(),
  })
  .strict();

export const monitoringSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Network the monitoring containers (and the backup's push) share; default: the first non-internal network. */
    network: resourceName.optional(),
    retention: z.object({ time: promDuration.default("7d"), size: promSize.default("1GB") }).strict().default({}),
    scrapeInterval: promDuration.default("30s"),
    memoryMb: perComponent(positiveInt).default({}),
    images: perComponent(pinnedImage).default({}),
    grafana: grafana.default({}),
    /** Without it alerts show in Alertmanager but go nowhere. */
    alerting: alerting.optional(),
    thresholds: thresholds.default({}),
  })
  .strict();

export type MonitoringConfig = z.output<typeof monitoringSchema>;
export type AlertingConfig = z.output<typeof alerting>;
export type Thresholds = z.output<typeof thresholds>;

/** Declared memory of one component, with the override applied. */
export function componentMemoryMb(m: MonitoringConfig, c: MonitoringComponent): number {
  return m.memoryMb[c] ?? DEFAULT_MEMORY_MB[c];
}

export function componentImage(m: MonitoringConfig, c: MonitoringComponent): string {
  return m.images[c] ?? DEFAULT_IMAGES[c];
}

/** Components that run with this config (Grafana can be switched off). */
export function enabledComponents(m: MonitoringConfig): MonitoringComponent[] {
  return MONITORING_COMPONENTS.filter((c) => c !== "grafana" || m.grafana.enabled);
}

/**
 * The network monitoring lives on. The backup service joins it too, to push its success time to the Pushgateway
 * (docs/architecture.md#how-backup-reports-to-monitoring). It needs a route out: Alertmanager posts to the receiver.
 */
export function monitoringNetwork(m: Pick<MonitoringConfig, "network">, networks: Record<string, NetworkConfig>): string | undefined {
  return m.network ?? Object.entries(networks).find(([, n]) => !n.internal)?.[0];
}

/** Cross-checks against the rest of the stack: secrets, the network, Grafana's port. */
export function checkMonitoring(
  m: MonitoringConfig,
  networks: Record<string, NetworkConfig>,
  services: Record<string, { ports: { published: number; protocol: string }[] }>,
  ctx: CheckContext,
): void {
  if (!m.enabled) return;
  const at = "monitoring";
  if (m.network !== undefined) {
    if (!(m.network in networks)) {
      ctx.problems.push(`${at}.network: unknown network ${describeValue(m.network)} (declared networks: ${Object.keys(networks).join(", ")})`);
    } else if (networks[m.network].internal) {
      ctx.problems.push(`${at}.network: expected a network with a route out (Alertmanager posts alerts), got internal network ${describeValue(m.network)}`);
    }
  } else if (monitoringNetwork(m, networks) === undefined) {
    ctx.problems.push(`${at}.network: every declared network is internal; declare one without "internal: true" for monitoring (Alertmanager posts alerts)`);
  }
  if (m.grafana.enabled) {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.ports.some((p) => p.published === m.grafana.port && p.protocol === "tcp")) {
        ctx.problems.push(`${at}.grafana.port: ${m.grafana.port} is already published by services.${name}; pick another port`);
      }
    }
  }
  if (m.alerting?.urlSecret) checkSecretRef(ctx, `${at}.alerting.urlSecret`, m.alerting.urlSecret);
  if (m.alerting?.heartbeatUrlSecret) checkSecretRef(ctx, `${at}.alerting.heartbeatUrlSecret`, m.alerting.heartbeatUrlSecret);
  if (m.alerting?.email?.passwordSecret) checkSecretRef(ctx, `${at}.alerting.email.passwordSecret`, m.alerting.email.passwordSecret);
  if (m.grafana.enabled && m.grafana.adminPasswordSecret) checkSecretRef(ctx, `${at}.grafana.adminPasswordSecret`, m.grafana.adminPasswordSecret);
}

// This section's place in the typed stack config (lib/config/stack.ts PlatformSections).
declare module "../../config/stack" {
  interface PlatformSections {
    monitoring: MonitoringConfig;
  }
}
