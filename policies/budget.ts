import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  Allocation, HostBudget, HostReport, ServiceLine, evaluateHost, logDiskArithmetic, memoryArithmetic,
} from "../lib/budget";
import { DEFAULTS } from "../lib/defaults";
import { ContainerLabels, HOST_BUDGET_LABELS, LABEL, containerAllocation } from "../lib/labels";
import { ROLLOUT_ORDERS } from "../lib/rollout";
import { MinidockPolicy, TYPE, at, containerLabelsOf, defineRule, forStackType, forType, isUnknown, known, unknownMessage } from "./ruleKit";

/**
 * The host budgets, memory and log disk, from what the containers declare. Each container carries its host's
 * name, memory, reserve, CPUs and disk as labels (lib/labels.ts containerLabels), so the stack policies need no
 * stack config. A container becomes an allocation through lib/labels.ts containerAllocation and the arithmetic is
 * lib/budget.ts: the same the program's outputs and `npm run budget` use.
 * Messages start with the host's config key (`hosts.mini.memoryMb`) and name the service keys to lower.
 */
interface HostGroup {
  budget: HostBudget;
  /** One per container, in the order of `containers`. */
  allocations: Allocation[];
  /** The host's docker provider: violations about the host are reported against it. */
  providerUrn?: string;
  containers: PolicyResource[];
  /** Containers whose logDriver/logOpts are unknown at preview: counted as no disk, reported by the log rule. */
  unknownLogs: PolicyResource[];
}

/** The host's budget as a container's labels carry it; a missing or unreadable label counts as 0. */
function budgetOf(host: string, labels: ContainerLabels): HostBudget {
  const b = labels.hostBudget;
  return { host, memoryMb: b.memoryMb ?? 0, reserveMb: b.reserveMb ?? 0, cpus: b.cpus ?? 0, diskGb: b.diskGb ?? 0 };
}

/** The log rotation Docker will apply, from the two options that bound it; UNKNOWN when either is computed. */
function logsOf(props: Record<string, unknown>) {
  return known(() => {
    const opts = props.logOpts as Record<string, unknown> | undefined | null;
    return { driver: props.logDriver as string | undefined, opts: opts ? { "max-size": opts["max-size"], "max-file": opts["max-file"] } : undefined };
  });
}

/**
 * Groups containers by their minidock.host label, one allocation per container (memory, CPUs, log disk).
 * Containers that cannot be budgeted are reported against themselves, so an unknown never lets a budget pass
 * unseen: unknown labels and memory through `report` (the memory rule passes its own), unknown log options in
 * `unknownLogs` (the log rule reports them). A container with unknown memory still counts for its logs.
 */
export function hostGroups(containers: PolicyResource[], report: ReportViolation): Map<string, HostGroup> {
  const groups = new Map<string, HostGroup>();
  for (const c of containers) {
    const labels = containerLabelsOf(c.props);
    if (isUnknown(labels)) {
      report(unknownMessage("labels"), c.urn);
      continue;
    }
    const host = labels.host;
    if (!host) continue; // budget-container-host-labels reports it
    const memory = known(() => c.props.memory);
    const cpus = known(() => c.props.cpus);
    if (isUnknown(memory) || isUnknown(cpus)) report(`${c.name}: ${unknownMessage("memory/cpus")}; the host budget cannot be checked`, c.urn);
    const budget = budgetOf(host, labels);
    let g = groups.get(host);
    if (!g) {
      g = { budget, allocations: [], providerUrn: c.provider?.urn, containers: [], unknownLogs: [] };
      groups.set(host, g);
    } else if (g.budget.memoryMb !== budget.memoryMb || g.budget.reserveMb !== budget.reserveMb || g.budget.diskGb !== budget.diskGb) {
      report(`${c.name}: host ${host} budget labels (${labels.raw[LABEL.hostMemoryMb]} MB, reserve ${labels.raw[LABEL.hostReserveMb]}, disk ${labels.raw[LABEL.hostDiskGb]} GB) disagree with other containers on the host (${g.budget.memoryMb} MB, reserve ${g.budget.reserveMb}, disk ${g.budget.diskGb} GB)`, c.urn);
    }
    const logs = logsOf(c.props);
    if (isUnknown(logs)) g.unknownLogs.push(c);
    g.containers.push(c);
    // Unknowns count as nothing here; they were reported above (or by the log rule, from unknownLogs).
    g.allocations.push(containerAllocation({
      name: c.name,
      labels,
      memory: isUnknown(memory) ? undefined : memory,
      cpus: isUnknown(cpus) ? undefined : cpus,
      logDriver: isUnknown(logs) ? undefined : logs.driver,
      logOpts: isUnknown(logs) ? undefined : logs.opts,
      logs: isUnknown(logs) ? { kind: "elsewhere", driver: "unknown at preview" } : undefined,
    })!);
  }
  return groups;
}

