import { registryAllowed } from "../../policies/images";
import { check, DIGEST, image, of, UNKNOWN_STRING, violations } from "./support";

/** Image rules read docker.RemoteImage `name`, the literal reference (Container.image is unknown at preview). */
describe("images-tag-not-latest", () => {
  test.each(["postgres", "postgres:latest", "ghcr.io/acme/app", "registry.local:5000/app", "registry.local:5000/app:latest"])("%s fails", async (ref) => {
    expect(await violations("images-tag-not-latest", [image("i", ref)])).toHaveLength(1);
  });
  test.each(["postgres:16.6-alpine", "registry.local:5000/app:1.0", `postgres@${DIGEST}`, `postgres:latest@${DIGEST}`])("%s passes", async (ref) => {
    expect(await violations("images-tag-not-latest", [image("i", ref)])).toEqual([]);
  });
  test("the registry port is not a tag (registry.local:5000/app has none)", async () => {
    expect(await violations("images-tag-not-latest", [image("i", "registry.local:5000/app")])).toEqual([expect.stringMatching(/no tag/)]);
  });
  test("an unknown image name is a mandatory violation", async () => {
    const r = await check([image("i", UNKNOWN_STRING)]);
    expect(of(r, "images-tag-not-latest")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory", message: expect.stringMatching(/not known at preview/) })]);
  });
  test("an empty name fails", async () => {
    expect(await violations("images-tag-not-latest", [image("i", "")])).toEqual([expect.stringMatching(/empty/)]);
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
