import { containerName } from "../naming";
import { ServiceConfig } from "./services";

/**
 * Containers find each other through Docker's DNS, which only answers on a network they share on one daemon. A
 * container answers to two names there: its container name (`minidock-postgres-1`) and its service's name, the
 * alias components/service.ts sets on every network it joins (`postgres`). Config that names another service
 * either way (`PGHOST: postgres`, `redis://redis:6379`, `--host=postgres`, a scrape target `cadvisor:8080`) is a
 * promise the config must keep: both on one host, on a common network. This catches it when a service moves to a
 * second mini, or off a network, without the services that talk to it.
 *
 * Which names count (docs/configuration.md#references-between-services):
 * - a container name counts wherever it appears as a word: the `minidock-<service>-<n>` shape is distinctive;
 * - a service name counts only where it is used as a host name: the host of a URL (`scheme://[user@]name[:port]`),
 *   a `name:port`, the value (or any item of a list value) of a variable whose name ends in HOST, HOSTNAME, ADDR,
 *   ADDRESS, SERVER, URL, URI, DSN or ENDPOINT (with or without a plural S), the value of a flag so named
 *   (`--host`, `--db-host=`, `--redis.addr`) or of `-h`, and the same inside shell strings (`pg_isready -h
 *   postgres`, `PGHOST=postgres psql`). A bare word in free text (`NODE_ENV: production`, `--maxmemory-policy
 *   noeviction`) is not a reference, even when a service has that name.
 */

/** A piece of a service's config that may name another service, and where to report it. */
export type ReferenceSource =
  /** `at` is the env entry's full key, `services.agent.env.PGHOST`. */
  | { kind: "env"; at: string; name: string; value: string }
  /** Exec-form arguments (command, entrypoint, healthcheck test); element i is reported at `${at}[i]`. */
  | { kind: "args"; at: string; args: string[] }
  /** A generated config file, reported at `at` (`minidock's prometheus on host mini, file /etc/minidock/prometheus.yml`). */
  | { kind: "file"; at: string; content: string };

export interface PlacedService {
  /** The service's name, which is also its network alias. */
  name: string;
  /** How messages call it: `services.postgres`, or `minidock's cadvisor` for a platform service. */
  label: string;
  host: string;
  networks: string[];
  replicas: number;
  /** `host` or `none`: the container is on no Docker network, so Docker's DNS neither finds it nor answers it. */
  networkMode?: string;
  sources: ReferenceSource[];
}

type ServiceParts = Pick<ServiceConfig, "command" | "entrypoint" | "healthcheck" | "env">;

/** The env, command, entrypoint and healthcheck of a service as reference sources, keyed under `key`. */
export function serviceSources(key: string, s: ServiceParts, separator = "."): ReferenceSource[] {
  const sources: ReferenceSource[] = Object.entries(s.env).map(([name, value]) => ({
    kind: "env" as const, at: `${key}${separator}env.${name}`, name, value: String(value),
  }));
  const args = (at: string, list: string[] | undefined) => {
    if (list && list.length > 0) sources.push({ kind: "args", at: `${key}${separator}${at}`, args: list });
  };
  args("command", s.command);
  args("entrypoint", s.entrypoint);
  args("healthcheck.test", s.healthcheck?.test);
  return sources;
}

/**
 * Where each config service runs and which networks it joins, defaults applied. A service on an undeclared host or
 * network is left out: that is already a problem of its own, and guessing its place would only add noise.
 */
export function placeServices(
  services: Record<string, Pick<ServiceConfig, "host" | "networks" | "replicas" | "unsafe"> & ServiceParts>,
  hostNames: string[],
  networkNames: string[],
): PlacedService[] {
  const declared = ([, s]: [string, Pick<ServiceConfig, "host" | "networks">]) =>
    (s.host === undefined || hostNames.includes(s.host)) && (s.networks ?? []).every((n) => networkNames.includes(n));
  return Object.entries(services).filter(declared).map(([name, s]) => ({
    name,
    label: `services.${name}`,
    host: s.host ?? hostNames[0],
    networks: s.unsafe.networkMode ? [] : (s.networks ?? networkNames.slice(0, 1)),
    replicas: s.replicas,
    networkMode: s.unsafe.networkMode,
    sources: serviceSources(`services.${name}`, s),
  }));
}

/** Names ending like this hold host names: PGHOST, REDIS_HOST, DATABASE_URL, KAFKA_BROKER_ADDRS, --db-host. */
const HOST_NAMED = /(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|URL|URI|DSN|ENDPOINT)(S|ES)?$/i;

/** `scheme://...` up to a character that cannot be part of a URL written in config (quotes, spaces, brackets, commas). */
const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'`<>()[\]{},]+/g;

/** `name:port`, not part of a longer dotted or hyphenated word, and not an image tag such as `redis:7.4`. */
const NAME_PORT = /(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9-]*):(\d{1,5})(?![A-Za-z0-9_.-])/g;

/** Host names in free text: URL hosts (WHATWG URL parsing) and `name:port`. */
export function hostsInText(text: string): string[] {
  const hosts: string[] = [];
  for (const [candidate] of text.matchAll(URL_IN_TEXT)) {
    let hostname: string;
    try {
      hostname = new URL(candidate).hostname;
    } catch {
      continue;
    }
    // A multi-host URL (`postgres://a:5432,b:5432/db`) keeps its list in one opaque host.
    for (const h of hostname.split(",")) hosts.push(h.replace(/:\d+$/, "").toLowerCase());
  }
  for (const m of text.matchAll(NAME_PORT)) {
    const port = Number(m[2]);
    if (port >= 1 && port <= 65535) hosts.push(m[1].toLowerCase());
  }
  return hosts;
}

