/**
 * minidock: the table of contents of the stack. Each step is one component; the logic lives in lib/.
 */
import * as pulumi from "@pulumi/pulumi";
import { ColimaHost } from "./components/colimaHost";
import { DockerHost } from "./components/dockerHost";
import { Tailnet } from "./components/tailnet";
import { Service } from "./components/service";
import { backupPlatformServices } from "./lib/backup/plan";
import { allocationsOf, evaluateBudget } from "./lib/budget";
import { loadStackConfig, secretConfigValue } from "./lib/config/load";
import { ResolvedService } from "./lib/config/resolve";
import { monitoringServices } from "./lib/monitoring/services";
import { PlatformService, assertUniqueOnEachHost } from "./lib/platform";
import { serviceResourceName } from "./lib/naming";

// 1. Validate the stack config. A bad value fails here, with every problem listed, before any resource exists.
const config = loadStackConfig();

// 2. Each host: on a mini, Colima provisioned over SSH first; then its Docker daemon (over SSH for a mini, the
//    local socket for the local stack) and networks, which wait for Colima, and so does everything on them.
const dockerHosts = Object.fromEntries(
  config.hosts.map((host) => {
    const colima = host.remote
      ? new ColimaHost(`${host.name}-colima`, {
        host,
        logs: { maxSize: config.logMaxSize, maxFiles: config.logMaxFiles },
        privateKey: host.colima?.sshPrivateKeySecret ? secretConfigValue(host.colima.sshPrivateKeySecret) : undefined,
      })
      : undefined;
    return [host.name, new DockerHost(host.name, { host, stack: config.stack, networks: config.networks, dependsOn: colima && [colima] })];
  }),
);

// 3. Platform services per host: monitoring, backups and tailnet access join here.
/** secretEnv values named by config keys, read as Pulumi secrets. */
const configSecrets = (spec: ResolvedService) =>
  Object.fromEntries(Object.entries(spec.secretEnv).map(([env, key]) => [env, secretConfigValue(key)]));
const platform: PlatformService[] = [];
// Backups: a pg_dump sidecar per Postgres service and one offen/docker-volume-backup container per host.
platform.push(...backupPlatformServices(config).map((p) => ({ ...p, secretEnv: configSecrets(p.spec) })));
// Tailnet access: the policy file, and per remote host a Tailscale container serving the chosen services.
if (config.tailscale.enabled) platform.push(...new Tailnet("tailnet", { config }).platformServices);

// Monitoring per host, added after the other platform services so its ServiceDown rule knows them too.
for (const host of config.hosts) {
  const others = platform.filter((p) => p.spec.host === host.name).map((p) => ({ service: p.spec.name, replicas: p.spec.replicas }));
  platform.push(...monitoringServices(config, host, secretConfigValue, others));
}

// 4. Every service, user and platform alike, through the same hardened Service component.
const userServices: PlatformService[] = config.services.map((spec) => ({ spec, secretEnv: configSecrets(spec) }));
const all = [...userServices, ...platform];
assertUniqueOnEachHost(all.map((p) => p.spec));
const servicesByHost: Record<string, Record<string, Service>> = {};
// A service that mounts other services' volumes (the backup) is created last and mounts the Volume outputs.
const volumeOnHost = (host: string, name: string) => {
  const vol = Object.values(servicesByHost[host] ?? {}).map((s) => s.volumesByName[name]).find((v) => v !== undefined);
  if (!vol) throw new Error(`volume ${name} on host ${host} is mounted by a platform service, but no service on that host creates it`);
  return vol.name;
};
const creationOrder = [...all].sort((a, b) => Number(a.extraVolumes !== undefined) - Number(b.extraVolumes !== undefined));
for (const { spec, uploads, secretEnv, extraVolumes, labels } of creationOrder) {
  const host = config.hosts.find((h) => h.name === spec.host)!;
  const dockerHost = dockerHosts[spec.host];
  (servicesByHost[spec.host] ??= {})[spec.name] = new Service(serviceResourceName(spec.name, spec.host, spec.tier), {
    spec,
    host,
    stack: config.stack,
    provider: dockerHost.provider,
    networks: dockerHost.networks,
    uploads,
    secretEnv,
    extraVolumes: extraVolumes?.map((x) => ({ ...x, volumeName: volumeOnHost(spec.host, x.volumeName) })),
    labels,
  });
}

// 5. Outputs: per host, what runs there and what it declares against the host's memory budget.
const specs = all.map((p) => p.spec);
const budget = evaluateBudget(
  config.hosts.map((h) => ({ host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus })),
  allocationsOf(specs),
);
export const hosts = Object.fromEntries(
  budget.map((report) => [
    report.host,
    {
      dockerHost: config.hosts.find((h) => h.name === report.host)!.dockerHost,
      memory: {
        budgetMb: report.memoryMb,
        reserveMb: report.reserveMb,
        declaredMb: report.declaredMb,
        platformMb: report.platformMb,
        workloadMb: report.workloadMb,
        headroomMb: report.headroomMb,
      },
      services: Object.fromEntries(
        report.services.map((line) => [
          line.service,
          { tier: line.tier, replicas: line.replicas, memoryMb: line.memoryMb, containers: servicesByHost[report.host][line.service].containerNames },
        ]),
      ),
    },
  ]),
);
export const stack = pulumi.getStack();
