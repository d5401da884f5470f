import { PlatformServiceDefinition } from "../definition";
import { BackupConfig, backupSchema, checkBackupRefs } from "./config";
import { backupServicesOn } from "./containers";

/**
 * Volume backups (`minidock:backup`): per host, a pg_dump sidecar per PostgreSQL service and one
 * offen/docker-volume-backup container that archives every `backup: true` volume.
 */
export const backupPlatform: PlatformServiceDefinition<BackupConfig> = {
  key: "backup",
  schema: backupSchema.default({}),
  check: (backup, stack, ctx) => checkBackupRefs(backup, stack.services, ctx),
  services: ({ config, host, inputs }) => backupServicesOn(config, host, inputs.secret),
};
