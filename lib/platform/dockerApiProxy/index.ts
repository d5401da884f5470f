import { NetworkConfig } from "../../config/hosts";
import { PlatformServiceDefinition } from "../definition";
import { DOCKER_API_NETWORK, DockerApiProxyConfig, checkDockerApiProxy, dockerApiProxySchema } from "./config";
import { DOCKER_API_PROXY_SERVICE, DOCKER_API_URL, dockerApiProxySpec } from "./container";

/**
 * The Docker API proxy (`minidock:dockerApiProxy`): on each host where a platform service reads the Docker API, one
 * HAProxy container in front of the socket, on an internal network of its own that only its clients join.
 */
export const dockerApiProxyPlatform: PlatformServiceDefinition<DockerApiProxyConfig> = {
  key: "dockerApiProxy",
  schema: dockerApiProxySchema.default({}),
  check: (proxy, stack, ctx) => checkDockerApiProxy(proxy, stack.networks, ctx),
  networks: ({ config, dockerApiWanted }): Record<string, NetworkConfig> =>
    config.dockerApiProxy.enabled && dockerApiWanted ? { [DOCKER_API_NETWORK]: { internal: true } } : {},
  providesDockerApi: (config) =>
    config.dockerApiProxy.enabled ? { kind: "proxy", url: DOCKER_API_URL, service: DOCKER_API_PROXY_SERVICE, network: DOCKER_API_NETWORK } : undefined,
  services: ({ config, host, dockerApiWanted }) =>
    config.dockerApiProxy.enabled && dockerApiWanted ? [{ spec: dockerApiProxySpec(config, host) }] : [],
};
