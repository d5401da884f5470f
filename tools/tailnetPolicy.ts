/**
 * `npm run tailnet:policy [-- --stack NAME | --config FILE] [--out FILE]`: writes (to FILE, else stdout) the tailnet policy file (HuJSON) the stack's
 * `minidock:tailscale` model generates, exactly as the Tailnet component applies it. No Pulumi, no Tailscale API:
 * paste it into the admin console's policy editor to preview it, or feed it to tailscale/gitops-acl-action's test
 * mode. Exit 1 when the config is invalid or Tailscale is not enabled on the stack, 2 on wrong usage.
 */
import * as fs from "fs";
import * as path from "path";
import { buildPolicyFile, renderPolicyFile } from "../lib/platform/tailscale/acl";
import { loadStack, oneStackTarget, parseCli, relativeToCwd, runMain, validStack } from "./stackRun";

export const USAGE = "npm run tailnet:policy -- [--stack NAME | --config FILE] [--out FILE]   (default stack: mini; --out, because `npm run` prints its own banner on stdout)";

export async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["config", "out"]);
  const target = oneStackTarget(opts);
  const loaded = validStack(loadStack(target));
  if (!loaded) return 1;
  if (!loaded.resolved.tailscale.enabled) {
    console.error(`${relativeToCwd(target.file)}: minidock:tailscale is not enabled on stack ${target.stack}; there is no policy file`);
    return 1;
  }
  const text = renderPolicyFile(buildPolicyFile(loaded.resolved.tailscale));
  if (opts.out === undefined) process.stdout.write(text);
  else {
    // npm runs scripts from the package root; a relative --out means the directory the user typed it in.
    fs.writeFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), opts.out), text);
    console.error(`tailnet policy of stack ${target.stack} written to ${opts.out}`);
  }
  return 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
