import { BACKUP_IMAGE } from "../../lib/platform/backup/containers";
import { DEFAULT_IMAGES } from "../../lib/platform/monitoring/config";
import { TAILSCALE_IMAGE } from "../../lib/platform/tailscale/config";
import { PIN_RULE, isPinned, isPostgres, parseImageRef, pinProblem } from "../../lib/images";

describe("image references", () => {
  test.each([
    ["postgres:16.6-alpine", { registry: "docker.io", repository: "library/postgres", tag: "16.6-alpine" }],
    ["grafana/grafana:11.4.0", { registry: "docker.io", repository: "grafana/grafana", tag: "11.4.0" }],
    ["registry.local:5000/team/app", { registry: "registry.local:5000", repository: "team/app", tag: undefined }],
    ["registry.local:5000/team/app:1.2", { registry: "registry.local:5000", repository: "team/app", tag: "1.2" }],
    ["localhost/app:dev", { registry: "localhost", repository: "app", tag: "dev" }],
    ["ghcr.io/o/r@sha256:" + "a".repeat(64), { registry: "ghcr.io", repository: "o/r", tag: undefined, digest: "sha256:" + "a".repeat(64) }],
  ])("%s", (ref, expected) => {
    expect(parseImageRef(ref)).toMatchObject(expected);
  });

  test.each([
    ["postgres:16.6-alpine", true],
    ["postgres:latest", false],
    ["postgres", false],
    ["registry.local:5000/app", false],
    ["app@sha256:" + "b".repeat(64), true],
    ["app@sha256:short", false],
  ])("isPinned(%s) = %s", (ref, pinned) => {
    expect(isPinned(ref)).toBe(pinned);
  });
});

/** The pin rule (lib/images.ts PIN_RULE), shared by the config contract and images-pinned-tag. */
describe("pinProblem: tags that move and tags that pin", () => {
  const digest = "sha256:" + "c".repeat(64);
  test.each([
    // No tag, latest, and channel words: they name no version at all.
    ["postgres", /has no tag, so Docker pulls "latest"/],
    ["registry.local:5000/app", /has no tag/],
    ["postgres:latest", /tag "latest" moves/],
    ["postgres:LATEST", /moves/],
    ...["alpine", "slim", "lts", "stable", "edge", "main", "master", "nightly", "dev", "current", "rolling", "lts-alpine"]
      .map((t) => [`node:${t}`, /names no version/] as [string, RegExp]),
    // Distribution codenames follow every point release of the distribution (bookworm was 12.0, then 12.8).
    ["debian:bookworm", /names no version/],
    ["ubuntu:jammy", /names no version/],
    ["python:alpine3.20", /names no version/],
    // A bare major, alone or with a variant, follows every minor and patch release.
    ["postgres:16", /names only major version 16, which moves to every 16.x release/],
    ["postgres:16-alpine", /major version 16/],
    ["node:22-bookworm-slim", /major version 22/],
    ["traefik:v2", /major version 2/],
    ["ghcr.io/someone/postgis:16-3.4", /major version 16/],
    // A wildcard in the version is no version.
    ["redis:7.4.x", /moves/],
    ["redis:7.4.", /moves/],
    // A digest must be well formed to pin anything.
    ["postgres@sha256:abc", /digest "sha256:abc" is not/],
    ["postgres:16.6@sha256:" + "C".repeat(64), /is not sha256/],
  ])("%s moves", (ref, why) => {
    const problem = pinProblem(ref);
    expect(problem).toMatch(why);
    expect(problem).toContain(PIN_RULE);
    expect(isPinned(ref)).toBe(false);
  });

  test.each([
    "postgres:16.6-alpine", "redis:7.4.2", "redis:7.4.2-alpine", "traefik:v2.8.1", "app:1.2.3-rc1", "app:1.2.3rc1", "app:V1.2",
    "app:1.0", "python:3.12-alpine3.20", "homeassistant/home-assistant:2024.10.1", "docker:27.4.1-cli",
    "minio/minio:RELEASE.2024-10-13T13-34-11Z", "ubuntu:jammy-20240911", "registry.local:5000/team/app:1.2",
    `postgres@${digest}`, `postgres:latest@${digest}`, `postgres:16@${digest}`,
  ])("%s pins", (ref) => {
    expect(pinProblem(ref)).toBeUndefined();
    expect(isPinned(ref)).toBe(true);
  });

  test("a date must be a real one: 2024-13-45 is no release date", () => {
    expect(pinProblem("app:build-2024-13-45")).toMatch(/names no version/);
    expect(pinProblem("app:20241399")).toMatch(/major version 20241399/);
  });

  test("every platform image minidock runs pins one release", () => {
    for (const ref of [...Object.values(DEFAULT_IMAGES), BACKUP_IMAGE, TAILSCALE_IMAGE]) expect([ref, pinProblem(ref)]).toEqual([ref, undefined]);
  });
});

describe("image classification", () => {
  test("postgres images are detected by repository name, any registry", () => {
    expect(isPostgres({ image: "postgres:16.6-alpine" })).toBe(true);
    expect(isPostgres({ image: "ghcr.io/someone/postgis:16-3.4" })).toBe(true);
    expect(isPostgres({ image: "redis:7.4.2-alpine" })).toBe(false);
    expect(isPostgres({ image: "registry:5000/not-postgres:1" })).toBe(false);
  });
});
