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
import { LoadedStack, PROJECT_DIR, loadStack } from "../stackRun";
import { Daemon } from "./daemon";
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
  const env: Env = { daemon, stackFile, setStack, loaded, stack: sandbox.stack, images };

  const steps: [string, string, (env: Env) => Promise<void>][] = [
    ["a", "a. pulumi up from empty", stepA],
    ["b", "b. every container against its declared inputs, on the daemon", stepB],
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
