import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ALLOWED_PATH_REGEX, haproxyConfig } from "../../../../lib/platform/dockerApiProxy/haproxy";
import { hasTool, testWithTool } from "../../../support/needsTool";

/**
 * The proxy's HAProxy file, judged by the real HAProxy (Debian's, 2.6; the image runs 3.0): `haproxy -c`, then a
 * running HAProxy in front of a stand-in daemon on a unix socket, which records every request that reaches it.
 * Nothing is mocked but the daemon, whose answers do not matter here: what matters is which requests get through.
 */

describe("the allowlist, as a regular expression", () => {
  const allowed = new RegExp(ALLOWED_PATH_REGEX);
  test.each([
    "/_ping", "/v1.41/_ping", "/version", "/v1.43/info", "/v1.41/containers/json",
    "/containers/4f1c2a9b8e7d/json", "/v1.41/containers/minidock-redis-1/json", "/v1.41/images/json",
  ])("passes %s", (p) => expect(allowed.test(p)).toBe(true));
  test.each([
    "/containers/create", "/v1.41/containers/abc/start", "/v1.41/containers/abc/logs", "/v1.41/containers/abc/archive",
    "/v1.41/exec/abc/json", "/v1.41/containers/../json", "/v1.41/containers/a%2F..%2Fcreate/json", "/v1.41/events",
    "/v1.41/images/create", "/v1.41/volumes", "/v1.41/networks", "/v1.41/swarm", "/v1.41/containers/json/extra", "/info/",
  ])("refuses %s", (p) => expect(allowed.test(p)).toBe(false));
});

testWithTool("haproxy", "haproxy -c accepts the generated file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-haproxy-"));
  const file = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(file, haproxyConfig({ socket: path.join(dir, "docker.sock"), port: 2375 }));
  expect(execFileSync("haproxy", ["-c", "-f", file], { encoding: "utf8", stdio: "pipe" })).toMatch(/valid/i);
  fs.rmSync(dir, { recursive: true, force: true });
}, ["-v"]);

describe("a running HAProxy in front of a stand-in daemon", () => {
  let dir: string;
  let daemon: http.Server;
  let proxy: ChildProcess | undefined;
  let port: number;
  const seen: string[] = [];

  const freePort = () => new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const request = (method: string, p: string) => new Promise<number>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: p }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });

  beforeAll(async () => {
    if (!hasTool("haproxy", ["-v"])) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-haproxy-"));
    const socket = path.join(dir, "docker.sock");
    daemon = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => daemon.listen(socket, resolve));
    port = await freePort();
    fs.writeFileSync(path.join(dir, "haproxy.cfg"), haproxyConfig({ socket, port }));
    proxy = spawn("haproxy", ["-db", "-f", path.join(dir, "haproxy.cfg")], { stdio: "ignore" });
    // Until it listens (HAProxy binds within milliseconds; the bound is generous for a loaded CI machine).
    for (let i = 0; i < 100; i++) {
      if (await request("GET", "/_ping").then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    seen.length = 0;
  }, 15_000);

  afterAll(async () => {
    proxy?.kill();
    await new Promise<void>((resolve) => (daemon ? daemon.close(() => resolve()) : resolve()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  testWithTool("haproxy", "reads pass through to the daemon; writes and other paths never reach it", async () => {
    expect(await request("GET", "/v1.41/containers/json?all=1")).toBe(200);
    expect(await request("HEAD", "/_ping")).toBe(200);
    expect(await request("GET", "/v1.41/containers/abc123/json")).toBe(200);
    expect(await request("POST", "/v1.41/containers/create")).toBe(405);
    expect(await request("DELETE", "/v1.41/containers/abc123")).toBe(405);
    expect(await request("POST", "/v1.41/containers/abc123/stop")).toBe(405);
    expect(await request("GET", "/v1.41/containers/abc123/logs")).toBe(403);
    expect(await request("GET", "/v1.41/containers/abc123/archive?path=/etc")).toBe(403);
    expect(await request("GET", "/v1.41/events")).toBe(403);
    expect(seen).toEqual(["GET /v1.41/containers/json?all=1", "HEAD /_ping", "GET /v1.41/containers/abc123/json"]);
  }, ["-v"]);
});
