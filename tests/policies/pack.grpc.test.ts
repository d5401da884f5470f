import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { allPolicies } from "../../policies/allPolicies";
import { RecordedResource } from "../../tools/offline/evaluate";
import { resolvePolicyConfig } from "../../tools/offline/policyConfig";
import { runPolicies } from "../../tools/offline/policyRuntime";
import { container, image, mutate, provider, UNKNOWN_NUMBER, volume } from "./support";

/**
 * Parity: the REAL pack (policies/index.ts, loaded by @pulumi/pulumi's run-policy-pack and served by
 * @pulumi/policy's own analyzer gRPC server, as `pulumi preview --policy-pack policies` starts it) against the
 * offline mirror, on the same resources and config.
 * What is mocked: only the Pulumi CLI's side of the wire. This test plays the engine: Configure with the
 * reconciled pack config, Analyze per resource (with its provider), AnalyzeStack once, as the CLI does.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const REASON = "a test exemption with a reason long enough to be accepted";
const PACK_CONFIG = {
  "hardening-no-privileged": { exemptions: [{ resource: "exempt-*", reason: REASON }] },
  "images-registry-allowlist": { allowedRegistries: ["ghcr.io/acme"] },
  "hardening-non-root-user": "mandatory",
};

function resources(): RecordedResource[] {
  const bad = mutate(mutate(mutate(container("bad-1"), "privileged", true), "ports", [{ internal: 80, external: 80 }]), "user", "root");
  return [
    provider("mini-docker", { host: "tcp://10.0.0.5:2375" }),
    bad,
    mutate(container("exempt-1"), "privileged", true),
    mutate(container("unknown-1"), "memory", UNKNOWN_NUMBER),
    { ...container("big-1"), inputs: { ...container("big-1").inputs, memory: 14000, memorySwap: 14000 } },
    image("latest-image", "postgres:latest"),
    volume("sneaky", { driverOpts: { o: "bind", device: "/etc" } }),
  ];
}

type Row = [policy: string, level: string, resource: string, message: string];

function call<T>(client: grpc.Client, method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => (client as unknown as Record<string, (r: unknown, cb: (e: Error | null, v: T) => void) => void>)[method](req, (e, v) => (e ? reject(e) : resolve(v))));
}

function options() {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(false);
  return o;
}

function providerOf(r: RecordedResource, all: RecordedResource[]) {
  const p = all.find((x) => r.provider?.startsWith(`${x.urn}::`));
  if (!p) return undefined;
  const msg = new analyzerPb.AnalyzerProviderResource();
  msg.setType(p.type);
  msg.setUrn(p.urn);
  msg.setName(p.name);
  msg.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(p.inputs))));
  return msg;
}

/** Fills an AnalyzeRequest or an AnalyzerResource (the same fields) with a recorded resource, as the engine does. */
interface ResourceMessage {
  setType(v: string): void;
  setUrn(v: string): void;
  setName(v: string): void;
  setProperties(v: unknown): void;
  setOptions(v: unknown): void;
  setProvider(v: unknown): void;
}
function withResource<M extends ResourceMessage>(msg: M, r: RecordedResource, all: RecordedResource[]): M {
  msg.setType(r.type);
  msg.setUrn(r.urn);
  msg.setName(r.name);
  msg.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs))));
  msg.setOptions(options());
  const p = providerOf(r, all);
  if (p) msg.setProvider(p);
  return msg;
}

