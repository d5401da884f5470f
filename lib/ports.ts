/**
 * Ports the monitoring components listen on, inside the monitoring network (none is published except Grafana's).
 * A leaf module: the config contract checks `tailscale.serve` against Grafana's port, and the monitoring and
 * backup features dial them, so it sits underneath both and imports nothing.
 */
export const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  "node-exporter": 9100,
  cadvisor: 8080,
  pushgateway: 9091,
  grafana: 3000,
} as const;
