/**
 * `npm run status` against a real dockerd (scripts/ci/status-test.sh starts a private one, without networking
 * beyond its own bridges, and imports a busybox image). Skipped unless MINIDOCK_STATUS_DOCKER_HOST names that
 * daemon; the script fails if it is not run.
 *
 * The stack is a small stack file written here (web with a healthcheck and a backed-up volume, a start-first pool
 * of two, a container that can be made to exceed its limit, the backup container). Its containers are created on
 * the daemon as the program declares them: the program is evaluated (tools/stackRun.ts, the same evaluation status
 * makes), and every declared container is started with its own envelope (tools/dockerRunFlags.ts: limits, restart,
 * capabilities, security options, read-only root, tmpfs, logs, labels), its declared networks with their aliases,
 * its declared volumes and healthcheck, its declared image reference (tagged here onto the busybox image: there is
 * no registry), and a stand-in command where the real one cannot run in busybox (the backup container sleeps;
 * its archives are files the test writes). Start-first containers get engine-style names
 * (minidock-<resource>-<6 hex>), so status has to find them by label.
 *
 * Then the daemon is broken one thing at a time, and after each change `status --json` (the CLI, spawned) must
 * name exactly the problems so far, with their runbook sections, the verdict and the exit code; every document is
 * validated against schemas/status.schema.json. Once, the same host is read over ssh:// as a mini is (the script's
 * private sshd, MINIDOCK_STATUS_SSH), and must give the same answer as over the socket.
 */
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { TYPE } from "../../../lib/dockerTypes";
import { fromLabelList } from "../../../lib/labels";
import { Daemon } from "../../../tools/engine/daemon";
import { dockerRunFlags } from "../../../tools/dockerRunFlags";
import { evaluate, loadStack, resolveTarget } from "../../../tools/stackRun";
import { DeclaredStack, declaredStack } from "../../../tools/status/declared";
import { StatusDocument } from "../../../tools/status/judge";
import { tempDir } from "../../support/tmp";
import { schemaErrors } from "./schema";

const DOCKER_HOST = process.env.MINIDOCK_STATUS_DOCKER_HOST;
const BASE_IMAGE = process.env.MINIDOCK_STATUS_BASE_IMAGE ?? "minidock-ci/busybox:status";
const ROOT = path.resolve(__dirname, "../../..");
const STACK = "statusci";

/** `user@host:port` of an sshd whose sessions reach the same daemon, and the directory of its ssh shim. */
const SSH = process.env.MINIDOCK_STATUS_SSH;
const SSH_PATH = process.env.MINIDOCK_STATUS_SSH_PATH;

const hostLines = (dockerHost: string) => {
  const ssh = /^ssh:\/\/(.+):(\d+)$/.exec(dockerHost);
  return ssh ? `ssh: ${ssh[1]}\n      sshPort: ${ssh[2]}` : `dockerHost: ${dockerHost}`;
};
const stackFile = (dockerHost: string) => `config:
  minidock:hosts:
    ci:
      ${hostLines(dockerHost)}
      memoryMb: 2048
      reserveMb: 256
      cpus: 2
      diskGb: 10
  minidock:networks:
    edge: {}
  minidock:backup:
    enabled: true
    schedule: "0 3 * * *"
  minidock:services:
    web:
      image: busybox:1.36.1
      memoryMb: 32
      command: [sleep, "100000"]
      healthcheck: { test: [CMD-SHELL, "test ! -e /tmp/sick"], interval: 1s, timeout: 1s, retries: 1 }
      volumes:
        - { name: data, path: /data, backup: true }
    pool:
      image: busybox:1.36.1
      replicas: 2
      memoryMb: 16
      command: [sleep, "100000"]
    hog:
      image: busybox:1.36.1
      memoryMb: 16
      # Holds nothing until /tmp/oom exists, then asks for 64 MB under a 16 MB limit (swap is off): an OOM kill.
      # /tmp is a tmpfs, empty again after the restart, so it then waits again.
      command: [sh, -c, "until [ -e /tmp/oom ]; do sleep 0.2; done; exec dd if=/dev/zero of=/dev/null bs=64M count=1"]
`;

