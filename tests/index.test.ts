/**
 * The shipped stacks, evaluated as `pulumi up` would run index.ts, but against Pulumi's mock monitor: the
 * engine and the docker provider are mocked (they cannot run here), so these tests see exactly the inputs the
 * program sends, before any provider fills in defaults.
 */
import type * as pulumi from "@pulumi/pulumi";
import { RecordedResource } from "../tools/offline/evaluate";
import { SECRET_PLACEHOLDER, toRawStackConfig } from "../tools/offline/stackFile";
import { networksOn } from "../lib/platform/plan";
import { resolveStackConfig } from "../lib/stackConfig";
import type { PolicyResource } from "@pulumi/policy";
import { evaluateHost } from "../lib/budget";
import { LABEL } from "../lib/labels";
import { hostGroups } from "../policies/budget";
import { allocationsFromResources } from "../tools/budgetReport";
import { T, label, ofType, shippedStackConfig } from "./support/stack";
import { evaluateFresh } from "./support/freshEvaluation";

process.setMaxListeners(100);

describe.each(["mini", "local"])("stack %s", (stack) => {
  let resources: RecordedResource[];
  let outputs: Record<string, unknown>;
  const config = shippedStackConfig(stack);
  const hostsCfg = JSON.parse(config.values["minidock:hosts"]) as Record<string, { ssh?: string; dockerHost?: string }>;
  const servicesCfg = JSON.parse(config.values["minidock:services"]) as Record<string, { replicas?: number; memoryMb: number; host?: string }>;

  beforeAll(async () => {
    const ev = await evaluateFresh(stack, config);
    if (ev.error) throw ev.error;
    resources = ev.resources;
    outputs = ev.outputs ?? {};
  });

  const containers = () => resources.filter((r) => r.type === T.container);
  const workload = () => containers().filter((c) => label(c, LABEL.tier) === "workload");

  test("one docker provider per host, aimed at the host's daemon", () => {
    const providers = resources.filter((r) => r.type === T.provider);
    expect(providers.map((p) => p.name).sort()).toEqual(Object.keys(hostsCfg).map((h) => `${h}-docker`).sort());
    for (const [name, h] of Object.entries(hostsCfg)) {
      const p = providers.find((x) => x.name === `${name}-docker`)!;
      if (h.ssh) {
        expect(p.inputs.host).toBe(`ssh://${h.ssh}`);
        // Provider config reaches the engine as strings; lists are JSON-encoded.
        const opts = (JSON.parse(p.inputs.sshOpts as string) as string[]).join(" ");
        expect(opts).toContain("ControlMaster=auto");
        expect(opts).toContain("ControlPersist=");
        expect(opts).toContain("StrictHostKeyChecking=yes");
      } else {
        expect(p.inputs.host).toBe("unix:///var/run/docker.sock");
        expect(p.inputs.sshOpts).toBeUndefined();
      }
    }
  });

  test("every service has `replicas` containers, on its host, through that host's provider", () => {
    for (const [name, svc] of Object.entries(servicesCfg)) {
      const mine = workload().filter((c) => label(c, LABEL.service) === name);
      expect(mine).toHaveLength(svc.replicas ?? 1);
      const host = svc.host ?? Object.keys(hostsCfg)[0];
      for (const c of mine) {
        expect(label(c, LABEL.host)).toBe(host);
        expect(c.provider).toContain(`::${host}-docker::`);
      }
      expect(mine.map((c) => c.inputs.name).sort()).toEqual(
        Array.from({ length: svc.replicas ?? 1 }, (_, i) => `minidock-${name}-${i + 1}`),
      );
    }
  });

  test("every container carries every secure default", () => {
    expect(containers().length).toBeGreaterThan(0);
    for (const c of containers()) {
      const i = c.inputs;
      const why = `${c.name}`;
      expect([why, i.memory]).toEqual([why, expect.any(Number)]);
      expect(i.memory as number).toBeGreaterThan(0);
      expect(i.memorySwap).toBe(i.memory);
      expect(Number(i.cpus)).toBeGreaterThan(0);
      expect(i.restart).toBe("unless-stopped");
      expect((i.capabilities as { drops: string[] }).drops).toEqual(["ALL"]);
      expect(i.securityOpts).toContain("no-new-privileges:true");
      expect(i.privileged).toBeUndefined();
      expect(i.logDriver).toBe("json-file");
      expect(i.logOpts).toEqual({ "max-size": "10m", "max-file": "3" });
      expect((i.healthcheck as { tests: string[] }).tests[0]).toMatch(/^CMD(-SHELL)?$/);
      // No network mode: the provider then attaches the container to exactly the networks below, with their
      // aliases (components/service.ts says why), and detaches it from the default bridge before it starts.
      expect(i.networkMode).toBeUndefined();
      expect((i.networksAdvanced as unknown[]).length).toBeGreaterThan(0);
      for (const n of i.networksAdvanced as { aliases: string[] }[]) expect(n.aliases).toEqual([label(c, LABEL.service)]);
      for (const p of (i.ports as { ip: string }[] | undefined) ?? []) expect(p.ip).toBe("127.0.0.1");
      for (const key of [LABEL.project, LABEL.stack, LABEL.host, LABEL.service, LABEL.replica, LABEL.tier]) {
        expect([why, key, label(c, key)]).toEqual([why, key, expect.any(String)]);
      }
      expect(label(c, LABEL.stack)).toBe(stack);
    }
  });

  test("user services run with a read-only root and tmpfs for their writable paths", () => {
    for (const c of workload()) {
      expect(c.inputs.readOnly).toBe(true);
      expect(Object.keys(c.inputs.tmpfs as object)).toContain("/tmp");
      for (const opts of Object.values(c.inputs.tmpfs as Record<string, string>)) expect(opts).toContain("noexec");
    }
  });

  test("images are pinned and pulled for the host's platform", () => {
    for (const img of ofType({ resources }, T.image)) {
      expect(String(img.inputs.name)).toMatch(/:[^:/]+$/);
      expect(String(img.inputs.name)).not.toMatch(/:latest$/);
      const remote = Object.values(hostsCfg).some((h) => h.ssh);
      if (remote) expect(img.inputs.platform).toBe("linux/arm64");
      expect(img.inputs.keepLocally).toBe(true);
    }
  });

  test("networks come from config and the platform services' own, back-end ones internal", () => {
    const nets = JSON.parse(config.values["minidock:networks"]) as Record<string, { internal?: boolean }>;
    const made = resources.filter((r) => r.type === T.network);
    for (const [name, n] of Object.entries(nets)) {
      const ofName = made.filter((m) => m.inputs.name === `minidock-${name}`);
      expect([name, ofName.length]).toEqual([name, Object.keys(hostsCfg).length]);
      for (const r of ofName) expect(r.inputs.internal).toBe(n.internal ?? false);
    }
    // Beyond the config's: exactly what the platform services add on each host (lib/platform/plan.ts networksOn).
    const cfg = resolveStackConfig(stack, toRawStackConfig(config));
    const expected = cfg.hosts.flatMap((h) => Object.entries(networksOn(cfg, h)).map(([n, c]) => `${h.name}/minidock-${n}/internal=${c.internal}`));
    expect(made.map((r) => `${label(r, LABEL.host)}/${r.inputs.name}/internal=${r.inputs.internal}`).sort()).toEqual(expected.sort());
  });

  test("secrets stay secret: env lists holding them are secret, and their text appears nowhere else", () => {
    const withSecrets = workload().filter((c) => (c.inputs.envs as string[] | undefined)?.some((e) => e.includes(SECRET_PLACEHOLDER)));
    expect(withSecrets.length).toBeGreaterThan(0);
    for (const c of withSecrets) expect(c.secretInputs).toContain("envs");
    for (const r of resources) {
      const plain = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !r.secretInputs.includes(k)));
      expect(JSON.stringify(plain)).not.toContain(SECRET_PLACEHOLDER);
    }
    expect(JSON.stringify(outputs.hosts ?? {})).not.toContain(SECRET_PLACEHOLDER);
  });

  test("stack outputs give, per host, the services, their containers and the memory declared", async () => {
    type HostOutput = { memory: { declaredMb: number }; services: Record<string, { containers: pulumi.Output<string[]> }> };
    const hosts = outputs.hosts as Record<string, HostOutput>;
    for (const [name] of Object.entries(hostsCfg)) {
      const h = hosts[name];
      const declared = containers().filter((c) => label(c, LABEL.host) === name).reduce((a, c) => a + (c.inputs.memory as number), 0);
      expect(h.memory.declaredMb).toBe(declared);
      for (const svc of Object.keys(servicesCfg).filter((s) => (servicesCfg[s].host ?? Object.keys(hostsCfg)[0]) === name)) {
        const names = await new Promise<string[]>((resolve) => h.services[svc].containers.apply(resolve));
        expect(names[0]).toBe(`minidock-${svc}-1`);
      }
    }
  });

  test("the outputs, the pack and `npm run budget` count the same allocations (lib/labels.ts containerAllocation)", () => {
    type ServiceOutput = { tier: string; replicas: number; memoryMb: number; logMaxBytes: number };
    type HostOutput = { memory: { declaredMb: number; platformMb: number; headroomMb: number; surgeMb: number; rolloutPeakMb: number };  logDisk: { maxBytes: number }; services: Record<string, ServiceOutput> };
    const hosts = outputs.hosts as Record<string, HostOutput>;
    const asPolicyResource = (r: RecordedResource) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs }) as unknown as PolicyResource;
    const violations: string[] = [];
    const pack = hostGroups(containers().map(asPolicyResource), (m) => violations.push(String(m)));
    const budget = allocationsFromResources(resources);
    expect(violations).toEqual([]);
    expect([...pack.keys()].sort()).toEqual(Object.keys(hosts).sort());
    for (const [host, out] of Object.entries(hosts)) {
      const group = pack.get(host)!;
      expect(group.allocations).toEqual(budget.filter((a) => a.host === host));
      const r = evaluateHost(group.budget, group.allocations);
      expect(out.memory).toMatchObject({
        declaredMb: r.declaredMb, platformMb: r.platformMb, headroomMb: r.headroomMb,
        atRestMb: r.atRestMb, surgeMb: r.surgeMb, surgeService: r.surge?.service, rolloutPeakMb: r.rolloutPeakMb, rolloutHeadroomMb: r.rolloutHeadroomMb,
      });
      expect(out.logDisk.maxBytes).toBe(r.logBytes);
      const lines = Object.fromEntries(r.services.map((l) => [l.service, { tier: l.tier, replicas: l.replicas, memoryMb: l.memoryMb, logMaxBytes: l.logBytes }]));
      expect(Object.fromEntries(Object.entries(out.services).map(([k, v]) => [k, { tier: v.tier, replicas: v.replicas, memoryMb: v.memoryMb, logMaxBytes: v.logMaxBytes }]))).toEqual(lines);
    }
  });
});

