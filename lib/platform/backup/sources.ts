import { ResolvedService } from "../../config/resolved";
import { isPostgres } from "../../images";
import { dockerVolumeNames } from "../../naming";

/**
 * What the backup service of a host has to cover, worked out from the config alone (pure): every docker volume
 * a service creates with `backup: true`, and how it is covered.
 *
 * - "archive": mounted read-only into the backup container at /backup/<docker volume name> and archived as files.
 *   Safe for data that is written atomically or is not being written at 03:00: Redis writes RDB snapshots and
 *   rewritten AOF files to a temp file and rename()s them into place, so a copy never sees a half-written file
 *   (at worst the tail of the AOF being appended, which redis-check-aof --fix truncates).
 * - "pg_dump": the live data directory of a PostgreSQL server is NOT consistent as a file copy, so a pg_dump
 *   sidecar dumps every database into its own volume, and that volume is archived instead.
 */

/** The backup platform service's name on every host (container minidock-backup-1). */
export const BACKUP_SERVICE = "backup";
/**
 * Where covered volumes appear inside the backup container: /backup/<docker volume name>. The policy pack reads
 * the name back from this path (policies/backup.ts), so the layout is a contract.
 */
export const BACKUP_SOURCE_ROOT = "/backup";

export interface CoveredVolume {
  /** Docker volume name, exactly as components/service.ts creates it. */
  dockerName: string;
  service: string;
  volume: string;
  replica?: number;
  coverage: "archive" | "pg_dump";
}

/** Every `backup: true` volume of the services on `host`, in config order. */
export function coveredVolumes(services: ResolvedService[], host: string): CoveredVolume[] {
  const out: CoveredVolume[] = [];
  for (const spec of services.filter((s) => s.host === host)) {
    const coverage = isPostgres(spec) ? "pg_dump" : "archive";
    for (const v of spec.volumes.filter((x) => x.backup)) {
      for (const d of dockerVolumeNames(spec, v)) {
        out.push({ dockerName: d.name, service: spec.name, volume: v.name, replica: d.replica, coverage });
      }
    }
  }
  return out;
}

/** Postgres services on `host` that hold backed-up data: each gets a pg_dump sidecar. */
export function postgresToDump(services: ResolvedService[], host: string): ResolvedService[] {
  return services.filter((s) => s.host === host && isPostgres(s) && s.volumes.some((v) => v.backup));
}
