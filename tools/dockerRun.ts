/**
 * `node -r ./tools/register.js tools/dockerRun.ts [--stack NAME | --config FILE]`: every container the program
 * declares for a stack, with the `docker run` flags of its envelope (tools/dockerRunFlags.ts), for the CI load
 * test. Evaluates index.ts under mocks, so platform containers are there too. Secrets never appear: env is not
 * translated, and labels carry secret names only.
 *
 * Output, tab-separated (no field is empty or holds a tab):
 *   host <name> <memoryMb> <reserveMb>
 *   container <name> <host> <service> <tier> <memoryMb> <flag>...
 */
import { TYPE } from "../lib/dockerTypes";
import { LABEL, parseContainerLabels } from "../lib/labels";
import { dockerRunFlags } from "./dockerRunFlags";
import { evaluate, loadStack, oneStackTarget, parseCli, runMain, validStack } from "./stackRun";

export const USAGE = "node -r ./tools/register.js tools/dockerRun.ts [--stack NAME | --config FILE]   (default stack: mini)";

export async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["config"]);
  const valid = validStack(loadStack(oneStackTarget(opts)));
  const ev = valid && (await evaluate(valid));
  const loaded = ev && validStack(valid); // the program can still refuse the config (platform checks)
  if (!ev || !loaded) return 1;
  const lines = loaded.resolved.hosts.map((h) => ["host", h.name, h.memoryMb, h.reserveMb].join("\t"));
  for (const c of ev.resources.filter((r) => r.type === TYPE.container)) {
    const labels = parseContainerLabels(c.inputs.labels);
    const fields = [c.inputs.name, labels.host, labels.service, labels.raw[LABEL.tier], c.inputs.memory, ...dockerRunFlags(c.inputs)];
    const bad = fields.find((f) => f === undefined || String(f) === "" || String(f).includes("\t"));
    if (bad !== undefined) throw new Error(`container ${String(c.inputs.name)}: field ${JSON.stringify(bad)} cannot be written as one tab-separated field`);
    lines.push(["container", ...fields].join("\t"));
  }
  console.log(lines.join("\n"));
  return 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
