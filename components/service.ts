import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedHost, ResolvedService } from "../lib/config/resolved";
import { Allocation } from "../lib/budget";
import { serviceConfigKey } from "../lib/configKeys";
import { containerInputs } from "../lib/containerInputs";
import {
  containerAllocation, containerLabels, parseContainerLabels, secretEnvLabel, toLabelList, volumeLabels,
} from "../lib/labels";
import { containerName, containerResourceName, imageResourceName, volumeName } from "../lib/naming";
import { healthWaitSeconds, rolloutOf } from "../lib/rollout";

export interface ServiceArgs {
  /** The validated service: every default already applied by the config contract. */
  spec: ResolvedService;
  host: ResolvedHost;
  stack: string;
  provider: docker.Provider;
  /** Docker networks of this service's host, by config name. */
  networks: Record<string, docker.Network>;
  /** Values for spec.secretEnv, already read as Pulumi secrets. */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /** Config files written into the container at create time: no host bind mounts needed. */
  uploads?: { file: string; content: pulumi.Input<string>; executable?: boolean }[];
  /**
   * Existing docker volumes of OTHER services, mounted by name (the backup container reads them read-only).
   * Pass the other Service's `volume.name` output, so this container is created after the volume exists.
   */
  extraVolumes?: { volumeName: pulumi.Input<string>; path: string; readOnly: boolean }[];
  /** Extra container labels; the minidock.* contract labels (containerLabels) are applied last and always win. */
  labels?: Record<string, string>;
}

/**
 * One service on one host: a pinned image, its named volumes and `replicas` hardened containers.
 * Volumes are retained on `pulumi destroy` unless the service config sets retainOnDestroy: false.
 */
export class Service extends pulumi.ComponentResource {
  public readonly image: docker.RemoteImage;
  public readonly containers: docker.Container[];
  public readonly volumes: docker.Volume[];
  /** The same volumes by docker volume name, so another service (backups) can mount one by name. */
  public readonly volumesByName: Record<string, docker.Volume> = {};
  public readonly containerNames: pulumi.Output<string[]>;
  /**
   * What each container declares against its host's budget, read back from the labels and inputs it was given
   * exactly as the pack and `npm run budget` read them (lib/labels.ts containerAllocation): the program's outputs.
   */
  public readonly allocations: Allocation[] = [];

  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("minidock:index:Service", name, {}, opts);
    const { spec, host } = args;
    const child = { parent: this, provider: args.provider };

    this.image = new docker.RemoteImage(imageResourceName(name), {
      name: spec.image,
      platform: host.platform,
      // Keep the image on the host after destroy or an upgrade: rolling back is then a local start.
      keepLocally: true,
    }, child);

    const volumeFor = new Map<string, docker.Volume>();
    this.volumes = [];
    const makeVolume = (v: ResolvedService["volumes"][number], replica?: number) => {
      const dockerName = volumeName(spec.name, v.name, replica);
      const labels = volumeLabels({
        stack: args.stack, host: host.name, service: spec.name, volume: v.name, backup: v.backup, backupExemptReason: v.backupExemptReason,
      });
      const vol = new docker.Volume(replica === undefined ? `${name}-${v.name}` : `${name}-${replica}-${v.name}`, { name: dockerName, labels: toLabelList(labels) }, {
        ...child,
        retainOnDelete: v.retainOnDestroy,
      });
      this.volumes.push(vol);
      this.volumesByName[dockerName] = vol;
      return vol;
    };
    for (const v of spec.volumes.filter((v) => v.shared || spec.replicas === 1)) volumeFor.set(v.name, makeVolume(v));

    const plainEnv = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
    const secretEntries = Object.entries(args.secretEnv ?? {});
    // Any secret value makes the whole env list secret, in state and in outputs.
    const envs: pulumi.Input<string[]> =
      secretEntries.length === 0
        ? plainEnv
        : pulumi.secret(pulumi.all(secretEntries.map(([k, v]) => pulumi.output(v).apply((val) => `${k}=${val}`))).apply((s) => [...plainEnv, ...s]));

