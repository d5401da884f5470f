/**
 * minidock: the table of contents of the stack. Each step is one component; the logic lives in lib/.
 */
import * as pulumi from "@pulumi/pulumi";
import { ColimaHost } from "./components/colimaHost";
import { DockerHost } from "./components/dockerHost";
import { Service } from "./components/service";
import { Tailnet } from "./components/tailnet";
import { evaluateBudget } from "./lib/budget";
import { secretConfigValue } from "./lib/config/load";
import { serviceResourceName } from "./lib/naming";
import { assertPlanDeployable, inCreationOrder, networksOn, plannedServices } from "./lib/platform/plan";
import { loadStackConfig } from "./lib/stackConfig";

// 1. Validate the stack config. A bad value fails here, with every problem listed, before any resource exists.
//    So does a service, or a file minidock generates, that names a service it cannot reach.
const config = loadStackConfig();
assertPlanDeployable(config);

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
    const networks = networksOn(config, host);
    return [host.name, new DockerHost(host.name, { host, stack: config.stack, networks, dependsOn: colima && [colima] })];
  }),
);

// 3. The tailnet: its policy file, and one auth key per mini for that mini's Tailscale container.
const tailnet = config.tailscale.enabled ? new Tailnet("tailnet", { config }) : undefined;

// 4. Every service, user and platform alike (lib/platform/allPlatformServices.ts lists minidock's own: backups, tailnet access,
//    monitoring), through the same hardened Service component on its host's daemon, each pulling its image from
//    where minidock:images says. One that mounts other services' volumes (the backup) comes last and mounts their
//    Volume outputs, so it waits for them.
const all = plannedServices(config, { secret: secretConfigValue, tailnetAuthKey: (host) => tailnet!.authKeys[host].key });
const servicesByHost: Record<string, Record<string, Service>> = {};
for (const { spec, extraVolumes, ...rest } of inCreationOrder(all)) {
  const onHost = (servicesByHost[spec.host] ??= {});
  const volumeOnHost = (name: string) => Object.values(onHost).map((s) => s.volumesByName[name]).find((v) => v !== undefined)!.name;
  onHost[spec.name] = new Service(serviceResourceName(spec.name, spec.host, spec.tier), {
    ...rest,
    spec,
    host: config.hosts.find((h) => h.name === spec.host)!,
    stack: config.stack,
    provider: dockerHosts[spec.host].provider,
    networks: dockerHosts[spec.host].networks,
    extraVolumes: extraVolumes?.map((x) => ({ ...x, volumeName: volumeOnHost(x.volumeName) })),
  });
}

// 5. Outputs: per host, what runs there and what it declares against the host's memory and log disk budgets
//    (the log share at its default: the pack's maxLogDiskPercent is policy config, which the program cannot read).
//    Each container counts as the pack and `npm run budget` count it: from its labels and inputs (Service.allocations).
const budget = evaluateBudget(
  config.hosts.map((h) => ({ host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus, diskGb: h.diskGb })),
  all.flatMap((p) => servicesByHost[p.spec.host][p.spec.name].allocations),
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
        // During `npm run deploy`: one extra replica of the largest start-first service (lib/rollout.ts).
        atRestMb: report.atRestMb,
        surgeMb: report.surgeMb,
        surgeService: report.surge?.service,
        rolloutPeakMb: report.rolloutPeakMb,
        rolloutHeadroomMb: report.rolloutHeadroomMb,
      },
      logDisk: {
        diskGb: report.diskGb,
        allowancePercent: report.logDiskPercent,
        allowanceBytes: report.logAllowanceBytes,
        maxBytes: report.logBytes,
        fits: report.logFits,
      },
      services: Object.fromEntries(
        report.services.map((line) => [
          line.service,
          { tier: line.tier, replicas: line.replicas, memoryMb: line.memoryMb, logMaxBytes: line.logBytes, containers: servicesByHost[report.host][line.service].containerNames },
        ]),
      ),
    },
  ]),
);
export const stack = pulumi.getStack();
