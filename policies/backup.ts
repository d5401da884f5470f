import { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { BACKUP_SERVICE, BACKUP_SOURCE_ROOT } from "../lib/platform/backup/sources";
import { VolumeLabels } from "../lib/labels";
import {
  MinidockPolicy, TYPE, containerLabelsOf, defineRule, forType, isUnknown, known, listOf, nameOfUrn, unknownMessage, volumeLabelsOf,
} from "./ruleKit";
import { EXEMPTION_REASON_MIN } from "./exemptions";

/**
 * A docker.Volume in the user's terms: `services.postgres.volumes (volume pgdata, minidock-postgres-pgdata)` for a
 * config service's volume. Volumes carry minidock.service and minidock.volume labels but no config-key label (a
 * label change would replace the volume), so a platform service's volume is told apart by its Pulumi name, which
 * carries the host and a '.' (`mini.prometheus-config`, lib/naming.ts serviceResourceName) that config names cannot.
 * `input` names the volume's own input after the volume (`driverOpts.device`).
 */
export function volumeAt(props: Record<string, unknown>, urn: string, input?: string): string {
  const labels = volumeLabelsOf(props);
  const name = known(() => props.name);
  const docker = typeof name === "string" ? name : undefined;
  const service = isUnknown(labels) ? undefined : labels.service;
  const volume = isUnknown(labels) ? undefined : labels.volume;
  const detail = [docker, input].filter((x) => x !== undefined).join(", ");
  // Not a volume of minidock's services: the input alone, as `at` gives it for a container no config declared.
  if (!service || !volume) return input ?? `volume ${docker ?? nameOfUrn(urn)}`;
  if (nameOfUrn(urn).includes(".")) return `minidock's ${service} volume ${volume}${detail ? ` (${detail})` : ""}`;
  return `services.${service}.volumes (volume ${volume}${detail ? `, ${detail}` : ""})`;
}

/**
 * Backup coverage: every named docker volume either holds data that is backed up, or says why not.
 *
 * - backup-volume-decided: each docker.Volume carries minidock.backup=true, or a minidock.backup.exempt-reason
 *   (from the volume's `backupExemptReason` in config) of at least EXEMPTION_REASON_MIN characters.
 * - backup-volume-covered: each volume marked minidock.backup=true is really covered on its host: mounted read-only
 *   at /backup/<volume name> into that host's backup container, or named by a pg_dump sidecar's
 *   minidock.backup.dump-of label. The mount PATH carries the volume name on purpose: at preview the mount's
 *   volumeName is the output of a volume not created yet (unknown), the path is a literal.
 */

export const volumeDecided: ResourceValidationPolicy = defineRule("backup", ["minidock"], {
  name: "backup-volume-decided",
  description: "Every named volume is backed up (backup: true) or exempt with a written reason (backupExemptReason).",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.volume, (props, args, report) => {
    const labels = volumeLabelsOf(props);
    if (isUnknown(labels)) return report(unknownMessage("labels"));
    const what = volumeAt(props, args.urn);
    if (labels.backup) return;
    const reason = labels.backupExemptReason ?? "";
    if (reason.length === 0) {
      report(`${what} holds data but is neither backed up nor exempt: set backup: true on it, or backupExemptReason: "<why losing it is fine>"`);
    } else if (reason.length < EXEMPTION_REASON_MIN) {
      report(`${what}: backupExemptReason ${JSON.stringify(reason)} is too short; say in at least ${EXEMPTION_REASON_MIN} characters why losing it is fine`);
    }
  }),
});

interface Coverage {
  archived: Set<string>;
  dumped: Set<string>;
}

/** Per host: which volume names the backup container archives (read-only /backup/<name>) and which are dumped. */
function coverageByHost(containers: PolicyResource[], report: ReportViolation): Map<string, Coverage> {
  const byHost = new Map<string, Coverage>();
  for (const c of containers) {
    const labels = containerLabelsOf(c.props);
    if (isUnknown(labels)) continue;
    const host = labels.host;
    if (!host) continue;
    const cov = byHost.get(host) ?? { archived: new Set<string>(), dumped: new Set<string>() };
    byHost.set(host, cov);
    for (const v of labels.backupDumpOf) cov.dumped.add(v);
    if (labels.service !== BACKUP_SERVICE) continue;
    const mounts = known(() => listOf<Record<string, unknown>>(c.props.volumes).map((m) => ({ path: m.containerPath, readOnly: m.readOnly })));
    if (isUnknown(mounts)) {
      report(unknownMessage("the backup container's volumes"), c.urn);
      continue;
    }
    for (const m of mounts) {
      if (typeof m.path === "string" && m.path.startsWith(`${BACKUP_SOURCE_ROOT}/`) && m.readOnly === true) {
        cov.archived.add(m.path.slice(BACKUP_SOURCE_ROOT.length + 1));
      }
    }
  }
  return byHost;
}

export const volumeCovered: StackValidationPolicy = defineRule("backup", ["minidock"], {
  name: "backup-volume-covered",
  description: "Every volume marked backup: true is archived read-only by its host's backup container or dumped by a pg_dump sidecar.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const volumes = args.resources.filter((r) => r.type === TYPE.volume);
    const marked = volumes.filter((v) => {
      const l = volumeLabelsOf(v.props);
      return !isUnknown(l) && l.backup;
    });
    if (marked.length === 0) return args.notApplicable("no volume is marked backup: true");
    const coverage = coverageByHost(args.resources.filter((r) => r.type === TYPE.container), report);
    for (const v of marked) {
      const labels = volumeLabelsOf(v.props) as VolumeLabels;
      const name = known(() => v.props.name);
      if (typeof name !== "string") {
        report(unknownMessage("the volume's name"), v.urn);
        continue;
      }
      const host = labels.host ?? "?";
      const cov = coverage.get(host);
      if (cov?.archived.has(name) || cov?.dumped.has(name)) continue;
      report(
        `${volumeAt(v.props, v.urn)} on host ${host} is marked backup: true, but no backup container archives it (read-only at ` +
          `${BACKUP_SOURCE_ROOT}/${name}) and no pg_dump sidecar dumps it: set backup.enabled: true (minidock:backup), or mark the volume backup: false with a backupExemptReason`,
        v.urn,
      );
    }
  },
});

export const backupPolicies: MinidockPolicy[] = [volumeDecided, volumeCovered];
