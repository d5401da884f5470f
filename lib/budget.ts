import { Tier } from "./naming";

/**
 * The memory budget arithmetic, in one place. The program reports it as stack outputs, the budget policy
 * enforces it at preview, and `npm run budget` prints it: all three call these functions.
 *
 * Memory is in MB (Docker's unit in @pulumi/docker). A host's budget is the memory of its Colima VM;
 * VZ does not give memory back to macOS, so the VM size is treated as fully used.
 */

export interface HostBudget {
  host: string;
  memoryMb: number;
  reserveMb: number;
  cpus: number;
}

/** One container's declared resources. Replicas of a service are separate allocations with the same service. */
export interface Allocation {
  host: string;
  service: string;
  tier: Tier;
  memoryMb: number;
  cpus: number;
}

export interface ServiceLine {
  service: string;
  tier: Tier;
  replicas: number;
  memoryEachMb: number;
  memoryMb: number;
  cpus: number;
}

export interface HostReport extends HostBudget {
  services: ServiceLine[];
  declaredMb: number;
  platformMb: number;
  workloadMb: number;
  cpusDeclared: number;
  /** memoryMb - reserveMb - declaredMb; negative when over budget. */
  headroomMb: number;
  fits: boolean;
  cpuFits: boolean;
}

/** Groups allocations into services, keeping declaration order so reports read like the config. */
function serviceLines(allocations: Allocation[]): ServiceLine[] {
  const lines = new Map<string, ServiceLine>();
  for (const a of allocations) {
    const line = lines.get(a.service);
    if (!line) {
      lines.set(a.service, { service: a.service, tier: a.tier, replicas: 1, memoryEachMb: a.memoryMb, memoryMb: a.memoryMb, cpus: a.cpus });
    } else {
      line.replicas += 1;
      line.memoryMb += a.memoryMb;
      line.cpus += a.cpus;
      // Replicas normally match; if one differs, show the largest so the line never understates.
      line.memoryEachMb = Math.max(line.memoryEachMb, a.memoryMb);
    }
  }
  return [...lines.values()];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** CPU counts are decimals ("0.5"); keep sums readable. */
const round2 = (n: number) => Math.round(n * 100) / 100;

export function evaluateHost(budget: HostBudget, allocations: Allocation[]): HostReport {
  const mine = allocations.filter((a) => a.host === budget.host);
  const services = serviceLines(mine);
  const declaredMb = sum(mine.map((a) => a.memoryMb));
  const platformMb = sum(mine.filter((a) => a.tier === "platform").map((a) => a.memoryMb));
  const cpusDeclared = round2(sum(mine.map((a) => a.cpus)));
  const headroomMb = budget.memoryMb - budget.reserveMb - declaredMb;
  return {
    ...budget,
    services,
    declaredMb,
    platformMb,
    workloadMb: declaredMb - platformMb,
    cpusDeclared,
    headroomMb,
    fits: headroomMb >= 0,
    cpuFits: cpusDeclared <= budget.cpus,
  };
}

export function evaluateBudget(hosts: HostBudget[], allocations: Allocation[]): HostReport[] {
  return hosts.map((h) => evaluateHost(h, allocations));
}

/** `agent 3x2048, postgres 1024`: biggest first, so the message starts with what to cut. */
export function describeServices(services: ServiceLine[]): string {
  return [...services]
    .sort((a, b) => b.memoryMb - a.memoryMb)
    .map((s) => (s.replicas > 1 ? `${s.service} ${s.replicas}x${s.memoryEachMb}` : `${s.service} ${s.memoryMb}`))
    .join(", ");
}

/** `host mini: 13824 MB declared + 1024 reserve = 14848 > 14336 budget (agent 3x2048, postgres 1024, ...)` */
export function describeMemory(r: HostReport): string {
  const total = r.declaredMb + r.reserveMb;
  const op = total > r.memoryMb ? ">" : "<=";
  return `host ${r.host}: ${r.declaredMb} MB declared + ${r.reserveMb} reserve = ${total} ${op} ${r.memoryMb} budget (${describeServices(r.services)})`;
}

export function describeCpu(r: HostReport): string {
  const op = r.cpuFits ? "<=" : ">";
  return `host ${r.host}: ${r.cpusDeclared} CPUs declared ${op} ${r.cpus} available`;
}

/** The shape of a service that the budget needs: config services and platform services both fit it. */
export interface BudgetedService {
  name: string;
  host: string;
  tier: Tier;
  replicas: number;
  memoryMb: number;
  cpus: string | number;
}

/** One allocation per replica, as the containers will be declared. */
export function allocationsOf(services: BudgetedService[]): Allocation[] {
  return services.flatMap((s) =>
    Array.from({ length: s.replicas }, () => ({ host: s.host, service: s.name, tier: s.tier, memoryMb: s.memoryMb, cpus: Number(s.cpus) })),
  );
}
