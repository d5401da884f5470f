import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import Docker from "dockerode";
import * as YAML from "yaml";
import { main as deployMain } from "../../tools/deploy";
import { dockerClient } from "../../tools/deploy/docker";
import { VERIFIED_LIST_TAG, VERIFIED_TAG } from "../../tools/deploy/history";
import { Rollout, wholeStackUpdate } from "../../tools/deploy/engine";
import { DeployContext, defaultContext } from "../../tools/deploy/run";
import type { DeployReport } from "../../tools/deploy/summary";
import { findToolchain, pulumiCommand } from "../../tools/engine/toolchain";
import { main as rollbackMain } from "../../tools/rollback";
import { PROJECT_DIR, UsageError } from "../../tools/stackRun";

/**
 * `npm run deploy` and `npm run rollback` through the real CLI, docker provider and policy pack, on a throwaway
 * file backend with its own passphrase: a project directory whose Pulumi.yaml runs this repository's program
 * (as tools/engine/sandbox.ts makes one), and a small stack of one replicated service.
 *
 * Without a daemon: a refusal at preview changes nothing, and an update that cannot reach its daemon fails with
 * no verified deployment to return to. With a daemon (MINIDOCK_TEST_DOCKER_HOST=unix:///..., a daemon this test
 * may create containers and images on, such as the one scripts/ci/lib/dockerd.sh starts): a deploy verified and
 * recorded; a broken image rolled back automatically to it, secrets included; a verification failure after a
 * successful update; --no-rollback; and `rollback --to N`.
 */
const DAEMON = process.env.MINIDOCK_TEST_DOCKER_HOST;
const STACK = "deploytest";
const GOOD = "minidock-deploytest/busybox:1.0.0";
const NEXT = "minidock-deploytest/busybox:1.1.0"; // GOOD with another /ok: the image bump
const BROKEN = "minidock-deploytest/busybox:1.0.1"; // no /ok: its healthcheck never passes
const NETWORK = "deploytest";

const tc = findToolchain();
const root = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-deploy-engine-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Project {
  dir: string;
  env: Record<string, string>;
  /** Writes Pulumi.deploytest.yaml with the given edit of the base config; keeps the secrets set so far. */
  write(edit?: (config: Record<string, unknown>) => void): void;
  run(tool: "deploy" | "rollback", ...args: string[]): Promise<{ code: number; report: DeployReport; progress: string[]; out: string }>;
  /** Instead of deploy's own rolling update (the mutation check). */
  rollout?: Rollout;
}

function baseConfig(dockerHost: string): Record<string, unknown> {
  return {
    "minidock:backup": { enabled: false },
    "minidock:monitoring": { enabled: false },
    "minidock:hosts": { local: { dockerHost, memoryMb: 2048, reserveMb: 256, cpus: 2, diskGb: 10 } },
    // Not "edge": the end-to-end test's local stack, on the same daemon, has a network minidock-edge.
    "minidock:networks": { [NETWORK]: {} },
    "minidock:services": {
      // A pool of three: start-first (lib/rollout.ts: replicated, nothing exclusive to one copy).
      web: {
        image: GOOD, replicas: 3, memoryMb: 32, cpus: "0.25", networks: [NETWORK], user: "1000:1000",
        command: ["sh", "-c", "exec sleep 2147483647"],
        // sleep ignores SIGTERM: every replacement would wait out the default 30 s before the kill.
        stopGraceSeconds: 1,
        secretEnv: { APP_TOKEN: "appToken" },
        healthcheck: { test: ["CMD-SHELL", "test -f /ok || { echo no /ok in this image; exit 1; }"], interval: "1s", timeout: "1s", retries: 2 },
      },
      // Database-like: one replica writing to a volume of its own, so stop-first.
      db: {
        image: GOOD, replicas: 1, memoryMb: 32, cpus: "0.25", networks: [NETWORK], user: "1000:1000",
        command: ["sh", "-c", "exec sleep 2147483647"], stopGraceSeconds: 1, env: { DB_SETTING: "one" },
        volumes: [{ name: "data", path: "/data", backup: false, backupExemptReason: "a test's throwaway data" }],
        healthcheck: { test: ["CMD-SHELL", "test -f /ok"], interval: "1s", timeout: "1s", retries: 2 },
      },
    },
  };
}