describe("the served pack answers like the offline mirror", () => {
  let server: ChildProcess;
  let client: grpc.Client;
  const served: Row[] = [];
  const servedNotApplicable: string[] = [];

  beforeAll(async () => {
    // Started the way the Pulumi CLI's nodejs language host starts a policy pack: @pulumi/pulumi's run-policy-pack
    // (ts-node, policies/tsconfig.json) given an engine address (unused here) and the pack dir. Without type
    // checking (tests/support/packTranspileOnly.js says why); test:engine starts it through the CLI with it.
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const transpileOnly = path.resolve(__dirname, "../support/packTranspileOnly.js");
    server = spawn(process.execPath, ["-r", transpileOnly, runner, "127.0.0.1:0", "."], { cwd: path.resolve(__dirname, "../../policies"), stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<string>((resolve, reject) => {
      let err = "";
      server.stdout!.on("data", (d: Buffer) => resolve(d.toString().trim()));
      server.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      server.on("exit", (code) => reject(new Error(`pack exited ${code}: ${err}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

    // The CLI sends the reconciled config: every policy with its level and its properties (defaults filled in).
    const { config } = resolvePolicyConfig(allPolicies, PACK_CONFIG, "mandatory");
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [name, c] of config) {
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(Number(Object.entries(LEVELS).find(([, l]) => l === c.enforcementLevel)![0]));
      pc.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(c.properties))));
      req.getPolicyconfigMap().set(name, pc);
    }
    await call(client, "configure", req);

    const all = resources();
    const collect = (resp: { getDiagnosticsList(): unknown[]; getNotApplicableList(): unknown[] }, urn?: string) => {
      for (const d of resp.getDiagnosticsList() as { getPolicyname(): string; getEnforcementlevel(): number; getUrn(): string; getMessage(): string; getDescription(): string }[]) {
        const msg = d.getMessage().startsWith(`${d.getDescription()}\n`) ? d.getMessage().slice(d.getDescription().length + 1) : d.getMessage();
        served.push([d.getPolicyname(), LEVELS[d.getEnforcementlevel()], d.getUrn() || urn || "", msg]);
      }
      for (const n of resp.getNotApplicableList() as { getPolicyName(): string; getReason(): string }[]) {
        if (n.getReason().startsWith("exempt: ")) servedNotApplicable.push(`${n.getPolicyName()} ${urn} ${n.getReason()}`);
      }
    };
    for (const r of all) collect(await call(client, "analyze", withResource(new analyzerPb.AnalyzeRequest(), r, all)), r.urn);
    const s = new analyzerPb.AnalyzeStackRequest();
    s.setResourcesList(all.map((r) => withResource(new analyzerPb.AnalyzerResource(), r, all)));
    collect(await call(client, "analyzeStack", s));
  }, 60000);

  afterAll(() => {
    client?.close();
    server?.kill();
  });

  test("the pack starts, is configured, and reports", () => {
    expect(served.length).toBeGreaterThan(5);
  });

  test("the same violations, levels, resources and messages", async () => {
    const mirror = await runPolicies(resources(), allPolicies, PACK_CONFIG);
    const mine: Row[] = mirror.violations.map((v) => [v.policy, v.enforcementLevel, v.resource ?? "", v.message]);
    const sort = (rows: Row[]) => rows.map((r) => r.join(" | ")).sort();
    expect(sort(mine)).toEqual(sort(served));
    // The scenario covers what matters: an engine-demoted unknown, a mandatory self-reported unknown, a stack
    // policy against a provider, config-raised levels, and an exemption.
    const policies = new Set(served.map((r) => r[0]));
    for (const p of ["hardening-no-privileged", "budget-host-memory", "budget-container-memory-limit", "network-daemon-transport", "images-registry-allowlist", "mounts-no-sensitive-host-paths", "hardening-non-root-user"]) {
      expect(policies).toContain(p);
    }
    expect(served.find((r) => r[0] === "hardening-non-root-user")?.[1]).toBe("mandatory");
  });

  test("exemptions surface in the engine as notApplicable('exempt: <reason>') for the exempt resource only", async () => {
    expect(servedNotApplicable).toEqual([`hardening-no-privileged ${container("exempt-1").urn} exempt: ${REASON}`]);
    const mirror = await runPolicies(resources(), allPolicies, PACK_CONFIG);
    expect(mirror.exemptions.map((e) => `${e.policy} ${e.resource} exempt: ${e.reason}`)).toEqual(servedNotApplicable);
  });
});
