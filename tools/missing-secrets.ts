/**
 * Prints, one per line, the secret config keys a stack references but has not set yet.
 * Used by scripts/up-local.sh to generate them; needs no Pulumi CLI.
 *   npm run secrets:missing -- <stack>
 */
import * as path from "path";
import { readStackConfigFile, stackFilePath, withPlaceholderSecrets } from "./offline/stackFile";
import { UsageError, parseToolArgs, runMain } from "./stackRun";

export const USAGE = "npm run secrets:missing -- <stack>   (prints the secret config keys Pulumi.<stack>.yaml references but does not set)";

export async function main(argv: string[]): Promise<number> {
  const { positionals } = parseToolArgs(argv, {}, true);
  if (positionals.length !== 1) throw new UsageError(`expected one stack name, got ${positionals.length}`);
  const [stack] = positionals;
  const projectDir = path.resolve(__dirname, "..");
  const { placeholders } = withPlaceholderSecrets(stack, readStackConfigFile(stackFilePath(projectDir, stack), projectDir));
  for (const key of placeholders) console.log(key);
  return 0;
}

if (require.main === module) runMain(USAGE, () => main(process.argv.slice(2)));
