/**
 * The end-to-end test (scripts/ci/e2e.sh starts the daemon and builds the images; this drives the engine):
 * the shipped local stack deployed with the real CLI, providers and policy pack onto a real dockerd, and every
 * claim checked on the daemon itself.
 *
 *   a. `pulumi up` from empty converges                 e. data in a retained volume survives destroy and up
 *   b. every container is as declared, healthy, and     f. a bad change is refused by the pack at `up`, with
 *      reaches every name it uses                          nothing changed on the daemon
 *   c. a second up changes nothing (no perpetual diff)  g. rollback: the reverted config brings back the
 *   d. one service's change touches only that service      previous containers and images
 *   h. cAdvisor and docker-state reach the daemon only through the read-only Docker API proxy: no socket in
 *      their mounts, docker-state's pushes arrive, the proxy refuses writes (and logs them), and no container
 *      but the proxy can connect to the daemon's socket (save the known holes, KNOWN_SOCKET_HOLES)
 *
 * node -r ./tools/register.js tools/engine/e2e.ts --docker-host unix:///... --images MAP.json --work DIR
 * Prints a line per step with its elapsed time, and the figures as JSON at the end (also WORK/figures.json).
 * MINIDOCK_E2E_STEPS=abc runs only those steps (a, b and c always run first): for checking quickly that the test
 * catches a reverted fix.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import { LABEL } from "../../lib/labels";
import { containerName, networkName } from "../../lib/naming";
import { DOCKER_API_NETWORK } from "../../lib/platform/dockerApiProxy/config";
import { DOCKER_API_PROXY_SERVICE, DOCKER_API_URL } from "../../lib/platform/dockerApiProxy/container";
import { PROXIED_SOCKET } from "../../lib/platform/dockerApiProxy/haproxy";
import { JOBS } from "../../lib/platform/monitoring/context";
import { PORTS } from "../../lib/ports";
import { LoadedStack, PROJECT_DIR, loadStack } from "../stackRun";
import { Daemon, waitFor } from "./daemon";
import { MountInspect, pushedState, proxyLogRequests, socketMounts, socketPathsInside } from "./dockerApiProbe";
import { envelopeProblems, referencedNames } from "./envelope";
import { offlineCheck } from "./offline";
import { engineError, policyArgs, violationOf } from "./preview";
import { openSandbox } from "./sandbox";
import { findToolchain } from "./toolchain";

const started = Date.now();
const figures: Record<string, number | string> = {};
function step(text: string): void {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${text}`);
}
class E2EFailure extends Error {}
function check(ok: boolean, what: string): void {
  if (!ok) throw new E2EFailure(what);
}
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const out = await run();
  figures[name] = Math.round((Date.now() - t0) / 100) / 10;
  step(`   ${name}: ${figures[name]} s`);
  return out;
}

interface Env {
  daemon: Daemon;
  /** The daemon's URL (unix://PATH): PATH is the socket the proxy mounts. */
  dockerHost: string;
  stackFile: string;
  /** Writes the stack file (the original, or with an edit) and hands it to the sandbox. */
  setStack: (edit?: (config: Record<string, unknown>) => void) => void;
  loaded: () => LoadedStack;
  stack: Stack;
  /** The images built for the test: the stack's image references, and one more redis tag. */
  images: Record<string, string>;
}

const STACK_LABEL = `${LABEL.stack}=local`;

/** The shipped local stack, pointed at this daemon and at the images built on it. */
function writeStackFile(file: string, dockerHost: string, images: Record<string, string>, edit?: (config: Record<string, unknown>) => void): void {
  const doc = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
  const hosts = doc.config["minidock:hosts"] as Record<string, Record<string, unknown>>;
  check(Object.keys(hosts).length === 1, "the local stack has one host");
  for (const h of Object.values(hosts)) h.dockerHost = dockerHost;
  doc.config["minidock:images"] = { replace: images };
  // A whole CPU count, the spelling the provider reads back differently ("1" comes back "1.0"): the shipped
  // local stack declares only fractions, which read back as written.
  services(doc.config).agent.cpus = "1";
  edit?.(doc.config);
  fs.writeFileSync(file, YAML.stringify(doc));
}

function services(config: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return config["minidock:services"] as Record<string, Record<string, unknown>>;
}

