import { PIN_RULE, pinProblem } from "../../lib/images";
import { imageResourceName, serviceOfImageResource } from "../../lib/naming";
import { registryAllowed } from "../../policies/images";
import { check, DIGEST, image, of, UNKNOWN_STRING, violations } from "./support";

/** Image rules read docker.RemoteImage `name`, the literal reference (Container.image is unknown at preview). */
describe("images-pinned-tag", () => {
  test.each([
    "postgres", "postgres:latest", "ghcr.io/acme/app", "registry.local:5000/app", "registry.local:5000/app:latest",
    "postgres:16", "postgres:16-alpine", "redis:alpine", "node:lts", "node:lts-alpine", "traefik:v2", "debian:bookworm",
    "node:22-bookworm-slim", "caddy:stable", "app:edge", "app:main", "app:nightly", "postgres@sha256:abc",
  ])("%s fails", async (ref) => {
    expect(await violations("images-pinned-tag", [image("i", ref)])).toEqual([expect.stringContaining(PIN_RULE)]);
  });
  test.each([
    "postgres:16.6-alpine", "registry.local:5000/app:1.0", "traefik:v2.8.1", "app:1.2.3-rc1", "minio/minio:RELEASE.2024-10-13T13-34-11Z",
    `postgres@${DIGEST}`, `postgres:latest@${DIGEST}`, `postgres:16@${DIGEST}`,
  ])("%s passes", async (ref) => {
    expect(await violations("images-pinned-tag", [image("i", ref)])).toEqual([]);
  });
  test("the registry port is not a tag (registry.local:5000/app has none)", async () => {
    expect(await violations("images-pinned-tag", [image("i", "registry.local:5000/app")])).toEqual([expect.stringMatching(/no tag/)]);
  });
  test("the message is the config contract's, naming the service's image key from the RemoteImage's name", async () => {
    const ref = "postgres:16";
    expect(await violations("images-pinned-tag", [image(imageResourceName("postgres"), ref)]))
      .toEqual([`mandatory postgres-image: services.postgres.image (name): ${pinProblem(ref)}`]);
  });
  test("a platform image (its service resource name carries the host) is named by its input only", async () => {
    expect(await violations("images-pinned-tag", [image(imageResourceName("mini.cadvisor"), "gcr.io/cadvisor/cadvisor:v0")]))
      .toEqual([expect.stringMatching(/^mandatory mini\.cadvisor-image: name: gcr\.io\/cadvisor\/cadvisor:v0: tag "v0" names only major/)]);
  });
  test("an unknown image name is a mandatory violation", async () => {
    const r = await check([image("app-image", UNKNOWN_STRING)]);
    expect(of(r, "images-pinned-tag")).toEqual([expect.objectContaining({
      enforcementLevel: "mandatory", message: expect.stringMatching(/^services\.app\.image \(name\) is not known at preview/),
    })]);
  });
  test("an empty name fails", async () => {
    expect(await violations("images-pinned-tag", [image("i", "")])).toEqual([expect.stringMatching(/empty/)]);
  });
});

describe("image resource names name the service", () => {
  test.each([["postgres", "postgres"], ["foo-image", "foo-image"], ["mini.cadvisor", undefined]])("%s", (svc, back) => {
    expect(serviceOfImageResource(imageResourceName(svc))).toBe(back);
  });
  test("names this program did not make are no service", () => {
    expect(serviceOfImageResource("postgres")).toBeUndefined();
    expect(serviceOfImageResource("-image")).toBeUndefined();
  });
});

describe("images-pinned-by-digest (advisory)", () => {
  test("a tag alone is an advisory violation", async () => {
    expect(await violations("images-pinned-by-digest", [image("i", "postgres:16.6-alpine")])).toEqual([expect.stringMatching(/^advisory i: .*not pinned by digest/)]);
  });
  test("a sha256 digest passes; a short or malformed one does not", async () => {
    expect(await violations("images-pinned-by-digest", [image("i", `postgres:16.6@${DIGEST}`)])).toEqual([]);
    expect(await violations("images-pinned-by-digest", [image("i", "postgres@sha256:abc")])).toHaveLength(1);
  });
});

describe("images-registry-allowlist", () => {
  test("off by default: notApplicable, no violation", async () => {
    const r = await check([image("i", "evil.example.com/x:1")]);
    expect(of(r, "images-registry-allowlist")).toEqual([]);
    expect(r.notApplicable).toContainEqual(expect.objectContaining({ policy: "images-registry-allowlist", reason: expect.stringMatching(/empty/) }));
  });
  const cfg = { "images-registry-allowlist": { allowedRegistries: ["docker.io", "ghcr.io/acme"] } };
  test.each(["postgres:16", "prom/prometheus:v2", "ghcr.io/acme/app:1", "docker.io/library/redis:7"])("%s is allowed", async (ref) => {
    expect(await violations("images-registry-allowlist", [image("i", ref)], cfg)).toEqual([]);
  });
  test.each(["ghcr.io/other/app:1", "ghcr.io/acmeevil/app:1", "quay.io/x/y:1", "registry.local:5000/app:1"])("%s is refused", async (ref) => {
    expect(await violations("images-registry-allowlist", [image("i", ref)], cfg)).toEqual([expect.stringMatching(/not from an allowed registry/)]);
  });
  test("registryAllowed normalizes docker.io library images", () => {
    expect(registryAllowed("redis:7", ["docker.io/library"])).toBe(true);
    expect(registryAllowed("acme/redis:7", ["docker.io/library"])).toBe(false);
  });
});
