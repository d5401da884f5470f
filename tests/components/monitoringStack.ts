import { evaluateBudget } from "../../lib/budget";
import { MONITORING_COMPONENTS } from "../../lib/platform/monitoring/config";
import { resolveStackConfig } from "../../lib/stackConfig";
import { DEFAULTS } from "../../lib/defaults";
import { CONFIG_DIR, MB } from "../../lib/platform/monitoring/context";
import { LABEL } from "../../lib/labels";
import { volumeName } from "../../lib/naming";
import { Evaluation, RecordedResource } from "../../tools/offline/evaluate";
import { toRawStackConfig } from "../../tools/offline/stackFile";
import { allocationsFromResources } from "../../tools/budgetReport";
import { T, evaluateShippedStack, label, ofType, shippedStackConfig } from "../support/stack";

type Upload = { file: string; content: string };
type Mount = { source: string; target: string; readOnly?: boolean; type: string };
type VolumeMount = { volumeName: string; containerPath: string };

/**
 * Monitoring in a shipped stack, evaluated through the real index.ts under Pulumi's mock monitor (engine and
 * docker provider mocked: neither runs here; the inputs the program computes are real). One stack per test
 * file, because index.ts runs once per module registry; the returned getter hands the evaluation to extra tests.
 */
export function describeMonitoringStack(stack: string): () => Evaluation {
  const config = resolveStackConfig(stack, toRawStackConfig(shippedStackConfig(stack)));
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await evaluateShippedStack(stack);
  });
  const containers = () => ofType(ev, T.container);
  const on = (host: string, service: string) =>
    containers().find((c) => label(c, LABEL.host) === host && label(c, LABEL.service) === service) as RecordedResource;

  test("the program evaluates and monitoring is enabled", () => {
    expect(ev.error).toBeUndefined();
    expect(config.monitoring.enabled).toBe(true);
  });

  test.each(config.hosts.map((h) => h.name))("host %s runs every monitoring container as a platform service", (host) => {
    for (const svc of MONITORING_COMPONENTS) {
      const c = on(host, svc);
      expect([svc, c?.inputs.name]).toEqual([svc, `minidock-${svc}-1`]);
      expect(label(c, LABEL.tier)).toBe("platform");
    }
  });

  test.each(config.hosts.map((h) => h.name))("host %s: config is uploaded into a named volume, never bind-mounted", (host) => {
    for (const svc of ["prometheus", "alertmanager", "grafana", "docker-state"]) {
      const c = on(host, svc);
      const uploads = c.inputs.uploads as Upload[];
      expect(uploads.length).toBeGreaterThan(0);
      for (const u of uploads) expect(u.file.startsWith(`${CONFIG_DIR}/`)).toBe(true);
      expect((c.inputs.volumes as VolumeMount[]).find((v) => v.containerPath === CONFIG_DIR)?.volumeName).toBe(volumeName(svc, "config"));
      // Docker refuses uploads into a read-only root (the provider extracts at "/").
      expect(c.inputs.readOnly).toBe(false);
    }
    for (const c of containers().filter((x) => label(x, LABEL.host) === host && label(x, LABEL.tier) === "platform")) {
      for (const m of (c.inputs.mounts as Mount[] | undefined) ?? []) {
        expect([c.name, m.target.startsWith(CONFIG_DIR), m.readOnly]).toEqual([c.name, false, true]);
      }
    }
  });

  test.each(config.hosts.map((h) => h.name))("host %s: the rules compare against this host's budget", (host) => {
    const prom = on(host, "prometheus");
    const rules = (prom.inputs.uploads as Upload[]).find((u) => u.file === `${CONFIG_DIR}/rules.yml`)!.content;
    const budgetMb = Number(label(prom, LABEL.hostMemoryMb));
    expect(rules).toContain(`label_replace(vector(${budgetMb * MB}), "host", "${host}", "", "")`);
  });

  test("all platform services of each host declare at most the platform limit (lib/budget.ts)", () => {
    // Read off the containers as the pack and `npm run budget` read them (lib/labels.ts containerAllocation).
    const allocations = allocationsFromResources(containers());
    const reports = evaluateBudget(config.hosts.map((h) => ({ host: h.name, memoryMb: h.memoryMb, reserveMb: h.reserveMb, cpus: h.cpus, diskGb: h.diskGb })), allocations);
    for (const r of reports) {
      expect(r.platformMb).toBeLessThanOrEqual(DEFAULTS.maxPlatformMemoryMb);
      expect(r.fits).toBe(true);
      const monitoringMb = allocations.filter((a) => a.host === r.host && (MONITORING_COMPONENTS as readonly string[]).includes(a.service))
        .reduce((s, a) => s + a.memoryMb, 0);
      expect(monitoringMb).toBeLessThanOrEqual(1100);
    }
  });

  test("only Grafana publishes a port, on 127.0.0.1", () => {
    const monitoring = containers().filter((c) => (MONITORING_COMPONENTS as readonly string[]).includes(label(c, LABEL.service)!));
    const published = monitoring.flatMap((c) => ((c.inputs.ports as { ip: string; external: number }[] | undefined) ?? []).map((p) => [label(c, LABEL.service), p.ip]));
    expect(published).toEqual(config.hosts.map(() => ["grafana", "127.0.0.1"]));
  });
  return () => ev;
}