export function hostReports(containers: PolicyResource[], report: ReportViolation, logDiskPercent?: number): { report: HostReport; group: HostGroup }[] {
  return [...hostGroups(containers, report).values()].map((group) => ({ report: evaluateHost(group.budget, group.allocations, { logDiskPercent }), group }));
}

/** The biggest workload service by `by`: the config service whose keys a message tells the user to lower. */
function biggestWorkload(services: ServiceLine[], by: (s: ServiceLine) => number): ServiceLine | undefined {
  return [...services].filter((s) => s.tier === "workload" && by(s) > 0).sort((a, b) => by(b) - by(a))[0];
}

/** What to change when a host is over: the start-first service when only its rollout surge breaks the budget. */
function memoryRemedy(r: HostReport): string {
  const move = "or move a service to another host";
  if (r.fitsAtRest && r.surge) {
    const s = r.surge.service;
    return r.surge.tier === "workload"
      ? `it fits at rest, not while a new ${s} replica runs beside its old copy; lower services.${s}.memoryMb, set services.${s}.rollout: stop-first (each replica then stops before its replacement starts), ${move}`
      : `it fits at rest, not while a new ${s} replica runs beside its old copy; lower that platform service's memory ${move}`;
  }
  const big = biggestWorkload(r.services, (s) => s.memoryMb);
  const lower = big ? `lower services.${big.service}.memoryMb or services.${big.service}.replicas` : "lower the platform services' memory (monitoring.memoryMb.<component>)";
  return `${lower}, ${move}`;
}

export const hostMemoryFits: StackValidationPolicy = defineRule("budget", ["CIS 5.11", "minidock"], {
  name: "budget-host-memory",
  description: "On each host, the memory of all containers plus the host's reserve, plus the rollout surge (the largest replica of a start-first service, which runs beside its old copy while `npm run deploy` rolls it), must fit the host's memoryMb.",
  enforcementLevel: "mandatory",
  validateStack: forStackType(TYPE.container, (containers, _args, report) => {
    for (const { report: r, group } of hostReports(containers, report)) {
      if (r.memoryMb <= 0) continue; // no budget labels: budget-container-host-labels reports it
      if (r.fits) continue;
      report(`hosts.${r.host}.memoryMb: ${memoryArithmetic(r)}: ${-r.rolloutHeadroomMb} MB over; ${memoryRemedy(r)}`, group.providerUrn);
    }
  }),
});

export const hostLogDisk: StackValidationPolicy = defineRule("budget", ["minidock"], {
  name: "budget-host-log-disk",
  description: "On each host, the logs all containers may keep (max-size x max-file per container, every replica) must fit maxLogDiskPercent of the host's diskGb.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxLogDiskPercent: { type: "number", minimum: 1, maximum: 100, default: DEFAULTS.maxLogDiskPercent, description: "Share of a host's diskGb its containers' logs may take together, in percent" },
    },
  },
  validateStack: forStackType(TYPE.container, (containers, args, report) => {
    const { maxLogDiskPercent } = args.getConfig<{ maxLogDiskPercent: number }>();
    for (const group of hostGroups(containers, () => undefined).values()) {
      const host = group.budget.host;
      for (const c of group.unknownLogs) report(`${c.name}: ${unknownMessage("logDriver/logOpts")}; host ${host}'s log disk cannot be checked`, c.urn);
      group.allocations.forEach((a, i) => {
        if (a.logs.kind !== "invalid") return;
        const c = group.containers[i];
        report(`${at(c.props, `logOpts.${a.logs.option}`)}: ${a.logs.problem}; the daemon refuses to create the container`, c.urn);
      });
      const r = evaluateHost(group.budget, group.allocations, { logDiskPercent: maxLogDiskPercent });
      if (r.diskGb <= 0) continue; // no disk label: budget-container-host-labels reports it
      if (r.logFits) continue;
      const big = biggestWorkload(r.services, (s) => s.logBytes);
      const lower = big ? `lower services.${big.service}.logs.maxSize or services.${big.service}.logs.maxFiles, or the stack-wide minidock:logMaxSize / minidock:logMaxFiles` : "lower the stack-wide minidock:logMaxSize / minidock:logMaxFiles";
      report(`hosts.${host}.diskGb: ${logDiskArithmetic(r)} (maxLogDiskPercent); ${lower}, or give the host more disk`, group.providerUrn);
    }
  }),
});

export const hostCeiling: StackValidationPolicy = defineRule("budget", ["minidock"], {
  name: "budget-host-ceiling",
  description: "No host's budget (its memoryMb) may exceed the ceiling maxHostMemoryMb: the mini must keep memory for macOS.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxHostMemoryMb: { type: "integer", minimum: 1, default: DEFAULTS.maxHostMemoryMb, description: "Largest memoryMb a host may declare" },
    },
  },
  validateStack: forStackType(TYPE.container, (containers, args, report) => {
    const { maxHostMemoryMb } = args.getConfig<{ maxHostMemoryMb: number }>();
    for (const { report: r, group } of hostReports(containers, () => undefined)) {
      if (r.memoryMb > maxHostMemoryMb) {
        report(`hosts.${r.host}.memoryMb: budget ${r.memoryMb} MB > ceiling ${maxHostMemoryMb} MB (maxHostMemoryMb); lower it, macOS needs the rest of the mini's memory`, group.providerUrn);
      }
    }
  }),
});