// Without the daemon: one skipped entry that says where it runs (tests/support/skipReporter.js lists it).
if (!DOCKER_HOST) test.skip("status on a real dockerd [skipped: run by scripts/ci/status-test.sh, which sets MINIDOCK_STATUS_DOCKER_HOST]", () => undefined);
else describe("status on a real dockerd", () => {
  jest.setTimeout(120_000);
  const daemon = new Daemon(DOCKER_HOST ?? "");
  let file: string;
  let declared: DeclaredStack;
  const names: Record<string, string> = {};
  let kept = 0;

  interface Run { code: number | null; doc: StatusDocument; stderr: string }
  const status = (over: { file?: string; env?: NodeJS.ProcessEnv } = {}): Run => {
    const r = spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/status.ts", "--config", over.file ?? file, "--json"], {
      cwd: ROOT, encoding: "utf8", timeout: 90_000, env: { ...process.env, ...over.env },
    });
    let doc: StatusDocument;
    try {
      doc = JSON.parse(r.stdout) as StatusDocument;
    } catch {
      throw new Error(`status printed no JSON (exit ${r.status}): ${r.stdout}\n${r.stderr}`);
    }
    expect(schemaErrors(doc)).toEqual([]);
    // MINIDOCK_STATUS_KEEP=DIR keeps each step's document (1.json, 2.json...), to look at after a failure.
    if (process.env.MINIDOCK_STATUS_KEEP) fs.writeFileSync(path.join(process.env.MINIDOCK_STATUS_KEEP, `${++kept}.json`), r.stdout);
    return { code: r.status, doc, stderr: r.stderr };
  };
  /** `kind subject runbook`, the subject without the container's name, sorted: what each step compares. */
  const problems = (doc: StatusDocument) =>
    doc.hosts.flatMap((h) => h.problems.map((p) => `${p.kind} ${p.subject.replace(/ \(.*\)$/, "")} ${p.runbook.replace(/^.*#/, "#")}`)).sort();
  const container = (doc: StatusDocument, svc: string, replica = 1) => doc.hosts[0].containers.find((c) => c.service === svc && c.replica === replica)!;
  const waitFor = async (what: string, check: () => boolean, ms = 30_000) => {
    const t0 = Date.now();
    while (!check()) {
      if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const setArchiveTime = (epochS: number) =>
    daemon.exec(names.backup, ["sh", "-c", `rm -f /archive/*; echo archive > /archive/minidock-ci-status.tar.gz; touch -d @${epochS} /archive/minidock-ci-status.tar.gz`]);

  beforeAll(async () => {
    const dir = tempDir("minidock-status-daemon-");
    file = path.join(dir, `Pulumi.${STACK}.yaml`);
    fs.writeFileSync(file, stackFile(DOCKER_HOST!));
    const loaded = loadStack(resolveTarget({ config: file }));
    const ev = await evaluate(loaded);
    expect(loaded.configError).toBeUndefined();
    declared = declaredStack(loaded.resolved!, ev.resources);

    // Leftovers of an earlier run on the same daemon.
    const old = daemon.docker(["ps", "-aq", "--filter", "label=minidock.project=minidock"]).stdout.split("\n").filter(Boolean);
    if (old.length) daemon.docker(["rm", "-f", ...old]);
    for (const ref of new Set(declared.hosts[0].containers.map((c) => c.imageRef!))) daemon.docker(["tag", BASE_IMAGE, ref]);
    for (const r of ev.resources.filter((x) => x.type === TYPE.network)) {
      const labels = Object.entries(fromLabelList(r.inputs.labels)).map(([k, v]) => `--label=${k}=${v}`);
      daemon.docker(["network", "create", "--driver", String(r.inputs.driver ?? "bridge"), ...(r.inputs.internal ? ["--internal"] : []), ...labels, String(r.inputs.name)]);
    }
    for (const r of ev.resources.filter((x) => x.type === TYPE.volume)) {
      const labels = Object.entries(fromLabelList(r.inputs.labels)).map(([k, v]) => `--label=${k}=${v}`);
      daemon.docker(["volume", "create", ...labels, String(r.inputs.name)]);
    }
    for (const c of declared.hosts[0].containers) {
      const i = c.inputs;
      // Start-first containers are named by the engine (Pulumi.yaml autonaming: minidock-${name}-${hex(6)}).
      const name = c.name ?? `minidock-${c.resource}-${randomBytes(3).toString("hex")}`;
      names[c.replica > 1 ? `${c.service}-${c.replica}` : c.service] = name;
      const nets = (i.networksAdvanced as { name: string; aliases?: string[] }[] | undefined) ?? [];
      const vols = (i.volumes as { volumeName: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? [];
      const hc = i.healthcheck as { tests: string[]; interval?: string; timeout?: string; retries?: number } | undefined;
      // The backup container's check looks for offen's process, which the stand-in is not: its probe is `true`.
      const probe = c.service === "backup" ? "true" : hc && (hc.tests[0] === "CMD-SHELL" ? hc.tests[1] : hc.tests.slice(1).join(" "));
      const health = hc
        ? [`--health-cmd=${probe}`, `--health-interval=${hc.interval ?? "30s"}`,
          `--health-timeout=${hc.timeout ?? "30s"}`, `--health-retries=${hc.retries ?? 3}`]
        : [];
      // The backup container's entrypoint runs offen's program, which busybox does not have: it sleeps instead.
      const run = c.service === "backup" ? ["--entrypoint=/bin/sleep", c.imageRef!, "100000"] : [c.imageRef!, ...(i.command as string[])];
      daemon.docker([
        "run", "-d", ...dockerRunFlags({ ...i, name: undefined }), `--name=${name}`,
        ...(nets[0] ? [`--network=${nets[0].name}`, ...(nets[0].aliases ?? []).map((a) => `--network-alias=${a}`)] : []),
        ...vols.map((v) => `--volume=${v.volumeName}:${v.containerPath}${v.readOnly ? ":ro" : ""}`),
        ...health, ...run,
      ]);
      for (const n of nets.slice(1)) daemon.docker(["network", "connect", ...(n.aliases ?? []).flatMap((a) => ["--alias", a]), n.name, name]);
    }
    setArchiveTime(Math.floor(Date.now() / 1000) - 600);
    await waitFor("web healthy", () => daemon.inspect(names.web).State.Health?.Status === "healthy");
  });

  test("as declared: ok, exit 0, every container found by its labels", () => {
    const { code, doc } = status();
    expect(problems(doc)).toEqual([]);
    expect(code).toBe(0);
    expect(doc.verdict).toBe("ok");
    const h = doc.hosts[0];
    expect(h.containers.map((c) => `${c.service}/${c.replica} ${c.state}`).sort()).toEqual(["backup/1 running", "hog/1 running", "pool/1 running", "pool/2 running", "web/1 running"]);
    // The start-first pool runs under engine-chosen names; status matched them by labels.
    expect(container(doc, "pool", 2).name).toMatch(/^minidock-pool-2-[0-9a-f]{6}$/);
    expect(container(doc, "web").health).toBe("healthy");
    for (const c of h.containers) {
      expect(c.memory.usedMb).not.toBeNull();
      expect(c.uptimeSeconds).toBeGreaterThanOrEqual(0);
      expect(c.drift).toEqual([]);
    }
    expect(h.memory).toMatchObject({ budgetMb: 2048, reserveMb: 256, limitsMb: 32 + 16 + 16 + 16 + 64, declaredMb: 144, headroomMb: 2048 - 256 - 144 });
    expect(h.disk!.imagesBytes).toBeGreaterThan(0);
    expect(h.backups).toMatchObject({ enabled: true, state: "ok", archives: 1, volumes: [{ volume: "minidock-web-data", coverage: "archive", via: names.backup }] });
    expect(h.backups.newestArchive!.ageHours).toBeLessThan(0.5);
  });

  test("a container killed for OOM: degraded, exit 1, its OOM kill from the daemon's events", async () => {
    daemon.exec(names.hog, ["touch", "/tmp/oom"]);
    await waitFor("hog OOM-killed and restarted", () => daemon.inspect(names.hog).State.Status === "running" && Number(daemon.docker(["inspect", "-f", "{{.RestartCount}}", names.hog]).stdout.trim()) >= 1);
    const { code, doc } = status();
    expect(problems(doc)).toEqual(["container-oom-killed hog/1 #containerrestarting", "container-restarting hog/1 #containerrestarting"]);
    expect(code).toBe(1);
    expect(doc.hosts[0].verdict).toBe("degraded");
    const hog = container(doc, "hog");
    expect(hog.oomKills).toBeGreaterThanOrEqual(1);
    expect(hog.restartCount).toBeGreaterThanOrEqual(1);
  });

  test("a container made unhealthy: its healthcheck's failure, with the ContainerUnhealthy section", async () => {
    daemon.exec(names.web, ["touch", "/tmp/sick"]);
    await waitFor("web unhealthy", () => daemon.inspect(names.web).State.Health?.Status === "unhealthy");
    const { code, doc } = status();
    expect(problems(doc)).toContain("container-unhealthy web/1 #containerunhealthy");
    expect(problems(doc)).toHaveLength(3);
    expect(code).toBe(1);
    expect(doc.hosts[0].services.find((s) => s.service === "web")!.state).toBe("down");
  });

  test("a container stopped by hand: not running, with the ServiceDown section; its pool is degraded", () => {
    daemon.docker(["stop", "-t", "1", names["pool-2"]]);
    const { code, doc } = status();
    expect(problems(doc)).toContain("container-stopped pool/2 #servicedown");
    expect(problems(doc)).toHaveLength(4);
    expect(code).toBe(1);
    expect(container(doc, "pool", 2).state).toBe("exited");
    expect(doc.hosts[0].services.find((s) => s.service === "pool")).toMatchObject({ running: 1, state: "degraded" });
  });

  test("a container started by hand with the stack's labels: drift", () => {
    const labels = ["project=minidock", `stack=${STACK}`, "host=ci", "service=pool", "replica=3", "tier=workload"].map((l) => `--label=minidock.${l}`);
    daemon.docker(["run", "-d", "--name", "minidock-by-hand", ...labels, BASE_IMAGE, "sleep", "100000"]);
    const { code, doc } = status();
    expect(problems(doc)).toContain("drift-undeclared container minidock-by-hand #drift");
    expect(problems(doc)).toHaveLength(5);
    expect(doc.hosts[0].drift.undeclared).toEqual([expect.objectContaining({ kind: "container", name: "minidock-by-hand" })]);
    expect(code).toBe(1);
  });

  test("a memory limit changed with docker update: drift, naming declared and actual", () => {
    daemon.docker(["update", "--memory", "48m", "--memory-swap", "48m", names.pool]);
    const { code, doc } = status();
    expect(problems(doc)).toContain("drift-differs pool/1 #drift");
    expect(problems(doc)).toHaveLength(6);
    expect(container(doc, "pool").drift).toEqual(expect.arrayContaining([`memory: declared ${16 * 1024 * 1024}, daemon has ${48 * 1024 * 1024}`]));
    expect(code).toBe(1);
  });

  test("the newest archive older than the schedule's last run: backup late", () => {
    setArchiveTime(Math.floor(Date.now() / 1000) - 49 * 3600);
    const { code, doc } = status();
    expect(problems(doc)).toContain("backup-late host ci #backuptooold");
    expect(doc.hosts[0].backups.state).toBe("late");
    expect(code).toBe(1);
  });

  test("the same host reached as a mini is, over ssh:// (OpenSSH, docker system dial-stdio): the same verdict", () => {
    if (!SSH || !SSH_PATH) throw new Error("MINIDOCK_STATUS_SSH and MINIDOCK_STATUS_SSH_PATH are not set: scripts/ci/status-test.sh sets them");
    // The two reads are seconds apart: a health still "starting" (the backup container's first check comes 30 s
    // after its start) could turn in between and make them differ. Compare once every healthcheck has answered.
    const deadline = Date.now() + 90_000;
    const starting = () => daemon.docker(["ps", "-q", "--filter", "label=minidock.project=minidock", "--filter", "health=starting"]).stdout.trim();
    while (starting() !== "" && Date.now() < deadline) spawnSync("sleep", ["1"]);
    expect(starting()).toBe("");
    const local = status();
    const sshFile = path.join(tempDir("minidock-status-ssh-"), `Pulumi.${STACK}.yaml`);
    fs.writeFileSync(sshFile, stackFile(`ssh://${SSH}`));
    const viaSsh = status({ file: sshFile, env: { PATH: `${SSH_PATH}:${process.env.PATH}` } });
    expect(viaSsh.doc.hosts[0].dockerHost).toBe(`ssh://${SSH}`);
    expect(viaSsh.doc.hosts[0].reachable).toBe(true);
    expect(problems(viaSsh.doc)).toEqual(problems(local.doc));
    expect(viaSsh.code).toBe(1);
    // Everything read over ssh as over the socket: containers, archives (the exec), disk.
    const shape = (d: StatusDocument) => d.hosts[0].containers.map((c) => `${c.service}/${c.replica} ${c.state} ${c.health} ${c.oomKills}`);
    expect(shape(viaSsh.doc)).toEqual(shape(local.doc));
    expect(viaSsh.doc.hosts[0].backups.newestArchive).toEqual(local.doc.hosts[0].backups.newestArchive);
    expect(viaSsh.doc.hosts[0].disk).not.toBeNull();
  });

  test("the text report: the verdict line and each problem's fix", () => {
    const r = spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/status.ts", "--config", file], { cwd: ROOT, encoding: "utf8", timeout: 90_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^host ci \(unix:\/\/.*\): DEGRADED/m);
    expect(r.stdout).toMatch(/fix: docs\/runbook\.md#containerunhealthy/);
    expect(r.stdout).toMatch(/^verdict: degraded \(ci degraded; exit 1\)$/m);
  });

  test("nothing declared runs: down, exit 2", () => {
    const running = daemon.docker(["ps", "-q", "--filter", `label=minidock.stack=${STACK}`]).stdout.split("\n").filter(Boolean);
    daemon.docker(["stop", "-t", "1", ...running]);
    const { code, doc } = status();
    expect(code).toBe(2);
    expect(doc.verdict).toBe("down");
    expect(problems(doc)).toContain("host-nothing-running host ci #a-host-is-down");
  });
});
