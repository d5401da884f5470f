/**
 * The operations docs must agree with the code they describe: one runbook section per alert (the alerts'
 * runbook_url points at it), the pinned backup image, the backup policies and the restore helper's default image.
 * Pure file reads; nothing is mocked.
 */
import * as fs from "fs";
import * as path from "path";
import { BACKUP_IMAGE } from "../../lib/backup/plan";
import { ALERT_NAMES } from "../../lib/monitoring/rules";
import { runbookUrl } from "../../lib/monitoring/context";
import { backupPolicies } from "../../policies/backup";

const ROOT = path.resolve(__dirname, "../..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const runbook = read("docs/runbook.md");

/** GitHub's anchor for a heading: lower-case, spaces to dashes, punctuation dropped. */
const anchors = new Set(
  runbook.split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, "").trim().toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-")),
);

test.each(ALERT_NAMES.map((a) => [a]))("the runbook has a section for alert %s, where its runbook_url points", (alert) => {
  expect(runbookUrl(alert)).toBe(`docs/runbook.md#${alert.toLowerCase()}`);
  expect(anchors.has(alert.toLowerCase())).toBe(true);
});

test("every in-page link of the runbook resolves", () => {
  const links = [...runbook.matchAll(/\]\(#([a-z0-9_-]+)\)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThan(5);
  for (const l of links) expect([l, anchors.has(l)]).toEqual([l, true]);
});

test("docs, restore.sh and the program name the same backup image", () => {
  const version = BACKUP_IMAGE.split(":")[1];
  expect(runbook).toContain(`[offen/docker-volume-backup](https://offen.github.io/docker-volume-backup/) ${version},`);
  expect(read("scripts/backup/restore.sh")).toContain(`IMAGE="${BACKUP_IMAGE}"`);
});

test("security.md lists the backup policies and the PIDs-limit gap", () => {
  const security = read("docs/security.md");
  for (const p of backupPolicies) expect(security).toContain(`\`${p.name}\``);
  expect(security).toContain("PIDs limit");
});

test("troubleshooting links to setup.md's troubleshooting for install-time failures, which exists", () => {
  expect(read("docs/troubleshooting.md")).toContain("(setup.md#troubleshooting)");
  expect(read("docs/setup.md")).toMatch(/^## Troubleshooting$/m);
});