export const platformMemory: StackValidationPolicy = defineRule("budget", ["minidock"], {
  name: "budget-platform-memory",
  description: "On each host, minidock's own platform services (monitoring, backups, tailnet) may declare at most maxPlatformMemoryMb together.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxPlatformMemoryMb: { type: "integer", minimum: 0, default: DEFAULTS.maxPlatformMemoryMb, description: "Largest platform-tier total per host" },
    },
  },
  validateStack: forStackType(TYPE.container, (containers, args, report) => {
    const { maxPlatformMemoryMb } = args.getConfig<{ maxPlatformMemoryMb: number }>();
    for (const { report: r, group } of hostReports(containers, () => undefined)) {
      if (r.platformMb > maxPlatformMemoryMb) {
        const platform = r.services.filter((s) => s.tier === "platform").map((s) => `${s.service} ${s.memoryMb}`).join(", ");
        report(`hosts.${r.host}: platform services declare ${r.platformMb} MB > ${maxPlatformMemoryMb} MB (maxPlatformMemoryMb) (${platform}); lower monitoring.memoryMb.<component> or tailscale.container.memoryMb`, group.providerUrn);
      }
    }
  }),
});

export const hostCpu: StackValidationPolicy = defineRule("budget", ["CIS 5.12"], {
  name: "budget-host-cpu",
  description: "On each host, the CPUs of all containers should not exceed the host's cpus (CPU is shared, so this is advisory).",
  enforcementLevel: "advisory",
  validateStack: forStackType(TYPE.container, (containers, _args, report) => {
    for (const { report: r, group } of hostReports(containers, () => undefined)) {
      if (!r.cpuFits) {
        const big = biggestWorkload(r.services, (s) => s.cpus);
        report(`hosts.${r.host}.cpus: ${r.cpusDeclared} CPUs declared > ${r.cpus} available; containers will be throttled under load${big ? ` (biggest: services.${big.service}.cpus)` : ""}`, group.providerUrn);
      }
    }
  }),
});

export const containerLimits: ResourceValidationPolicy = defineRule("budget", ["CIS 5.11"], {
  name: "budget-container-memory-limit",
  description: "Every container must set memory > 0 (MB), and memorySwap not above memory (no swap: a leak becomes an OOM kill, not a slow host).",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    const v = known(() => ({ memory: props.memory, memorySwap: props.memorySwap, memoryReservation: props.memoryReservation }));
    if (isUnknown(v)) return report(unknownMessage("memory"));
    const { memory, memorySwap, memoryReservation } = v;
    if (typeof memory !== "number" || memory <= 0) return report(`${at(props, "memory")} is ${memory === undefined ? "unset" : JSON.stringify(memory)}: the container may take all of the host's memory; set memoryMb`);
    if (memorySwap === undefined || memorySwap === null) report(`${at(props, "memorySwap")} is unset: Docker then allows as much swap as memory (${memory} MB); set it equal to memory`);
    else if (typeof memorySwap === "number" && (memorySwap < 0 || memorySwap > memory)) report(`${at(props, "memorySwap")} ${memorySwap} ${memorySwap < 0 ? "means unlimited swap" : `> memory ${memory}`}; set it equal to memory`);
    if (typeof memoryReservation === "number" && memoryReservation > memory) report(`${at(props, "memoryReservation")} ${memoryReservation} > memory ${memory}`);
  }),
});

export const containerHostLabels: ResourceValidationPolicy = defineRule("budget", ["minidock"], {
  name: "budget-container-host-labels",
  description: "Every container must carry minidock.host and its host's budget labels, or it cannot be budgeted; a minidock.rollout label, where set, must be start-first or stop-first.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    const labels = containerLabelsOf(props);
    if (isUnknown(labels)) return report(unknownMessage("labels"));
    if (!labels.host) return report(`no ${LABEL.host} label: the container is invisible to the host budget; create it through the Service component`);
    const unreadable = HOST_BUDGET_LABELS.filter((k) => labels.missing.includes(k) || labels.invalid.includes(k));
    if (unreadable.length > 0) report(`labels ${unreadable.join(", ")} missing or not numbers: host ${labels.host}'s budget is unknown`);
    // Unreadable, it counts as stop-first (no rollout surge), which may understate the host's peak.
    if (labels.invalid.includes(LABEL.rollout)) {
      report(`label ${LABEL.rollout} ${JSON.stringify(labels.raw[LABEL.rollout])} is neither ${ROLLOUT_ORDERS.join(" nor ")}: the host budget cannot tell whether a rollout runs an extra replica; create the container through the Service component`);
    }
  }),
});

export const budgetPolicies: MinidockPolicy[] = [hostMemoryFits, hostLogDisk, hostCeiling, platformMemory, hostCpu, containerLimits, containerHostLabels];
