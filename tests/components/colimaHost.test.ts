import { Evaluation, RecordedResource } from "../../tools/offline/evaluate";
import { colimaEnv, colimaMemoryGiB, parseSshTarget, remoteCommand, shellQuote } from "../../lib/colima";
import { resolveStackConfig } from "../../lib/stackConfig";
import { toRawStackConfig } from "../../tools/offline/stackFile";
import { ofType, shippedStackConfig } from "../support/stack";
import { evaluateFresh } from "../support/freshEvaluation";

/**
 * ColimaHost under Pulumi's mock monitor (tools/offline/evaluate.ts): the engine and the command provider are
 * mocked (no CLI or plugins here), so these tests check what the program asks for, not that a mini obeys it.
 * The scripts' behaviour is covered by tests/scripts/colima.*.test.ts against stub commands.
 */
const COMMAND = "command:remote:Command";
const COLIMA = "minidock:index:ColimaHost";

/** index.ts registers its resources while its body runs: each evaluation runs it afresh (tests/support/freshEvaluation.ts). */
async function evaluate(stack: string, config: ReturnType<typeof shippedStackConfig>): Promise<Evaluation> {
  return evaluateFresh(stack, config);
}

/** The shipped mini stack plus a second, differently sized mini that runs redis. */
function twoHostConfig() {
  const cfg = shippedStackConfig("mini");
  const hosts = JSON.parse(cfg.values["minidock:hosts"]) as Record<string, unknown>;
  hosts.mini2 = {
    ssh: "ops@mini-2.example.ts.net",
    memoryMb: 8192,
    reserveMb: 1024,
    cpus: 4,
    diskGb: 60,
    colima: { stopOnDestroy: true, configurePower: true, autostart: "launchdaemon", sshPrivateKeySecret: "mini2SshKey" },
  };
  const services = JSON.parse(cfg.values["minidock:services"]) as Record<string, Record<string, unknown>>;
  services.redis.host = "mini2";
  // The agents on mini can no longer reach redis by container name (Docker's DNS answers on one host only).
  delete (services.agent.env as Record<string, string>).REDIS_HOST;
  return {
    values: {
      ...cfg.values,
      "minidock:hosts": JSON.stringify(hosts),
      "minidock:services": JSON.stringify(services),
      "minidock:mini2SshKey": "-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n-----END OPENSSH PRIVATE KEY-----",
    },
    secretKeys: [...cfg.secretKeys, "minidock:mini2SshKey"],
  };
}

const commandsOf = (ev: Evaluation, colimaName: string) =>
  ofType(ev, COMMAND).filter((r) => r.options.parent === ev.resources.find((x) => x.type === COLIMA && x.name === colimaName)?.urn);
const byName = (ev: Evaluation, name: string) => ev.resources.find((r) => r.name === name) as RecordedResource;

