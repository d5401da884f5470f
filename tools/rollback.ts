/**
 * `npm run rollback -- --stack NAME [--to N] [--json] [--verbose]`: the stack back on an earlier deployment, on
 * demand: by default the last one `npm run deploy` verified, or update version N of the stack's history (which
 * must be a successful update; anything else is refused with the verified versions listed).
 *
 * The same phases deploy runs when it rolls back by itself (tools/deploy/plan.ts rollbackPlan): the target
 * update's config out of the stack's history (secrets included, re-encrypted by the stack's secrets provider)
 * into a scratch project, `pulumi up` with the policy pack, the verification, and the record of the result as
 * the last verified deployment. The repository's Pulumi.<stack>.yaml is not touched (tools/deploy/restore.ts
 * says why); the summary names the keys in which it now differs from what runs.
 *
 * --list prints the history with the version numbers rollback uses (the file backend numbers every update 0 in
 * `pulumi stack history`; rollback counts them from the oldest, tools/deploy/history.ts) and marks the verified ones.
 *
 * Exit: 0 rolled back and verified (or listed); 1 the update or verification failed, or there is no verified deployment;
 * 2 wrong usage (a --to that is not a successful update), or no Pulumi CLI.
 */
import { defaultContext, runCommand } from "./deploy/run";
import { UsageError, parseToolArgs, runMain } from "./stackRun";

export const USAGE = "npm run rollback -- --stack NAME [--to N | --list] [--json] [--verbose]";

export async function main(argv: string[], ctx = defaultContext()): Promise<number> {
  const { values } = parseToolArgs(argv, {
    stack: { type: "string" }, to: { type: "string" }, list: { type: "boolean" }, json: { type: "boolean" }, verbose: { type: "boolean" },
  });
  if (!values.stack) throw new UsageError("expected --stack NAME");
  let to: number | undefined;
  if (values.to !== undefined) {
    if (!/^\d+$/.test(values.to)) throw new UsageError(`--to ${values.to}: expected an update version, a whole number (--list shows them)`);
    to = Number(values.to);
  }
  if (to !== undefined && values.list) throw new UsageError("--to and --list: one or the other");
  return runCommand(ctx, { command: "rollback", stack: values.stack, json: !!values.json, verbose: !!values.verbose, rollback: false, to, list: !!values.list });
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
