import { HostBudget } from "../../lib/budget";
import { StackConfig } from "../../lib/config/resolved";
import { TYPE } from "../../lib/dockerTypes";
import { LABEL, fromLabelList, parseContainerLabels, parseVolumeLabels } from "../../lib/labels";
import { Tier } from "../../lib/naming";
import { archivePrefix } from "../../lib/platform/backup/containers";
import { BACKUP_SERVICE, BACKUP_SOURCE_ROOT } from "../../lib/platform/backup/sources";
import { Thresholds } from "../../lib/platform/monitoring/config";
import { RolloutOrder } from "../../lib/rollout";
import { RecordedResource } from "../offline/evaluate";

/**
 * What the stack declares, per host, read off the program's own registrations (tools/offline/evaluate.ts: index.ts
 * under Pulumi's mock monitor, the same evaluation `npm run check` judges). Nothing here describes the stack a
 * second time: containers, networks and volumes are the resources the program registers, with the inputs it gives
 * the docker provider; the config supplies only what no resource carries (the host's daemon address and budget,
 * the backup schedule, the alert thresholds). Pure.
 */

export interface DeclaredContainer {
  host: string;
  service: string;
  replica: number;
  tier: Tier;
  rollout: RolloutOrder;
  /** The daemon name of a stop-first container; undefined when the engine names it (start-first). */
  name?: string;
  /** The image reference its RemoteImage pulls (`postgres:16.6-alpine`): what the container must run. */
  imageRef?: string;
  /** Declared memory limit (MB); undefined when none is declared. */
  memoryMb?: number;
  hasHealthcheck: boolean;
  /** The inputs the program hands the docker provider: what tools/engine/envelope.ts compares with inspect. */
  inputs: Record<string, unknown>;
  /** Its Pulumi resource name, for messages. */
  resource: string;
}

export interface DeclaredNetwork {
  host: string;
  name: string;
  internal: boolean;
  driver: string;
}

export interface DeclaredVolume {
  host: string;
  name: string;
  service?: string;
  /** Labelled `minidock.backup=true`: the host's backup must cover it. */
  backup: boolean;
}

export interface DeclaredBackup {
  /** The cron expression offen runs on (backup.schedule). */
  schedule: string;
  /** Where the backup container keeps its archives, and their name prefix (its own BACKUP_ARCHIVE and BACKUP_PRUNING_PREFIX). */
  archiveDir: string;
  prefix: string;
  /** Where a covered volume is mounted inside the backup container: <root>/<docker volume name>. */
  sourceRoot: string;
}

export interface DeclaredHost {
  name: string;
  dockerHost: string;
  budget: HostBudget;
  containers: DeclaredContainer[];
  networks: DeclaredNetwork[];
  volumes: DeclaredVolume[];
  /** Undefined when backups are off for the stack. */
  backup?: DeclaredBackup;
}

export interface DeclaredStack {
  stack: string;
  hosts: DeclaredHost[];
  thresholds: Thresholds;
}

/** A container's env entry by name, from its declared `envs` (`KEY=value` strings). */
function envOf(inputs: Record<string, unknown>, key: string): string | undefined {
  const envs = Array.isArray(inputs.envs) ? (inputs.envs as unknown[]) : [];
  const hit = envs.find((e): e is string => typeof e === "string" && e.startsWith(`${key}=`));
  return hit?.slice(key.length + 1);
}

/** Key of one replica on one host: how a running container is matched to its declaration (labels, never names). */
export const replicaKey = (host: string, service: string, replica: number | string) => `${host}/${service}/${replica}`;

export function declaredStack(config: StackConfig, resources: RecordedResource[]): DeclaredStack {
  // A container's image input is its RemoteImage's output; the RemoteImage is its sibling under the Service.
  const imageOfParent = new Map<string, string>();
  for (const r of resources) {
    if (r.type === TYPE.image && r.options.parent && typeof r.inputs.name === "string") imageOfParent.set(r.options.parent, r.inputs.name);
  }
  const containers: DeclaredContainer[] = [];
  for (const r of resources.filter((x) => x.type === TYPE.container)) {
    const labels = parseContainerLabels(r.inputs.labels);
    if (!labels.host || !labels.service || labels.replica === undefined) continue;
    const hc = r.inputs.healthcheck as { tests?: string[] } | undefined;
    containers.push({
      host: labels.host,
      service: labels.service,
      replica: labels.replica,
      tier: labels.tier,
      rollout: labels.raw[LABEL.rollout] === "start-first" ? "start-first" : "stop-first",
      name: typeof r.inputs.name === "string" && r.inputs.name !== "" ? r.inputs.name : undefined,
      imageRef: r.options.parent ? imageOfParent.get(r.options.parent) : undefined,
      memoryMb: typeof r.inputs.memory === "number" ? r.inputs.memory : undefined,
      hasHealthcheck: !!hc && Array.isArray(hc.tests) && hc.tests.length > 0 && hc.tests[0] !== "NONE",
      inputs: r.inputs,
      resource: r.name,
    });
  }
  const networks: DeclaredNetwork[] = resources
    .filter((r) => r.type === TYPE.network)
    .flatMap((r) => {
      const host = fromLabelList(r.inputs.labels)[LABEL.host];
      return host && typeof r.inputs.name === "string"
        ? [{ host, name: r.inputs.name, internal: r.inputs.internal === true, driver: typeof r.inputs.driver === "string" ? r.inputs.driver : "bridge" }]
        : [];
    });
  const volumes: DeclaredVolume[] = resources
    .filter((r) => r.type === TYPE.volume)
    .flatMap((r) => {
      const l = parseVolumeLabels(r.inputs.labels);
      return l.host && typeof r.inputs.name === "string" ? [{ host: l.host, name: r.inputs.name, service: l.service, backup: l.backup }] : [];
    });

  // The user's workloads first, then minidock's own; by service and replica (registration order is the engine's).
  containers.sort((a, b) => (a.tier === b.tier ? 0 : a.tier === "workload" ? -1 : 1) || a.service.localeCompare(b.service) || a.replica - b.replica);
  const hosts = config.hosts.map((h): DeclaredHost => {
    const mine = containers.filter((c) => c.host === h.name);
    const backupContainer = mine.find((c) => c.service === BACKUP_SERVICE && c.tier === "platform");
    return {
      name: h.name,
      dockerHost: h.dockerHost,
      budget: { host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus, diskGb: h.diskGb },
      containers: mine,
      networks: networks.filter((n) => n.host === h.name),
      volumes: volumes.filter((v) => v.host === h.name),
      backup: config.backup.enabled && backupContainer
        ? {
          schedule: config.backup.schedule,
          archiveDir: envOf(backupContainer.inputs, "BACKUP_ARCHIVE") ?? "/archive",
          prefix: envOf(backupContainer.inputs, "BACKUP_PRUNING_PREFIX") ?? archivePrefix(h.name),
          sourceRoot: BACKUP_SOURCE_ROOT,
        }
        : undefined,
    };
  });
  return { stack: config.stack, hosts, thresholds: config.monitoring.thresholds };
}