describe("two minis", () => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluate("mini", twoHostConfig());
  });

  test("the program evaluates and each mini has one ColimaHost", () => {
    expect(ev.error).toBeUndefined();
    expect(ofType(ev, COLIMA).map((r) => r.name).sort()).toEqual(["mini-colima", "mini2-colima"]);
  });

  test.each([
    ["mini-colima", { cpus: "8", memoryMb: "14336", gib: "14", diskGb: "100" }],
    ["mini2-colima", { cpus: "4", memoryMb: "8192", gib: "8", diskGb: "60" }],
  ])("%s's configure command carries that host's cpus, memory and disk", (colima, want) => {
    const configure = byName(ev, `${colima}-configure`);
    const create = configure.inputs.create as string;
    expect(create).toContain(`MINIDOCK_CPUS='${want.cpus}'`);
    expect(create).toContain(`MINIDOCK_MEMORY_MB='${want.memoryMb}'`);
    expect(create).toContain(`MINIDOCK_DISK_GB='${want.diskGb}'`);
    expect(create.endsWith("/bin/bash -s")).toBe(true);
    expect(configure.inputs.stdin as string).toContain("colima.yaml");
  });

  test("connections come from each host's ssh target; the key only where a secret names one", () => {
    const conn = (n: string) => byName(ev, n).inputs.connection as Record<string, unknown>;
    // dialErrorLimit and perDialTimeout are the defaults @pulumi/command 1.x fills into every connection.
    expect(conn("mini-colima-check")).toEqual({
      host: "mac-mini.example.ts.net", user: "dev", port: 22, dialErrorLimit: 10, perDialTimeout: 15,
    });
    expect(conn("mini2-colima-check")).toMatchObject({ host: "mini-2.example.ts.net", user: "ops", port: 22 });
    expect(conn("mini2-colima-check").privateKey).toContain("OPENSSH PRIVATE KEY");
    expect(byName(ev, "mini2-colima-check").secretInputs).toContain("connection");
  });

  test("steps are chained: check → install → configure → start → autostart → docker", () => {
    const urn = (n: string) => byName(ev, n).urn;
    const deps = (n: string) => byName(ev, n).options.dependencies;
    expect(deps("mini-colima-install")).toContain(urn("mini-colima-check"));
    expect(deps("mini-colima-configure")).toContain(urn("mini-colima-install"));
    expect(deps("mini-colima-start")).toContain(urn("mini-colima-configure"));
    expect(deps("mini-colima-autostart")).toContain(urn("mini-colima-start"));
    expect(deps("mini-colima-docker")).toEqual(expect.arrayContaining([urn("mini-colima-start"), urn("mini-colima-autostart")]));
  });

  test("destroy stops nothing by default; with stopOnDestroy the start command's delete runs stop.sh", () => {
    expect(byName(ev, "mini-colima-start").inputs.delete).toBeUndefined();
    expect(byName(ev, "mini-colima-autostart").inputs.delete).toBeUndefined();
    const del = byName(ev, "mini2-colima-start").inputs.delete as string;
    expect(del).toContain("colima stop -p");
    expect(byName(ev, "mini2-colima-autostart").inputs.delete as string).toContain("MINIDOCK_AUTOSTART='none'");
  });

  test("power runs only where configurePower is set; autostart mode comes from config", () => {
    expect(commandsOf(ev, "mini-colima").map((c) => c.name)).not.toContain("mini-colima-power");
    expect(commandsOf(ev, "mini2-colima").map((c) => c.name)).toContain("mini2-colima-power");
    expect(byName(ev, "mini-colima-autostart").inputs.create).toContain("MINIDOCK_AUTOSTART='launchagent'");
    expect(byName(ev, "mini2-colima-autostart").inputs.create).toContain("MINIDOCK_AUTOSTART='launchdaemon'");
  });

  test.each(["mini", "mini2"])("every docker resource on %s waits for that host's ColimaHost", (host) => {
    const ready = byName(ev, `${host}-colima-docker`).urn;
    const other = byName(ev, `${host === "mini" ? "mini2" : "mini"}-colima-docker`).urn;
    const provider = byName(ev, `${host}-docker`);
    expect(provider.options.dependencies).toContain(ready);
    expect(provider.options.dependencies).not.toContain(other);
    const onHost = ev.resources.filter((r) => r.type.startsWith("docker:") && r.provider?.startsWith(`${provider.urn}::`));
    expect(onHost.length).toBeGreaterThan(0);
    // Containers, images and volumes are created through the provider, which the engine creates after its
    // dependencies; networks also name the ColimaHost directly.
    for (const net of onHost.filter((r) => r.type === "docker:index/network:Network")) {
      expect(net.options.dependencies).toContain(ready);
    }
  });
});

test("the local stack has no ColimaHost and no remote commands", async () => {
  const ev = await evaluate("local", shippedStackConfig("local"));
  expect(ev.error).toBeUndefined();
  expect(ofType(ev, "docker:index/container:Container").length).toBeGreaterThan(0); // the program did run
  expect(ofType(ev, COLIMA)).toEqual([]);
  expect(ofType(ev, COMMAND)).toEqual([]);
});

describe("lib/colima", () => {
  test("memory rounds down to whole GiB", () => {
    expect(colimaMemoryGiB(14336)).toBe(14);
    expect(colimaMemoryGiB(14335)).toBe(13);
  });

  test("values are single-quoted so no config value can inject shell", () => {
    expect(shellQuote("it's; rm -rf ~")).toBe(`'it'\\''s; rm -rf ~'`);
    expect(remoteCommand({ A: "x y" })).toBe(`A='x y' /bin/bash -s`);
    expect(parseSshTarget("dev@mac-mini.example.ts.net")).toEqual({ user: "dev", host: "mac-mini.example.ts.net" });
  });

  test("the generation changes with the VM's config, so start re-runs; not with unrelated keys", () => {
    const cfg = toRawStackConfig(twoHostConfig());
    const host = resolveStackConfig("mini", cfg).hosts[0];
    const logs = { maxSize: "10m", maxFiles: 3 };
    const a = colimaEnv(host, logs).generation;
    expect(colimaEnv({ ...host, cpus: host.cpus - 1 }, logs).generation).not.toBe(a);
    expect(colimaEnv({ ...host, reserveMb: host.reserveMb + 1 }, logs).generation).toBe(a);
  });

  test("an unset sshPrivateKeySecret key is reported like every secret reference", () => {
    const cfg = twoHostConfig();
    delete (cfg.values as Record<string, string>)["minidock:mini2SshKey"];
    cfg.secretKeys = cfg.secretKeys.filter((k) => k !== "minidock:mini2SshKey");
    expect(() => resolveStackConfig("mini", toRawStackConfig(cfg))).toThrow(
      /hosts\.mini2\.colima\.sshPrivateKeySecret: secret config key "mini2SshKey" is not set/,
    );
  });
});
