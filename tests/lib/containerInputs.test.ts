import { containerInputs } from "../../lib/containerInputs";
import { resolveStackConfig } from "../../lib/stackConfig";
import { toRawStackConfig } from "../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../support/configs";

/** containerInputs is the pure part of every container Service creates: config in, container inputs out. */
function agentWith(change: Record<string, unknown>) {
  const s = baseConfig();
  Object.assign(s.services.agent, change);
  const cfg = resolveStackConfig("t", toRawStackConfig(toConfigValues(s)));
  return containerInputs(cfg.services.find((x) => x.name === "agent")!);
}

describe("secure defaults, loosened only explicitly and one at a time", () => {
  const secure = agentWith({});

  test("the defaults", () => {
    expect(secure).toMatchObject({
      memory: 2048,
      memorySwap: 2048,
      cpus: "1.0",
      restart: "unless-stopped",
      capabilities: { drops: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
      readOnly: true,
      logDriver: "json-file",
      logOpts: { "max-size": "10m", "max-file": "3" },
    });
    expect(secure.capabilities.adds).toBeUndefined();
    expect(secure.privileged).toBeUndefined();
    expect(secure.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,nodev,size=64m" });
  });

  test("adding a capability keeps ALL dropped", () => {
    expect(agentWith({ capAdd: ["NET_BIND_SERVICE"] }).capabilities).toEqual({ drops: ["ALL"], adds: ["NET_BIND_SERVICE"] });
  });

  test("opting out of the read-only root changes only that", () => {
    const loose = agentWith({ unsafe: { writableRootFs: true } });
    expect(loose.readOnly).toBe(false);
    expect({ ...loose, readOnly: true }).toEqual(secure);
  });

  test("unsafe.noNewPrivileges: false removes only that option", () => {
    const loose = agentWith({ unsafe: { noNewPrivileges: false, securityOpts: ["apparmor=docker-default"] } });
    expect(loose.securityOpts).toEqual(["apparmor=docker-default"]);
  });

  test("unsafe.privileged is passed through so the policy pack can refuse it", () => {
    expect(agentWith({ unsafe: { privileged: true } }).privileged).toBe(true);
  });

  test("log driver none drops the rotation options", () => {
    expect(agentWith({ logs: { driver: "none" } }).logOpts).toBeUndefined();
  });

  test("memory reservation above the limit is refused by the config contract", () => {
    expect(() => agentWith({ memoryReservationMb: 4096 })).toThrow("services.agent.memoryReservationMb: expected at most memoryMb (2048), got 4096");
  });
});

describe("a service without a healthcheck", () => {
  test("gets none from minidock (the image's own HEALTHCHECK applies) and is left for the policy pack to judge", () => {
    const s = baseConfig();
    delete s.services.agent.healthcheck;
    const cfg = resolveStackConfig("t", toRawStackConfig(toConfigValues(s)));
    expect(containerInputs(cfg.services.find((x) => x.name === "agent")!).healthcheck).toBeUndefined();
  });
});
