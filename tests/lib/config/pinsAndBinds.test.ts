import { resolveStackConfig } from "../../../lib/stackConfig";
import { ConfigError } from "../../../lib/config/stack";
import { PIN_RULE, pinProblem } from "../../../lib/images";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";

/**
 * The config contract's side of two rules it shares with the policy pack: image pins (lib/images.ts pinProblem,
 * also images-pinned-tag) and host addresses (lib/addresses.ts, also the network-* port rules).
 */
type Stack = ReturnType<typeof baseConfig>;
const resolveWith = (edit: (s: Stack) => void) => {
  const s = baseConfig();
  edit(s);
  return resolveStackConfig("test", toRawStackConfig(toConfigValues(s)));
};

function problemsOf(edit: (s: Stack) => void): string[] {
  try {
    resolveWith(edit);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("services.<name>.image must pin one release", () => {
  test.each([
    "postgres", "postgres:latest", "postgres:16", "postgres:16-alpine", "redis:alpine", "node:lts", "node:lts-alpine", "traefik:v2",
    "debian:bookworm", "node:22-bookworm-slim", "caddy:stable", "app:edge", "app:main", "app:nightly", "postgres@sha256:abc",
  ])("%s is a ConfigError at services.postgres.image, worded as the policy words it", (image) => {
    expect(problemsOf((s) => (s.services.postgres.image = image))).toEqual([`services.postgres.image: ${pinProblem(image)}`]);
    expect(pinProblem(image)).toContain(PIN_RULE);
  });

  test.each([
    "postgres:16.6-alpine", "postgres:16.6", "traefik:v2.8.1", "app:1.2.3-rc1", "minio/minio:RELEASE.2024-10-13T13-34-11Z",
    `postgres@sha256:${"a".repeat(64)}`, `postgres:16@sha256:${"a".repeat(64)}`,
  ])("%s is accepted", (image) => {
    expect(resolveWith((s) => (s.services.postgres.image = image)).services.find((x) => x.name === "postgres")!.image).toBe(image);
  });

  test("the same rule holds for the platform images a stack may override", () => {
    expect(problemsOf((s) => Object.assign(s, { monitoring: { enabled: true, images: { grafana: "grafana/grafana:11" } } })))
      .toEqual([`monitoring.images.grafana: ${pinProblem("grafana/grafana:11")}`]);
    expect(problemsOf((s) => Object.assign(s, { images: { replace: { "postgres:16.6-alpine": "mirror.local/postgres:16" } } })))
      .toEqual([expect.stringMatching(/^images\.replace\.postgres:16\.6-alpine: mirror\.local\/postgres:16: tag "16" names only major/)]);
  });
});

describe("services.<name>.ports[].bind is an address Docker reads", () => {
  test.each(["localhost", "127.1", "[::1]", " 127.0.0.1", "fe80::1%en0", "0", "256.0.0.1", ""])("%j is refused at the key", (bind) => {
    expect(problemsOf((s) => (s.services.postgres.ports = [{ published: 5432, target: 5432, bind }] as never)))
      .toEqual([expect.stringMatching(/^services\.postgres\.ports\.0\.bind: expected an IP address such as "127\.0\.0\.1" or "::1", got /)]);
  });
  test("the reason is given when there is one", () => {
    expect(problemsOf((s) => (s.services.postgres.ports = [{ published: 5432, target: 5432, bind: "127.1" }] as never)))
      .toEqual([expect.stringContaining("(an inet_aton shorthand Docker does not read (others read it as 127.0.0.1))")]);
  });
  test.each(["127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "100.64.1.2", "fd7a:115c:a1e0::1", "0.0.0.0", "::"])("%s is accepted (the pack judges exposure)", (bind) => {
    expect(resolveWith((s) => (s.services.postgres.ports = [{ published: 5432, target: 5432, bind }] as never)).services[0].ports[0].bind).toBe(bind);
  });
});

describe("port overlap on one host compares parsed addresses", () => {
  /** postgres and a second service on the same host, both publishing 5432 with the given binds. */
  const twoOn5432 = (a: string, b: string) => problemsOf((s) => {
    s.services.postgres.ports = [{ published: 5432, target: 5432, bind: a }] as never;
    s.services.agent = { ...s.services.agent, host: "mini", replicas: 1, ports: [{ published: 5432, target: 8080, bind: b }] };
  });

  test.each([
    ["127.0.0.1", "::ffff:0.0.0.0"],
    ["127.0.0.1", "0.0.0.0"],
    ["::1", "::"],
    ["::1", "0:0:0:0:0:0:0:0"],
    ["100.64.1.2", "::0"],
    ["::1", "0:0:0:0:0:0:0:1"],
    ["127.0.0.1", "::ffff:127.0.0.1"],
  ])("%s and %s collide", (a, b) => {
    expect(twoOn5432(a, b)).toEqual([expect.stringMatching(/^services\.agent\.ports\.0\.published: .*:5432\/tcp on host mini is already published by services\.postgres/)]);
  });

  test("the message says which bind is every interface", () => {
    expect(twoOn5432("127.0.0.1", "::ffff:0.0.0.0")).toEqual([
      "services.agent.ports.0.published: [::ffff:0.0.0.0]:5432/tcp on host mini is already published by services.postgres " +
        "(127.0.0.1:5432); ::ffff:0.0.0.0 is every interface, so it overlaps any address",
    ]);
  });

  test.each([["127.0.0.1", "100.64.1.2"], ["::1", "127.0.0.1"], ["127.0.0.1", "127.0.0.2"]])("%s and %s do not collide", (a, b) => {
    expect(() => twoOn5432(a, b)).toThrow("expected a ConfigError");
  });
});
