import { ConfigError } from "../../../lib/config/errors";
import { resolveStackConfig } from "../../../lib/stackConfig";
import { resolveImage } from "../../../lib/images";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";

/** minidock:images: pure config and reference rewriting, nothing mocked. */

function resolve(images: unknown) {
  const s = { ...baseConfig(), images } as Record<string, unknown>;
  return resolveStackConfig("test", toRawStackConfig(toConfigValues(s)));
}

function problems(images: unknown): string[] {
  try {
    resolve(images);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe("resolveImage", () => {
  const none = { replace: {} };
  test("without config every image is pulled from its own registry", () => {
    expect(resolveImage("postgres:16.6-alpine", none)).toBe("postgres:16.6-alpine");
  });
  test("a mirror keeps Docker Hub's library/ prefix and any other registry's path", () => {
    const m = { registry: "mirror.example:5000", replace: {} };
    expect(resolveImage("postgres:16.6-alpine", m)).toBe("mirror.example:5000/library/postgres:16.6-alpine");
    expect(resolveImage("grafana/grafana:11.3.1", m)).toBe("mirror.example:5000/grafana/grafana:11.3.1");
    expect(resolveImage("gcr.io/cadvisor/cadvisor:v0.49.1", m)).toBe("mirror.example:5000/cadvisor/cadvisor:v0.49.1");
    const digest = `sha256:${"a".repeat(64)}`;
    expect(resolveImage(`redis:7.4.2@${digest}`, m)).toBe(`mirror.example:5000/library/redis:7.4.2@${digest}`);
  });
  test("replace wins over the mirror and matches whole references only", () => {
    const m = { registry: "mirror.example:5000", replace: { "postgres:16.6-alpine": "local/pg:16.6" } };
    expect(resolveImage("postgres:16.6-alpine", m)).toBe("local/pg:16.6");
    expect(resolveImage("postgres:16.6", m)).toBe("mirror.example:5000/library/postgres:16.6");
  });
});

describe("minidock:images in the config contract", () => {
  test("off by default", () => {
    expect(resolve(undefined).images).toEqual({ replace: {} });
  });
  test("a replacement must be pinned, like every image", () => {
    expect(problems({ replace: { "postgres:16.6-alpine": "local/pg" } })).toEqual([
      expect.stringMatching(/^images\.replace\.postgres:16\.6-alpine: local\/pg has no tag, so Docker pulls "latest"/),
    ]);
  });
  test("a registry must look like one, and unknown keys are named", () => {
    expect(problems({ registry: "not a registry" })).toEqual([expect.stringMatching(/^images\.registry: expected a registry such as/)]);
    expect(problems({ mirror: "x.example" })).toEqual([expect.stringMatching(/^images\.mirror: unknown key/)]);
  });
  test("the program pulls the resolved image", () => {
    expect(resolve({ registry: "localhost:5000" }).images.registry).toBe("localhost:5000");
  });
});
