import { containerLabels, toLabelList } from "../../../lib/labels";
import { DeployReport, RunReport, budgetLines, conciseEngineError, describeChanges, renderSummary } from "../../../tools/deploy/summary";
import { DeployedContainer } from "../../../tools/deploy/verify";

/** The summary deploy and rollback print, rendered from given reports, and the budget it computes from the state. */
const labelled = (service: string, replica: number, memory: number, tier: "workload" | "platform" = "workload"): DeployedContainer => ({
  name: `minidock-${service}-${replica}`, urn: `urn:${service}-${replica}`, host: "local", service,
  inputs: {
    memory, cpus: "0.25", logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" },
    labels: toLabelList(containerLabels({ stack: "local", host: "local", service, replica, tier, hostMemoryMb: 2048, hostReserveMb: 256, hostCpus: 2, hostDiskGb: 10, rollout: "stop-first" })),
  },
});
const HOST = { host: "local", memoryMb: 2048, reserveMb: 256, cpus: 2, diskGb: 10 };

describe("budgetLines: lib/budget.ts on the containers the state holds", () => {
  test("inside: the arithmetic lib/budget.ts writes", () => {
    const [b] = budgetLines([HOST], [labelled("web", 1, 512), labelled("web", 2, 512), labelled("db", 1, 256)], 10);
    expect(b).toMatchObject({ host: "local", fits: true, memoryFits: true, logFits: true, declaredMb: 1280, reserveMb: 256, memoryMb: 2048, headroomMb: 512 });
    expect(b.memory).toBe("1280 MB declared + 256 reserve = 1536 <= 2048 budget (web 2x512, db 256)");
    expect(b.logs).toMatch(/^logs may take 90 MB .*<= 1 GB allowance \(10 % of diskGb 10\)$/);
  });

  test("outside", () => {
    const [b] = budgetLines([HOST], [labelled("web", 1, 1024), labelled("web", 2, 1024)], 10);
    expect([b.fits, b.headroomMb]).toEqual([false, -256]);
  });
});

test("describeChanges", () => {
  expect(describeChanges({ same: 5, replace: 2, create: 1 })).toBe("2 replace, 1 create, 5 unchanged");
  expect(describeChanges({ same: 7 })).toBe("no changes (7 unchanged)");
  expect(describeChanges({})).toBe("no resources");
});

const run = (over: Partial<RunReport> = {}): RunReport => ({
  phases: [
    { phase: "preview", ok: true, ms: 4200 }, { phase: "update", ok: true, ms: 31_000 }, { phase: "verify", ok: true, ms: 2100 }, { phase: "record", ok: true, ms: 900 },
  ],
  changes: { same: 5, replace: 2 }, version: 7, violations: [], containers: 3, failed: [], ...over,
});
const report = (over: Partial<DeployReport> = {}): DeployReport => ({
  command: "deploy", stack: "local", outcome: "deployed", exitCode: 0, run: run(), notes: [], totalMs: 38_200,
  budget: budgetLines([HOST], [labelled("web", 1, 512)], 10), ...over,
});

test("deployed: the headline, each phase's time, the changes and the budget", () => {
  expect(renderSummary(report())).toEqual([
    "deploy local: deployed and verified (38.2 s)",
    "deploy: preview 4.2 s, update 31.0 s, verify 2.1 s, record 0.9 s",
    "  changes: 2 replace, 5 unchanged (version 7)",
    "  containers: 3 of 3 running, healthy and as declared",
    "budget local: inside (512 MB declared + 256 reserve = 768 <= 2048 budget (web 512); logs may take 30 MB (web 10m x 3 = 30 MB) <= 1 GB allowance (10 % of diskGb 10))",
  ]);
});

test("a rolling update: its lines, one per replica, under the changes", () => {
  const lines = renderSummary(report({ run: run({ rollout: ["rolling 2 replica(s), one at a time: web (2 replica(s), start-first)", "web: replica 1/2 start-first: new healthy in 3.1 s, old stopped in 1.2 s"] }) }));
  expect(lines.slice(2, 6)).toEqual([
    "  changes: 2 replace, 5 unchanged (version 7)",
    "  rollout:",
    "    rolling 2 replica(s), one at a time: web (2 replica(s), start-first)",
    "    web: replica 1/2 start-first: new healthy in 3.1 s, old stopped in 1.2 s",
  ]);
});

test("refused: the mandatory violations, named by rule and resource", () => {
  const lines = renderSummary(report({
    outcome: "refused", exitCode: 1, budget: [],
    run: {
      phases: [{ phase: "preview", ok: false, ms: 5000, note: "1 mandatory policy violation(s)" }], violations: [
        { policy: "hardening-no-privileged", enforcementLevel: "mandatory", resource: "urn:pulumi:local::minidock::minidock:Service$docker:index/container:Container::web-1", message: "web-1 is privileged\nset unsafe.privileged: false" },
        { policy: "images-pinned-by-digest", enforcementLevel: "advisory", resource: "", message: "pin it" },
      ], failed: [],
    },
  }));
  expect(lines).toEqual([
    "deploy local: REFUSED at preview: nothing was changed (38.2 s)",
    "deploy: preview 5.0 s FAILED",
    "  1 mandatory policy violation(s):",
    "    [mandatory] hardening-no-privileged (web-1): set unsafe.privileged: false",
  ]);
});

