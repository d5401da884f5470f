import { Inspect } from "../../../tools/engine/daemon";
import { envelopeProblems, referencedNames } from "../../../tools/engine/envelope";

/**
 * The end-to-end test's comparison of declared inputs with `docker inspect`, on hand-written inspect output
 * (the shape Docker 20.10 returns). The e2e itself runs it on a real daemon.
 */
const MiB = 1024 * 1024;
const inputs = () => ({
  memory: 128, memorySwap: 128, cpus: "0.25",
  capabilities: { drops: ["ALL"], adds: ["DAC_OVERRIDE"] },
  securityOpts: ["no-new-privileges:true"], readOnly: true, tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
  logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" }, restart: "unless-stopped",
  ports: [{ internal: 3000, external: 13000, ip: "127.0.0.1", protocol: "tcp" }],
  networksAdvanced: [{ name: "minidock-edge", aliases: ["grafana"] }],
  healthcheck: { tests: ["CMD", "true"] },
});
const daemon = (): Inspect => ({
  Id: "c1", Name: "/minidock-grafana-1", Image: "sha256:aa",
  State: { Status: "running", Running: true, Health: { Status: "healthy" } },
  Config: { Env: [], Cmd: null, Entrypoint: null, Labels: {} },
  HostConfig: {
    Memory: 128 * MiB, MemorySwap: 128 * MiB, NanoCpus: 250_000_000, CapDrop: ["ALL"], CapAdd: ["CAP_DAC_OVERRIDE"],
    SecurityOpt: ["no-new-privileges:true"], ReadonlyRootfs: true, Tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
    LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "3" } }, RestartPolicy: { Name: "unless-stopped" },
    PortBindings: null, Privileged: false,
  },
  NetworkSettings: {
    Networks: { "minidock-edge": { Aliases: ["grafana", "c1"] } },
    Ports: { "3000/tcp": [{ HostIp: "127.0.0.1", HostPort: "13000" }] },
  },
});

test("a container as declared has no problem (CAP_ spelling and extra aliases are the daemon's own)", () => {
  expect(envelopeProblems(inputs(), daemon())).toEqual([]);
});

test.each([
  ["memory", (d: Inspect) => (d.HostConfig.Memory = 256 * MiB), /^memory: declared 134217728/],
  ["swap", (d: Inspect) => (d.HostConfig.MemorySwap = -1), /^memory\+swap/],
  ["cpus", (d: Inspect) => (d.HostConfig.NanoCpus = 1e9), /^cpus/],
  ["a capability kept", (d: Inspect) => (d.HostConfig.CapDrop = []), /ALL is not dropped/],
  ["no-new-privileges", (d: Inspect) => (d.HostConfig.SecurityOpt = []), /no-new-privileges:true missing/],
  ["a writable root", (d: Inspect) => (d.HostConfig.ReadonlyRootfs = false), /^read-only root/],
  ["tmpfs", (d: Inspect) => (d.HostConfig.Tmpfs = null), /^tmpfs/],
  ["log rotation", (d: Inspect) => (d.HostConfig.LogConfig.Config = {}), /^log options/],
  ["restart policy", (d: Inspect) => (d.HostConfig.RestartPolicy.Name = "no"), /^restart policy/],
  ["a port on all interfaces", (d: Inspect) => (d.NetworkSettings.Ports["3000/tcp"] = [{ HostIp: "0.0.0.0", HostPort: "13000" }]), /^port 3000\/tcp/],
  ["a port not published", (d: Inspect) => (d.NetworkSettings.Ports = {}), /^port 3000\/tcp/],
  ["the service alias dropped", (d: Inspect) => (d.NetworkSettings.Networks["minidock-edge"].Aliases = ["c1"]), /alias grafana missing/],
  ["a network missing", (d: Inspect) => (d.NetworkSettings.Networks = {}), /not attached/],
  ["unhealthy", (d: Inspect) => (d.State.Health = { Status: "unhealthy" }), /^health: unhealthy/],
  ["privileged", (d: Inspect) => (d.HostConfig.Privileged = true), /^privileged/],
])("%s is reported", (_what, mutate, problem) => {
  const d = daemon();
  mutate(d);
  expect(envelopeProblems(inputs(), d)).toEqual([expect.stringMatching(problem)]);
});

test("a container declared with no memory limit is a problem even if the daemon agrees", () => {
  const i: Record<string, unknown> = inputs();
  delete i.memory;
  expect(envelopeProblems(i, daemon())).toContain("memory: no limit declared");
});

describe("referencedNames: the stack's names a container uses to reach others", () => {
  const names = ["minidock-postgres-1", "postgres", "pushgateway", "prometheus"];
  test("a whole env value, a URL host, and host:port in a config file", () => {
    expect(referencedNames(["minidock-postgres-1"], names)).toEqual(["minidock-postgres-1"]);
    expect(referencedNames(["http://pushgateway:9091/metrics"], names)).toEqual(["pushgateway"]);
    expect(referencedNames(["      - targets: ['prometheus:9090']"], names)).toEqual(["prometheus"]);
  });
  test("words that merely contain a name, or a user name, are not addresses", () => {
    expect(referencedNames(["pg_isready -U postgres", "minidock_pushgateway_up", "POSTGRES_DB=agents"], names)).toEqual([]);
  });
});
