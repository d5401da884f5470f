/**
 * Secure defaults applied to every container minidock creates. One place, so the program, the policies,
 * the docs and the tests agree on what "hardened" means. Pulumi.yaml declares the scalar ones as project
 * config defaults too; tests/lib/defaults.test.ts keeps the two in step.
 */
export const DEFAULTS = {
  restart: "unless-stopped",
  logDriver: "json-file",
  logMaxSize: "10m",
  logMaxFiles: 3,
  bindAddress: "127.0.0.1",
  tmpfs: ["/tmp"],
  tmpfsOptions: "rw,noexec,nosuid,nodev,size=64m",
  capDrop: ["ALL"],
  securityOpts: ["no-new-privileges:true"],
  stopGraceSeconds: 30,
  cpus: "1.0",
  replicas: 1,
  hostReserveMb: 1024,
  hostDiskGb: 100,
  healthcheck: { interval: "30s", timeout: "5s", retries: 3, startPeriod: "30s" },
  /** The Mac mini M4 is arm64; every remote host pulls this platform unless its config says otherwise. */
  remotePlatform: "linux/arm64",
  /** Where the docker daemon's socket is on a host, unless its dockerHost says otherwise (in Colima's VM: here). */
  dockerSocket: "/var/run/docker.sock",
  /** The user's promise: everything fits 14 GB on a 16 GB mini. The budget policy's default ceiling. */
  maxHostMemoryMb: 14336,
  /** Platform services (monitoring, backups, tailnet) may declare at most this much per host. */
  maxPlatformMemoryMb: 1536,
  /**
   * All containers' logs on a host may take at most this share of its diskGb (budget-host-log-disk). The VM disk
   * also holds images, every volume and the backup archive; logs are for diagnosis (metrics live in Prometheus),
   * so a tenth is ample: the shipped defaults (10m x 3 per container) use about 5 % of it on the mini.
   */
  maxLogDiskPercent: 10,
} as const;
