import { TYPE } from "../../lib/dockerTypes";
import { LABEL, fromLabelList } from "../../lib/labels";
import { seconds } from "./summary";

/**
 * The rolling update's plan, from the steps of the real preview: which containers roll one replica at a time, and
 * what goes in the one update before them. Pure, so the choice is tested on given steps; tools/deploy/rollingRollout.ts
 * runs it on the engine.
 *
 * A container that is being replaced rolls on its own when its service has more than one replica, or rolls
 * start-first (label minidock.rollout, lib/rollout.ts): one targeted update per replica, one service at a time, in
 * replica order, so the others keep serving while it is replaced. Everything else (images, networks, volumes, new or
 * removed replicas, a stop-first single replica) is one update that excludes those containers, and runs first: the
 * targeted updates then find their new image in the state.
 */

/** What the rollout reads of one preview step (a resourcePreEvent's metadata). */
export interface PreviewStep {
  op: string;
  urn: string;
  type: string;
  /** The step's new inputs (its old ones for a delete). */
  inputs?: Record<string, unknown>;
}

/** The ops of a replacement: the engine reports one, two or all three for one resource. */
const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);
/** Steps that change nothing on a host. */
const INERT_OPS = new Set(["same", "read", "refresh"]);

export interface RollingUnit {
  service: string;
  host: string;
  order: "start-first" | "stop-first";
  /** 1-based, and how many the service has. */
  replica: number;
  replicas: number;
  urn: string;
  /** Its current daemon name (the resource name when the state has none yet). */
  name: string;
}

/** A replaced container the first update handles (a stop-first single replica): the deploy reports its gap. */
export interface InPlaceReplacement {
  service: string;
  host: string;
  order: "start-first" | "stop-first";
  urn: string;
}

export interface RolloutPlan {
  /** Targeted updates, in the order they run. */
  units: RollingUnit[];
  /** Whether the first update has anything to do: a step other than same outside the rolling containers. */
  firstUpdate: boolean;
  /** The first update's --exclude: every rolling container. */
  exclude: string[];
  replacedInFirst: InPlaceReplacement[];
  /** Set when nothing can roll safely, so the plan is one update of the whole stack: why. */
  wholeStack?: string;
}

const resourceName = (urn: string) => urn.split("::").pop() ?? urn;

interface ContainerSteps {
  urn: string;
  ops: Set<string>;
  labels: Record<string, string>;
  name: string;
  /** In the stack after the update (not only deleted). */
  staying: boolean;
  firstSeen: number;
}

function containersOf(steps: PreviewStep[]): ContainerSteps[] {
  const byUrn = new Map<string, ContainerSteps>();
  steps.forEach((s, i) => {
    if (s.type !== TYPE.container) return;
    let c = byUrn.get(s.urn);
    if (!c) {
      c = { urn: s.urn, ops: new Set(), labels: {}, name: resourceName(s.urn), staying: false, firstSeen: i };
      byUrn.set(s.urn, c);
    }
    c.ops.add(s.op);
    if (s.op !== "delete" && s.op !== "delete-replaced") c.staying = true;
    const labels = fromLabelList(s.inputs?.labels);
    if (Object.keys(labels).length > 0 && (s.op !== "delete-replaced" || Object.keys(c.labels).length === 0)) c.labels = labels;
    if (typeof s.inputs?.name === "string" && s.inputs.name !== "" && s.op !== "create-replacement") c.name = s.inputs.name;
  });
  return [...byUrn.values()];
}