/** URNs of the resources an update touched (any step other than "same"). */
async function up(env: Env, what: string): Promise<{ touched: string[]; summary: Record<string, number> }> {
  const touched: string[] = [];
  const result = await env.stack.up({
    ...policyArgs(env.loaded()),
    color: "never",
    onEvent: (e: EngineEvent) => {
      const m = e.resourcePreEvent?.metadata;
      if (m && m.op !== "same" && m.type !== "pulumi:pulumi:Stack") touched.push(`${m.op} ${m.urn}`);
    },
    onOutput: process.env.MINIDOCK_E2E_VERBOSE ? (t) => process.stdout.write(t) : undefined,
  }).catch((e: unknown) => {
    throw new E2EFailure(`${what}: pulumi up failed:\n${engineError(e)}`);
  });
  return { touched, summary: (result.summary.resourceChanges ?? {}) as Record<string, number> };
}

async function containerStates(env: Env) {
  const state = await env.stack.exportStack();
  const resources = (state.deployment as { resources?: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] }).resources ?? [];
  return resources.filter((r) => r.type === "docker:index/container:Container").map((r) => ({ name: String(r.outputs?.name ?? r.inputs?.name), inputs: r.inputs ?? {} }));
}

/** The inputs the program declares for each container, by name: its own evaluation under mocks (npm run check). */
function declaredContainers(env: Env): Record<string, Record<string, unknown>> {
  const { resources } = offlineCheck(env.loaded().target);
  return Object.fromEntries(resources.filter((x) => x.type === "docker:index/container:Container").map((x) => [String(x.inputs.name), x.inputs]));
}

async function stepB(env: Env): Promise<void> {
  const containers = await containerStates(env);
  check(containers.length > 0, "b: the state holds containers");
  const services = [...new Set(containers.map((c) => env.daemon.inspect(c.name).Config.Labels[LABEL.service]))];
  const candidates = [...containers.map((c) => c.name), ...services];
  let resolved = 0;
  const declared = declaredContainers(env);
  for (const c of containers) {
    const info = env.daemon.inspect(c.name);
    // The bridge drops an input whose name it does not know, silently: every input the program declares must
    // be in what the engine recorded, or the provider never saw it.
    const lost = Object.keys(declared[c.name] ?? {}).filter((k) => !(k in c.inputs));
    check(declared[c.name] !== undefined && lost.length === 0, `b: ${c.name}: the provider dropped declared inputs ${JSON.stringify(lost)}`);
    const problems = envelopeProblems(c.inputs, info);
    check(problems.length === 0, `b: ${c.name} is not as declared:\n  ${problems.join("\n  ")}`);
    // Names it uses: its env values, its command and its generated config files.
    const files = env.daemon.exec(c.name, ["sh", "-c", "find /etc/minidock -type f -exec cat {} + 2>/dev/null; true"]).stdout;
    const texts = [
      ...(info.Config.Env ?? []).map((e) => e.slice(e.indexOf("=") + 1)),
      ...(info.Config.Cmd ?? []), ...(info.Config.Entrypoint ?? []),
      ...files.split("\n"),
    ];
    for (const name of referencedNames(texts, candidates).filter((n) => n !== c.name)) {
      const r = env.daemon.exec(c.name, ["getent", "hosts", name], { allowFailure: true });
      check(r.status === 0 && r.stdout.trim() !== "", `b: ${c.name} uses the name ${name}, which does not resolve from it`);
      resolved++;
    }
  }
  figures.containers = containers.length;
  figures.namesResolved = resolved;
  step(`   ${containers.length} containers as declared and healthy; ${resolved} names they use resolve from them`);
}

const PROXY = containerName(DOCKER_API_PROXY_SERVICE, 1);
const DOCKER_STATE = containerName("docker-state", 1);
const CADVISOR = containerName("cadvisor", 1);
/** Where the Pushgateway is read from: a container on the monitoring network with wget. */
const PROMETHEUS = containerName("prometheus", 1);
/** The container the refused writes aim at: it must still run, untouched, afterwards. */
const WRITE_TARGET = containerName("redis", 1);
const PROBE_NETWORK = "minidock-e2e-proxy-probe";

