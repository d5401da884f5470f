/**
 * The tailscale section of the config contract, through the real resolveStackConfig (schema pass + cross-checks).
 * Pure functions: nothing is mocked.
 */
import { ConfigError } from "../../../../lib/config/errors";
import { resolveStackConfig } from "../../../../lib/stackConfig";
import { TAILSCALE_IMAGE } from "../../../../lib/platform/tailscale/config";
import { toRawStackConfig } from "../../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../../support/configs";

/** An enabled model over the base stack (postgres on mini, agent on mini2). */
function tailscale(): Record<string, unknown> & { access: Record<string, unknown>[]; serve: Record<string, unknown>[] } {
  return {
    enabled: true,
    groups: { admins: ["alice@example.com"], devs: ["bob@example.com"] },
    access: [
      { group: "admins", ports: [22] },
      { group: "devs", services: ["postgres"] },
    ],
    ssh: [{ group: "admins", users: ["dev", "root"] }],
    serve: [{ service: "postgres", port: 5432, protocol: "tcp" }],
  };
}

function resolveWith(ts: Record<string, unknown>) {
  return resolveStackConfig("test", toRawStackConfig(toConfigValues({ ...baseConfig(), tailscale: ts })));
}

function problemsOf(ts: Record<string, unknown>): string[] {
  try {
    resolveWith(ts);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

test("off by default; an enabled model resolves with its defaults", () => {
  expect(resolveStackConfig("test", toRawStackConfig(toConfigValues(baseConfig()))).tailscale.enabled).toBe(false);
  const ts = resolveWith(tailscale()).tailscale;
  expect(ts).toMatchObject({
    enabled: true, hostTag: "tag:minidock", adminGroup: "admins",
    acl: { overwriteExistingContent: true, resetOnDestroy: false },
    container: { image: TAILSCALE_IMAGE, memoryMb: 128, cpus: "0.5" },
    authKeyExpiryDays: 90,
  });
  expect(ts.ssh[0]).toMatchObject({ action: "check", checkPeriod: "12h" });
});

test("a disabled model is not cross-checked (it can be prepared before it is switched on)", () => {
  expect(problemsOf({ ...tailscale(), enabled: false, access: [{ group: "nobody", ports: [22] }] })).toEqual([]);
});

test.each([
  ["unknown group in access", { access: [{ group: "ops", ports: [22] }] }, 'tailscale.access.0.group: unknown group "ops" (declared: admins, devs)'],
  ["unknown service in access", { access: [{ group: "admins", ports: [22] }, { group: "devs", services: ["mysql"] }] },
    'tailscale.access.1.services.0: unknown service "mysql" (known services: postgres, agent)'],
  ["accessed service not served", { serve: [] }, "tailscale.access.1.services.0: postgres is not in tailscale.serve"],
  ["unknown served service", { serve: [{ service: "grafana", port: 3000 }] }, 'tailscale.serve.0.service: unknown service "grafana"'],
  ["two services on one tailnet port of a host", { serve: [{ service: "postgres", port: 5432, protocol: "tcp" }, { service: "postgres", port: 5433, tailnetPort: 5432 }] },
    "tailscale.serve.1.tailnetPort: port 5432 on host mini is already served by tailscale.serve.0"],
  ["no access at all", { access: [] }, "tailscale.access: expected at least one entry when tailscale is enabled"],
  ["no grant to a mini's SSH port", { access: [{ group: "devs", services: ["postgres"] }] },
    "tailscale.access: no group may reach port 22 (SSH) of host mini; the policy file would lock pulumi out of it"],
  ["admin group not declared", { adminGroup: "ops" }, 'tailscale.adminGroup: unknown group "ops"'],
  ["tag owner group not declared", { tagOwners: ["group:ops"] }, 'tailscale.tagOwners.0: unknown group "ops"'],
  ["ssh accept as root", { ssh: [{ group: "devs", users: ["root"], action: "accept" }] }, 'tailscale.ssh.0.action: "accept" for root'],
  ["ssh accept for admins", { ssh: [{ group: "admins", users: ["dev"], action: "accept" }] }, 'tailscale.ssh.0.action: "accept" for the admin group admins'],
])("cross-check: %s", (_name, patch, message) => {
  expect(problemsOf({ ...tailscale(), ...patch }).join("\n")).toContain(message);
});

test.each([
  ["tagOwners *", { tagOwners: ["*"] }, 'tailscale.tagOwners.0: "*" is too broad'],
  ["tagOwners autogroup:member", { tagOwners: ["autogroup:member"] }, 'tailscale.tagOwners.0: "autogroup:member" is too broad'],
  ["tagOwners autogroup:danger-all", { tagOwners: ["autogroup:danger-all"] }, 'tailscale.tagOwners.0: "autogroup:danger-all" is too broad'],
  ["bad tag", { hostTag: "minidock" }, 'tailscale.hostTag: expected a tag such as "tag:minidock"'],
  ["bad login", { groups: { admins: ["alice"] } }, 'tailscale.groups.admins.0: expected a Tailscale login such as "alice@example.com"'],
  ["ssh user autogroup", { ssh: [{ group: "admins", users: ["autogroup:nonroot"] }] }, 'tailscale.ssh.0.users.0: expected a unix user name'],
  ["access entry with nothing", { access: [{ group: "admins" }] }, 'tailscale.access.0: expected "services" or "ports" (or both), got neither'],
  ["unpinned image", { container: { image: "tailscale/tailscale:latest" } }, 'tailscale.container.image: tailscale/tailscale:latest: tag "latest" moves'],
  ["a bare major moves", { container: { image: "tailscale/tailscale:v1" } }, 'tailscale.container.image: tailscale/tailscale:v1: tag "v1" names only major version 1'],
  ["key expiry beyond 90 days", { authKeyExpiryDays: 365 }, "tailscale.authKeyExpiryDays: expected at most 90"],
  ["unknown key", { funnel: true }, "tailscale.funnel: unknown key"],
])("schema: %s", (_name, patch, message) => {
  expect(problemsOf({ ...tailscale(), ...patch }).join("\n")).toContain(message);
});

test("serving a service of a host that is not reached over ssh is refused (no Tailscale container there)", () => {
  const s = { ...baseConfig(), tailscale: tailscale() };
  s.hosts = { local: { dockerHost: "unix:///var/run/docker.sock", memoryMb: 4096, cpus: 2 } };
  delete s.services.agent.host;
  let message = "";
  try {
    resolveStackConfig("test", toRawStackConfig(toConfigValues(s)));
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toContain("tailscale.serve.0.service: postgres runs on host local, which is not reached over ssh and gets no Tailscale container");
});

describe("serving minidock's own Grafana, which runs on every mini", () => {
  function problemsWith(ts: Record<string, unknown>, grafana: Record<string, unknown> = {}): string[] {
    try {
      resolveStackConfig("test", toRawStackConfig(toConfigValues({ ...baseConfig(), monitoring: { enabled: true, grafana }, tailscale: ts })));
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
  }
  const served = (serve: Record<string, unknown>[]) => ({
    ...tailscale(),
    access: [{ group: "admins", ports: [22], services: ["grafana"] }, { group: "devs", services: ["postgres"] }],
    serve: [{ service: "postgres", port: 5432, protocol: "tcp" }, ...serve],
  });

  test("accepted when monitoring runs Grafana, and a group may be granted it", () => {
    expect(problemsWith(served([{ service: "grafana", port: 3000 }]))).toEqual([]);
  });

  test("refused when Grafana is switched off: then there is no such service", () => {
    expect(problemsWith(served([{ service: "grafana", port: 3000 }]), { enabled: false })).toEqual([
      'tailscale.serve.1.service: unknown service "grafana" (known services: postgres, agent)',
      "tailscale.access.0.services.0: unknown service \"grafana\" (known services: postgres, agent)",
    ]);
  });

  test("the port must be the one Grafana listens on inside its container, not the published one", () => {
    expect(problemsWith(served([{ service: "grafana", port: 3001 }]), { port: 3001 })).toEqual([
      "tailscale.serve.1.port: grafana listens on 3000 inside its container, got 3001",
    ]);
  });

  test("it takes its tailnet port on every mini, so a service on any mini cannot take it too", () => {
    // agent runs on mini2; Grafana is served on mini and mini2, both on 443.
    const ts = served([{ service: "grafana", port: 3000 }, { service: "agent", port: 8080 }]);
    expect(problemsWith(ts)).toEqual([
      "tailscale.serve.2.tailnetPort: port 443 on host mini2 is already served by tailscale.serve.1; set a different tailnetPort",
    ]);
  });
});