async function makeProject(name: string, dockerHost: string): Promise<Project> {
  const dir = path.join(root, name);
  const state = path.join(dir, "state");
  for (const d of ["project", "state", "home"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.writeFileSync(path.join(dir, "passphrase"), crypto.randomBytes(24).toString("base64"), { mode: 0o600 });
  const projectDir = path.join(dir, "project");
  const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  project.main = path.relative(projectDir, PROJECT_DIR);
  fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), YAML.stringify(project));
  const env = { PULUMI_BACKEND_URL: `file://${state}`, PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "passphrase"), PULUMI_HOME: path.join(dir, "home") };
  const stackFile = path.join(projectDir, `Pulumi.${STACK}.yaml`);
  const write = (edit?: (config: Record<string, unknown>) => void) => {
    const kept = fs.existsSync(stackFile) ? (YAML.parse(fs.readFileSync(stackFile, "utf8")) as Record<string, unknown>) : {};
    const config = baseConfig(dockerHost);
    edit?.(config);
    const keptConfig = (kept.config ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(keptConfig)) if (v && typeof v === "object" && "secure" in v) config[k] = v;
    fs.writeFileSync(stackFile, YAML.stringify({ ...kept, config }));
  };
  write();
  const ws = await LocalWorkspace.create({ workDir: projectDir, pulumiCommand: await pulumiCommand(tc), envVars: { ...tc.env, ...env } });
  const stack = await Stack.create(STACK, ws);
  await stack.setConfig("minidock:appToken", { value: "first-token-value", secret: true });
  const run = async (tool: "deploy" | "rollback", ...args: string[]) => {
    const progress: string[] = [];
    let out = "";
    const ctx: DeployContext = {
      ...defaultContext(), projectDir, env, policyConfigFile: path.join(PROJECT_DIR, "policies", "local.json"), pollMs: 250,
      progress: (l) => progress.push(l), out: (t) => (out += t),
      ...(handle.rollout ? { rollout: handle.rollout } : {}),
    };
    const code = await (tool === "deploy" ? deployMain : rollbackMain)(["--stack", STACK, "--json", ...args], ctx);
    // MINIDOCK_DEPLOY_TEST_LOG=FILE keeps every run's progress and summary, for the figures in docs/runbook.md.
    const log = process.env.MINIDOCK_DEPLOY_TEST_LOG;
    if (log) fs.appendFileSync(log, `\n### ${tool} ${args.join(" ")} (exit ${code})\n${progress.join("\n")}\n${out}\n`);
    return { code, report: JSON.parse(out) as DeployReport, progress, out };
  };
  const handle: Project = { dir: projectDir, env, write, run };
  return handle;
}

const setImage = (image: string) => (c: Record<string, unknown>) => {
  (c["minidock:services"] as Record<string, Record<string, unknown>>).web.image = image;
};

