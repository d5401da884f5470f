/**
 * The doctor's docs agree with the doctor: the versions troubleshooting names are lib/hostVersions.ts's, every check
 * is in its table, every docs anchor a check points at exists, and the README and setup guide lead to it. Pure file
 * reads; nothing is mocked.
 */
import * as fs from "fs";
import * as path from "path";
import { HOST_VERSIONS } from "../../../lib/hostVersions";
import { CHECK_IDS } from "../../../tools/doctor/checks";
import { anchorsOf } from "../../support/markdown";

const ROOT = path.resolve(__dirname, "../../..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const troubleshooting = read("docs/troubleshooting.md");

test("troubleshooting starts with npm run doctor, whose table lists every check", () => {
  expect(/^## (.*)$/m.exec(troubleshooting)?.[1]).toBe("Start here: `npm run doctor`");
  const section = troubleshooting.slice(troubleshooting.indexOf("## Start here"), troubleshooting.indexOf("\n## ", troubleshooting.indexOf("## Start here") + 1));
  for (const id of CHECK_IDS) expect(section).toContain(`\`${id}\``);
});

test("the versions the docs name are lib/hostVersions.ts's", () => {
  expect(troubleshooting).toContain(`**Colima ${HOST_VERSIONS.colima}** or later and **Lima ${HOST_VERSIONS.lima}** or later`);
  // The older "Colima ≥ 0.9" mentions (colima delete keeps data) name the same release.
  const [major, minor] = HOST_VERSIONS.colima.split(".");
  for (const f of ["docs/troubleshooting.md", "docs/setup.md"]) {
    for (const m of read(f).matchAll(/Colima ≥ (\d+)\.(\d+)/g)) expect([m[1], m[2]]).toEqual([major, minor]);
  }
});

test("every docs section a check points at exists", () => {
  const sources = ["tools/doctor/checks.ts", "tools/doctor/evaluate.ts"].map(read).join("\n");
  const refs = [...new Set([...sources.matchAll(/docs\/([\w.-]+\.md)#([\w-]+)/g)].map((m) => `${m[1]}#${m[2]}`))];
  expect(refs.length).toBeGreaterThan(8);
  for (const ref of refs) {
    const [file, anchor] = ref.split("#");
    expect({ ref, found: anchorsOf(read(`docs/${file}`)).has(anchor) }).toEqual({ ref, found: true });
  }
});

test("the README and the end of the setup guide lead to it", () => {
  expect(read("README.md")).toMatch(/^\| `npm run doctor -- --stack mini \[--host NAME\] \[--json\]` \|/m);
  expect(read("docs/setup.md")).toContain("Setup ends here: then run `npm run doctor -- --stack mini`");
  expect(anchorsOf(troubleshooting).has("start-here-npm-run-doctor")).toBe(true);
});
