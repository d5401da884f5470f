import { daemonTransportProblem } from "../../policies/network";
import { check, container, mutate, of, provider, setLabel, UNKNOWN_ARRAY, UNKNOWN_NUMBER, violations } from "./support";
import { LABEL } from "../../lib/naming";

/** Network exposure: published ports, the default bridge, and how each docker provider reaches its daemon. */
const port = (p: Record<string, unknown>) => [{ internal: 8080, protocol: "tcp", ...p }];

describe("network-ports-bound-to-address", () => {
  test.each([[undefined], ["0.0.0.0"], ["::"], [""]])("ip %j fails (unset is 0.0.0.0)", async (ip) => {
    const c = mutate(container(), "ports", port({ external: 18080, ...(ip === undefined ? {} : { ip }) }));
    expect(await violations("network-ports-bound-to-address", [c])).toEqual([expect.stringMatching(/every interface/)]);
  });
  test.each(["127.0.0.1", "100.64.1.2", "::1"])("ip %s passes", async (ip) => {
    expect(await violations("network-ports-bound-to-address", [mutate(container(), "ports", port({ external: 18080, ip }))])).toEqual([]);
  });
  test("a port without external still publishes (random host port) and needs an address", async () => {
    expect(await violations("network-ports-bound-to-address", [mutate(container(), "ports", port({}))])).toHaveLength(1);
  });
  test("an unknown ports list is reported", async () => {
    const r = await check([mutate(container(), "ports", UNKNOWN_ARRAY)]);
    expect(of(r, "network-ports-bound-to-address")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/not known at preview/) })]);
  });
});

describe("network-no-privileged-host-ports", () => {
  test.each([80, 443, 1024])("host port %d fails", async (external) => {
    expect(await violations("network-no-privileged-host-ports", [mutate(container(), "ports", port({ external, ip: "127.0.0.1" }))])).toHaveLength(1);
  });
  test.each([1025, 5432])("host port %d passes", async (external) => {
    expect(await violations("network-no-privileged-host-ports", [mutate(container(), "ports", port({ external, ip: "127.0.0.1" }))])).toEqual([]);
  });
  test("an unknown external port is reported", async () => {
    expect(await violations("network-no-privileged-host-ports", [mutate(container(), "ports", port({ external: UNKNOWN_NUMBER, ip: "127.0.0.1" }))]))
      .toEqual([expect.stringMatching(/ports\[0\] is not known/)]);
  });
});

describe("network-no-duplicate-host-ports (stack)", () => {
  const on = (name: string, host: string, p: Record<string, unknown>) => mutate(container(name, { host }), "ports", port({ external: 15432, ...p }));
  test("same port and address on one host fails, on the second container", async () => {
    expect(await violations("network-no-duplicate-host-ports", [on("a-1", "mini", { ip: "127.0.0.1" }), on("b-1", "mini", { ip: "127.0.0.1" })]))
      .toEqual([expect.stringMatching(/^mandatory b-1: host mini: b-1 .* collides with a-1/)]);
  });
  test("0.0.0.0 overlaps a specific address", async () => {
    expect(await violations("network-no-duplicate-host-ports", [on("a-1", "mini", { ip: "127.0.0.1" }), on("b-1", "mini", {})])).toHaveLength(1);
  });
  test("different addresses, protocols or hosts pass", async () => {
    expect(await violations("network-no-duplicate-host-ports", [
      on("a-1", "mini", { ip: "127.0.0.1" }), on("b-1", "mini", { ip: "100.64.0.5" }), on("c-1", "mini", { ip: "127.0.0.1", protocol: "udp" }), on("d-1", "mini2", { ip: "127.0.0.1" }),
    ])).toEqual([]);
  });
});

describe("network-not-default-bridge", () => {
  test("no networkMode and no networksAdvanced fails", async () => {
    const c = mutate(mutate(container(), "networkMode", undefined), "networksAdvanced", undefined);
    expect(await violations("network-not-default-bridge", [c])).toEqual([expect.stringMatching(/default bridge/)]);
  });
  test.each(["bridge", "default"])("networkMode %s with no networksAdvanced fails", async (mode) => {
    const c = mutate(mutate(container(), "networkMode", mode), "networksAdvanced", []);
    expect(await violations("network-not-default-bridge", [c])).toHaveLength(1);
  });
  test("a user network (name unknown at preview, as Service declares it) passes", async () => {
    expect(await violations("network-not-default-bridge", [container()])).toEqual([]);
  });
  test("networkMode none passes (no network at all)", async () => {
    expect(await violations("network-not-default-bridge", [mutate(mutate(container(), "networkMode", "none"), "networksAdvanced", undefined)])).toEqual([]);
  });
});

describe("network-daemon-transport (provider check, a stack policy)", () => {
  test.each([
    ["ssh://dev@mini.example.ts.net", {}],
    ["unix:///var/run/docker.sock", {}],
    ["tcp://10.0.0.5:2376", { certMaterial: "CERT", keyMaterial: "KEY", caMaterial: "CA" }],
    ["tcp://10.0.0.5:2376", { certPath: "/certs" }],
  ])("%s %j is fine", (host, extra) => expect(daemonTransportProblem({ host, ...extra })).toBeUndefined());

  test("plain tcp:// fails, reported against the provider", async () => {
    const r = await check([provider("mini-docker", { host: "tcp://10.0.0.5:2375" }), container()]);
    expect(of(r, "network-daemon-transport")).toEqual([expect.objectContaining({
      enforcementLevel: "mandatory", resourceName: "mini-docker", message: expect.stringMatching(/plain TCP without TLS/),
    })]);
  });
  test("tcp:// with only a CA (no client cert) fails", () => {
    expect(daemonTransportProblem({ host: "tcp://10.0.0.5:2376", caMaterial: "CA" })).toMatch(/plain TCP/);
  });
  test("an unset host fails: it would be the runner's DOCKER_HOST", () => {
    expect(daemonTransportProblem({})).toMatch(/host is unset/);
  });
});

test("a container without the host label is grouped by its provider for duplicates", async () => {
  const a = setLabel(mutate(container("a-1"), "ports", port({ external: 15000, ip: "127.0.0.1" })), LABEL.host, undefined);
  const b = setLabel(mutate(container("b-1"), "ports", port({ external: 15000, ip: "127.0.0.1" })), LABEL.host, undefined);
  expect(await violations("network-no-duplicate-host-ports", [a, b])).toEqual([expect.stringMatching(/provider mini-docker/)]);
});
