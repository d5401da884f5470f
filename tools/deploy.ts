/**
 * `npm run deploy -- --stack NAME [--json] [--no-rollback] [--verbose]`: one command from a change to a verified
 * deployment, on the user's real stack (its backend and secrets provider as configured).
 *
 *   preview  the real preview with the policy pack (policies/, policies/<stack>.json): a mandatory violation stops it
 *   update   a rolling update with the same pack (tools/deploy/rollingRollout.ts): everything but the rolling
 *            containers in one `pulumi up`, then one targeted `pulumi up` per replica of each replicated or
 *            start-first service, each healthy before the next; a replica that is not stops the rollout
 *   verify   every container in the stack's state runs, is healthy (within its healthcheck's start period and
 *            interval x retries) and is as declared, read from each host's Docker daemon
 *   record   the update's version becomes the stack's last verified deployment (stack tag minidock:verified-version)
 * then a summary: what changed, each phase's time, and each host's budget.
 *
 * A failed update or verification returns the stack to the last verified deployment (tools/rollback.ts's rollback,
 * automatically) and reports the failed containers with their health output and last log lines; --no-rollback
 * leaves the stack as the failed update left it. Every step goes through the Automation API
 * (tools/deploy/engine.ts); docs/runbook.md "Deploy and roll back" is the procedure.
 *
 * Exit: 0 deployed and verified; 1 refused at preview, a failed update or verification (rolled back or not), or a
 * config error; 2 wrong usage or no Pulumi CLI.
 */
import { defaultContext, runCommand } from "./deploy/run";
import { UsageError, parseToolArgs, runMain } from "./stackRun";

export const USAGE = "npm run deploy -- --stack NAME [--json] [--no-rollback] [--verbose]";

export async function main(argv: string[], ctx = defaultContext()): Promise<number> {
  const { values } = parseToolArgs(argv, {
    stack: { type: "string" }, json: { type: "boolean" }, "no-rollback": { type: "boolean" }, verbose: { type: "boolean" },
  });
  if (!values.stack) throw new UsageError("expected --stack NAME");
  return runCommand(ctx, { command: "deploy", stack: values.stack, json: !!values.json, verbose: !!values.verbose, rollback: !values["no-rollback"] });
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
