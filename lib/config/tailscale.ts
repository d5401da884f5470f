import { z } from "zod";

/** Tailscale access model (issue 4 extends this). Off unless a stack turns it on. */
export const tailscaleSchema = z
  .object({
    enabled: z.boolean().default(false),
  })
  .strict();

export type TailscaleConfig = z.output<typeof tailscaleSchema>;
