/**
 * Which stack config key a docker.Container input comes from. components/service.ts turns a service's config
 * into container inputs; a policy sees only the inputs, so it names the user's key through this table and the
 * container's minidock.config-key label (`services.postgres`). Pure and shared: the program, the pack and the
 * check tools (SARIF locations) read the same table.
 */

/** Input path (as the rules spell it, `ports[0].ip`) -> key path under the service (`ports[0].bind`). */
const INPUT_TO_KEY: [pattern: RegExp, key: (m: RegExpExecArray) => string][] = [
  [/^ports\[(\d+)\]\.ip$/, (m) => `ports[${m[1]}].bind`],
  [/^ports\[(\d+)\]\.external$/, (m) => `ports[${m[1]}].published`],
  [/^ports\[(\d+)\]\.internal$/, (m) => `ports[${m[1]}].target`],
  [/^ports(\[\d+\])?$/, (m) => `ports${m[1] ?? ""}`],
  [/^(memory|memorySwap)$/, () => "memoryMb"],
  [/^memoryReservation$/, () => "memoryReservationMb"],
  [/^cpus$/, () => "cpus"],
  [/^(restart|maxRetryCount)$/, () => "restart"],
  [/^capabilities(\.adds)?(\[\d+\])?$/, (m) => `capAdd${m[2] ?? ""}`],
  [/^readOnly$/, () => "unsafe.writableRootFs"],
  [/^tmpfs$/, () => "tmpfs"],
  [/^logDriver$/, () => "logs.driver"],
  [/^logOpts\.max-size$/, () => "logs.maxSize"],
  [/^logOpts\.max-file$/, () => "logs.maxFiles"],
  [/^logOpts$/, () => "logs"],
  [/^healthcheck(\..*)?$/, () => "healthcheck.test"],
  [/^user$/, () => "user"],
  [/^command(\[\d+\])?$/, (m) => `command${m[1] ?? ""}`],
  [/^entrypoints(\[\d+\])?$/, (m) => `entrypoint${m[1] ?? ""}`],
  [/^workingDir$/, () => "workingDir"],
  [/^(privileged|pidMode|ipcMode|usernsMode|cgroupnsMode|cgroupParent|networkMode)$/, (m) => `unsafe.${m[1]}`],
  [/^securityOpts(\[\d+\])?$/, (m) => `unsafe.securityOpts${m[1] ?? ""}`],
  [/^devices(\[\d+\])?$/, (m) => `unsafe.devices${m[1] ?? ""}`],
  [/^sysctls(\.(.+))?$/, (m) => (m[2] ? `unsafe.sysctls.${m[2]}` : "unsafe.sysctls")],
  [/^mounts(\[\d+\])?(\..*)?$/, (m) => `unsafe.hostMounts${m[1] ?? ""}`],
  [/^volumes(\[\d+\])?(\..*)?$/, (m) => `volumes${m[1] ?? ""}`],
  [/^networksAdvanced(\[\d+\])?(\..*)?$/, () => "networks"],
  [/^shmSize$/, () => "shmSizeMb"],
  [/^(stopTimeout|destroyGraceSeconds)$/, () => "stopGraceSeconds"],
];

/** Key path of a container input under its service's config key; undefined for inputs config cannot set. */
export function keyOfInput(input: string): string | undefined {
  for (const [pattern, key] of INPUT_TO_KEY) {
    const m = pattern.exec(input);
    if (m) return key(m);
  }
  return undefined;
}

/** The config key of one env entry: `env.NAME`, or `secretEnv.NAME` when its value comes from a secret. */
export function envKey(name: string, fromSecret: boolean): string {
  return `${fromSecret ? "secretEnv" : "env"}.${name}`;
}

/** The value of the minidock.config-key label for a config service. */
export function serviceConfigKey(service: string): string {
  return `services.${service}`;
}

/**
 * A config key path at the start of a violation message (`services.postgres.ports[0].bind (ports[0].ip): ...`),
 * as the rules write them. The check tools use it to point at the line of the stack file.
 */
export const KEY_AT_START = /^((?:services|hosts|networks|monitoring|backup|tailscale|images)(?:\.[A-Za-z0-9_-]+|\[\d+\])+)/;

export function keyOfMessage(message: string): string | undefined {
  return KEY_AT_START.exec(message)?.[1];
}

/** `services.postgres.ports[0].bind` -> ["services", "postgres", "ports", 0, "bind"], for walking the stack file. */
export function keySegments(key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}
