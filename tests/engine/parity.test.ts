import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { offlineCheck } from "../../tools/engine/offline";
import { isMandatory, realPreview } from "../../tools/engine/preview";
import { findToolchain } from "../../tools/engine/toolchain";
import { dockerOnlyTarget } from "../../tools/engine/variants";
import { PROJECT_DIR, StackTarget, loadStack, resolveTarget } from "../../tools/stackRun";

/**
 * Parity of the offline check with the real engine: every bad-stack fixture through `npm run check` (the
 * program under mocks and the pack through the runtime mirror) and through the real `pulumi preview` with the
 * pack, which must give the same mandatory violations, by policy and resource. Where they differ, the real
 * engine is right and the mirror is what gets fixed.
 *
 * The fixtures' mini is reached over SSH, which would add Colima resources from @pulumi/command, whose
 * provider cannot be built here; both sides therefore run the docker-only variant (tools/engine/variants.ts),
 * the same file for both. Nothing is mocked on the real side.
 */
const FIXTURES = path.join(PROJECT_DIR, "tests", "fixtures", "stacks");
const fixtures = fs.readdirSync(FIXTURES).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).sort();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "minidock-parity-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Finding = string; // "policy resource-name"
const nameOf = (urn: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "(stack)");

function variant(file: string): StackTarget {
  const stack = /^Pulumi\.(.+)\.yaml$/.exec(file)![1];
  const dir = fs.mkdtempSync(path.join(scratch, `${stack}-`));
  return dockerOnlyTarget(resolveTarget({ config: path.join(FIXTURES, file), stack }), dir).target;
}

function mirror(target: StackTarget): { findings: Finding[]; configError?: string } {
  const loaded = loadStack(target);
  if (loaded.configError) return { findings: [], configError: loaded.configError.problems[0] };
  return { findings: offlineCheck(target).violations.filter(isMandatory).map((v) => `${v.policy} ${nameOf(v.resource ?? "")}`).sort() };
}

const tc = findToolchain();

// Two at a time: each preview is a CLI, the program and the pack, mostly waiting on one another.
describe("every fixture", () => {
  test.concurrent.each(fixtures)("%s: the real engine and the offline check refuse the same things", async (file) => {
    const target = variant(file);
    const offline = mirror(target);
    const real = await realPreview(loadStack(target), tc);
    const findings = real.violations.filter(isMandatory).map((v) => `${v.policy} ${nameOf(v.resource)}`).sort();
    if (offline.configError) {
      // The config contract refuses it before any resource is registered: the program fails the same way there.
      expect(real.ok).toBe(false);
      expect(real.error).toContain(offline.configError);
      return;
    }
    expect(findings).toEqual(offline.findings);
    // A fixture named bad-* must be refused; the clean one must pass, with no engine error either way.
    expect([file, real.ok]).toEqual([file, !file.startsWith("Pulumi.bad-")]);
    if (!file.startsWith("Pulumi.bad-")) expect(real.error).toBeUndefined();
  });
});
