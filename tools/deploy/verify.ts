import { TYPE } from "../../lib/dockerTypes";
import { parseContainerLabels } from "../../lib/labels";
import { Inspect } from "../engine/daemon";
import { envelopeProblems } from "../engine/envelope";

/**
 * Deploy's verification: every container in the stack's state runs, is healthy and is as declared. Pure apart
 * from the `inspect` it is handed (the daemon, through tools/deploy/docker.ts), and the clock, which tests replace.
 *
 * "As declared" is tools/engine/envelope.ts envelopeProblems, the end-to-end test's comparison of the inputs the
 * engine recorded with what the daemon runs (limits, capabilities, read-only root, tmpfs, log rotation, restart
 * policy, ports, network aliases), plus the image: the container must run the image the engine resolved.
 */

/** A container as the stack's state records it. */
export interface DeployedContainer {
  name: string;
  urn: string;
  /** From its minidock labels; undefined for a container minidock did not label. */
  host?: string;
  service?: string;
  inputs: Record<string, unknown>;
}

interface StateResource {
  type: string;
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  delete?: boolean;
}

/** The containers of an exported deployment (stack.exportStack().deployment), without those pending deletion. */
export function containersOfState(deployment: unknown): DeployedContainer[] {
  const resources = ((deployment ?? {}) as { resources?: StateResource[] }).resources ?? [];
  return resources
    .filter((r) => r.type === TYPE.container && !r.delete)
    .map((r) => {
      const inputs = r.inputs ?? {};
      const labels = parseContainerLabels(inputs.labels);
      return { name: String(r.outputs?.name ?? inputs.name), urn: r.urn, host: labels.host, service: labels.service, inputs };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface HealthLogEntry {
  Start?: string;
  End?: string;
  ExitCode: number;
  Output: string;
}

/** What verification reads of a container: the end-to-end test's Inspect, and the state it needs to explain a failure. */
export type ContainerView = Omit<Inspect, "State"> & {
  RestartCount: number;
  State: Inspect["State"] & {
    Restarting?: boolean;
    ExitCode?: number;
    OOMKilled?: boolean;
    Error?: string;
    Health?: { Status: string; FailingStreak?: number; Log?: HealthLogEntry[] };
  };
};

/** A Go duration as the daemon and the provider spell them ("30s", "1m30s", "500ms", "1h0m0s") in milliseconds. */
export function parseGoDuration(text: unknown): number | undefined {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, "µs": 0.001, ns: 0.000001 };
  let rest = text.trim();
  let total = 0;
  while (rest.length) {
    const m = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * unit[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Docker's defaults for a healthcheck field left unset (docs.docker.com, Dockerfile HEALTHCHECK). */
export const DOCKER_HEALTH_DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, retries: 3 };
/** However the healthcheck is written, verification waits no longer than this for one container. */
export const MAX_HEALTH_WAIT_MS = 10 * 60_000;
/** A container that cannot be inspected yet (the daemon briefly unreachable) gets at least this long. */
export const MIN_WAIT_MS = 30_000;

/**
 * How long a container may take to report healthy: its start period, then `retries` probes `interval` apart
 * (Docker needs that many consecutive failures to call it unhealthy), plus one probe's timeout for the last probe
 * to answer; at most MAX_HEALTH_WAIT_MS. Undefined when it has no healthcheck (test NONE, or none declared).
 */
export function healthWaitMs(healthcheck: unknown): number | undefined {
  const h = healthcheck as { tests?: string[]; interval?: string; timeout?: string; startPeriod?: string; retries?: number } | undefined;
  if (!h || !Array.isArray(h.tests) || h.tests.length === 0 || h.tests[0] === "NONE") return undefined;
  const d = DOCKER_HEALTH_DEFAULTS;
  const interval = parseGoDuration(h.interval) || d.intervalMs;
  const timeout = parseGoDuration(h.timeout) || d.timeoutMs;
  const start = parseGoDuration(h.startPeriod) ?? d.startPeriodMs;
  const retries = typeof h.retries === "number" && h.retries > 0 ? h.retries : d.retries;
  return Math.min(MAX_HEALTH_WAIT_MS, start + interval * retries + timeout);
}

export type Verdict = { state: "ok" } | { state: "waiting"; reason: string } | { state: "failed"; reason: string; problems: string[] };

function stateLine(v: ContainerView): string {
  const s = v.State;
  const parts = [s.Status];
  if (s.ExitCode !== undefined && !s.Running) parts.push(`exit code ${s.ExitCode}`);
  if (s.OOMKilled) parts.push("OOM-killed");
  if (v.RestartCount > 0) parts.push(`${v.RestartCount} restart(s)`);
  if (s.Error) parts.push(s.Error);
  return parts.join(", ");
}

function notRunning(view: ContainerView): string | undefined {
  if (view.State.Restarting || view.State.Status === "restarting") return `restarting (${stateLine(view)})`;
  if (!view.State.Running) return `not running (${stateLine(view)})`;
  return undefined;
}

const unhealthy = (view: ContainerView) => `unhealthy (${view.State.Health?.FailingStreak ?? "?"} failing probes in a row)`;

/**
 * What is wrong with a container at a glance, without its declared inputs: not running, restarting, unhealthy or
 * still starting; undefined when it runs and is healthy (or has no healthcheck). For the containers a failed
 * update leaves behind, which the state may not describe.
 */
export function unwell(view: ContainerView): string | undefined {
  const health = view.State.Health?.Status;
  return notRunning(view) ?? (health === "unhealthy" ? unhealthy(view) : health === "starting" ? "health starting" : undefined);
}

/**
 * One look at one container. `elapsedMs` is how long verification has waited for it, `waitMs` how long it may
 * (healthWaitMs, or MIN_WAIT_MS without a healthcheck). Running and as declared are final at once; only a health
 * status of "starting" is worth waiting for.
 */
export function judge(c: DeployedContainer, view: ContainerView | undefined, elapsedMs: number, waitMs: number): Verdict {
  if (!view) return { state: "failed", reason: "not on the daemon", problems: [] };
  const down = notRunning(view);
  if (down) return { state: "failed", reason: down, problems: [] };
  const problems = envelopeProblems(c.inputs, view as unknown as Inspect).filter((p) => !p.startsWith("health:"));
  const image = c.inputs.image;
  if (typeof image === "string" && image.startsWith("sha256:") && view.Image !== image) {
    problems.push(`image: declared ${image}, daemon runs ${view.Image}`);
  }
  if (problems.length) return { state: "failed", reason: "not as declared", problems };
  const health = view.State.Health?.Status;
  const declared = healthWaitMs(c.inputs.healthcheck) !== undefined;
  if (health === "healthy" || (health === undefined && !declared)) return { state: "ok" };
  if (health === undefined) return { state: "failed", reason: "declares a healthcheck, but the daemon runs none", problems: [] };
  if (health === "unhealthy") return { state: "failed", reason: unhealthy(view), problems: [] };
  if (elapsedMs < waitMs) return { state: "waiting", reason: `health ${health}` };
  return { state: "failed", reason: `not healthy within ${Math.round(waitMs / 1000)} s (health ${health})`, problems: [] };
}

export interface ContainerResult {
  container: DeployedContainer;
  ok: boolean;
  reason?: string;
  problems: string[];
  /** How long verification waited for it. */
  waitedMs: number;
  view?: ContainerView;
}

export interface VerifyOptions {
  inspect: (c: DeployedContainer) => Promise<ContainerView | undefined>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  /** Each container once it is settled, ok or failed. */
  onSettled?: (r: ContainerResult) => void;
}

/** Polls every container until each is ok or failed; all are inspected in parallel on each round. */
export async function verifyContainers(containers: DeployedContainer[], opts: VerifyOptions): Promise<ContainerResult[]> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = opts.pollMs ?? 1000;
  const started = now();
  const results = new Map<string, ContainerResult>();
  let pending = [...containers];
  for (;;) {
    const elapsed = now() - started;
    const looks = await Promise.all(pending.map(async (c) => {
      const waitMs = Math.max(healthWaitMs(c.inputs.healthcheck) ?? 0, MIN_WAIT_MS);
      try {
        const view = await opts.inspect(c);
        return { c, view, verdict: judge(c, view, elapsed, waitMs) };
      } catch (e) {
        const reason = `cannot inspect it: ${(e as Error).message}`;
        const verdict: Verdict = elapsed < waitMs ? { state: "waiting", reason } : { state: "failed", reason, problems: [] };
        return { c, view: undefined, verdict };
      }
    }));
    const still: DeployedContainer[] = [];
    for (const { c, view, verdict } of looks) {
      if (verdict.state === "waiting") {
        still.push(c);
        continue;
      }
      const r: ContainerResult = verdict.state === "ok"
        ? { container: c, ok: true, problems: [], waitedMs: elapsed, view }
        : { container: c, ok: false, reason: verdict.reason, problems: verdict.problems, waitedMs: elapsed, view };
      results.set(c.name, r);
      opts.onSettled?.(r);
    }
    pending = still;
    if (pending.length === 0) break;
    await sleep(pollMs);
  }
  return containers.map((c) => results.get(c.name)!);
}

/** The last `n` health probe outputs, oldest first, each trimmed to its last lines. */
export function healthTail(view: ContainerView | undefined, n = 3): string[] {
  const log = view?.State.Health?.Log ?? [];
  return log.slice(-n).map((e) => `exit ${e.ExitCode}: ${e.Output.trim().split("\n").slice(-5).join(" | ") || "(no output)"}`);
}
