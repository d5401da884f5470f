import { logOptsOf } from "./budget";
import { ResolvedService } from "./config/resolved";
import { DEFAULTS } from "./defaults";
import { dockerCpus, goDurationString } from "./providerForm";

/**
 * The docker.Container inputs that a resolved service alone determines: memory and CPU limits, restart, the
 * hardening defaults (lib/defaults.ts) and the `unsafe:` loosenings, logs, healthcheck, user, command, entrypoint
 * and working directory. components/service.ts spreads them into every container of the service and adds the rest
 * itself (image, env, labels, networks, ports, volumes and mounts, uploads).
 * Pure, so tests read them without a daemon or the Pulumi runtime.
 */
export function containerInputs(spec: ResolvedService) {
  const u = spec.unsafe;
  const securityOpts = [...(u.noNewPrivileges ? DEFAULTS.securityOpts : []), ...u.securityOpts];
  return {
    memory: spec.memoryMb,
    // Equal to memory: no swap, so a leak shows up as an OOM kill instead of a slow host.
    memorySwap: spec.memoryMb,
    memoryReservation: spec.memoryReservationMb,
    // In the provider's read-back spelling (lib/providerForm.ts): "2" would read back as "2.0", a replace per up.
    cpus: dockerCpus(spec.cpus),
    restart: spec.restart,
    capabilities: { drops: [...DEFAULTS.capDrop], adds: spec.capAdd.length > 0 ? [...spec.capAdd] : undefined },
    securityOpts,
    readOnly: !u.writableRootFs,
    tmpfs: Object.fromEntries(spec.tmpfs.map((p) => [p, DEFAULTS.tmpfsOptions])),
    logDriver: spec.logs.driver,
    // The same mapping the log disk budget counts (lib/budget.ts).
    logOpts: logOptsOf(spec.logs),
    healthcheck: spec.healthcheck && {
      tests: spec.healthcheck.test,
      // Go's spelling, as the daemon reports them ("60s" reads back as "1m0s"): no perpetual diff.
      interval: spec.healthcheck.interval && goDurationString(spec.healthcheck.interval),
      timeout: spec.healthcheck.timeout && goDurationString(spec.healthcheck.timeout),
      retries: spec.healthcheck.retries,
      startPeriod: spec.healthcheck.startPeriod && goDurationString(spec.healthcheck.startPeriod),
    },
    user: spec.user,
    privileged: u.privileged || undefined,
    pidMode: u.pidMode,
    ipcMode: u.ipcMode,
    usernsMode: u.usernsMode,
    cgroupnsMode: u.cgroupnsMode,
    cgroupParent: u.cgroupParent,
    devices: u.devices.length > 0 ? u.devices.map((d) => ({ hostPath: d })) : undefined,
    sysctls: Object.keys(u.sysctls).length > 0 ? u.sysctls : undefined,
    shmSize: spec.shmSizeMb,
    stopTimeout: spec.stopGraceSeconds,
    destroyGraceSeconds: spec.stopGraceSeconds,
    command: spec.command,
    entrypoints: spec.entrypoint,
    workingDir: spec.workingDir,
  };
}
