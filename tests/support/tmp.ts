import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A fresh directory under the system temp dir, removed once the test file has run: CI machines run the suite often. */
const made: string[] = [];
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
