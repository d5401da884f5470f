import { z } from "zod";
import { describeValue } from "../../config/errors";
import { cpuString, positiveInt } from "../../config/primitives";
import { imageRef } from "../../config/services";
import { CheckContext } from "../../config/secrets";

/**
 * `minidock:dockerApiProxy`: a filtering proxy in front of each host's Docker socket. Where a platform service reads
 * the Docker API (cAdvisor and docker-state, with monitoring on), it asks this proxy over a private network instead
 * of mounting the socket, and the proxy passes only the read-only calls they make. On by default; off means those
 * containers mount the raw socket again, which the pack then reports unless policies/<stack>.json accepts it.
 */

/** The official HAProxy image, Alpine variant (busybox wget for the healthcheck); linux/arm64 and amd64. */
export const DOCKER_API_PROXY_IMAGE = "haproxy:3.0.5-alpine";

/** The proxy's own network on each host, and the one name no config network may take. */
export const DOCKER_API_NETWORK = "docker-api";

export const dockerApiProxySchema = z
  .object({
    enabled: z.boolean().default(true),
    image: imageRef.default(DOCKER_API_PROXY_IMAGE),
    /** HAProxy idles at a few MB; 32 leaves room for a burst of cAdvisor's inspect calls. */
    memoryMb: positiveInt.default(32),
    cpus: cpuString.default("0.1"),
  })
  .strict();

export type DockerApiProxyConfig = z.output<typeof dockerApiProxySchema>;

/** Its network is created beside the config's, so a config network may not already use the name. */
export function checkDockerApiProxy(proxy: DockerApiProxyConfig, networks: Record<string, unknown>, ctx: CheckContext): void {
  if (proxy.enabled && DOCKER_API_NETWORK in networks) {
    ctx.problems.push(
      `networks.${DOCKER_API_NETWORK}: the name is taken by minidock's Docker API proxy network (dockerApiProxy.enabled); ` +
        `rename the network, or set dockerApiProxy.enabled: false (got ${describeValue(DOCKER_API_NETWORK)})`,
    );
  }
}

// This section's place in the typed stack config (lib/config/stack.ts PlatformSections).
declare module "../../config/stack" {
  interface PlatformSections {
    dockerApiProxy: DockerApiProxyConfig;
  }
}
