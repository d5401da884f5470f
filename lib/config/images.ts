import { z } from "zod";
import { describeValue } from "./errors";
import { imageRef } from "./services";

/**
 * Where images come from: `minidock:images`. For a private registry or pull-through mirror, and for machines
 * with no registry at all (images built and tagged on the daemon itself, as scripts/ci/e2e.sh does).
 *
 *   registry: a registry host[:port][/path] that every image is pulled through instead of its own registry;
 *             `postgres:16.6-alpine` becomes `<registry>/library/postgres:16.6-alpine`.
 *   replace:  exact image references, as the stack and minidock's platform services write them, mapped to
 *             the reference to run instead. Applied before `registry`; a replacement must be pinned too.
 *
 * The policy pack and the budget see the image that will run; the config contract checks both sides.
 */
const registryHost = z.string().refine((s) => /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._-]+)*$/.test(s) && (s.includes(".") || s.includes(":") || s.startsWith("localhost")), (s) => ({
  message: `expected a registry such as "registry.example.com:5000" or "mirror.local/cache" (a host with a "." or a port, or localhost), got ${describeValue(s)}`,
}));

export const imagesSchema = z
  .object({
    registry: registryHost.optional(),
    replace: z.record(z.string().min(1), imageRef).default({}),
  })
  .strict();

export type ImagesConfig = z.output<typeof imagesSchema>;
