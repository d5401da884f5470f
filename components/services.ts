import { StackConfig } from "../lib/config/resolved";
import { serviceResourceName } from "../lib/naming";
import { PlatformService, assertUniqueOnEachHost, assertUploadsHaveWritableRoot } from "../lib/platform/definition";
import { DockerHost } from "./dockerHost";
import { Service } from "./service";

/** Services by host, then by service name. */
export type ServicesByHost = Record<string, Record<string, Service>>;

/**
 * Every service, user and platform alike, through the same hardened Service component on its host's daemon.
 * A service that mounts other services' volumes (the backup) is created last and mounts their Volume outputs,
 * so it waits for them.
 */
export function deployServices(config: StackConfig, dockerHosts: Record<string, DockerHost>, all: PlatformService[]): ServicesByHost {
  assertUniqueOnEachHost(all.map((p) => p.spec));
  assertUploadsHaveWritableRoot(all);
  const byHost: ServicesByHost = {};
  const volumeOnHost = (host: string, name: string) => {
    const vol = Object.values(byHost[host] ?? {}).map((s) => s.volumesByName[name]).find((v) => v !== undefined);
    if (!vol) throw new Error(`volume ${name} on host ${host} is mounted by a platform service, but no service on that host creates it`);
    return vol.name;
  };
  const creationOrder = [...all].sort((a, b) => Number(a.extraVolumes !== undefined) - Number(b.extraVolumes !== undefined));
  for (const { spec, uploads, secretEnv, extraVolumes, labels } of creationOrder) {
    const dockerHost = dockerHosts[spec.host];
    (byHost[spec.host] ??= {})[spec.name] = new Service(serviceResourceName(spec.name, spec.host, spec.tier), {
      spec,
      host: config.hosts.find((h) => h.name === spec.host)!,
      stack: config.stack,
      provider: dockerHost.provider,
      networks: dockerHost.networks,
      uploads,
      secretEnv,
      extraVolumes: extraVolumes?.map((x) => ({ ...x, volumeName: volumeOnHost(spec.host, x.volumeName) })),
      labels,
    });
  }
  return byHost;
}