export function planRollout(steps: PreviewStep[]): RolloutPlan {
  const networkChange = steps.find((s) => s.type === TYPE.network && (REPLACE_OPS.has(s.op) || s.op === "delete"));
  const containers = containersOf(steps);
  const key = (c: ContainerSteps) => `${c.labels[LABEL.host] ?? "?"}/${c.labels[LABEL.service] ?? c.name}`;
  const replicas = new Map<string, number>();
  for (const c of containers.filter((x) => x.staying)) replicas.set(key(c), (replicas.get(key(c)) ?? 0) + 1);

  const replaced = containers.filter((c) => [...c.ops].some((op) => REPLACE_OPS.has(op)));
  const orderOf = (c: ContainerSteps): "start-first" | "stop-first" => (c.labels[LABEL.rollout] === "start-first" ? "start-first" : "stop-first");
  const rolls = (c: ContainerSteps) => c.labels[LABEL.service] !== undefined && ((replicas.get(key(c)) ?? 0) > 1 || orderOf(c) === "start-first");
  const describe = (c: ContainerSteps): InPlaceReplacement => ({
    service: c.labels[LABEL.service] ?? c.name, host: c.labels[LABEL.host] ?? "?", order: orderOf(c), urn: c.urn,
  });

  if (networkChange && replaced.some(rolls)) {
    // Replicas on a network that is being replaced cannot stay on it while their service rolls: the old network
    // is deleted at the end of the update, with every container on it gone first.
    return {
      units: [], firstUpdate: true, exclude: [], replacedInFirst: replaced.map(describe),
      wholeStack: `network ${resourceName(networkChange.urn)} is ${networkChange.op === "delete" ? "removed" : "replaced"}, so every container on it is recreated in one update`,
    };
  }

  // Services in the order the program registers them (the preview's), replicas in replica order.
  const services: string[] = [];
  for (const c of [...replaced].sort((a, b) => a.firstSeen - b.firstSeen)) if (rolls(c) && !services.includes(key(c))) services.push(key(c));
  const replicaOf = (c: ContainerSteps) => Number(c.labels[LABEL.replica]) || 0;
  const units: RollingUnit[] = services.flatMap((k) => replaced
    .filter((c) => rolls(c) && key(c) === k)
    .sort((a, b) => replicaOf(a) - replicaOf(b))
    .map((c) => ({ ...describe(c), replica: replicaOf(c), replicas: replicas.get(k) ?? 1, name: c.name })));
  const exclude = units.map((u) => u.urn);
  const firstUpdate = steps.some((s) => !INERT_OPS.has(s.op) && !exclude.includes(s.urn) && s.type !== "pulumi:pulumi:Stack");
  return { units, firstUpdate, exclude, replacedInFirst: replaced.filter((c) => !rolls(c)).map(describe) };
}

/** Times of one resource's steps in an update, as the engine's events arrive (ms since the epoch). */
export interface StepTimes {
  /** op → when its resourcePreEvent came, and when its resOutputsEvent did. */
  started: Record<string, number>;
  done: Record<string, number>;
}

/**
 * The line a rolled replica gets: start-first, how long the new one took to be healthy (the provider's create
 * waits for its healthcheck) and that the old one was stopped after; stop-first, the gap from the old one's stop
 * to the new one's health.
 */
export function replicaLine(u: { service: string; order: string; replica?: number; replicas?: number }, t: StepTimes, reason?: string): string {
  const who = u.replica !== undefined && u.replicas !== undefined ? `${u.service}: replica ${u.replica}/${u.replicas} ${u.order}` : `${u.service}: ${u.order}`;
  const why = reason ? ` (${reason})` : "";
  const created = t.started["create-replacement"] !== undefined && t.done["create-replacement"] !== undefined;
  if (u.order === "start-first") {
    if (!created) return `${who}${why}: replaced (${Object.keys(t.done).join(", ") || "no step timings"})`;
    const healthy = `new healthy in ${seconds(t.done["create-replacement"] - t.started["create-replacement"])}`;
    const stopped = t.done["delete-replaced"] !== undefined ? `old stopped in ${seconds(t.done["delete-replaced"] - (t.started["delete-replaced"] ?? t.done["delete-replaced"]))}` : "old not stopped yet";
    return `${who}${why}: ${healthy}, ${stopped}`;
  }
  const stopAt = t.started["delete-replaced"];
  if (stopAt === undefined || !created) return `${who}${why}: replaced (${Object.keys(t.done).join(", ") || "no step timings"})`;
  return `${who}${why}: stopped, then started; gap ${seconds(t.done["create-replacement"] - stopAt)}`;
}

/** What a targeted update's failure leaves: the replicas not yet replaced keep serving. */
export function stoppedLine(u: RollingUnit, remaining: RollingUnit[]): string {
  const same = remaining.filter((r) => r.service === u.service && r.host === u.host).length;
  const others = [...new Set(remaining.filter((r) => r.service !== u.service || r.host !== u.host).map((r) => r.service))];
  const serving = u.order === "start-first" ? `its old replica ${u.replica} and ${same} more old one(s) keep serving` : `${same} old replica(s) keep serving`;
  return `${u.service}: replica ${u.replica}/${u.replicas} not healthy in time: rollout stopped; ${serving}` +
    (others.length ? `; not rolled: ${others.join(", ")}` : "");
}
