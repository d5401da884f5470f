/**
 * A container's inputs, as the program hands them to the docker provider, rewritten as `docker run` flags. The
 * CI load test (scripts/ci/load-test.sh) starts every container of a stack with these flags on a real dockerd, so
 * the limits and hardening it exercises are the program's own, not a hand-made copy.
 *
 * Only the container's envelope is translated: limits, restart policy, capabilities, security options, root
 * filesystem, tmpfs, logging, user, namespaces and labels. What the workload itself needs (image, command, env,
 * networks, ports, volumes, uploaded files, healthcheck) is replaced by the test's stand-in workload, which runs in
 * a busybox image with no network. An input that is neither is an error, so a new hardening input cannot be
 * silently left out of the test.
 */

/** Inputs the stand-in workload replaces, with why each one cannot be carried over. */
export const REPLACED_BY_STAND_IN: Record<string, string> = {
  image: "the test image is busybox, made with docker import (no registry)",
  command: "the stand-in holds memory instead",
  entrypoints: "the stand-in holds memory instead",
  workingDir: "the stand-in holds memory instead",
  envs: "secrets and service settings mean nothing to the stand-in",
  healthcheck: "the service's check command does not exist in busybox",
  wait: "a provider setting, not a container one",
  waitTimeout: "a provider setting, not a container one",
  destroyGraceSeconds: "a provider setting, not a container one",
  networkMode: "the stand-in runs with --network none",
  networksAdvanced: "the stand-in runs with --network none",
  ports: "the stand-in serves nothing",
  volumes: "the stand-in keeps no data",
  mounts: "the stand-in reads no host files",
  uploads: "the stand-in reads no config files",
};

type Inputs = Record<string, unknown>;
type Translate = (value: never) => string[];

const mb = (n: number) => `${n}m`;

const TRANSLATORS: Record<string, Translate> = {
  name: (v: string) => [`--name=${v}`],
  memory: (v: number) => [`--memory=${mb(v)}`],
  memorySwap: (v: number) => [`--memory-swap=${mb(v)}`],
  memoryReservation: (v: number) => [`--memory-reservation=${mb(v)}`],
  cpus: (v: string) => [`--cpus=${v}`],
  restart: (v: string) => [`--restart=${v}`],
  capabilities: (v: { drops?: string[]; adds?: string[] }) => [
    ...(v.drops ?? []).map((c) => `--cap-drop=${c}`),
    ...(v.adds ?? []).map((c) => `--cap-add=${c}`),
  ],
  securityOpts: (v: string[]) => v.map((o) => `--security-opt=${o}`),
  readOnly: (v: boolean) => [`--read-only=${v}`],
  tmpfs: (v: Record<string, string>) => Object.entries(v).map(([path, opts]) => `--tmpfs=${opts ? `${path}:${opts}` : path}`),
  logDriver: (v: string) => [`--log-driver=${v}`],
  logOpts: (v: Record<string, string>) => Object.entries(v).map(([k, val]) => `--log-opt=${k}=${val}`),
  user: (v: string) => [`--user=${v}`],
  shmSize: (v: number) => [`--shm-size=${mb(v)}`],
  stopTimeout: (v: number) => [`--stop-timeout=${v}`],
  privileged: (v: boolean) => (v ? ["--privileged"] : []),
  pidMode: (v: string) => [`--pid=${v}`],
  ipcMode: (v: string) => [`--ipc=${v}`],
  usernsMode: (v: string) => [`--userns=${v}`],
  cgroupnsMode: (v: string) => [`--cgroupns=${v}`],
  cgroupParent: (v: string) => [`--cgroup-parent=${v}`],
  devices: (v: { hostPath: string }[]) => v.map((d) => `--device=${d.hostPath}`),
  sysctls: (v: Record<string, string>) => Object.entries(v).map(([k, val]) => `--sysctl=${k}=${val}`),
  labels: (v: { label: string; value: string }[]) => v.map((l) => `--label=${l.label}=${l.value}`),
};

/** `docker run` flags for a container's envelope; throws on an input this file does not know. */
export function dockerRunFlags(inputs: Inputs): string[] {
  const unknown = Object.keys(inputs).filter((k) => inputs[k] !== undefined && !(k in TRANSLATORS) && !(k in REPLACED_BY_STAND_IN));
  if (unknown.length > 0) {
    throw new Error(
      `container input(s) ${unknown.join(", ")} are neither translated to docker run flags nor replaced by the ` +
        "stand-in workload: add them to tools/dockerRunFlags.ts",
    );
  }
  return Object.entries(inputs)
    .filter(([k, v]) => v !== undefined && k in TRANSLATORS)
    .flatMap(([k, v]) => TRANSLATORS[k](v as never));
}