test("rolled back: the failed service with its health output and logs, the rollback's phases and what it restored", () => {
  const failedRun = run({
    phases: [{ phase: "preview", ok: true, ms: 4000 }, { phase: "update", ok: true, ms: 30_000 }, { phase: "verify", ok: false, ms: 36_000 }],
    failed: [{ name: "minidock-web-1", service: "web", host: "local", reason: "unhealthy (3 failing probes in a row)", problems: [], health: ["exit 1: no such file"], logs: ["starting", "listening on :8080"] }],
  });
  delete failedRun.version;
  const lines = renderSummary(report({
    outcome: "rolled-back", exitCode: 1, run: failedRun,
    rollback: { target: 5, targetVerified: true, changedKeys: ["minidock:services"], restoredSecrets: ["minidock:redisPassword"], keptSecrets: [], missingSecrets: [], run: run({ version: 8 }) },
    notes: ["the stack runs version 5's config now"],
  }));
  expect(lines).toEqual([
    "deploy local: FAILED, rolled back to version 5, which is verified again (38.2 s)",
    "deploy: preview 4.0 s, update 30.0 s, verify 36.0 s FAILED",
    "  changes: 2 replace, 5 unchanged",
    "  containers: 2 of 3 running, healthy and as declared",
    "  failed:",
    "  minidock-web-1 (service web, host local): unhealthy (3 failing probes in a row)",
    "    health output, last probes:",
    "      exit 1: no such file",
    "    last 2 log line(s):",
    "      starting",
    "      listening on :8080",
    "rollback to version 5: preview 4.2 s, update 31.0 s, verify 2.1 s, record 0.9 s",
    "  changes: 2 replace, 5 unchanged (version 8)",
    "  containers: 3 of 3 running, healthy and as declared",
    "  config restored: minidock:services",
    "  secrets restored from the history: minidock:redisPassword",
    expect.stringMatching(/^budget local: inside /),
    "note: the stack runs version 5's config now",
  ]);
});

test("a rollback whose secrets history could not give says which keep their value", () => {
  const lines = renderSummary(report({
    command: "rollback", outcome: "deployed",
    rollback: { target: 3, targetVerified: true, changedKeys: [], restoredSecrets: [], keptSecrets: ["minidock:postgresPassword"], missingSecrets: ["minidock:b2KeyId"], run: run() },
  }));
  expect(lines[0]).toBe("rollback local: rolled back to version 3 and verified (38.2 s)");
  expect(lines).toContain("  secrets NOT restored (the history gave no value), kept as they are now: minidock:postgresPassword");
  expect(lines).toContain("  secrets with no value anywhere: minidock:b2KeyId");
});

/** The tail of a failed `pulumi up` as the Automation API hands it over (CLI v3.248, a container that never got healthy). */
const FAILED_UP = `Command failed with exit code 1: /x/bin/pulumi up --yes --skip-preview --message minidock deploy --stack deploytest --non-interactive
Updating (deploytest):
   ++ docker:index:Container web-1 **creating failed** [diff: ~envs,image]; error: 1 error occurred:
    pulumi:pulumi:Stack minidock-deploytest **failed** 1 error; 2 warnings
Policies:
    - [advisory]  images-pinned-by-digest  (docker:index/remoteImage:RemoteImage: web-image)

Diagnostics:
  docker:index:Container (web-1):
    error:   sdk-v2/provider2.go:572: sdk.helper_schema: container failed to be in healthy state: provider=docker@5.2.0
    error: 1 error occurred:
    \t* container failed to be in healthy state

  pulumi:pulumi:Stack (minidock-deploytest):
    warning: using pulumi-resource-docker from $PATH at /x/bin/pulumi-resource-docker
    warning: using pulumi-resource-docker from $PATH at /x/bin/pulumi-resource-docker
    error: update failed

Outputs:
  - stack: "deploytest"

Resources:
    +-3 replaced

Duration: 2m13s
`;

test("conciseEngineError keeps the diagnostics per resource, without outputs, counts and the toolchain's warnings", () => {
  expect(conciseEngineError(FAILED_UP).split("\n")).toEqual([
    "Diagnostics:",
    "  docker:index:Container (web-1):",
    "    error:   sdk-v2/provider2.go:572: sdk.helper_schema: container failed to be in healthy state: provider=docker@5.2.0",
    "    error: 1 error occurred:",
    "    \t* container failed to be in healthy state",
    "",
    "  pulumi:pulumi:Stack (minidock-deploytest):",
    "    error: update failed",
  ]);
});

test("conciseEngineError without diagnostics: the last lines", () => {
  expect(conciseEngineError("a\nb\nc\nd", 2)).toBe("...\nc\nd");
  expect(conciseEngineError("error: no stack named 'x' found")).toBe("error: no stack named 'x' found");
});
