import { z } from "zod";

/** Monitoring and alerting per host (issue 5 extends this). */
export const monitoringSchema = z
  .object({
    enabled: z.boolean().default(false),
  })
  .strict();

export type MonitoringConfig = z.output<typeof monitoringSchema>;
