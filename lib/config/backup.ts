import { z } from "zod";

/** Volume backups per host (issue 5 extends this). */
export const backupSchema = z
  .object({
    enabled: z.boolean().default(false),
  })
  .strict();

export type BackupConfig = z.output<typeof backupSchema>;
