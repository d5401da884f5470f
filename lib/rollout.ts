import { parseGoDuration } from "./providerForm";

/**
 * How a change to a service's containers reaches the host: the one place that decides it. The program reads it
 * to name and replace containers (components/service.ts), the label contract carries it to the budget policy
 * (lib/labels.ts), the budget counts its surge (lib/budget.ts), and `npm run deploy` rolls by it
 * (tools/deploy/). Pure, so the config contract can check it before anything is registered.
 *
 * - `start-first`: the new replica is created beside the old one, must be healthy, and only then is the old one
 *   stopped (SIGTERM, then its stopGraceSeconds). No replica is ever missing; the host briefly runs one extra
 *   replica of the service, which the budget counts as the rollout's surge. The container's daemon name carries a
 *   random suffix (`minidock-agent-1-3f9a2c`), because two containers cannot share a name; clients use the
 *   service alias (`agent`) or the replica's alias (`minidock-agent-1`), which both stay.
 * - `stop-first`: the old replica is stopped first, then the new one is started. What a service needs when two
 *   copies cannot run side by side: a published host port, the host's network, or a writable volume of its own
 *   (a database on its data). Its name stays `minidock-<service>-<n>`.
 *
 * Either way `npm run deploy` replaces one replica at a time and waits for it to be healthy before the next.
 */
export type RolloutOrder = "start-first" | "stop-first";

export const ROLLOUT_ORDERS: readonly RolloutOrder[] = ["start-first", "stop-first"];

/**
 * What the rule reads of a service, structurally, so parsed and resolved services both fit and the config layer
 * can use it without an import cycle.
 */
export interface RolloutInput {
  replicas: number;
  volumes: readonly { name: string; readOnly: boolean; shared: boolean }[];
  ports: readonly { published: number }[];
  unsafe: { networkMode?: string };
  rollout?: RolloutOrder;
}

export interface RolloutChoice {
  order: RolloutOrder;
  /** Why, in words the deploy prints: "set by rollout", "3 replicas, nothing exclusive"... */
  reason: string;
}

/**
 * What keeps two copies of one replica from running side by side, each as a short phrase; empty when nothing
 * does. A shared volume is meant for all replicas at once, and a read-only one is harmless, so neither counts.
 */
export function startFirstBlockers(s: RolloutInput): string[] {
  const blockers: string[] = [];
  if (s.ports.length > 0) blockers.push(`it publishes host port${s.ports.length > 1 ? "s" : ""} ${s.ports.map((p) => p.published).join(", ")}`);
  if (s.unsafe.networkMode !== undefined) blockers.push(`it uses the ${s.unsafe.networkMode} network mode`);
  const exclusive = s.volumes.filter((v) => !v.readOnly && !v.shared);
  if (exclusive.length > 0) {
    blockers.push(`it writes to volume${exclusive.length > 1 ? "s" : ""} ${exclusive.map((v) => v.name).join(", ")} of its own`);
  }
  return blockers;
}

/**
 * The order a service rolls in. `rollout` in its config wins (the config contract refuses start-first where a
 * blocker forbids it). Otherwise a replicated service with nothing exclusive rolls start-first, and the rest
 * stop-first: a single-replica service keeps its plain name and has a brief gap, as `docker compose up` gives it,
 * unless its config asks for start-first.
 */
export function rolloutOf(s: RolloutInput): RolloutChoice {
  if (s.rollout !== undefined) return { order: s.rollout, reason: "set by its rollout key" };
  const blockers = startFirstBlockers(s);
  if (blockers.length > 0) return { order: "stop-first", reason: blockers.join("; ") };
  if (s.replicas > 1) return { order: "start-first", reason: `${s.replicas} replicas with nothing exclusive to one copy` };
  return { order: "stop-first", reason: "one replica (set rollout: start-first to keep it serving during a change)" };
}

/** The config problem of an explicit start-first that cannot work, at its key path; undefined when it can. */
export function rolloutProblem(at: string, s: RolloutInput): string | undefined {
  if (s.rollout !== "start-first") return undefined;
  const blockers = startFirstBlockers(s);
  if (blockers.length === 0) return undefined;
  return `${at}.rollout: "start-first" runs a new copy beside the old one, which cannot work here: ${blockers.join("; ")}; ` +
    'use "stop-first" (or leave rollout unset)';
}

/** A healthcheck as the config contract gives it (durations in Go's spelling). */
export interface HealthTiming {
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
}

/** Slack on top of the daemon's own verdict: the provider polls, and a pull or a slow start takes a moment more. */
export const HEALTH_WAIT_SLACK_SECONDS = 15;

/**
 * How long a new container may take to become healthy before its rollout stops: the time the daemon needs to call
 * it unhealthy (its start period, then `retries` failed checks, each up to interval + timeout), plus slack. A
 * fixed timeout would either cut a slow but healthy start short or keep a broken one waiting long after the
 * daemon has given up on it.
 */
export function healthWaitSeconds(h: HealthTiming): number {
  const s = (d: string) => Number(parseGoDuration(d) / 1_000_000n) / 1000;
  return Math.ceil(s(h.startPeriod) + h.retries * (s(h.interval) + s(h.timeout))) + HEALTH_WAIT_SLACK_SECONDS;
}