    const inputs = containerInputs(spec);
    const rollout = rolloutOf(spec).order;
    const startFirst = rollout === "start-first";
    const health = spec.healthcheck !== undefined && spec.healthcheck.test[0] !== "NONE" ? spec.healthcheck : undefined;
    const hostNetwork = spec.unsafe.networkMode !== undefined;
    const networkRefs = spec.networks.map((n) => args.networks[n]);

    this.containers = [];
    for (let replica = 1; replica <= spec.replicas; replica++) {
      const volumes = spec.volumes.map((v) => {
        const vol = volumeFor.get(v.name) ?? makeVolume(v, replica);
        return { volumeName: vol.name, containerPath: v.path, readOnly: v.readOnly || undefined };
      });
      for (const x of args.extraVolumes ?? []) volumes.push({ volumeName: pulumi.output(x.volumeName), containerPath: x.path, readOnly: x.readOnly || undefined });
      const mounts = spec.unsafe.hostMounts.map((m) => ({
        type: "bind",
        source: m.hostPath,
        target: m.path,
        readOnly: m.readOnly,
        bindOptions: m.propagation ? { propagation: m.propagation } : undefined,
      }));
      const labels = {
        ...args.labels,
        ...containerLabels({
          stack: args.stack,
          host: host.name,
          service: spec.name,
          replica,
          tier: spec.tier,
          hostMemoryMb: host.memoryMb,
          hostReserveMb: host.reserveMb,
          hostCpus: host.cpus,
          hostDiskGb: host.diskGb,
          configKey: spec.tier === "workload" ? serviceConfigKey(spec.name) : undefined,
          rollout,
        }),
        // Names only; last, so no extra label can claim a literal env entry is a secret.
        ...secretEnvLabel(secretEntries.map(([k]) => k)),
      };
      this.allocations.push(containerAllocation({
        name: containerName(spec.name, replica), labels: parseContainerLabels(toLabelList(labels)),
        memory: inputs.memory, cpus: inputs.cpus, logDriver: inputs.logDriver, logOpts: inputs.logOpts,
      })!);
      const replicaName = containerName(spec.name, replica);
      this.containers.push(
        new docker.Container(containerResourceName(name, replica), {
          // start-first: the new container runs beside the old one, so it cannot take the old one's name. The
          // engine names it from Pulumi.yaml's autonaming pattern (minidock-<resource>-<6 hex>) and picks a fresh
          // name on each replacement; the replica's own name stays reachable as a network alias below.
          name: startFirst ? undefined : replicaName,
          image: this.image.imageId,
          ...inputs,
          envs,
          labels: toLabelList(labels),
          // Unset (the provider's "bridge"): the provider creates the container, disconnects it from the default
          // bridge before it starts, then connects it to each network below with its aliases. Naming the first
          // network here instead made the daemon drop that network's aliases (the service name) on connect.
          networkMode: hostNetwork ? spec.unsafe.networkMode : undefined,
          networksAdvanced: hostNetwork ? undefined : networkRefs.map((n) => ({ name: n.name, aliases: startFirst ? [spec.name, replicaName] : [spec.name] })),
          ports: spec.ports.map((p) => ({ internal: p.target, external: p.published, ip: p.bind, protocol: p.protocol })),
          volumes: volumes.length > 0 ? volumes : undefined,
          mounts: mounts.length > 0 ? mounts : undefined,
          uploads: args.uploads?.map((u) => ({ file: u.file, content: u.content, executable: u.executable })),
          // The health gate: the update fails when the new container is not healthy by the time the daemon would
          // have called it unhealthy, instead of reporting success (and, start-first, before the old one stops).
          wait: health !== undefined,
          waitTimeout: health ? healthWaitSeconds(health) : undefined,
        }, { ...child, deleteBeforeReplace: !startFirst }),
      );
    }

    this.containerNames = pulumi.output(this.containers.map((c) => c.name));
    this.registerOutputs({ image: this.image.name, containerNames: this.containerNames });
  }
}
