import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../lib/config/hosts";
import { ResolvedHost } from "../lib/config/resolved";
import { ownerLabels, toLabelList } from "../lib/labels";
import { hostScopedResourceName, networkName, providerResourceName } from "../lib/naming";
import { dockerSshOpts } from "../lib/ssh";

export interface DockerHostArgs {
  host: ResolvedHost;
  stack: string;
  networks: Record<string, NetworkConfig>;
  /** What must exist before the daemon is reachable, e.g. the host's ColimaHost. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The Docker daemon of one host as Pulumi sees it: an explicit provider (never the ambient default) and the
 * host's networks. Every docker resource for the host is created through `provider`.
 */
export class DockerHost extends pulumi.ComponentResource {
  public readonly provider: docker.Provider;
  public readonly networks: Record<string, docker.Network>;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("minidock:index:DockerHost", name, {}, opts);
    const { host } = args;

    this.provider = new docker.Provider(providerResourceName(name), {
      host: host.dockerHost,
      sshOpts: host.remote ? dockerSshOpts(host.name, host.sshPort) : undefined,
    }, { parent: this, dependsOn: args.dependsOn });

    this.networks = {};
    for (const [net, cfg] of Object.entries(args.networks)) {
      this.networks[net] = new docker.Network(hostScopedResourceName(name, net), {
        name: networkName(net),
        driver: "bridge",
        internal: cfg.internal,
        labels: toLabelList(ownerLabels(args.stack, host.name)),
      }, { parent: this, provider: this.provider, dependsOn: args.dependsOn });
    }

    this.registerOutputs({ dockerHost: host.dockerHost, networks: Object.keys(this.networks) });
  }
}
