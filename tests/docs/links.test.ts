/**
 * Every pointer into the repository must lead somewhere: markdown links between the docs (with their #anchors), and
 * the repo paths that code comments, policy exemption reasons and docs name (`lib/budget.ts`,
 * `docs/runbook.md#restore`). A renamed file or heading breaks these silently otherwise. Pure file reads.
 */
import * as fs from "fs";
import * as path from "path";
import { anchorsOf } from "../support/markdown";

const ROOT = path.resolve(__dirname, "../..");
const SCANNED_DIRS = ["docs", "lib", "components", "policies", "tools", "scripts", "tests", ".github", ".ci"];
const SCANNED_TOP = ["README.md", "index.ts", "Pulumi.yaml", "Pulumi.mini.yaml", "Pulumi.local.yaml", "package.json"];
const TEXT = /\.(md|ts|js|json|ya?ml|sh)$|^run$/;
// A repo-relative path as prose and comments write it: a top-level directory, then a file with a known extension.
const REPO_PATH = new RegExp(
  String.raw`(?<![\w./-])((?:${SCANNED_DIRS.map((d) => d.replace(".", "\\.")).join("|")})/[\w./-]*\w\.(?:md|ts|sh|json|ya?ml))(?:#([\w-]+))?`,
  "g",
);
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g;

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : walk(rel);
    return TEXT.test(e.name) ? [rel] : [];
  });
}

const files = [...SCANNED_TOP, ...SCANNED_DIRS.filter((d) => fs.existsSync(path.join(ROOT, d))).flatMap(walk)];
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");

interface Reference { from: string; target: string; anchor?: string }

/** Why a reference is broken, or undefined when it resolves. */
function broken(ref: Reference): string | undefined {
  if (!fs.existsSync(path.join(ROOT, ref.target))) return "no such file";
  if (ref.anchor === undefined || !ref.target.endsWith(".md")) return undefined;
  return anchorsOf(read(ref.target)).has(ref.anchor) ? undefined : `no heading makes #${ref.anchor}`;
}

/** Repo-relative, or relative to the file that names it (a shellcheck `source=` directive names a path beside its script). */
function repoPathReferences(): Reference[] {
  return files.flatMap((from) =>
    [...read(from).matchAll(REPO_PATH)].map((m) => {
      const besideIt = path.join(path.dirname(from), m[1]);
      const target = !fs.existsSync(path.join(ROOT, m[1])) && fs.existsSync(path.join(ROOT, besideIt)) ? besideIt : m[1];
      return { from, target, anchor: m[2] };
    }),
  );
}

function markdownLinks(): Reference[] {
  return files.filter((f) => f.endsWith(".md")).flatMap((from) =>
    [...read(from).matchAll(MARKDOWN_LINK)]
      .map((m) => m[1])
      .filter((href) => !/^[a-z]+:/i.test(href))
      .map((href) => {
        const [file, anchor] = href.split("#");
        return { from, target: file ? path.normalize(path.join(path.dirname(from), file)) : from, anchor };
      }),
  );
}

describe("references into the repository", () => {
  test("markdown links between the docs resolve, anchors included", () => {
    const links = markdownLinks();
    expect(links.length).toBeGreaterThan(20); // the scan itself works: README and docs link to each other
    expect(links.filter((l) => l.anchor).length).toBeGreaterThan(5);
    const bad = links.map((l) => ({ ...l, problem: broken(l) })).filter((l) => l.problem);
    expect(bad).toEqual([]);
  });

  test("repo paths named in code, configs and docs exist, and their #anchors too", () => {
    const refs = repoPathReferences();
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((r) => r.anchor).length).toBeGreaterThan(3);
    const bad = refs.map((r) => ({ ...r, problem: broken(r) })).filter((r) => r.problem);
    expect(bad).toEqual([]);
  });

  test("the scan would catch a renamed file and a renamed heading", () => {
    const missingPage = ["docs", "no-such-page.md"].join("/"); // spelled in two parts so the scan above skips it
    expect(broken({ from: "x", target: missingPage })).toBe("no such file");
    expect(broken({ from: "x", target: "docs/runbook.md", anchor: "no-such-heading" })).toBe("no heading makes #no-such-heading");
    expect(broken({ from: "x", target: "docs/runbook.md", anchor: "restore" })).toBeUndefined();
  });
});
