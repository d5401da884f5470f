import { resolveStackConfig } from "../../../lib/stackConfig";
import { assertUniqueOnEachHost, assertUploadsHaveWritableRoot, platformServiceSpec } from "../../../lib/platform/definition";
import { toRawStackConfig } from "../../../tools/offline/stackFile";
import { baseConfig, toConfigValues } from "../../support/configs";

const stack = { logMaxSize: "20m", logMaxFiles: 4 };
const spec = (raw: Record<string, unknown>) =>
  platformServiceSpec("exporter", "mini", ["edge"], stack, { image: "prom/node-exporter:v1.8.2", memoryMb: 32, ...raw });

describe("platform service specs", () => {
  test("get every secure default a config service gets, and the stack's log rotation", () => {
    expect(spec({})).toMatchObject({
      name: "exporter", tier: "platform", host: "mini", networks: ["edge"],
      restart: "unless-stopped", logs: { driver: "json-file", maxSize: "20m", maxFiles: 4 },
      unsafe: { privileged: false, noNewPrivileges: true, writableRootFs: false },
    });
  });

  test("a typo in minidock's own spec fails like a user's would", () => {
    expect(() => spec({ memroyMb: 1 })).toThrow(/memroyMb/);
  });

  test("uploads need a writable root: refused before anything is created", () => {
    expect(() => assertUploadsHaveWritableRoot([{ spec: spec({}), uploads: [{ file: "/etc/x.yml", content: "a: 1" }] }])).toThrow(
      "mini.exporter: uploads config files but has a read-only root",
    );
    expect(() => assertUploadsHaveWritableRoot([{ spec: spec({ unsafe: { writableRootFs: true } }), uploads: [{ file: "/etc/x.yml", content: "a: 1" }] }])).not.toThrow();
    expect(() => assertUploadsHaveWritableRoot([{ spec: spec({}) }])).not.toThrow();
  });

  test("a config service may not take a platform service's name on the same host", () => {
    const cfg = resolveStackConfig("t", toRawStackConfig(toConfigValues(baseConfig())));
    const user = cfg.services.find((s) => s.name === "postgres")!;
    const clash = platformServiceSpec("postgres", user.host, ["edge"], stack, { image: "postgres:16.6-alpine", memoryMb: 64 });
    expect(() => assertUniqueOnEachHost([user, clash])).toThrow("services.postgres: the name is taken on host mini");
    expect(() => assertUniqueOnEachHost([user, { ...clash, host: "mini2" }])).not.toThrow();
  });
});
