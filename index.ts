/**
 * minidock: the table of contents of the stack. Each step is one component; the logic lives in lib/.
 */
import * as pulumi from "@pulumi/pulumi";
import { ColimaHost } from "./components/colimaHost";
import { DockerHost } from "./components/dockerHost";
import { configSecrets, platformServices } from "./components/platform";
import { deployServices } from "./components/services";
import { evaluateBudget } from "./lib/budget";
import { loadStackConfig, secretConfigValue } from "./lib/config/load";
import { resolveImage } from "./lib/images";
import { assertPlannedReferencesReachable } from "./lib/platformPlan";

// 1. Validate the stack config. A bad value fails here, with every problem listed, before any resource exists.
//    So does a service, or a file minidock generates, that names a service it cannot reach.
const config = loadStackConfig();
assertPlannedReferencesReachable(config);

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

// 3. Platform services per host: backups, tailnet access and monitoring.
const platform = platformServices(config);

// 4. Every service, user and platform alike, through the same hardened Service component, each pulling its image
//    from where minidock:images says (a mirror, a private registry, or images built on the host itself).
const userServices = config.services.map((spec) => ({ spec, secretEnv: configSecrets(spec) }));
const all = [...userServices, ...platform].map((p) => ({ ...p, spec: { ...p.spec, image: resolveImage(p.spec.image, config.images) } }));
const servicesByHost = deployServices(config, dockerHosts, all);

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