/**
 * Containers known to connect to the daemon's socket through a mount, and why. Each entry must still reproduce:
 * step h fails once it does not, so the entry goes with the fix. A read-only mount does not stop a connect() on a
 * socket; only the socket's owner and mode do.
 */
const KNOWN_SOCKET_HOLES: Record<string, string> = {};

function tail(text: string, lines = 15): string {
  return text.trim().split("\n").slice(-lines).map((l) => `      ${l}`).join("\n");
}

/**
 * h: the Docker API proxy, on the real daemon. (a) the clients mount no socket, docker-state runs unprivileged,
 * and no container but the proxy can connect to the daemon's socket through any of its mounts; (b) docker-state's
 * pushes reach the Pushgateway, so its reads went through the proxy; (c) writes through the proxy are refused and
 * never reach the daemon, reads pass; (d) the proxy logged the refused requests, and not the allowed ones.
 */
async function stepH(env: Env): Promise<void> {
  const { daemon } = env;
  const inspect = (name: string) => daemon.inspect(name) as MountInspect;
  const hostSocket = env.dockerHost.replace(/^unix:\/\//, "");
  check(hostSocket !== env.dockerHost, `h: the daemon is reached over a unix socket (${env.dockerHost})`);
  const apiNetwork = networkName(DOCKER_API_NETWORK);

  // (a) who holds the socket
  const proxy = inspect(PROXY);
  check(proxy.State.Running && proxy.State.Health?.Status === "healthy", `h: ${PROXY} runs and is healthy (${proxy.State.Status}, ${proxy.State.Health?.Status})`);
  const proxyBinds = proxy.Mounts.filter((m) => m.Type === "bind");
  check(proxyBinds.length === 1 && proxyBinds[0].Source === hostSocket && proxyBinds[0].Destination === PROXIED_SOCKET && !proxyBinds[0].RW,
    `h: ${PROXY} mounts the daemon's socket ${hostSocket} read-only at ${PROXIED_SOCKET}, and nothing else (got ${JSON.stringify(proxy.Mounts)})`);
  check(JSON.stringify(Object.keys(proxy.NetworkSettings.Networks)) === JSON.stringify([apiNetwork]),
    `h: ${PROXY} is on ${apiNetwork} only (got ${Object.keys(proxy.NetworkSettings.Networks).join(", ")})`);
  check(daemon.docker(["network", "inspect", "--format", "{{.Internal}}", apiNetwork]).stdout.trim() === "true", `h: ${apiNetwork} is internal`);
  const version = daemon.exec(PROXY, ["haproxy", "-v"]).stdout.split("\n")[0].match(/version (\S+)/)?.[1] ?? "unknown";
  figures.proxyHaproxyVersion = version;
  for (const name of [DOCKER_STATE, CADVISOR]) {
    const c = inspect(name);
    const bad = socketMounts(c.Mounts, hostSocket);
    check(bad.length === 0, `h: ${name} mounts no docker socket and no /var/run (has ${bad.map((m) => `${m.Source}:${m.Destination}`).join(", ")})`);
    check(apiNetwork in c.NetworkSettings.Networks, `h: ${name} is on ${apiNetwork}, the proxy's network`);
  }
  const state = inspect(DOCKER_STATE);
  check(state.Config.User === "65534:65534", `h: ${DOCKER_STATE} runs as 65534:65534 (got ${JSON.stringify(state.Config.User)})`);
  check((state.Config.Env ?? []).includes(`DOCKER_HOST=${DOCKER_API_URL}`), `h: ${DOCKER_STATE} has DOCKER_HOST=${DOCKER_API_URL}`);
  check([...(inspect(CADVISOR).Config.Cmd ?? [])].includes(`--docker=${DOCKER_API_URL}`), `h: ${CADVISOR} is started with --docker=${DOCKER_API_URL}`);

  // Every other running container: try each path at which the host's socket could show through its mounts, as
  // the container's own user. Only the socket's permissions stop a connect(), not a read-only mount.
  const stackContainers = daemon.containers(STACK_LABEL);
  const reachable = new Map<string, string>();
  let probed = 0;
  let refused = 0;
  for (const name of stackContainers.filter((n) => n !== PROXY)) {
    const c = inspect(name);
    if (!c.State.Running) continue;
    const paths = socketPathsInside(c.Mounts, hostSocket);
    const r = daemon.exec(name, ["sh", "-c",
      'command -v docker >/dev/null || { echo noclient; exit 0; }; for p; do [ -S "$p" ] || continue; ' +
      'if docker -H "unix://$p" version --format "{{.Server.Version}}" >/dev/null 2>&1; then echo "reachable $p"; else echo "refused $p"; fi; done',
      "sh", ...paths], { allowFailure: true });
    check(r.status === 0 && !r.stdout.includes("noclient"), `h: probe the socket paths of ${name} with its docker CLI (exit ${r.status}: ${r.stdout.trim()} ${r.stderr.trim()})`);
    probed += paths.length;
    const lines = r.stdout.split("\n");
    refused += lines.filter((l) => l.startsWith("refused ")).length;
    const at = lines.filter((l) => l.startsWith("reachable ")).map((l) => l.slice("reachable ".length));
    if (at.length > 0) reachable.set(name, at.join(", "));
  }
  figures.proxySocketPathsProbed = probed;
  figures.proxySocketsVisibleButRefused = refused;
  const unexpected = [...reachable].filter(([n]) => !(n in KNOWN_SOCKET_HOLES));
  check(unexpected.length === 0, `h: no container but ${PROXY} can connect to the daemon's socket; these can:\n  ${unexpected.map(([n, p]) => `${n} at ${p}`).join("\n  ")}`);
  const fixed = Object.keys(KNOWN_SOCKET_HOLES).filter((n) => !reachable.has(n));
  check(fixed.length === 0, `h: ${fixed.join(", ")} can no longer connect to the daemon's socket: remove it from KNOWN_SOCKET_HOLES in tools/engine/e2e.ts`);
  step(`   a. only ${PROXY} mounts the socket (${hostSocket}, read-only; HAProxy ${version}); ${DOCKER_STATE} runs as ${state.Config.User}; ` +
    `${probed} socket paths tried in ${stackContainers.length - 1} other containers: ${refused} visible but refused, ${reachable.size} connect`);
  if (reachable.size > 0) figures.proxyKnownSocketHoles = [...reachable].map(([n, p]) => `${n} at ${p}`).join("; ");
  for (const [n, p] of reachable) {
    step(`   KNOWN HOLE: ${n} connects to the daemon's socket at ${p}, around the proxy: ${KNOWN_SOCKET_HOLES[n]}`);
  }

  // (b) docker-state read the daemon through the proxy: what it pushed names every container of the stack.
  const startedAt = Date.parse(state.State.StartedAt) / 1000;
  const t0 = Date.now();
  let pushed = pushedState("", JOBS.dockerState);
  const waited = await waitFor(`h: docker-state's push of every container to the Pushgateway`, 90_000, () => {
    const r = daemon.exec(PROMETHEUS, ["wget", "-q", "-O", "-", `http://pushgateway:${PORTS.pushgateway}/metrics`], { allowFailure: true });
    if (r.status !== 0) return `wget from ${PROMETHEUS} failed: ${r.stderr.trim()}`;
    pushed = pushedState(r.stdout, JOBS.dockerState);
    const missing = stackContainers.filter((n) => !pushed.health.has(n));
    if (missing.length > 0) return `minidock_container_health has ${pushed.health.size} containers; missing ${missing.join(", ")}`;
    if (pushed.pushTime === undefined || pushed.pushTime < startedAt) return `no push since ${DOCKER_STATE} started (push_time_seconds ${pushed.pushTime})`;
    return undefined;
  }).catch((e: unknown) => {
    throw new E2EFailure(`${(e as Error).message}\n    ${DOCKER_STATE}'s log:\n${tail(daemon.docker(["logs", "--tail", "15", DOCKER_STATE]).stderr)}`);
  });
  figures.proxyPushSeenSeconds = Math.round(waited / 100) / 10;
  figures.proxyPushAfterStartSeconds = Math.round((pushed.pushTime ?? 0) - startedAt);
  figures.proxyHealthSeries = pushed.series;
  figures.proxyContainersReported = pushed.health.size;
  check(pushed.health.size >= stackContainers.length, `h: docker-state reports at least the ${stackContainers.length} containers of the stack (got ${pushed.health.size})`);
  // What docker-state said meanwhile: a round whose docker ps failed (the proxy not up yet) logs the CLI's error.
  const stateLog = daemon.docker(["logs", DOCKER_STATE]);
  const stateLines = `${stateLog.stdout}\n${stateLog.stderr}`.split("\n").filter((l) => l.trim() !== "");
  figures.proxyDockerStateLogLines = stateLines.length;
  const statuses = [...pushed.health.values()].reduce<Record<string, number>>((a, s) => ({ ...a, [s]: (a[s] ?? 0) + 1 }), {});
  step(`   b. the Pushgateway holds ${pushed.series} minidock_container_health series for ${pushed.health.size} containers (the stack runs ` +
    `${stackContainers.length}; ${JSON.stringify(statuses)}), seen after ${figures.proxyPushSeenSeconds} s; last push ` +
    `${figures.proxyPushAfterStartSeconds} s after ${DOCKER_STATE} started (${((Date.now() - t0) / 1000).toFixed(1)} s in this step); ` +
    `its log has ${stateLines.length} lines${stateLines.length > 0 ? `, the first: ${stateLines[0].trim()}` : ""}`);

  // (c) writes through the proxy are refused before they reach the daemon; reads pass.
  const before = inspect(WRITE_TARGET);
  const since = Math.floor(Date.now() / 1000) - 1;
  const refusals: [string, string[], RegExp][] = [
    ["docker stop", ["docker", "stop", WRITE_TARGET], /405|Method Not Allowed/i],
    ["docker network create", ["docker", "network", "create", PROBE_NETWORK], /405|Method Not Allowed/i],
    // A GET outside the allowlist: a container's logs can hold secrets.
    ["docker logs", ["docker", "logs", WRITE_TARGET], /403|Forbidden/i],
  ];
  for (const [what, cmd, expected] of refusals) {
    const r = daemon.exec(DOCKER_STATE, cmd, { allowFailure: true });
    check(r.status !== 0, `h: ${what} through the proxy fails (it exited 0: ${r.stdout.trim()})`);
    check(expected.test(r.stderr), `h: ${what} through the proxy is refused with ${expected.source} (got: ${r.stderr.trim()})`);
  }
  const after = inspect(WRITE_TARGET);
  check(after.State.Running && after.Id === before.Id && after.State.StartedAt === before.State.StartedAt,
    `h: ${WRITE_TARGET} still runs, not stopped or restarted (${after.State.Status})`);
  check(daemon.docker(["network", "ls", "-q", "--filter", `name=${PROBE_NETWORK}`]).stdout.trim() === "", `h: the daemon has no network ${PROBE_NETWORK}`);
  const events = daemon.docker(["events", "--since", String(since), "--until", String(Math.ceil(Date.now() / 1000)), "--filter", `container=${WRITE_TARGET}`,
    "--format", "{{.Action}}"]).stdout.split("\n").filter((a) => /^(kill|stop|die|restart|pause)\b/.test(a));
  check(events.length === 0, `h: the daemon saw no stop of ${WRITE_TARGET} (events: ${events.join(", ")})`);
  const ps = daemon.exec(DOCKER_STATE, ["docker", "ps", "-q"], { allowFailure: true });
  check(ps.status === 0, `h: docker ps through the proxy succeeds (${ps.stderr.trim()})`);
  const listed = ps.stdout.split("\n").filter(Boolean).length;
  const running = stackContainers.filter((n) => inspect(n).State.Running).length;
  check(listed >= running, `h: docker ps through the proxy lists the ${running} running containers (got ${listed})`);
  figures.proxyPsListed = listed;
  step(`   c. through the proxy: ${refusals.map(([w]) => w).join(", ")} refused; ${WRITE_TARGET} still runs and the daemon saw no stop; ` +
    `docker ps lists ${listed} containers`);

  // (d) the proxy logged what it refused, and (dontlog-normal) none of the allowed requests.
  const proxyLog = daemon.docker(["logs", PROXY]);
  const logged = proxyLogRequests(`${proxyLog.stdout}\n${proxyLog.stderr}`);
  // The CLI names the container as given for stop, and by the id its inspect returned for logs.
  const target = `(${WRITE_TARGET}|${before.Id})`;
  const wanted: [number, string, RegExp][] = [
    [405, "POST", new RegExp(`/containers/${target}/stop$`)],
    [405, "POST", /\/networks\/create$/],
    [403, "GET", new RegExp(`/containers/${target}/logs$`)],
  ];
  const matches = (l: (typeof logged)[number]) => wanted.some(([s, m, p]) => l.status === s && l.method === m && p.test(l.path));
  const unlogged = wanted.filter(([s, m, p]) => !logged.some((l) => l.status === s && l.method === m && p.test(l.path)));
  check(unlogged.length === 0, `h: the proxy logged the refused requests; missing ${unlogged.map(([s, m, p]) => `${s} ${m} ${p.source}`).join(", ")}; ` +
    `its log:\n${tail(logged.map((l) => l.line).join("\n"))}`);
  const allowedLogged = logged.filter((l) => l.status < 400);
  check(allowedLogged.length === 0, `h: the proxy does not log allowed requests (dontlog-normal); it logged:\n${tail(allowedLogged.map((l) => l.line).join("\n"))}`);
  figures.proxyDeniedLogged = logged.length;
  step(`   d. the proxy's log has the ${wanted.length} refused requests (${logged.length} lines, none for an allowed request):\n      ` +
    logged.filter(matches).map((l) => l.line.trim()).join("\n      "));
}

async function stepA(env: Env): Promise<void> {
  check(env.daemon.containers(STACK_LABEL).length === 0, "a: the daemon starts with no container of the stack");
  const first = await timed("upFromEmptySeconds", () => up(env, "a"));
  check((first.summary.create ?? 0) > 0, `a: the first up created resources (${JSON.stringify(first.summary)})`);
}

async function stepC(env: Env): Promise<void> {
  const second = await timed("secondUpSeconds", () => up(env, "c"));
  check(second.touched.length === 0, `c: the second up changed resources (perpetual diffs):\n  ${second.touched.join("\n  ")}`);
  await timed("previewNoChangesSeconds", () => env.stack.preview({ ...policyArgs(env.loaded()), expectNoChanges: true, color: "never" }).catch((e: unknown) => {
    throw new E2EFailure(`c: preview --expect-no-changes failed:\n${engineError(e)}`);
  }));
}

/** d, then g: g rolls back d's change. */
async function stepDG(env: Env): Promise<void> {
  const { daemon } = env;
  const before = daemon.inspect("minidock-redis-1");
  env.setStack((c) => (services(c).redis.image = "redis:7.4.3-alpine"));
  const change = await timed("oneServiceChangeSeconds", () => up(env, "d"));
  check(change.touched.length > 0, "d: the image change touched something");
  const strays = change.touched.filter((t) => !/::(local\.)?redis(-|$)/.test(t));
  check(strays.length === 0, `d: changing redis touched other resources:\n  ${strays.join("\n  ")}`);
  const after = daemon.inspect("minidock-redis-1");
  check(after.Image === daemon.imageId(env.images["redis:7.4.3-alpine"]), "d: redis runs the new image");
  check(after.State.Health?.Status === "healthy", "d: the new redis is healthy");
  step(`   touched ${change.touched.length} resources, all of redis:\n      ${change.touched.join("\n      ")}`);

  step("   g. revert the config, pulumi up");
  env.setStack();
  await timed("rollbackSeconds", () => up(env, "g"));
  const back = daemon.inspect("minidock-redis-1");
  check(back.Image === before.Image, `g: redis runs its previous image again (${back.Image} vs ${before.Image})`);
  check(back.State.Health?.Status === "healthy", "g: the rolled-back redis is healthy");
  const declared = (await containerStates(env)).map((c) => c.name).sort();
  check(JSON.stringify(daemon.containers(STACK_LABEL)) === JSON.stringify(declared), "g: the container set is the declared one");
}

async function stepF(env: Env): Promise<void> {
  const before = env.daemon.snapshot();
  env.setStack((c) => (services(c).agent.unsafe = { privileged: true }));
  const refused: string[] = [];
  let upFailed = false;
  await env.stack.up({ ...policyArgs(env.loaded()), color: "never", onEvent: (e) => {
    const v = violationOf(e);
    if (v && v.enforcementLevel === "mandatory") refused.push(v.policy);
  } }).catch(() => (upFailed = true));
  env.setStack();
  check(upFailed, "f: pulumi up of a privileged service without an exemption failed");
  check(refused.includes("hardening-no-privileged"), `f: the pack refused it with hardening-no-privileged (got ${JSON.stringify(refused)})`);
  check(env.daemon.snapshot() === before, "f: nothing changed on the daemon");
}

async function stepE(env: Env): Promise<void> {
  const { daemon } = env;
  const marker = crypto.randomBytes(8).toString("hex");
  daemon.exec("minidock-postgres-1", ["psql", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "agents", "-c",
    `CREATE TABLE e2e_marker (v text); INSERT INTO e2e_marker VALUES ('${marker}')`]);
  const volumesBefore = daemon.volumes(STACK_LABEL);
  await timed("destroySeconds", () => env.stack.destroy({ color: "never" }).catch((e: unknown) => {
    throw new E2EFailure(`e: destroy failed:\n${engineError(e)}`);
  }));
  check(daemon.containers(STACK_LABEL).length === 0, `e: destroy removed every container (left: ${daemon.containers(STACK_LABEL).join(", ")})`);
  const kept = daemon.volumes(STACK_LABEL);
  check(kept.includes("minidock-postgres-pgdata"), `e: the postgres volume is retained (volumes now: ${kept.join(", ")})`);
  figures.volumesRetained = `${kept.length} of ${volumesBefore.length}`;
  await timed("upAfterDestroySeconds", () => up(env, "e"));
  const back = daemon.exec("minidock-postgres-1", ["psql", "-At", "-U", "postgres", "-d", "agents", "-c", "SELECT v FROM e2e_marker"]).stdout.trim();
  check(back === marker, `e: the row written before destroy is back (got ${JSON.stringify(back)})`);
  step(`   ${kept.length} of ${volumesBefore.length} volumes retained; the postgres row is back`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "docker-host": { type: "string" }, images: { type: "string" }, work: { type: "string" } }, strict: true });
  const dockerHost = values["docker-host"];
  const work = values.work;
  if (!dockerHost || !values.images || !work) throw new Error("usage: e2e.ts --docker-host URL --images MAP.json --work DIR");
  const images = JSON.parse(fs.readFileSync(values.images, "utf8")) as Record<string, string>;
  const daemon = new Daemon(dockerHost);
  const stackFile = path.join(work, "Pulumi.local.yaml");
  writeStackFile(stackFile, dockerHost, images);
  const target = { stack: "local", file: stackFile, policyConfigFile: path.join(PROJECT_DIR, "policies", "local.json") };
  const loaded = () => loadStack(target);
  check(!loaded().configError, `the e2e stack config is valid: ${loaded().configError?.message}`);
  const tc = findToolchain();
  step(`CLI from ${tc.source} (${tc.binDir}); daemon ${dockerHost}`);
  const sandbox = await openSandbox(loaded(), tc, { dir: path.join(work, "sandbox"), secrets: "random" });
  const setStack = (edit?: (config: Record<string, unknown>) => void) => {
    writeStackFile(stackFile, dockerHost, images, edit);
    sandbox.resync();
  };
  const env: Env = { daemon, dockerHost, stackFile, setStack, loaded, stack: sandbox.stack, images };

  const steps: [string, string, (env: Env) => Promise<void>][] = [
    ["a", "a. pulumi up from empty", stepA],
    ["b", "b. every container against its declared inputs, on the daemon", stepB],
    ["h", "h. cAdvisor and docker-state reach the daemon only through the read-only proxy", stepH],
    ["c", "c. a second up changes nothing, and preview --expect-no-changes passes", stepC],
    ["d", "d+g. one service's image changes and only that service is touched; then rollback as the runbook has it", stepDG],
    ["f", "f. a bad change (privileged without an exemption) is refused at up; the daemon is untouched", stepF],
    ["e", "e. data in a retained volume survives destroy, and is back after up", stepE],
  ];
  const only = process.env.MINIDOCK_E2E_STEPS;
  for (const [letter, title, run] of steps) {
    if (only !== undefined && !"abc".includes(letter) && !only.includes(letter)) continue;
    step(title);
    await run(env);
  }
  step("done: every step passed");
  fs.writeFileSync(path.join(work, "figures.json"), JSON.stringify(figures, null, 2));
  console.log(JSON.stringify({ e2e: "passed", figures }, null, 2));
}

main().catch((e: unknown) => {
  step(`FAILED: ${e instanceof E2EFailure ? e.message : (e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
});
