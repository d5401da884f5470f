/**
 * The operations docs must agree with the code they describe: one runbook section per alert (the alerts'
 * runbook_url points at it), the pinned backup image, the backup policies and the restore helper's default image.
 * Pure file reads; nothing is mocked.
 */
import * as fs from "fs";
import * as path from "path";
import { BACKUP_IMAGE } from "../../lib/platform/backup/containers";
import { ALERT_NAMES } from "../../lib/platform/monitoring/alertRules";
import { WATCHDOG, runbookUrl } from "../../lib/platform/monitoring/context";
import { backupPolicies } from "../../policies/backup";
import { anchorsOf } from "../support/markdown";

const ROOT = path.resolve(__dirname, "../..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const runbook = read("docs/runbook.md");

const anchors = anchorsOf(runbook);

test.each([...ALERT_NAMES, WATCHDOG].map((a) => [a]))("the runbook has a section for alert %s, where its runbook_url points", (alert) => {
  expect(runbookUrl(alert)).toBe(`docs/runbook.md#${alert.toLowerCase()}`);
  expect(anchors.has(alert.toLowerCase())).toBe(true);
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
