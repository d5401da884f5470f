import { daemonTransportProblem } from "../../policies/network";
import { check, container, mutate, of, provider, setLabel, UNKNOWN_ARRAY, UNKNOWN_NUMBER, UNKNOWN_STRING, violations } from "./support";
import { LABEL } from "../../lib/labels";

/** Network exposure: published ports, the default bridge, and how each docker provider reaches its daemon. */
const port = (p: Record<string, unknown>) => [{ internal: 8080, protocol: "tcp", ...p }];

describe("network-ports-bound-to-address", () => {
  test.each([
    [undefined], [""], ["0.0.0.0"], ["::"], ["::0"], ["0:0:0:0:0:0:0:0"], ["[::]"], ["::ffff:0.0.0.0"], ["0"], [" 0.0.0.0 "],
  ])("ip %j fails: every interface in any spelling", async (ip) => {
    const c = mutate(container(), "ports", port({ external: 18080, ...(ip === undefined ? {} : { ip }) }));
    expect(await violations("network-ports-bound-to-address", [c])).toEqual([expect.stringMatching(/^mandatory app-1: ports\[0\]\.ip is .*every interface/)]);
  });
  test.each(["127.0.0.1", "100.64.1.2", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "fd7a:115c:a1e0::1"])("ip %s passes", async (ip) => {
    expect(await violations("network-ports-bound-to-address", [mutate(container(), "ports", port({ external: 18080, ip }))])).toEqual([]);
  });
  test.each([
    ["localhost", /not an IP address/], ["127.1", /shorthand/], ["[::1]", /write ::1/], ["fe80::1%en0", /zone/],
  ])("ip %j Docker cannot read is reported, not passed", async (ip, reason) => {
    expect(await violations("network-ports-bound-to-address", [mutate(container(), "ports", port({ external: 18080, ip }))]))
      .toEqual([expect.stringMatching(new RegExp(`ports\\[0\\]\\.ip is ${JSON.stringify(ip).replace(/[[\].%]/g, "\\$&")}, which Docker cannot read \\(.*${reason.source}`))]);
  });
  test("a config service's container is told its key and the config default", async () => {
    const c = setLabel(mutate(container("postgres-1"), "ports", port({ external: 5432, ip: "0.0.0.0" })), LABEL.configKey, "services.postgres");
    expect(await violations("network-ports-bound-to-address", [c])).toEqual([
      "mandatory postgres-1: services.postgres.ports[0].bind (ports[0].ip) is 0.0.0.0 (every interface); the default bind is 127.0.0.1, or set the host's tailnet address",
    ]);
  });
  test("another spelling says what it means", async () => {
    const c = mutate(container(), "ports", port({ external: 18080, ip: "::ffff:0.0.0.0" }));
    expect(await violations("network-ports-bound-to-address", [c])).toEqual([expect.stringContaining('ports[0].ip is "::ffff:0.0.0.0", which is every interface (like 0.0.0.0); set ip to 127.0.0.1')]);
  });
  test("a port without external still publishes (random host port) and needs an address", async () => {
    expect(await violations("network-ports-bound-to-address", [mutate(container(), "ports", port({}))])).toHaveLength(1);
  });
  test("an unknown ports list is reported", async () => {
    const r = await check([mutate(container(), "ports", UNKNOWN_ARRAY)]);
    expect(of(r, "network-ports-bound-to-address")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/not known at preview/) })]);
  });
  test("an unknown ip is reported", async () => {
    const r = await check([mutate(container(), "ports", port({ external: 18080, ip: UNKNOWN_STRING }))]);
    expect(of(r, "network-ports-bound-to-address")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/ports\[0\] is not known at preview/) })]);
  });
});