describe("without a daemon", () => {
  let p: Project;
  beforeAll(async () => {
    // A socket nobody listens on: the preview does not dial the daemon, the update does.
    p = await makeProject("nodaemon", `unix://${path.join(root, "nobody.sock")}`);
  });

  test("a mandatory violation stops it at preview: exit 1, the rule named, nothing in the history", async () => {
    p.write((c) => {
      (c["minidock:services"] as Record<string, Record<string, unknown>>).web.unsafe = { privileged: true };
    });
    const r = await p.run("deploy");
    expect([r.code, r.report.outcome]).toEqual([1, "refused"]);
    expect(r.report.run.violations).toContainEqual(expect.objectContaining({ policy: "hardening-no-privileged", enforcementLevel: "mandatory" }));
    expect(r.report.run.phases.map((x) => x.phase)).toEqual(["preview"]);
    // One per replica of web.
    expect(r.progress.some((l) => /^\[deploy +\d+\.\ds\] preview: FAILED in \d+\.\d s: 3 mandatory policy violation/.test(l))).toBe(true);
    // A preview writes no history.
    const list = await p.run("rollback", "--list");
    expect([list.code, JSON.parse(list.out)]).toEqual([0, []]);
  });

  test("an update that cannot reach the daemon fails; with no verified deployment there is no rollback", async () => {
    p.write();
    const r = await p.run("deploy");
    expect([r.code, r.report.outcome]).toEqual([1, "failed"]);
    expect(r.report.run.phases.map((x) => `${x.phase}:${x.ok}`)).toEqual(["preview:true", "update:false"]);
    expect(r.report.notes).toContainEqual(expect.stringMatching(/^no automatic rollback: no verified deployment/));
    expect(r.report.run.error).toMatch(/nobody\.sock|Cannot connect|connect/i);
  });

  test("rollback: nothing verified to return to (exit 1), and --to a failed update is refused as usage", async () => {
    const none = await p.run("rollback");
    expect([none.code, none.report.outcome]).toEqual([1, "failed"]);
    expect(none.report.notes[0]).toMatch(/no verified deployment in the stack's history/);
    await expect(p.run("rollback", "--to", "1")).rejects.toThrow(UsageError);
    await expect(p.run("rollback", "--to", "1")).rejects.toThrow(/--to 1: version 1 is an update that ended failed: only a successful update can be rolled back to; verified deployments: none/);
  });
});


/** Figures for docs/status.md and the runbook: printed, and appended to MINIDOCK_DEPLOY_FIGURES (e2e.sh prints it). */
const figures: Record<string, number | string> = {};
function figure(name: string, value: number | string): void {
  figures[name] = value;
  process.stdout.write(`deploy figure ${name}: ${value}\n`);
  const file = process.env.MINIDOCK_DEPLOY_FIGURES;
  if (file) fs.writeFileSync(file, JSON.stringify(figures, null, 2));
}
const secondsOf = (ms: number) => Math.round(ms / 100) / 10;

interface Sample {
  at: number;
  /** Running and healthy containers per service. */
  healthy: Record<string, number>;
}

/**
 * The daemon polled every 250 ms while a command runs (dockerode's list, as `docker ps` shows health): how many
 * containers of each service are running and healthy at each moment.
 */
class Poller {
  samples: Sample[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;
  constructor(private readonly docker: Docker) {}

  start(): void {
    const tick = async () => {
      if (this.busy) return;
      this.busy = true;
      try {
        const list = await this.docker.listContainers({ all: true, filters: { label: [`minidock.stack=${STACK}`] } });
        const healthy: Record<string, number> = {};
        for (const c of list) {
          const svc = c.Labels["minidock.service"];
          healthy[svc] = (healthy[svc] ?? 0) + (c.State === "running" && /\(healthy\)/.test(c.Status) ? 1 : 0);
        }
        this.samples.push({ at: Date.now(), healthy });
      } finally {
        this.busy = false;
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), 250);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  min(service: string): number {
    return Math.min(...this.samples.map((s) => s.healthy[service] ?? 0));
  }

  /** The longest time between two samples with a healthy container of the service, in ms (0 when none lacked one). */
  longestGap(service: string): number {
    let gap = 0;
    let lastHealthy: number | undefined;
    let missing = false;
    for (const s of this.samples) {
      if ((s.healthy[service] ?? 0) > 0) {
        if (missing && lastHealthy !== undefined) gap = Math.max(gap, s.at - lastHealthy);
        lastHealthy = s.at;
        missing = false;
      } else missing = true;
    }
    return gap;
  }
}

const withDaemon = DAEMON ? describe : describe.skip;
withDaemon(`on a daemon${DAEMON ? "" : " [skipped: MINIDOCK_TEST_DOCKER_HOST is not set]"}`, () => {
  let p: Project;
  let docker: Docker;
  /** The pool's rolled deployment: the last verified one when the broken image comes. */
  let poolVersion: number | undefined;
  const imageId = async (ref: string) => (await docker.getImage(ref).inspect()).Id;
  /** A service's containers (by label: a start-first replica's name carries a random suffix), by replica. */
  async function replicas(service: string) {
    const list = await docker.listContainers({ all: true, filters: { label: [`minidock.stack=${STACK}`, `minidock.service=${service}`] } });
    const views = await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
    return views.sort((a, b) => Number(a.Config.Labels["minidock.replica"]) - Number(b.Config.Labels["minidock.replica"]));
  }
  const setToken = (value: string) => execFileSync(path.join(tc.binDir, "pulumi"), ["config", "set", "minidock:appToken", "--secret", "--stack", STACK, "--non-interactive"], {
    cwd: p.dir, input: value, env: { ...process.env, ...tc.env, ...p.env },
  });
  const envOf = (c: Docker.ContainerInspectInfo) => Object.fromEntries((c.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  async function expectPool(image: string, n = 3) {
    const pool = await replicas("web");
    expect(pool.map((c) => [c.Config.Labels["minidock.replica"], c.Image, c.State.Health?.Status]))
      .toEqual(Array.from({ length: n }, (_, i) => [String(i + 1), image, "healthy"]));
    return pool;
  }

  /**
   * A container beside the pool that looks up the service alias every 250 ms while a command runs: the name
   * clients use must keep resolving. It is not part of the stack (dockerode creates it), so it is removed after.
   */
  async function withResolver<T>(run: () => Promise<T>): Promise<{ out: T; lookups: number; failed: number }> {
    const c = await docker.createContainer({
      Image: GOOD, Labels: { "minidock.stack": STACK, "minidock.e2e": "resolver" },
      Cmd: ["sh", "-c", "while :; do if nslookup web >/dev/null 2>&1; then echo ok; else echo FAIL; fi; sleep 0.25; done"],
      HostConfig: { NetworkMode: `minidock-${NETWORK}` },
    });
    await c.start();
    try {
      const out = await run();
      const log = (await c.logs({ stdout: true, stderr: true })).toString("utf8");
      return { out, lookups: (log.match(/ok|FAIL/g) ?? []).length, failed: (log.match(/FAIL/g) ?? []).length };
    } finally {
      await c.remove({ force: true });
    }
  }

  /** Each old container's stop as the daemon saw it: the signals it was sent, and how long after the first it died. */
  async function stopsDuring<T>(run: () => Promise<T>): Promise<{ out: T; stops: { name: string; signals: string[]; diedAfterMs?: number }[] }> {
    // Subscribed while it runs: the daemon keeps only its last 256 events, and the healthchecks' execs fill that
    // in seconds.
    const stream = await docker.getEvents({ filters: { type: ["container"], event: ["kill", "die"], label: [`minidock.stack=${STACK}`, "minidock.service=web"] } });
    let text = "";
    stream.on("data", (d: Buffer) => (text += d.toString()));
    let out: T;
    try {
      out = await run();
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      (stream as unknown as { destroy(): void }).destroy();
    }
    const byName = new Map<string, { name: string; signals: string[]; firstKill?: number; died?: number }>();
    for (const line of text.split("\n").filter(Boolean)) {
      const e = JSON.parse(line) as { Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } };
      const name = e.Actor.Attributes.name;
      const entry = byName.get(name) ?? { name, signals: [] };
      if (e.Action === "kill") {
        entry.signals.push(e.Actor.Attributes.signal);
        entry.firstKill ??= e.timeNano / 1e6;
      }
      if (e.Action === "die") entry.died = e.timeNano / 1e6;
      byName.set(name, entry);
    }
    const stops = [...byName.values()].filter((x) => x.signals.length > 0)
      .map((x) => ({ name: x.name, signals: x.signals, diedAfterMs: x.died !== undefined && x.firstKill !== undefined ? x.died - x.firstKill : undefined }));
    return { out, stops };
  }

  async function polled<T>(run: () => Promise<T>): Promise<{ out: T; poller: Poller; ms: number }> {
    const poller = new Poller(docker);
    const t0 = Date.now();
    poller.start();
    try {
      return { out: await run(), poller, ms: Date.now() - t0 };
    } finally {
      poller.stop();
    }
  }

  /** What an earlier run left: this stack's containers and networks (by the minidock.stack label). */
  async function removeLeftovers(): Promise<void> {
    const filters = { label: [`minidock.stack=${STACK}`] };
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true });
    for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
    for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove();
  }

  beforeAll(async () => {
    const host = DAEMON!;
    docker = dockerClient({ name: "local", dockerHost: host });
    await removeLeftovers();
    // Three images from the machine's static busybox, built on the daemon itself (no registry).
    const ctx = fs.mkdtempSync(path.join(root, "image-"));
    fs.mkdirSync(path.join(ctx, "bin"));
    fs.copyFileSync("/bin/busybox", path.join(ctx, "bin", "busybox"));
    const build = (tag: string, dockerfile: string) => {
      fs.writeFileSync(path.join(ctx, "Dockerfile"), dockerfile);
      execFileSync("docker", ["build", "-q", "-t", tag, ctx], { env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: "0" }, stdio: "pipe" });
    };
    const base = "FROM scratch\nCOPY bin/busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";
    build(GOOD, `${base}RUN ["/bin/sh", "-c", "echo 1.0.0 > /ok"]\n`);
    build(NEXT, `${base}RUN ["/bin/sh", "-c", "echo 1.1.0 > /ok"]\n`);
    build(BROKEN, base);
    p = await makeProject("daemon", host);
  });
  afterAll(async () => {
    await removeLeftovers();
    if (Object.keys(figures).length) process.stdout.write(`deploy figures: ${JSON.stringify(figures)}\n`);
  });

  test("deploy: previewed, updated, verified and recorded as the stack's verified deployment", async () => {
    p.write();
    const r = await p.run("deploy");
    expect([r.code, r.report.outcome]).toEqual([0, "deployed"]);
    expect(r.report.run.phases.map((x) => `${x.phase}:${x.ok}`)).toEqual(["preview:true", "update:true", "verify:true", "record:true"]);
    expect(r.report.run.containers).toBe(4);
    expect(r.report.run.version).toBe(1);
    expect(r.report.budget).toEqual([expect.objectContaining({ host: "local", fits: true, declaredMb: 128 })]);
    const ws = await LocalWorkspace.selectStack({ stackName: STACK, workDir: p.dir }, { pulumiCommand: await pulumiCommand(tc), envVars: { ...tc.env, ...p.env } });
    expect(await ws.getTag(VERIFIED_TAG)).toBe("1");
    const pool = await expectPool(await imageId(GOOD));
    // start-first replicas carry the engine's autoname; the database keeps its plain name.
    expect(pool.map((c) => c.Name)).toEqual([1, 2, 3].map((n) => expect.stringMatching(new RegExp(`^/minidock-web-${n}-[0-9a-f]{6}$`))));
    expect((await replicas("db")).map((c) => c.Name)).toEqual(["/minidock-db-1"]);
    expect(envOf(pool[0]).APP_TOKEN).toBe("first-token-value");
    figure("firstDeploySeconds", secondsOf(r.report.totalMs));
  });

  test("an image bump of the 3-replica pool rolls one replica at a time: never fewer than 2 healthy, the alias resolves, SIGTERM then the grace", async () => {
    p.write(setImage(NEXT));
    const before = (await replicas("web")).map((c) => c.Name.slice(1));
    const { out: { out: { out: r, poller, ms }, lookups, failed }, stops } = await stopsDuring(() => withResolver(() => polled(() => p.run("deploy"))));
    expect([r.code, r.report.outcome]).toEqual([0, "deployed"]);
    const pool = await expectPool(await imageId(NEXT));
    expect(pool.map((c) => c.Name.slice(1)).filter((n) => before.includes(n))).toEqual([]);
    expect(r.report.run.rollout).toEqual([
      "rolling 3 replica(s), one at a time: web (3 replica(s), start-first)",
      ...[1, 2, 3].map((n) => expect.stringMatching(new RegExp(`^web: replica ${n}/3 start-first: new healthy in \\d+\\.\\d s, old stopped in \\d+\\.\\d s$`))),
    ]);
    // A rolling deploy is several updates in the history; the last is the one recorded as verified.
    poolVersion = r.report.run.version;
    expect(poolVersion).toBeGreaterThan(2);
    expect(poller.samples.length).toBeGreaterThan(ms / 250 / 3);
    expect(poller.min("web")).toBeGreaterThanOrEqual(2);
    expect([lookups > 4, failed]).toEqual([true, 0]);
    // Each old replica got SIGTERM first, and the KILL only after its stopGraceSeconds (sleep ignores TERM).
    expect(stops.map((s) => s.name).sort()).toEqual([...before].sort());
    for (const s of stops) {
      expect(s.signals[0]).toBe("15");
      expect(s.diedAfterMs).toBeGreaterThanOrEqual(900);
    }
    figure("poolDeploySeconds", secondsOf(ms));
    figure("poolMinHealthy", poller.min("web"));
    figure("poolSamples", poller.samples.length);
    figure("aliasLookups", `${lookups} (${failed} failed)`);
    figure("poolStopAfterSigtermSeconds", Math.max(...stops.map((s) => secondsOf(s.diedAfterMs ?? 0))));
  });

  test("a broken image: the rollout stops at replica 1, the others keep serving, deploy rolls back to the verified deployment, secrets and all", async () => {
    const stackFile = path.join(p.dir, `Pulumi.${STACK}.yaml`);
    p.write(setImage(BROKEN));
    // The secret changes with the bad deploy: the rollback must bring the old one back.
    setToken("second-token-value");
    const before = fs.readFileSync(stackFile, "utf8");
    const { out: r, poller, ms } = await polled(() => p.run("deploy"));
    expect([r.code, r.report.outcome]).toEqual([1, "rolled-back"]);
    // The failed replica, from the daemon: why, its health output and its logs; replicas 2 and 3 were not touched.
    expect(r.report.run.failed.map((f) => [f.service, f.reason.split(" ")[0], f.health.at(-1)])).toEqual([["web", expect.stringMatching(/^(unhealthy|health)$/), "exit 1: no /ok in this image"]]);
    expect(r.report.run.rollout).toEqual([
      "rolling 3 replica(s), one at a time: web (3 replica(s), start-first)",
      "web: replica 1/3 not healthy in time: rollout stopped; its old replica 1 and 2 more old one(s) keep serving",
    ]);
    expect(r.report.rollback).toMatchObject({ target: poolVersion, targetVerified: true, restoredSecrets: ["minidock:appToken"], keptSecrets: [] });
    expect(r.report.rollback!.changedKeys).toEqual(expect.arrayContaining(["minidock:appToken", "minidock:services"]));
    expect(r.report.rollback!.run.phases.map((x) => `${x.phase}:${x.ok}`)).toEqual(["restore-config:true", "update:true", "verify:true", "record:true"]);
    expect(r.out).not.toContain("first-token-value");
    expect(r.out).not.toContain("second-token-value");
    // Throughout, the pool kept replicas - 1 healthy; it ends on the previous image, every replica healthy, with
    // the secret it was verified with.
    expect(poller.min("web")).toBeGreaterThanOrEqual(2);
    const pool = await expectPool(await imageId(NEXT));
    expect(envOf(pool[1]).APP_TOKEN).toBe("first-token-value");
    expect(fs.readFileSync(stackFile, "utf8")).toBe(before);
    expect(r.report.notes).toContainEqual(expect.stringMatching(new RegExp(`the stack runs version ${poolVersion}'s config now; Pulumi\\.deploytest\\.yaml is unchanged`)));
    const ws = await LocalWorkspace.selectStack({ stackName: STACK, workDir: p.dir }, { pulumiCommand: await pulumiCommand(tc), envVars: { ...tc.env, ...p.env } });
    expect((await ws.getTag(VERIFIED_LIST_TAG)).split(",")).toEqual(["1", String(poolVersion), String(r.report.rollback!.run.version)]);
    const phaseMs = (run: DeployReport["run"], name: string) => run.phases.find((x) => x.phase === name)?.ms ?? 0;
    figure("brokenDeploySeconds", secondsOf(ms));
    figure("brokenFailedAfterSeconds", secondsOf(phaseMs(r.report.run, "update")));
    figure("rollbackSeconds", secondsOf(r.report.rollback!.run.phases.reduce((a, x) => a + x.ms, 0)));
    figure("brokenMinHealthy", poller.min("web"));
    // The file back to the token the stack runs, so the tests after this one change only what they say.
    setToken("first-token-value");
  });

  test("a database config change is stop-first: stopped, then started, and the gap is measured", async () => {
    p.write((c) => {
      setImage(NEXT)(c);
      ((c["minidock:services"] as Record<string, Record<string, unknown>>).db.env as Record<string, string>).DB_SETTING = "two";
    });
    const oldDb = (await replicas("db"))[0];
    const { out: r, poller } = await polled(() => p.run("deploy"));
    expect([r.code, r.report.outcome]).toEqual([0, "deployed"]);
    const db = await replicas("db");
    expect(db.map((c) => [c.Name, envOf(c).DB_SETTING, c.State.Health?.Status])).toEqual([["/minidock-db-1", "two", "healthy"]]);
    expect(db[0].Id).not.toBe(oldDb.Id);
    expect(r.report.run.rollout).toEqual([expect.stringMatching(/^db: stop-first \(it writes to volume data of its own\): stopped, then started; gap (\d+\.\d) s$/)]);
    const reported = Number(/gap (\d+\.\d) s/.exec(r.report.run.rollout![0])![1]);
    const measured = poller.longestGap("db");
    // The daemon saw it gone. The deploy's figure counts from the stop signal (the old one may still finish its
    // work during its grace) to the new one healthy, from the engine's step events: never less than what the
    // daemon showed without a healthy db.
    expect(measured).toBeGreaterThan(0);
    expect(reported + 0.5).toBeGreaterThanOrEqual(measured / 1000);
    // The pool was not touched.
    expect(poller.min("web")).toBe(3);
    figure("dbGapSeconds", secondsOf(measured));
    figure("dbGapReportedSeconds", reported);
  });

  test("a verification failure after a successful update also rolls back", async () => {
    // flip, new, turns unhealthy 4 s after it starts, after the provider has seen it healthy (about 7 s after it
    // starts, it is unhealthy); the update cannot end before slow, created beside it, is healthy (after 25 s), so
    // verification finds flip unhealthy. Both are new single replicas: one update, no rolling, and the rollback
    // removes them.
    const flipping = (c: Record<string, unknown>) => {
      const services = c["minidock:services"] as Record<string, Record<string, unknown>>;
      setImage(NEXT)(c);
      (services.db.env as Record<string, string>).DB_SETTING = "two";
      const single = { ...services.web, replicas: 1, tmpfs: ["/tmp"], secretEnv: {} };
      services.flip = {
        ...single, command: ["sh", "-c", "sleep 4; touch /tmp/broken; exec sleep 2147483647"],
        healthcheck: { test: ["CMD-SHELL", "test ! -f /tmp/broken"], interval: "1s", timeout: "1s", retries: 2 },
      };
      services.slow = {
        ...single, command: ["sh", "-c", "sleep 25; touch /tmp/ready; exec sleep 2147483647"],
        healthcheck: { test: ["CMD-SHELL", "test -f /tmp/ready"], interval: "1s", timeout: "1s", retries: 60 },
      };
    };
    p.write(flipping);
    const r = await p.run("deploy");
    expect([r.code, r.report.outcome]).toEqual([1, "rolled-back"]);
    expect(r.report.run.phases.map((x) => `${x.phase}:${x.ok}`)).toEqual(["preview:true", "update:true", "verify:false"]);
    expect(r.report.run.failed.map((f) => [f.name, f.service, f.reason])).toEqual([["minidock-flip-1", "flip", expect.stringMatching(/^unhealthy/)]]);
    expect(r.report.run.failed[0].health.length).toBeGreaterThan(0);
    expect(r.report.rollback!.run.phases.every((x) => x.ok)).toBe(true);
    // The rollback removed what the bad config added; the pool kept running throughout, untouched.
    expect([await replicas("flip"), await replicas("slow")]).toEqual([[], []]);
    await expectPool(await imageId(NEXT));
  });

  test("--no-rollback leaves the failed update; rollback then returns to the last verified deployment; --to N to an older one", async () => {
    p.write(setImage(BROKEN));
    const r = await p.run("deploy", "--no-rollback");
    expect([r.code, r.report.outcome, r.report.rollback]).toEqual([1, "failed", undefined]);
    // The rollout stopped at replica 1: the broken container is there beside the old replica 1.
    expect((await replicas("web")).map((c) => c.Image)).toContain(await imageId(BROKEN));
    const back = await p.run("rollback");
    expect([back.code, back.report.outcome]).toEqual([0, "deployed"]);
    await expectPool(await imageId(NEXT));
    expect(envOf((await replicas("db"))[0]).DB_SETTING).toBe("two");
    // An older verified deployment: the pool's, before the database's change.
    const to = await p.run("rollback", "--to", String(poolVersion));
    expect([to.code, to.report.rollback?.target]).toEqual([0, poolVersion]);
    expect(envOf((await replicas("db"))[0]).DB_SETTING).toBe("one");
    await expectPool(await imageId(NEXT));
  });

  test("mutation: the whole stack in one update with the pool stop-first replaces every replica at once, and the check sees it", async () => {
    p.rollout = wholeStackUpdate;
    try {
      p.write((c) => {
        setImage(GOOD)(c);
        (c["minidock:services"] as Record<string, Record<string, unknown>>).web.rollout = "stop-first";
      });
      const { out: { out: r, poller }, failed } = await withResolver(() => polled(() => p.run("deploy")));
      expect([r.code, r.report.outcome]).toEqual([0, "deployed"]);
      // The same check as the rolling deploy's, which must fail here.
      expect(poller.min("web")).toBeLessThan(2);
      figure("mutationMinHealthy", poller.min("web"));
      figure("mutationAliasLookupsFailed", failed);
    } finally {
      p.rollout = undefined;
    }
  });
});
