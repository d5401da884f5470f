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
const BROKEN = "minidock-deploytest/busybox:1.0.1"; // no /ok: its healthcheck never passes

const tc = findToolchain();
const root = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-deploy-engine-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Project {
  dir: string;
  env: Record<string, string>;
  /** Writes Pulumi.deploytest.yaml with the given edit of the base config; keeps the secrets set so far. */
  write(edit?: (config: Record<string, unknown>) => void): void;
  run(tool: "deploy" | "rollback", ...args: string[]): Promise<{ code: number; report: DeployReport; progress: string[]; out: string }>;
}

function baseConfig(dockerHost: string): Record<string, unknown> {
  return {
    "minidock:backup": { enabled: false },
    "minidock:monitoring": { enabled: false },
    "minidock:hosts": { local: { dockerHost, memoryMb: 2048, reserveMb: 256, cpus: 2, diskGb: 10 } },
    "minidock:networks": { edge: {} },
    "minidock:services": {
      web: {
        image: GOOD, replicas: 2, memoryMb: 32, cpus: "0.25", networks: ["edge"], user: "1000:1000",
        command: ["sh", "-c", "exec sleep 2147483647"],
        // sleep ignores SIGTERM: every replacement would wait out the default 30 s before the kill.
        stopGraceSeconds: 1,
        secretEnv: { APP_TOKEN: "appToken" },
        healthcheck: { test: ["CMD-SHELL", "test -f /ok || { echo no /ok in this image; exit 1; }"], interval: "1s", timeout: "1s", retries: 2 },
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
    };
    const code = await (tool === "deploy" ? deployMain : rollbackMain)(["--stack", STACK, "--json", ...args], ctx);
    // MINIDOCK_DEPLOY_TEST_LOG=FILE keeps every run's progress and summary, for the figures in docs/runbook.md.
    const log = process.env.MINIDOCK_DEPLOY_TEST_LOG;
    if (log) fs.appendFileSync(log, `\n### ${tool} ${args.join(" ")} (exit ${code})\n${progress.join("\n")}\n${out}\n`);
    return { code, report: JSON.parse(out) as DeployReport, progress, out };
  };
  return { dir: projectDir, env, write, run };
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
    expect(r.progress.some((l) => /^\[deploy +\d+\.\ds\] preview: FAILED in \d+\.\d s: 2 mandatory policy violation/.test(l))).toBe(true);
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

const withDaemon = DAEMON ? describe : describe.skip;
withDaemon(`on a daemon${DAEMON ? "" : " [skipped: MINIDOCK_TEST_DOCKER_HOST is not set]"}`, () => {
  let p: Project;
  let docker: Docker;
  const web = (n: number) => docker.getContainer(`minidock-web-${n}`).inspect();
  const imageId = async (ref: string) => (await docker.getImage(ref).inspect()).Id;
  const envOf = async (n: number) => Object.fromEntries(((await web(n)).Config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

  /** What an earlier run left: this stack's containers and networks (by the minidock.stack label). */
  async function removeLeftovers(): Promise<void> {
    const filters = { label: [`minidock.stack=${STACK}`] };
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true });
    for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
  }

  beforeAll(async () => {
    const host = DAEMON!;
    docker = dockerClient({ name: "local", dockerHost: host });
    await removeLeftovers();
    // Three images from the machine's static busybox, built on the daemon itself (no registry).
    const ctx = fs.mkdtempSync(path.join(root, "image-"));
    fs.mkdirSync(path.join(ctx, "bin"));
    fs.copyFileSync("/bin/busybox", path.join(ctx, "bin", "busybox"));
    fs.writeFileSync(path.join(ctx, "ok"), "ok\n");
    const build = (tag: string, dockerfile: string) => {
      fs.writeFileSync(path.join(ctx, "Dockerfile"), dockerfile);
      execFileSync("docker", ["build", "-q", "-t", tag, ctx], { env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: "0" }, stdio: "pipe" });
    };
    const base = "FROM scratch\nCOPY bin/busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";
    build(GOOD, `${base}COPY ok /ok\n`);
    build(BROKEN, base);
    p = await makeProject("daemon", host);
  });
  afterAll(() => removeLeftovers());

  test("deploy: previewed, updated, verified and recorded as the stack's verified deployment", async () => {
    p.write();
    const r = await p.run("deploy");
    expect([r.code, r.report.outcome]).toEqual([0, "deployed"]);
    expect(r.report.run.phases.map((x) => `${x.phase}:${x.ok}`)).toEqual(["preview:true", "update:true", "verify:true", "record:true"]);
    expect(r.report.run.containers).toBe(2);
    expect(r.report.run.version).toBe(1);
    expect(r.report.budget).toEqual([expect.objectContaining({ host: "local", fits: true, declaredMb: 64 })]);
    const ws = await LocalWorkspace.selectStack({ stackName: STACK, workDir: p.dir }, { pulumiCommand: await pulumiCommand(tc), envVars: { ...tc.env, ...p.env } });
    expect(await ws.getTag(VERIFIED_TAG)).toBe("1");
    expect((await web(1)).State.Health?.Status).toBe("healthy");
    expect((await envOf(1)).APP_TOKEN).toBe("first-token-value");
  });

  test("a broken image: the update fails, deploy rolls back to the verified deployment, secrets and all", async () => {
    const stackFile = path.join(p.dir, `Pulumi.${STACK}.yaml`);
    p.write(setImage(BROKEN));
    // The secret changes with the bad deploy: the rollback must bring the old one back.
    execFileSync(path.join(tc.binDir, "pulumi"), ["config", "set", "minidock:appToken", "--secret", "--stack", STACK, "--non-interactive"], {
      cwd: p.dir, input: "second-token-value", env: { ...process.env, ...tc.env, ...p.env },
    });
    const before = fs.readFileSync(stackFile, "utf8");
    const r = await p.run("deploy");
    expect([r.code, r.report.outcome]).toEqual([1, "rolled-back"]);
    // The failed service, from the daemon: why, its health output and its logs.
    expect(r.report.run.failed.map((f) => [f.name, f.service, f.reason, f.health.at(-1)])).toEqual([
      ["minidock-web-1", "web", expect.stringMatching(/^unhealthy/), "exit 1: no /ok in this image"],
      ["minidock-web-2", "web", expect.stringMatching(/^unhealthy/), "exit 1: no /ok in this image"],
    ]);
    expect(r.report.rollback).toMatchObject({ target: 1, targetVerified: true, restoredSecrets: ["minidock:appToken"], keptSecrets: [] });
    expect(r.report.rollback!.changedKeys).toEqual(expect.arrayContaining(["minidock:appToken", "minidock:services"]));
    expect(r.report.rollback!.run.phases.map((x) => `${x.phase}:${x.ok}`)).toEqual(["restore-config:true", "update:true", "verify:true", "record:true"]);
    expect(r.out).not.toContain("first-token-value");
    expect(r.out).not.toContain("second-token-value");
    // Back on the good image, healthy, with the secret it was verified with.
    for (const n of [1, 2]) {
      const c = await web(n);
      expect([c.Image, c.State.Health?.Status]).toEqual([await imageId(GOOD), "healthy"]);
    }
    expect((await envOf(2)).APP_TOKEN).toBe("first-token-value");
    // The user's file still holds their change; the summary says the stack runs version 1's config.
    expect(fs.readFileSync(stackFile, "utf8")).toBe(before);
    expect(r.report.notes).toContainEqual(expect.stringMatching(/the stack runs version 1's config now; Pulumi\.deploytest\.yaml is unchanged/));
    const ws = await LocalWorkspace.selectStack({ stackName: STACK, workDir: p.dir }, { pulumiCommand: await pulumiCommand(tc), envVars: { ...tc.env, ...p.env } });
    expect((await ws.getTag(VERIFIED_LIST_TAG)).split(",")).toEqual(["1", String(r.report.rollback!.run.version)]);
  });

  test("a verification failure after a successful update also rolls back", async () => {
    // web turns unhealthy 4 s after it starts, after the provider has seen it healthy (about 7 s after it starts,
    // web is unhealthy); the update cannot end before slow, created beside it, is healthy (after 25 s), so
    // verification finds web unhealthy.
    const flipping = (c: Record<string, unknown>) => {
      const services = c["minidock:services"] as Record<string, Record<string, unknown>>;
      Object.assign(services.web, {
        tmpfs: ["/tmp"], command: ["sh", "-c", "sleep 4; touch /tmp/broken; exec sleep 2147483647"],
        healthcheck: { test: ["CMD-SHELL", "test ! -f /tmp/broken"], interval: "1s", timeout: "1s", retries: 2 },
      });
      services.slow = {
        ...services.web, replicas: 1, tmpfs: ["/tmp"], command: ["sh", "-c", "sleep 25; touch /tmp/ready; exec sleep 2147483647"],
        healthcheck: { test: ["CMD-SHELL", "test -f /tmp/ready"], interval: "1s", timeout: "1s", retries: 60 },
      };
    };
    p.write(flipping);
    const r = await p.run("deploy");
    expect([r.code, r.report.outcome]).toEqual([1, "rolled-back"]);
    expect(r.report.run.phases.map((x) => `${x.phase}:${x.ok}`)).toEqual(["preview:true", "update:true", "verify:false"]);
    expect(r.report.run.failed.map((f) => [f.name, f.service, f.reason])).toEqual([
      ["minidock-web-1", "web", expect.stringMatching(/^unhealthy/)],
      ["minidock-web-2", "web", expect.stringMatching(/^unhealthy/)],
    ]);
    expect(r.report.run.failed[0].health.length).toBeGreaterThan(0);
    expect(r.report.rollback!.run.phases.every((x) => x.ok)).toBe(true);
    // The rollback removed slow, which version 1 did not have, and web runs its old command again.
    expect(await docker.listContainers({ all: true, filters: { name: ["minidock-slow-1"] } })).toEqual([]);
    expect((await web(1)).Config.Cmd).toEqual(["sh", "-c", "exec sleep 2147483647"]);
  });

  test("--no-rollback leaves the failed update; rollback then returns to the last verified deployment; --to N to an older one", async () => {
    p.write(setImage(BROKEN));
    const r = await p.run("deploy", "--no-rollback");
    expect([r.code, r.report.outcome, r.report.rollback]).toEqual([1, "failed", undefined]);
    expect((await web(1)).Image).toBe(await imageId(BROKEN));
    const back = await p.run("rollback");
    expect([back.code, back.report.outcome]).toEqual([0, "deployed"]);
    expect((await web(1)).Image).toBe(await imageId(GOOD));
    const to1 = await p.run("rollback", "--to", "1");
    expect([to1.code, to1.report.rollback?.target]).toEqual([0, 1]);
  });
});
