/**
 * The docker-state pusher's conversion from `docker inspect` lines to Prometheus text. The awk program runs in
 * the system awk (the image runs busybox awk, same POSIX subset); its output is validated with the real
 * `promtool check metrics` when promtool is installed. Docker itself is not needed: inspect lines are given.
 */
import { execFileSync } from "child_process";
import { DOCKER_STATE_METRICS, TO_METRICS_AWK, dockerStateHealthcheck, dockerStateScript } from "../../../../lib/platform/monitoring/dockerState";
import { testWithTool } from "../../../support/needsTool";
import { tempDir } from "../../../support/tmp";

const INSPECT = [
  "/minidock-postgres-1|postgres|mini|workload|true|healthy|0|false",
  "/minidock-agent-2|agent|mini|workload|false|unhealthy|7|true",
  "/minidock-cadvisor-1|cadvisor|mini|platform|true|none|1|false",
].join("\n") + "\n";

const toMetrics = (input: string) => execFileSync("awk", [TO_METRICS_AWK], { input }).toString();

test("one series per container and metric, labels from the minidock.* labels, families grouped", () => {
  const out = toMetrics(INSPECT);
  expect(out).toContain('minidock_container_running{container="minidock-postgres-1",service="postgres",host="mini",tier="workload"} 1');
  expect(out).toContain('minidock_container_running{container="minidock-agent-2",service="agent",host="mini",tier="workload"} 0');
  expect(out).toContain('minidock_container_health{container="minidock-agent-2",service="agent",host="mini",tier="workload",status="unhealthy"} 1');
  expect(out).toContain('minidock_container_health{container="minidock-cadvisor-1",service="cadvisor",host="mini",tier="platform",status="none"} 1');
  expect(out).toContain('minidock_container_restarts{container="minidock-agent-2",service="agent",host="mini",tier="workload"} 7');
  expect(out).toContain('minidock_container_oom_killed{container="minidock-agent-2",service="agent",host="mini",tier="workload"} 1');
  const typeLines = out.split("\n").filter((l) => l.startsWith("# TYPE"));
  expect(typeLines.map((l) => l.split(" ")[2])).toEqual([...DOCKER_STATE_METRICS]);
  // Each family's samples directly follow its TYPE line.
  const families = out.split("# TYPE ").slice(1).map((block) => block.split("\n").slice(1).filter((l) => l && !l.startsWith("#")));
  families.forEach((samples, i) => samples.forEach((s) => expect(s.startsWith(DOCKER_STATE_METRICS[i])).toBe(true)));
});


testWithTool("promtool", "promtool check metrics accepts the output (real promtool)", () => {
  expect(() => execFileSync("promtool", ["check", "metrics"], { input: toMetrics(INSPECT), stdio: "pipe" })).not.toThrow();
});

test("the script asks only for minidock containers, pushes to the Pushgateway job, and the healthcheck watches the last push", () => {
  const script = dockerStateScript(30);
  expect(script).toContain("docker ps -aq --filter label=minidock.project=minidock");
  expect(script).toContain('URL="http://pushgateway:9091/metrics/job/minidock_docker_state"');
  expect(script).not.toMatch(/docker (rm|stop|kill|exec|run)\b/);
  expect(dockerStateHealthcheck(30)).toEqual(["CMD-SHELL", expect.stringContaining("-lt 90")]);
});

test("the script is valid sh (dash -n)", () => {
  expect(() => execFileSync("sh", ["-n"], { input: dockerStateScript() })).not.toThrow();
});

// The docker CLI image is Alpine: its awk is busybox awk. Same program, same output.
testWithTool("busybox", "busybox awk gives the same output as the system awk", () => {
  expect(execFileSync("busybox", ["awk", TO_METRICS_AWK], { input: INSPECT }).toString()).toBe(toMetrics(INSPECT));
}, ["true"]);

/**
 * Runs the generated script once in dash with stubs on PATH for the docker CLI (no daemon here), wget (no
 * Pushgateway) and sleep (which stops the loop with SIGTERM). Returns its directory and what it wrote to stderr.
 */
function runWithStubs(prefix: string, stubs: { docker: string; wget: (dir: string) => string }): { dir: string; stderr: string } {
  const fs = jest.requireActual("fs") as typeof import("fs");
  const path = jest.requireActual("path") as typeof import("path");
  const dir = tempDir(prefix);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  stub("docker", stubs.docker);
  stub("wget", stubs.wget(dir));
  stub("sleep", "kill -TERM $PPID");
  fs.writeFileSync(path.join(dir, "script.sh"), dockerStateScript());
  let stderr = "";
  try {
    execFileSync("dash", [path.join(dir, "script.sh")], { env: { PATH: `${bin}:/usr/bin:/bin`, STATE_DIR: dir }, stdio: "pipe", timeout: 10000 });
  } catch (e) {
    // Ends with SIGTERM from the sleep stub.
    stderr = String((e as { stderr?: Buffer }).stderr ?? "");
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
  return { dir, stderr };
}

// Not under busybox sh: it runs its own sleep and wget applets instead of the stubs, so the loop would not stop.
test("end to end in dash: stub docker answers, the script pushes Prometheus text to the Pushgateway URL", () => {
  const fs = jest.requireActual("fs") as typeof import("fs");
  const path = jest.requireActual("path") as typeof import("path");
  const { dir } = runWithStubs("docker-state-", {
    docker: `case "$1" in ps) echo a1; echo b2;; inspect) printf '%s' '${INSPECT}';; esac`,
    wget: (d) => `for a in "$@"; do case "$a" in --post-file=*) cp "\${a#--post-file=}" "${d}/pushed.prom";; http*) echo "$a" > "${d}/url";; esac; done`,
  });
  expect(fs.readFileSync(path.join(dir, "url"), "utf8").trim()).toBe("http://pushgateway:9091/metrics/job/minidock_docker_state");
  expect(fs.readFileSync(path.join(dir, "pushed.prom"), "utf8")).toBe(toMetrics(INSPECT));
  expect(fs.existsSync(path.join(dir, "pushed"))).toBe(true);
});

test.each([
  ["docker ps", `case "$1" in ps) echo "error during connect: 403 Forbidden" >&2; exit 1;; inspect) printf '%s' '${INSPECT}';; esac`],
  ["docker inspect", `case "$1" in ps) echo a1;; inspect) echo "Error: No such object: a1" >&2; exit 1;; esac`],
])("a failed %s pushes nothing, so the series go stale instead of vanishing", (_what, dockerStub) => {
  const fs = jest.requireActual("fs") as typeof import("fs");
  const path = jest.requireActual("path") as typeof import("path");
  const { dir, stderr } = runWithStubs("docker-state-fail-", { docker: dockerStub, wget: (d) => `touch "${d}/wget-called"` });
  expect(stderr).toMatch(/docker-state: docker (ps|inspect) failed; not pushing/);
  expect(fs.existsSync(path.join(dir, "wget-called"))).toBe(false);
  expect(fs.existsSync(path.join(dir, "pushed"))).toBe(false);
});
