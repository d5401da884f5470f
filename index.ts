/**
 * minidock: the table of contents of the stack. Each step is one component; the logic lives in lib/.
 */
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "./components/dockerHost";
import { Service } from "./components/service";
import { allocationsOf, evaluateBudget } from "./lib/budget";
import { loadStackConfig, secretConfigValue } from "./lib/config/load";
import { PlatformService, assertUniqueOnEachHost } from "./lib/platform";
import { serviceResourceName } from "./lib/naming";

// 1. Validate the stack config. A bad value fails here, with every problem listed, before any resource exists.
const config = loadStackConfig();

// 2. Each host: its Docker daemon (over SSH for a mini, the local socket for the local stack) and networks.
const dockerHosts = Object.fromEntries(
  config.hosts.map((host) => [host.name, new DockerHost(host.name, { host, stack: config.stack, networks: config.networks })]),
);

// 3. Platform services per host: monitoring, backups and tailnet access join here.
const platform: PlatformService[] = [];

// 4. Every service, user and platform alike, through the same hardened Service component.
const userServices: PlatformService[] = config.services.map((spec) => ({
  spec,
  secretEnv: Object.fromEntries(Object.entries(spec.secretEnv).map(([env, key]) => [env, secretConfigValue(key)])),
}));
const all = [...userServices, ...platform];
assertUniqueOnEachHost(all.map((p) => p.spec));
const servicesByHost: Record<string, Record<string, Service>> = {};
for (const { spec, uploads, secretEnv } of all) {
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