describe("volumes and replacement (resource options, read off the register requests)", () => {
  let resources: RecordedResource[];
  beforeAll(async () => {
    const ev = await evaluateFresh("mini", shippedStackConfig("mini"));
    if (ev.error) throw ev.error;
    resources = ev.resources;
  });

  test("every data volume is retained on `pulumi destroy`", () => {
    // Data = the user's services' volumes and anything backed up. Only volumes holding generated files (e.g.
    // monitoring config, rewritten on every replace) opt out, and they say so with retainOnDestroy: false.
    const userServices = Object.keys(JSON.parse(shippedStackConfig("mini").values["minidock:services"]));
    const data = resources.filter(
      (r) => r.type === T.volume && (userServices.includes(label(r, LABEL.service)!) || label(r, LABEL.backup) === "true"),
    );
    expect(data.length).toBeGreaterThanOrEqual(5);
    for (const v of data) expect([v.name, v.options.retainOnDelete]).toEqual([v.name, true]);
  });

  test("containers with fixed names are deleted before their replacement is created", () => {
    for (const c of resources.filter((r) => r.type === T.container)) expect(c.options.deleteBeforeReplace).toBe(true);
  });

  test("children are parented to their component", () => {
    for (const c of resources.filter((r) => r.type === T.container || r.type === T.volume || r.type === T.image)) {
      expect(c.options.parent).toMatch(/minidock:index:Service::/);
    }
    expect(resources.find((r) => r.type === T.container)!.urn).toMatch(/minidock:index:Service\$docker:index\/container:Container::/);
  });
});
