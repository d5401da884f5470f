import { ResolvedHost, ResolvedService, StackConfig } from "../../config/resolved";
import { ServableService } from "../../config/stack";
import { ServeEntry, tailnetPortOf } from "./config";
import { platformServiceSpec } from "../definition";

/**
 * The Tailscale container of one remote host, as a platform service spec (pure, so tests read it directly).
 *
 * Userspace networking (TS_USERSPACE=true): tailscaled terminates the tailnet inside its own process (netstack)
 * instead of creating a tun device and routes. It then needs neither NET_ADMIN/NET_RAW nor /dev/net/tun, so it runs
 * with every capability dropped, like any other minidock container. What userspace mode gives up (the container
 * cannot route the host's traffic or act as a subnet router or exit node) is exactly what minidock does not want it
 * to do: it only answers `tailscale serve` requests and proxies them to services on shared Docker networks.
 */
export const TAILSCALE_SERVICE = "tailscale";
export const STATE_DIR = "/var/lib/tailscale";
/** On the /tmp tmpfs: the root filesystem stays read-only (see the entrypoint below). */
export const SERVE_CONFIG_PATH = "/tmp/serve.json";
export const SOCKET = "/tmp/tailscaled.sock";
/** containerboot replaces this with the node's MagicDNS name when it applies the serve config. */
const CERT_DOMAIN = "${TS_CERT_DOMAIN}";

/**
 * The serve config is written from an env var by the entrypoint rather than shipped with the provider's
 * `uploads`: the docker provider extracts uploads at "/", which Docker refuses for a read-only root filesystem
 * ("container rootfs is marked read-only", verified against dockerd 20.10 here). printf does not expand the
 * value, so ${TS_CERT_DOMAIN} reaches containerboot literally.
 */
export const ENTRYPOINT_SCRIPT = `printf '%s' "$MINIDOCK_SERVE_CONFIG" > ${SERVE_CONFIG_PATH} && exec /usr/local/bin/containerboot`;

/** Healthy once tailscaled is logged in and running (the CLI's JSON status, read through the local socket). */
export const HEALTHCHECK = ["CMD-SHELL", `tailscale --socket=${SOCKET} status --json --peers=false | grep -q '"BackendState": "Running"'`];

export interface ServedService {
  entry: ServeEntry;
  /** The networks the served service listens on: the Tailscale container joins them to reach it. */
  networks: string[];
}

/** Which served services run on this (remote) host: config services placed here, and minidock's own (Grafana). */
export function servedOn(config: StackConfig, host: string, servable: ServableService[]): ServedService[] {
  const own = new Map(servable.map((p) => [p.name, p]));
  return config.tailscale.serve.flatMap((entry) => {
    const service = config.services.find((s) => s.name === entry.service);
    if (service) return service.host === host ? [{ entry, networks: service.networks }] : [];
    const platform = own.get(entry.service);
    return platform ? [{ entry, networks: [platform.network] }] : [];
  });
}

/**
 * Tailscale's ipn.ServeConfig: https entries terminate TLS with the node's certificate and proxy to the service's
 * network alias (which resolves to every replica), tcp entries forward raw TCP. Funnel stays off explicitly.
 */
export function serveConfig(served: ServedService[]): Record<string, unknown> {
  const TCP: Record<string, unknown> = {};
  const Web: Record<string, unknown> = {};
  const AllowFunnel: Record<string, boolean> = {};
  for (const { entry } of served) {
    const port = tailnetPortOf(entry);
    const backend = `${entry.service}:${entry.port}`;
    if (entry.protocol === "tcp") {
      TCP[String(port)] = { TCPForward: backend };
    } else {
      TCP[String(port)] = { HTTPS: true };
      Web[`${CERT_DOMAIN}:${port}`] = { Handlers: { "/": { Proxy: `http://${backend}` } } };
      AllowFunnel[`${CERT_DOMAIN}:${port}`] = false;
    }
  }
  return { TCP, ...(Object.keys(Web).length > 0 ? { Web, AllowFunnel } : {}) };
}

/** The first network with a route out: tailscaled must reach the coordination server and DERP relays. */
export function outboundNetwork(config: StackConfig): string | undefined {
  return Object.entries(config.networks).find(([, n]) => !n.internal)?.[0];
}

/** `servable`: minidock's own services the tailnet may serve (HostPlan.servable), which run on every host. */
export function tailscaleSpec(config: StackConfig, host: ResolvedHost, servable: ServableService[]): ResolvedService {
  const ts = config.tailscale;
  const served = servedOn(config, host.name, servable);
  const outbound = outboundNetwork(config) ?? Object.keys(config.networks)[0];
  // The outbound network first (it is the container's network mode), then every network a served service is on.
  const networks = [...new Set([outbound, ...served.flatMap((s) => s.networks)])];
  return platformServiceSpec(TAILSCALE_SERVICE, host.name, networks, config, {
    image: ts.container.image,
    memoryMb: ts.container.memoryMb,
    cpus: ts.container.cpus,
    entrypoint: ["/bin/sh", "-c", ENTRYPOINT_SCRIPT],
    env: {
      TS_HOSTNAME: host.name,
      TS_STATE_DIR: STATE_DIR,
      TS_USERSPACE: "true",
      TS_SOCKET: SOCKET,
      // Log in with the auth key only when the state volume holds no node yet: the key is single-use.
      TS_AUTH_ONCE: "true",
      // Keep Docker's DNS: the serve proxies reach services by their network alias.
      TS_ACCEPT_DNS: "false",
      TS_SERVE_CONFIG: SERVE_CONFIG_PATH,
      MINIDOCK_SERVE_CONFIG: JSON.stringify(serveConfig(served)),
    },
    volumes: [{
      name: "state",
      path: STATE_DIR,
      backup: false,
      backupExemptReason: "node key and TLS certificates only: a lost volume means the node re-joins with a new auth key",
    }],
    tmpfs: ["/tmp"],
    healthcheck: { test: HEALTHCHECK, interval: "30s", retries: 3, startPeriod: "60s" },
  });
}
