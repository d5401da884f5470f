/**
 * Prints, one per line, the secret config keys a stack references but has not set yet.
 * Used by scripts/up-local.sh to generate them; needs no Pulumi CLI.
 *   npm run secrets:missing -- <stack>
 */
import * as path from "path";
import { readStackConfigFile, stackFilePath, withPlaceholderSecrets } from "./offline/stackFile";

const stack = process.argv[2];
if (!stack) {
  console.error("usage: missing-secrets <stack>");
  process.exit(2);
}
const projectDir = path.resolve(__dirname, "..");
const { placeholders } = withPlaceholderSecrets(stack, readStackConfigFile(stackFilePath(projectDir, stack), projectDir));
for (const key of placeholders) console.log(key);
