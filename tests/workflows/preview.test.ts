import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/**
 * .github/workflows/preview.yml cannot run here (no GitHub runner, no mini), so its structure is asserted:
 * the offline job needs no secrets, the preview job is gated on a job output, actions are pinned to a major.
 * scripts/ci/workflows.sh adds yamllint and shellcheck of every `run:` block with the real tools.
 */
interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { needs?: string[]; if?: string; permissions?: Record<string, string>; outputs?: Record<string, string>; env?: Record<string, string>; steps: Step[] }
const file = path.resolve(__dirname, "../../.github/workflows/preview.yml");
const text = fs.readFileSync(file, "utf8");
const wf = parse(text) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
const { offline, secrets, preview, engine } = wf.jobs;

test("runs on pull requests with read-only default permissions", () => {
  expect(Object.keys(wf.on)).toEqual(["pull_request"]);
  expect(wf.permissions).toEqual({ contents: "read" });
});

test("every action is pinned to a major version", () => {
  const uses = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => !!u));
  expect(uses.length).toBeGreaterThan(5);
  // owner/repo or owner/repo/path (github/codeql-action/upload-sarif), at a major tag.
  for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+(\/[\w-]+)?@v\d+$/);
});

test("the offline job writes SARIF for each shipped stack and uploads it to code scanning, failures included", () => {
  // Every shipped stack (Pulumi.<stack>.yaml), not a list of its own that could fall behind.
  const shipped = fs.readdirSync(path.resolve(__dirname, "../..")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
  const sarif = offline.steps.find((s) => s.id === "sarif")!;
  expect(sarif.run).toContain(`for stack in ${shipped.join(" ")}; do`);
  expect(sarif.run).toContain('npm run --silent check -- --stack "$stack" --format sarif --out "check-$stack.sarif"');
  // Exit 1 (violations) must not stop the upload; only wrong usage or a crash fails the step.
  expect(sarif.run).toMatch(/if \[ "\$rc" -gt 1 \]/);
  expect(sarif.if).toContain("!cancelled()");
  const uploads = offline.steps.filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
  expect(uploads.map((u) => u.with)).toEqual(shipped.map((stack) => ({ sarif_file: `check-${stack}.sarif`, category: `minidock-check-${stack}` })));
  for (const u of uploads) {
    // Runs after a failed check step (that is when there is something to show), and only where the token may write.
    expect(u.if).toContain("!cancelled()");
    expect(u.if).toContain("steps.sarif.outcome == 'success'");
    expect(u.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(offline.steps.indexOf(u)).toBeGreaterThan(offline.steps.indexOf(sarif));
  }
  expect(offline.permissions).toMatchObject({ "security-events": "write", contents: "read" });
});

test("the offline job uses no secrets and runs lint, tests, the check of both stacks and the budget", () => {
  expect(JSON.stringify(offline)).not.toMatch(/secrets\./);
  const runs = offline.steps.map((s) => s.run ?? "").join("\n");
  for (const cmd of ["npm ci", "npm run lint", "npm test", "check -- --stack mini", "check -- --stack local", "budget -- --stack mini --markdown"]) {
    expect(runs).toContain(cmd);
  }
  const comment = offline.steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment"))!;
  // Forks get a read-only token: the comment step must be skipped there, not fail.
  expect(comment.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
  expect(comment.with).toMatchObject({ path: "budget.md" });
});

test("the preview job runs only when the secrets job says they are set", () => {
  expect(secrets.outputs?.ready).toBe("${{ steps.gate.outputs.ready }}");
  const gate = secrets.steps.find((s) => s.id === "gate")!;
  for (const name of ["PULUMI_ACCESS_TOKEN", "TS_OAUTH_CLIENT_ID", "TS_OAUTH_SECRET", "MINI_SSH_KEY"]) {
    expect(gate.env?.[name]).toBe(`\${{ secrets.${name} }}`);
    expect(gate.run).toContain(name);
  }
  expect(preview.needs).toEqual(expect.arrayContaining(["secrets"]));
  expect(preview.if).toBe("${{ needs.secrets.outputs.ready == 'true' }}");
});

test("the preview job joins the tailnet as tag:ci, trusts the host key, and previews with the policy pack", () => {
  const ts = preview.steps.find((s) => s.uses?.startsWith("tailscale/github-action"))!;
  expect(ts.with).toMatchObject({ tags: "tag:ci", "oauth-client-id": "${{ secrets.TS_OAUTH_CLIENT_ID }}" });
  const ssh = preview.steps.find((s) => s.run?.includes("known_hosts"))!;
  expect(ssh.run).toContain("ssh-keyscan");
  const pulumi = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions"))!;
  expect(pulumi.with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policies" });
  expect(pulumi.with?.policyPackConfigs).toBe("policies/${{ env.STACK }}.json");
  expect(preview.env?.STACK).toBe("${{ vars.MINIDOCK_STACK || 'mini' }}");
});

test("the engine job runs the real preview on every PR, forks included: no secrets, the pinned CLI", () => {
  expect(JSON.stringify(engine)).not.toMatch(/secrets\./);
  expect(engine.if).toBeUndefined();
  const cli = engine.steps.find((s) => s.uses?.startsWith("pulumi/actions"))!;
  // The CLI release that matches @pulumi/pulumi in package-lock.json, as scripts/toolchain.sh pins it.
  const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
  expect(cli.with).toEqual({ "pulumi-version": lock.packages["node_modules/@pulumi/pulumi"].version });
  const runs = engine.steps.map((s) => s.run ?? "").join("\n");
  for (const cmd of ["npm ci --prefix policies", "preview -- --stack local", "preview -- --stack mini --docker-only", "test:engine -- tests/engine/parity.test.ts"]) {
    expect(runs).toContain(cmd);
  }
});
