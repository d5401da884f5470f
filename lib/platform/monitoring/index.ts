import { PORTS } from "../../ports";
import { PlatformServiceDefinition } from "../definition";
import { MonitoringConfig, checkMonitoring, monitoringNetwork, monitoringSchema } from "./config";
import { monitoringServices } from "./containers";

/**
 * Monitoring and alerting (`minidock:monitoring`), per host: Prometheus, Alertmanager, node-exporter, cAdvisor, a
 * Pushgateway, docker-state and an optional read-only Grafana. It needs every other service's spec (ServiceDown
 * watches them all), and cAdvisor and docker-state read the Docker API.
 */
export const monitoringPlatform: PlatformServiceDefinition<MonitoringConfig> = {
  key: "monitoring",
  schema: monitoringSchema.default({}),
  check: (monitoring, stack, ctx) => checkMonitoring(monitoring, stack.networks, stack.services, ctx),
  /** Grafana, the one meant for people, on the monitoring network; the tailnet may serve it. */
  servable: (m, stack) => {
    const network = monitoringNetwork(m, stack.networks);
    return m.enabled && m.grafana.enabled && network !== undefined ? [{ name: "grafana", port: PORTS.grafana, network }] : [];
  },
  needsOtherServices: true,
  usesDockerApi: (config) => config.monitoring.enabled,
  services: ({ config, host, inputs, others, dockerApi }) =>
    monitoringServices(config, host, inputs.secret, others.map((p) => ({ service: p.spec.name, replicas: p.spec.replicas })), dockerApi),
};
