import { containerName } from "../naming";
import { ServiceConfig } from "./services";

/**
 * Containers find each other through Docker's DNS, which only answers on a network they share on one daemon.
 * So an env value naming another service's container (`PGHOST: minidock-postgres-1`) is a promise the config
 * must keep: both on one host, on a common network. This catches it when a service moves to a second mini
 * without the services that talk to it.
 */
export interface PlacedService {
  host: string;
  networks: string[];
  replicas: number;
  env: Record<string, string>;
  /** `host` or `none`: the container is on no Docker network, so Docker's DNS neither finds it nor answers it. */
  networkMode?: string;
}

/**
 * Where each service runs and which networks it joins, defaults applied. A service on an undeclared host or network
 * is left out: that is already a problem of its own, and guessing its place would only add noise.
 */
export function placeServices(
  services: Record<string, Pick<ServiceConfig, "host" | "networks" | "replicas" | "env" | "unsafe">>,
  hostNames: string[],
  networkNames: string[],
): Record<string, PlacedService> {
  const declared = ([, s]: [string, Pick<ServiceConfig, "host" | "networks">]) =>
    (s.host === undefined || hostNames.includes(s.host)) && (s.networks ?? []).every((n) => networkNames.includes(n));
  return Object.fromEntries(Object.entries(services).filter(declared).map(([name, s]) => [name, {
    host: s.host ?? hostNames[0],
    networks: s.unsafe.networkMode ? [] : (s.networks ?? networkNames.slice(0, 1)),
    replicas: s.replicas,
    env: s.env,
    networkMode: s.unsafe.networkMode,
  }]));
}

/** Problems with env values that name a container of another service it cannot reach. */
export function checkContainerNameRefs(services: Record<string, PlacedService>): string[] {
  const ownerOf = new Map<string, string>();
  for (const [name, svc] of Object.entries(services)) {
    for (let replica = 1; replica <= svc.replicas; replica++) ownerOf.set(containerName(name, replica), name);
  }
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(services)) {
    for (const [env, value] of Object.entries(svc.env)) {
      // Container names are [a-z0-9-] words, so any other character (":", "@", "/") ends one, as in a URL.
      const words = new Set(value.split(/[^a-z0-9-]+/));
      for (const named of [...words].filter((w) => ownerOf.has(w) && ownerOf.get(w) !== name)) {
        const target = ownerOf.get(named) as string;
        const other = services[target];
        const at = `services.${name}.env.${env}`;
        if (other.host !== svc.host) {
          problems.push(
            `${at}: names ${named}, a container of services.${target} on host ${other.host}, but ${name} runs on host ` +
              `${svc.host}; containers reach each other by name only on one host (put both on one host)`,
          );
        } else if (!svc.networks.some((n) => other.networks.includes(n))) {
          problems.push(
            `${at}: names ${named}, but ${name} (${networksOf(svc)}) shares no network with ` +
              `services.${target} (${networksOf(other)}); put both on a common network`,
          );
        }
      }
    }
  }
  return problems;
}

function networksOf(s: PlacedService): string {
  return s.networkMode ? `networkMode ${s.networkMode}` : `networks: ${s.networks.join(", ")}`;
}
