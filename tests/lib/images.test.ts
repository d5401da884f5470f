import { isPinned, parseImageRef } from "../../lib/images";

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
