import { ResolvedHost, ResolvedService, StackConfig } from "../../config/resolved";
import { platformServiceSpec } from "../definition";
import { DOCKER_API_NETWORK } from "./config";
import { DOCKER_API_PORT, PROXIED_SOCKET, haproxyConfig } from "./haproxy";

/** The proxy's service name on every host (container minidock-docker-api-proxy-1), and so its network alias. */
export const DOCKER_API_PROXY_SERVICE = "docker-api-proxy";

/** What its clients set as DOCKER_HOST (or cAdvisor's --docker). */
export const DOCKER_API_URL = `tcp://${DOCKER_API_PROXY_SERVICE}:${DOCKER_API_PORT}`;

/** On the /tmp tmpfs: the root filesystem stays read-only. */
const CONFIG_PATH = "/tmp/haproxy.cfg";

/**
 * The config travels in an env var and the entrypoint writes it to /tmp, as the Tailscale container does with its
 * serve config: the provider's `uploads` would need a writable root (Docker refuses them on a read-only one).
 */
export const ENTRYPOINT_SCRIPT = `printf '%s' "$MINIDOCK_HAPROXY_CONFIG" > ${CONFIG_PATH} && exec haproxy -db -f ${CONFIG_PATH}`;

/**
 * The proxy of one host. It is the only container that mounts the socket, and it runs as root only because the
 * socket is root:docker 0660 and the docker group's id inside the Colima VM is not fixed; every capability is
 * dropped, the root is read-only, and its only network is internal, shared with its clients alone.
 */
export function dockerApiProxySpec(config: StackConfig, host: ResolvedHost): ResolvedService {
  const p = config.dockerApiProxy;
  return platformServiceSpec(DOCKER_API_PROXY_SERVICE, host.name, [DOCKER_API_NETWORK], config, {
    image: p.image,
    memoryMb: p.memoryMb,
    cpus: p.cpus,
    user: "0:0",
    entrypoint: ["/bin/sh", "-c", ENTRYPOINT_SCRIPT],
    env: { MINIDOCK_HAPROXY_CONFIG: haproxyConfig() },
    tmpfs: ["/tmp"],
    // Through the proxy itself: healthy only while the daemon answers behind it.
    healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${DOCKER_API_PORT}/_ping`], interval: "30s", retries: 3 },
    unsafe: { hostMounts: [{ hostPath: host.dockerSocket, path: PROXIED_SOCKET, readOnly: true }] },
  });
}
