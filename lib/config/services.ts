import { z } from "zod";
import { DEFAULTS } from "../defaults";
import { pinProblem } from "../images";
import { ROLLOUT_ORDERS, RolloutOrder } from "../rollout";
import { describeValue } from "./errors";
import {
  absolutePath, cpuString, envName, goDuration, ipAddress, nonNegativeInt, port, positiveInt, resourceName, sizeString,
} from "./primitives";

/** An image that pins one release: the same rule as the pack's images-pinned-tag (lib/images.ts pinProblem). */
export const imageRef = z.string().min(1).superRefine((ref, ctx) => {
  const problem = pinProblem(ref);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

const volume = z
  .object({
    name: resourceName,
    path: absolutePath,
    /** Covered by the host's backup service. */
    backup: z.boolean().default(false),
    /** Why a data volume is not backed up; required by the backup-coverage policy when backup is false. */
    backupExemptReason: z.string().min(1).optional(),
    readOnly: z.boolean().default(false),
    /** One volume for all replicas instead of one per replica. */
    shared: z.boolean().default(false),
    /** Volumes survive `pulumi destroy` unless this is set to false. */
    retainOnDestroy: z.boolean().default(true),
  })
  .strict();

const publishedPort = z
  .object({
    published: port,
    target: port,
    bind: ipAddress.default(DEFAULTS.bindAddress),
    protocol: z.enum(["tcp", "udp"]).default("tcp"),
  })
  .strict();

const healthcheck = z
  .object({
    /** Docker form: ["CMD", ...], ["CMD-SHELL", "..."], or ["NONE"] to switch it off explicitly. */
    test: z.array(z.string()).min(1),
    interval: goDuration.default(DEFAULTS.healthcheck.interval),
    timeout: goDuration.default(DEFAULTS.healthcheck.timeout),
    retries: positiveInt.default(DEFAULTS.healthcheck.retries),
    startPeriod: goDuration.default(DEFAULTS.healthcheck.startPeriod),
  })
  .strict()
  .superRefine((h, ctx) => {
    if (!["CMD", "CMD-SHELL", "NONE"].includes(h.test[0])) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["test", 0],
        message: `expected "CMD", "CMD-SHELL" or "NONE" first, got ${describeValue(h.test[0])}`,
      });
    }
  });

const logs = z
  .object({
    driver: z.enum(["json-file", "local", "none"]).default(DEFAULTS.logDriver),
    /** Default: the stack-wide minidock:logMaxSize. */
    maxSize: sizeString.optional(),
    /** Default: the stack-wide minidock:logMaxFiles. */
    maxFiles: positiveInt.optional(),
  })
  .strict();

const hostMount = z
  .object({
    hostPath: absolutePath,
    path: absolutePath,
    readOnly: z.boolean().default(true),
    propagation: z.enum(["private", "rprivate", "slave", "rslave", "shared", "rshared"]).optional(),
  })
  .strict();

/**
 * Everything that weakens isolation lives under `unsafe:`, so a PR that loosens a container shows it in one
 * place. The policy pack refuses most of these unless an exemption with a reason is configured.
 */
const unsafe = z
  .object({
    privileged: z.boolean().default(false),
    noNewPrivileges: z.boolean().default(true),
    networkMode: z.enum(["host", "none"]).optional(),
    pidMode: z.literal("host").optional(),
    ipcMode: z.enum(["host", "shareable", "private"]).optional(),
    usernsMode: z.literal("host").optional(),
    cgroupnsMode: z.enum(["host", "private"]).optional(),
    cgroupParent: z.string().min(1).optional(),
    securityOpts: z.array(z.string().min(1)).default([]),
    devices: z.array(absolutePath).default([]),
    sysctls: z.record(z.string(), z.string()).default({}),
    hostMounts: z.array(hostMount).default([]),
    /**
     * The root filesystem is read-only unless this is set: an image that writes to its own root gets tmpfs or
     * volumes for those paths first; this is for the rest, with an exemption from hardening-read-only-rootfs.
     */
    writableRootFs: z.boolean().default(false),
  })
  .strict();

