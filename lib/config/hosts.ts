import { z } from "zod";
import { DEFAULTS } from "../defaults";
import { describeValue } from "./errors";
import { port, positiveInt, resourceName } from "./primitives";

/** How Colima is set up on a mini (issue: ColimaHost). Only hosts reached over `ssh` get one. */
export const colimaSchema = z
  .object({
    /** Colima profile name; `default` keeps `colima status` and the docker context plain. */
    profile: resourceName.default("default"),
    vmType: z.enum(["vz", "qemu"]).default("vz"),
    rosetta: z.boolean().default(true),
    mountType: z.enum(["virtiofs", "sshfs", "9p"]).default("virtiofs"),
    /** How Colima comes back after a reboot; see docs/setup.md for the trade-offs. */
    autostart: z.enum(["launchagent", "launchdaemon", "none"]).default("launchagent"),
    /** Sets pmset for 24/7 operation (no sleep, restart after power loss). Needs passwordless sudo. */
    configurePower: z.boolean().default(false),
    /** `pulumi destroy` stops the VM only when this is true; the VM holds every volume. */
    stopOnDestroy: z.boolean().default(false),
    /**
     * Name of a secret config key holding the private SSH key ColimaHost's commands log in with
     * (`pulumi config set --secret <name> < ~/.ssh/id_ed25519`). Unset: the SSH agent ($SSH_AUTH_SOCK).
     */
    sshPrivateKeySecret: z
      .string()
      .refine((s) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(s), (s) => ({
        message: `expected a config key name such as "miniSshKey", got ${describeValue(s)}`,
      }))
      .optional(),
  })
  .strict();

export const hostSchema = z
  .object({
    /** SSH target `user@address`; the docker provider then uses ssh://user@address. */
    ssh: z
      .string()
      .refine((s) => /^[a-z_][a-z0-9_.-]*@[A-Za-z0-9.-]+$/.test(s), (s) => ({
        message: `expected user@address such as "dev@mac-mini.example.ts.net", got ${describeValue(s)}`,
      }))
      .optional(),
    sshPort: port.default(22),
    /** A daemon address for hosts not reached over SSH, e.g. unix:///var/run/docker.sock for the local stack. */
    dockerHost: z
      .string()
      .refine((s) => /^(unix|tcp|ssh|npipe):\/\/.+/.test(s), (s) => ({
        message: `expected a docker host URL such as "unix:///var/run/docker.sock", got ${describeValue(s)}`,
      }))
      .optional(),
    /** Memory of the Colima VM, which is this host's whole container budget. */
    memoryMb: positiveInt,
    /** Kept free inside the VM for the kernel, dockerd and bursts. */
    reserveMb: positiveInt.default(DEFAULTS.hostReserveMb),
    cpus: positiveInt,
    diskGb: positiveInt.default(DEFAULTS.hostDiskGb),
    /** Image platform pulled for this host; remote minis default to linux/arm64, local hosts to the daemon's own. */
    platform: z.enum(["linux/arm64", "linux/amd64"]).optional(),
    colima: colimaSchema.optional(),
  })
  .strict()
  .superRefine((h, ctx) => {
    if ((h.ssh === undefined) === (h.dockerHost === undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `expected exactly one of "ssh" or "dockerHost", got ${h.ssh && h.dockerHost ? "both" : "neither"}`,
      });
    }
    if (h.reserveMb >= h.memoryMb) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["reserveMb"],
        message: `expected less than memoryMb (${h.memoryMb}), got ${h.reserveMb}`,
      });
    }
    if (h.colima && h.ssh === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["colima"], message: `only hosts reached over "ssh" run Colima` });
    }
  });

export type HostConfig = z.output<typeof hostSchema>;
export type ColimaConfig = z.output<typeof colimaSchema>;

export const networkSchema = z
  .object({
    /** No route out of the host: for back-end networks such as the database's. */
    internal: z.boolean().default(false),
  })
  .strict();

export type NetworkConfig = z.output<typeof networkSchema>;
