/**
 * `npm run tailnet:policy [-- --stack NAME | --config FILE]`: prints the tailnet policy file (HuJSON) the stack's
 * `minidock:tailscale` model generates, exactly as the Tailnet component applies it. No Pulumi, no Tailscale API:
 * paste it into the admin console's policy editor to preview it, or feed it to tailscale/gitops-acl-action's test
 * mode. Exit 1 when the config is invalid or Tailscale is not enabled on the stack, 2 on wrong usage.
 */
import { buildPolicyFile, renderPolicyFile } from "../lib/tailscale/acl";
import { loadStack, oneStackTarget, parseCli, relativeToCwd, runMain, validStack } from "./stackRun";

const USAGE = "npm run tailnet:policy -- [--stack NAME | --config FILE]   (default stack: mini)";

export async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, ["config"]);
  const target = oneStackTarget(opts);
  const loaded = validStack(loadStack(target));
  if (!loaded) return 1;
  if (!loaded.resolved.tailscale.enabled) {
    console.error(`${relativeToCwd(target.file)}: minidock:tailscale is not enabled on stack ${target.stack}; there is no policy file`);
    return 1;
  }
  process.stdout.write(renderPolicyFile(buildPolicyFile(loaded.resolved.tailscale)));
  return 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
