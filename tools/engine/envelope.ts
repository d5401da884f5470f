import { Inspect } from "./daemon";

/**
 * What the daemon runs against what the engine recorded as a container's inputs: the envelope every container is
 * promised (limits, capabilities, no-new-privileges, read-only root, tmpfs, log rotation, restart policy), its
 * published ports and its network aliases. Pure, so it is unit-tested; the end-to-end test feeds it real
 * `docker inspect` output.
 */
const MiB = 1024 * 1024;

type Inputs = Record<string, unknown>;

const isSecretWrapped = (v: unknown) => !!v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in (v as object);

export function envelopeProblems(inputs: Inputs, c: Inspect): string[] {
  const problems: string[] = [];
  const hc = c.HostConfig;
  const expect = (what: string, declared: unknown, actual: unknown) => {
    if (JSON.stringify(declared) !== JSON.stringify(actual)) problems.push(`${what}: declared ${JSON.stringify(declared)}, daemon has ${JSON.stringify(actual)}`);
  };
  const num = (k: string) => (typeof inputs[k] === "number" ? (inputs[k] as number) : undefined);

  if (num("memory") === undefined) problems.push("memory: no limit declared");
  else expect("memory", num("memory")! * MiB, hc.Memory);
  if (num("memorySwap") !== undefined) expect("memory+swap", num("memorySwap")! * MiB, hc.MemorySwap);
  if (typeof inputs.cpus === "string") expect("cpus (NanoCpus)", Math.round(Number(inputs.cpus) * 1e9), hc.NanoCpus);

  // The daemon spells capabilities with CAP_ (Docker 20.10 stores "CAP_DAC_OVERRIDE" for "DAC_OVERRIDE").
  const cap = (c: string) => c.toUpperCase().replace(/^CAP_/, "");
  const caps = (inputs.capabilities ?? {}) as { drops?: string[]; adds?: string[] };
  const dropped = (hc.CapDrop ?? []).map(cap);
  for (const d of caps.drops ?? []) if (!dropped.includes(cap(d))) problems.push(`capabilities: ${d} is not dropped (CapDrop ${JSON.stringify(hc.CapDrop)})`);
  expect("capabilities added", (caps.adds ?? []).map(cap).sort(), (hc.CapAdd ?? []).map(cap).sort());
  for (const o of (inputs.securityOpts as string[] | undefined) ?? []) {
    if (!(hc.SecurityOpt ?? []).includes(o)) problems.push(`securityOpts: ${o} missing (SecurityOpt ${JSON.stringify(hc.SecurityOpt)})`);
  }
  expect("read-only root", inputs.readOnly === true, hc.ReadonlyRootfs);
  expect("privileged", inputs.privileged === true, hc.Privileged);
  expect("tmpfs", inputs.tmpfs ?? {}, hc.Tmpfs ?? {});
  expect("log driver", inputs.logDriver, hc.LogConfig.Type);
  if (inputs.logOpts !== undefined && !isSecretWrapped(inputs.logOpts)) expect("log options", inputs.logOpts, hc.LogConfig.Config);
  expect("restart policy", inputs.restart, hc.RestartPolicy.Name);

  for (const p of (inputs.ports as { internal: number; external: number; ip: string; protocol?: string }[] | undefined) ?? []) {
    const key = `${p.internal}/${p.protocol ?? "tcp"}`;
    const bound = c.NetworkSettings.Ports?.[key] ?? [];
    if (!bound.some((b) => b.HostIp === p.ip && b.HostPort === String(p.external))) {
      problems.push(`port ${key}: declared on ${p.ip}:${p.external}, daemon publishes ${JSON.stringify(bound)}`);
    }
  }
  for (const n of (inputs.networksAdvanced as { name: string; aliases?: string[] }[] | undefined) ?? []) {
    const attached = c.NetworkSettings.Networks[n.name];
    if (!attached) {
      problems.push(`network ${n.name}: not attached`);
      continue;
    }
    for (const a of n.aliases ?? []) {
      if (!(attached.Aliases ?? []).includes(a)) problems.push(`network ${n.name}: alias ${a} missing (daemon has ${JSON.stringify(attached.Aliases)})`);
    }
  }
  if (inputs.healthcheck !== undefined && c.State.Health?.Status !== "healthy") {
    problems.push(`health: ${c.State.Health?.Status ?? "no healthcheck on the daemon"}`);
  }
  return problems;
}

/**
 * The other containers' DNS names a container's own env, command or config files use to reach them: a whole
 * env value, a URL host (`//name`), or `name:port`. Only names of this stack (container names and service
 * aliases) are looked for.
 */
export function referencedNames(texts: string[], candidates: string[]): string[] {
  const found = new Set<string>();
  for (const name of candidates) {
    const q = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const re = new RegExp(`(^|//|@)${q}(?=:\\d|/|$)|(^|[\\s"'=,\\[])${q}:\\d`, "m");
    if (texts.some((t) => re.test(t))) found.add(name);
  }
  return [...found].sort();
}