/**
 * Service keys that moved. The old spelling fails with where it went and what the new one means, instead of
 * "unknown key" (a user upgrading needs the destination, not a list of allowed keys).
 */
const MOVED_SERVICE_KEYS: Record<string, string> = {
  readOnlyRootFs:
    "moved to unsafe.writableRootFs, the other way round: drop readOnlyRootFs: true (the default), and write " +
    "readOnlyRootFs: false as unsafe.writableRootFs: true, which needs a hardening-read-only-rootfs exemption with a reason",
};

/** Reports each moved key at its own path and takes it out, so the strict schema lists only the other problems. */
function withMovedKeys<T extends z.ZodTypeAny>(schema: T, moved: Record<string, string>) {
  return z.preprocess((raw, ctx) => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
    const found = Object.keys(moved).filter((k) => k in raw);
    if (found.length === 0) return raw;
    const rest: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    for (const k of found) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [k], message: moved[k] });
      delete rest[k];
    }
    return rest;
  }, schema);
}

const serviceObject = z
  .object({
    image: imageRef,
    /** Host key; defaults to the only or first host. */
    host: resourceName.optional(),
    replicas: positiveInt.default(DEFAULTS.replicas),
    memoryMb: positiveInt,
    /** Soft reservation the scheduler tries to keep; must not exceed memoryMb. */
    memoryReservationMb: positiveInt.optional(),
    cpus: cpuString.default(DEFAULTS.cpus),
    command: z.array(z.string()).optional(),
    entrypoint: z.array(z.string()).optional(),
    workingDir: absolutePath.optional(),
    env: z.record(envName, z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
    /** ENV_NAME: name of a Pulumi secret config key (`pulumi config set --secret <key> ...`). */
    secretEnv: z.record(envName, z.string().min(1)).default({}),
    /** Declared networks to join; defaults to the first declared network. */
    networks: z.array(resourceName).min(1).optional(),
    volumes: z.array(volume).default([]),
    ports: z.array(publishedPort).default([]),
    /**
     * Optional here so an image's own HEALTHCHECK can be relied on; the policy pack's hardening-healthcheck rule
     * refuses a container without one at preview unless an exemption gives the reason.
     */
    healthcheck: healthcheck.optional(),
    user: z.string().min(1).optional(),
    tmpfs: z.array(absolutePath).default([...DEFAULTS.tmpfs]),
    capAdd: z.array(z.string().min(1)).default([]),
    restart: z.enum(["unless-stopped", "always", "on-failure", "no"]).default(DEFAULTS.restart),
    logs: logs.default({}),
    shmSizeMb: positiveInt.optional(),
    stopGraceSeconds: nonNegativeInt.default(DEFAULTS.stopGraceSeconds),
    /** How a change replaces its containers (lib/rollout.ts); unset: start-first for replicated services that can. */
    rollout: z.enum(ROLLOUT_ORDERS as [RolloutOrder, ...RolloutOrder[]]).optional(),
    unsafe: unsafe.default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.memoryReservationMb !== undefined && s.memoryReservationMb > s.memoryMb) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["memoryReservationMb"],
        message: `expected at most memoryMb (${s.memoryMb}), got ${s.memoryReservationMb}`,
      });
    }
    const paths = new Set<string>();
    s.volumes.forEach((v, i) => {
      if (paths.has(v.path)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["volumes", i, "path"], message: `mounted twice: ${describeValue(v.path)}` });
      }
      paths.add(v.path);
    });
    const names = new Set<string>();
    s.volumes.forEach((v, i) => {
      if (names.has(v.name)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["volumes", i, "name"], message: `volume declared twice: ${describeValue(v.name)}` });
      }
      names.add(v.name);
    });
  });

export const serviceSchema = withMovedKeys(serviceObject, MOVED_SERVICE_KEYS);

export type ServiceConfig = z.output<typeof serviceSchema>;
export type VolumeConfig = ServiceConfig["volumes"][number];
export type PortConfig = ServiceConfig["ports"][number];