describe("network-no-privileged-host-ports", () => {
  test.each([80, 443, 1024])("host port %d fails", async (external) => {
    expect(await violations("network-no-privileged-host-ports", [mutate(container(), "ports", port({ external, ip: "127.0.0.1" }))])).toHaveLength(1);
  });
  test.each([1025, 5432])("host port %d passes", async (external) => {
    expect(await violations("network-no-privileged-host-ports", [mutate(container(), "ports", port({ external, ip: "127.0.0.1" }))])).toEqual([]);
  });
  test("the message names the config key", async () => {
    const c = setLabel(mutate(container("web-1"), "ports", port({ external: 80, ip: "127.0.0.1" })), LABEL.configKey, "services.web");
    expect(await violations("network-no-privileged-host-ports", [c]))
      .toEqual(["mandatory web-1: services.web.ports[0].published (ports[0].external) is 80, a privileged host port; publish on a port above 1024"]);
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
      .toEqual(["mandatory b-1: ports[0].external: 127.0.0.1:15432/tcp on host mini collides with a-1 (ports[0].external, 127.0.0.1:15432/tcp); the second container would fail to start"]);
  });
  test.each([
    ["127.0.0.1", undefined], ["127.0.0.1", "0.0.0.0"], ["::1", "::"], ["127.0.0.1", "::ffff:0.0.0.0"], ["100.64.0.5", "0:0:0:0:0:0:0:0"],
    ["::1", "0:0:0:0:0:0:0:1"], ["127.0.0.1", "::ffff:127.0.0.1"], ["localhost", "127.0.0.1"],
  ])("%j and %j overlap", async (a, b) => {
    expect(await violations("network-no-duplicate-host-ports", [on("a-1", "mini", { ip: a }), on("b-1", "mini", b === undefined ? {} : { ip: b })])).toHaveLength(1);
  });
  test("a config service's container is named by its key", async () => {
    const b = setLabel(on("b-1", "mini", { ip: "::" }), LABEL.configKey, "services.b");
    expect(await violations("network-no-duplicate-host-ports", [on("a-1", "mini", { ip: "127.0.0.1" }), b]))
      .toEqual([expect.stringMatching(/^mandatory b-1: services\.b\.ports\[0\]\.published \(ports\[0\]\.external\): \*:15432\/tcp on host mini collides with a-1/)]);
  });
  test("different addresses, protocols or hosts pass", async () => {
    expect(await violations("network-no-duplicate-host-ports", [
      on("a-1", "mini", { ip: "127.0.0.1" }), on("b-1", "mini", { ip: "100.64.0.5" }), on("c-1", "mini", { ip: "127.0.0.1", protocol: "udp" }),
      on("d-1", "mini2", { ip: "127.0.0.1" }), on("e-1", "mini", { ip: "::1" }),
    ])).toEqual([]);
  });
  test("an unknown port is reported against its container", async () => {
    const r = await check([on("a-1", "mini", { ip: "127.0.0.1" }), on("b-1", "mini", { external: UNKNOWN_NUMBER })]);
    expect(of(r, "network-no-duplicate-host-ports")).toEqual([expect.objectContaining({ resourceName: "b-1", message: expect.stringMatching(/ports\[0\] is not known/) })]);
  });
});

describe("network-not-default-bridge", () => {
  test("no networkMode and no networksAdvanced fails", async () => {
    const c = mutate(mutate(container(), "networkMode", undefined), "networksAdvanced", undefined);
    expect(await violations("network-not-default-bridge", [c])).toEqual([expect.stringMatching(/^mandatory app-1: networksAdvanced is empty and networkMode is unset: .*default bridge/)]);
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
      enforcementLevel: "mandatory", resourceName: "mini-docker", message: expect.stringMatching(/^hosts\.mini\.dockerHost \(host\): host tcp:\/\/10\.0\.0\.5:2375 is plain TCP without TLS/),
    })]);
  });
  test("a provider this program did not name is reported by its name", async () => {
    const r = await check([provider("other", { host: "tcp://10.0.0.5:2375" }), container()]);
    expect(of(r, "network-daemon-transport")).toEqual([expect.objectContaining({ message: expect.stringMatching(/^provider other: host tcp:/) })]);
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