/** The value of something named as a host (PGHOST, --host): one host or a list, each `[user@]name[:port]` or a URL. */
export function hostsInHostValue(value: string): string[] {
  const hosts = hostsInText(value);
  for (const item of value.split(/[\s,;]+/)) {
    const m = /^(?:[^@/:]*@)?([A-Za-z0-9.-]+)(?::\d+)?(?:\/.*)?$/.exec(item.replace(/^['"]+|['"]+$/g, ""));
    if (m) hosts.push(m[1].toLowerCase());
  }
  return hosts;
}

/** Shell-ish words of an argument: a `sh -c` script is split at blanks and operators, quotes dropped. */
function wordsOf(arg: string): string[] {
  return arg.split(/[\s;|&()<>`]+/).map((w) => w.replace(/^['"]+|['"]+$/g, "")).filter((w) => w.length > 0);
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const LONG_FLAG = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$/;

/** Host names used in exec-form arguments, by element: flags, shell assignments, URLs and name:port. */
export function hostsInArgs(args: string[]): { index: number; host: string }[] {
  const found: { index: number; host: string }[] = [];
  const words = args.flatMap((arg, index) => wordsOf(arg).map((word) => ({ word, index })));
  args.forEach((arg, index) => hostsInText(arg).forEach((host) => found.push({ index, host })));
  words.forEach(({ word, index }, i) => {
    const next = words[i + 1];
    const assignment = ASSIGNMENT.exec(word);
    if (assignment) {
      if (HOST_NAMED.test(assignment[1])) hostsInHostValue(assignment[2]).forEach((host) => found.push({ index, host }));
      return;
    }
    if (word === "-h") {
      if (next) hostsInHostValue(next.word).forEach((host) => found.push({ index: next.index, host }));
      return;
    }
    const flag = LONG_FLAG.exec(word);
    // One dash or two: Go programs spell long flags `-addr` as readily as `--addr`.
    if (!flag || !HOST_NAMED.test(flag[1])) return;
    if (flag[2] !== undefined) hostsInHostValue(flag[2]).forEach((host) => found.push({ index, host }));
    else if (next && !next.word.startsWith("-")) hostsInHostValue(next.word).forEach((host) => found.push({ index: next.index, host }));
  });
  return found;
}

/** Container names are [a-z0-9-] words, so any other character (":", "@", "/") ends one, as in a URL. */
const wordsIn = (text: string) => text.split(/[^a-z0-9-]+/).filter((w) => w.length > 0);

/** Every place a source mentions a word or a host name: `at` is the full key of the place. */
function mentions(source: ReferenceSource): { at: string; words: string[]; hosts: string[] }[] {
  switch (source.kind) {
    case "env":
      return [{
        at: source.at,
        words: wordsIn(source.value),
        hosts: HOST_NAMED.test(source.name) ? hostsInHostValue(source.value) : hostsInText(source.value),
      }];
    case "file":
      return [{ at: source.at, words: wordsIn(source.content), hosts: hostsInText(source.content) }];
    case "args": {
      const hosts = hostsInArgs(source.args);
      return source.args.map((arg, i) => ({
        at: `${source.at}[${i}]`,
        words: wordsIn(arg),
        hosts: hosts.filter((h) => h.index === i).map((h) => h.host),
      }));
    }
  }
}

/**
 * Problems with config that names a service (by container name or by alias) it cannot reach. Platform services
 * exist once per host under the same name, so a name resolves to the service on the naming service's own host
 * first, and only then to one elsewhere (which is a problem).
 */
export function checkServiceRefs(services: PlacedService[]): string[] {
  const byContainer = new Map<string, PlacedService[]>();
  const byAlias = new Map<string, PlacedService[]>();
  const add = (map: Map<string, PlacedService[]>, key: string, s: PlacedService) => map.set(key, [...(map.get(key) ?? []), s]);
  for (const s of services) {
    add(byAlias, s.name, s);
    for (let replica = 1; replica <= s.replicas; replica++) add(byContainer, containerName(s.name, replica), s);
  }
  const problems: string[] = [];
  for (const svc of services) {
    for (const place of svc.sources.flatMap(mentions)) {
      const named = new Map<string, { target: PlacedService; what: string }>();
      const resolve = (name: string, candidates: PlacedService[] | undefined, what: (t: PlacedService) => string) => {
        if (!candidates || named.has(name)) return;
        const target = candidates.find((c) => c.host === svc.host) ?? candidates[0];
        if (target !== svc) named.set(name, { target, what: what(target) });
      };
      for (const w of place.words) resolve(w, byContainer.get(w), (t) => `a container of ${t.label}`);
      for (const h of place.hosts) resolve(h, byContainer.get(h) ?? byAlias.get(h), (t) =>
        byContainer.has(h) ? `a container of ${t.label}` : `the network alias of ${t.label}`);
      for (const [name, { target: other, what }] of named) {
        if (other.host !== svc.host) {
          problems.push(
            `${place.at}: names ${name}, ${what} on host ${other.host}, but ${svc.name} runs on host ${svc.host}; ` +
              "containers reach each other by name only on one host (put both on one host)",
          );
        } else if (!svc.networks.some((n) => other.networks.includes(n))) {
          problems.push(
            `${place.at}: names ${name}, but ${svc.name} (${networksOf(svc)}) shares no network with ` +
              `${other.label} (${networksOf(other)}); put both on a common network`,
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
