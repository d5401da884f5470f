import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Allocation, HostBudget, HostReport, describeCpu, describeMemory, evaluateHost } from "../lib/budget";
import { DEFAULTS } from "../lib/defaults";
import { LABEL, Tier } from "../lib/naming";
import { MinidockPolicy, TYPE, defineRule, forStackType, forType, isUnknown, known, labelsOf, unknownMessage } from "./common";

/**
 * The memory budget, per host, from what the containers declare. Each container carries its host's name and
 * budget as labels (lib/naming.ts containerLabels), so the stack policy needs no stack config; the arithmetic
 * is lib/budget.ts, the same the program's outputs and `npm run budget` use.
 */
interface HostGroup {
  budget: HostBudget;
  allocations: Allocation[];
  /** The host's docker provider: violations about the host are reported against it. */
  providerUrn?: string;
  containers: PolicyResource[];
}

const num = (v: string | undefined) => (v !== undefined && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined);

/**
 * Groups containers by their minidock.host label. Containers that cannot be budgeted (no label, unknown
 * memory) are reported against themselves, so an unknown never lets the budget pass unseen.
 */
export function hostGroups(containers: PolicyResource[], report: ReportViolation): Map<string, HostGroup> {
  const groups = new Map<string, HostGroup>();
  for (const c of containers) {
    const labels = labelsOf(c.props);
    if (isUnknown(labels)) {
      report(unknownMessage("labels"), c.urn);
      continue;
    }
    const host = labels[LABEL.host];
    if (!host) continue; // budget-container-host-labels reports it
    const memory = known(() => c.props.memory);
    const cpus = known(() => c.props.cpus);
    if (isUnknown(memory) || isUnknown(cpus)) {
      report(`${c.name}: ${unknownMessage("memory/cpus")}; the host budget cannot be checked`, c.urn);
      continue;
    }
    let g = groups.get(host);
    if (!g) {
      g = {
        budget: {
          host,
          memoryMb: num(labels[LABEL.hostMemoryMb]) ?? 0,
          reserveMb: num(labels[LABEL.hostReserveMb]) ?? 0,
          cpus: num(labels[LABEL.hostCpus]) ?? 0,
        },
        allocations: [],
        providerUrn: c.provider?.urn,
        containers: [],
      };
      groups.set(host, g);
    } else if (g.budget.memoryMb !== (num(labels[LABEL.hostMemoryMb]) ?? 0) || g.budget.reserveMb !== (num(labels[LABEL.hostReserveMb]) ?? 0)) {
      report(`${c.name}: host ${host} budget labels (${labels[LABEL.hostMemoryMb]} MB, reserve ${labels[LABEL.hostReserveMb]}) disagree with other containers on the host (${g.budget.memoryMb} MB, reserve ${g.budget.reserveMb})`, c.urn);
    }
    g.containers.push(c);
    g.allocations.push({
      host,
      service: labels[LABEL.service] || c.name,
      tier: (labels[LABEL.tier] === "platform" ? "platform" : "workload") as Tier,
      memoryMb: typeof memory === "number" && memory > 0 ? memory : 0,
      cpus: Number(cpus ?? 0) || 0,
    });
  }
  return groups;
}

export function hostReports(containers: PolicyResource[], report: ReportViolation): { report: HostReport; group: HostGroup }[] {
  return [...hostGroups(containers, report).values()].map((group) => ({ report: evaluateHost(group.budget, group.allocations), group }));
}

export const hostMemoryFits: StackValidationPolicy = defineRule("budget", ["CIS 5.11", "minidock"], {
  name: "budget-host-memory",
  description: "On each host, the memory of all containers plus the host's reserve must fit the host's memoryMb.",
  enforcementLevel: "mandatory",
  validateStack: forStackType(TYPE.container, (containers, _args, report) => {
    for (const { report: r, group } of hostReports(containers, report)) {
      if (r.memoryMb <= 0) continue; // no budget labels: budget-container-host-labels reports it
      if (!r.fits) report(`${describeMemory(r)}: ${-r.headroomMb} MB over; lower memoryMb or replicas, or move a service to another host`, group.providerUrn);
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
        report(`host ${r.host}: budget ${r.memoryMb} MB > ceiling ${maxHostMemoryMb} MB (maxHostMemoryMb); lower hosts.${r.host}.memoryMb`, group.providerUrn);
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
        report(`host ${r.host}: platform services declare ${r.platformMb} MB > ${maxPlatformMemoryMb} MB (maxPlatformMemoryMb) (${platform})`, group.providerUrn);
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
      if (!r.cpuFits) report(`${describeCpu(r)}; containers will be throttled under load`, group.providerUrn);
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
    if (typeof memory !== "number" || memory <= 0) return report(`memory is ${memory === undefined ? "unset" : JSON.stringify(memory)}: the container may take all of the host's memory; set memoryMb`);
    if (memorySwap === undefined || memorySwap === null) report(`memorySwap is unset: Docker then allows as much swap as memory (${memory} MB); set it equal to memory`);
    else if (typeof memorySwap === "number" && (memorySwap < 0 || memorySwap > memory)) report(`memorySwap ${memorySwap} ${memorySwap < 0 ? "means unlimited swap" : `> memory ${memory}`}; set it equal to memory`);
    if (typeof memoryReservation === "number" && memoryReservation > memory) report(`memoryReservation ${memoryReservation} > memory ${memory}`);
  }),
});

export const containerHostLabels: ResourceValidationPolicy = defineRule("budget", ["minidock"], {
  name: "budget-container-host-labels",
  description: "Every container must carry minidock.host and its host's budget labels, or it cannot be budgeted.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    const labels = labelsOf(props);
    if (isUnknown(labels)) return report(unknownMessage("labels"));
    if (!labels[LABEL.host]) return report(`no ${LABEL.host} label: the container is invisible to the host budget; create it through the Service component`);
    const missing = [LABEL.hostMemoryMb, LABEL.hostReserveMb, LABEL.hostCpus].filter((k) => num(labels[k]) === undefined);
    if (missing.length > 0) report(`labels ${missing.join(", ")} missing or not numbers: host ${labels[LABEL.host]}'s budget is unknown`);
  }),
});

export const budgetPolicies: MinidockPolicy[] = [hostMemoryFits, hostCeiling, platformMemory, hostCpu, containerLimits, containerHostLabels];
