/**
 * Image references, parsed the way Docker does: `[registry[:port]/]repo[:tag][@sha256:digest]`.
 * A ':' inside the registry part (a port) is not a tag, which is where naive checks go wrong.
 */
export interface ImageRef {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const firstSlash = rest.indexOf("/");
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : "";
  // Docker's rule: the first component is a registry only if it has a '.', a ':' or is "localhost".
  const hasRegistry = firstSlash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  let path = hasRegistry ? rest.slice(firstSlash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (registry === "docker.io" && !path.includes("/")) path = `library/${path}`;
  return { registry, repository: path, tag: tag || undefined, digest };
}

/**
 * The pin rule, word for word in the config contract's error, the images-pinned-tag violation and
 * docs/policies.md: what a reference must carry so that the same config pulls the same release next month.
 */
export const PIN_RULE =
  "pin a digest (@sha256:<64 hex digits>), or a tag whose version has at least major.minor " +
  "(16.6-alpine, 7.4.2, v2.8.1, 1.2.3-rc1, 2024.10.1) or carries a release date (RELEASE.2024-10-13T13-34-11Z, jammy-20240911)";

/**
 * The tag's version part: the tag itself, after an optional `v`, must start with major.minor, and the next
 * character must not continue the number (`7.4.x`, `1.2.` are wildcards in disguise). What follows is a variant
 * (`-alpine`, `-bookworm-slim`, `-rc1`, `-cli`) and does not move the version.
 */
const MAJOR_MINOR = /^v?\d+(\.\d+)+(?![.\d])/i;
/** A bare major, alone or with a variant: 16, v2, 16-alpine, 22-bookworm-slim. It follows every 16.x release. */
const BARE_MAJOR = /^v?(\d+)(?![.\d])/i;
/**
 * A calendar date names one build: minio's RELEASE.2024-10-13T13-34-11Z, ubuntu's jammy-20240911. Year 2000-2099,
 * a real month and day, as YYYY-MM-DD or YYYYMMDD not inside a longer number.
 */
const RELEASE_DATE = /(?<!\d)20\d\d(-?)(0[1-9]|1[0-2])\1(0[1-9]|[12]\d|3[01])(?!\d)/;

/**
 * Why a reference does not pin one release, or undefined when it does. One function for the config contract
 * (lib/config/services.ts imageRef, and the platform image keys through isPinned) and the policy pack
 * (images-pinned-tag), so a stack the contract accepts is one the pack accepts.
 *
 * Pinned: a well-formed sha256 digest (the tag is then a label only), or a tag with a major.minor version or a
 * release date (PIN_RULE). Everything else moves: no tag (Docker pulls latest), latest, channel words (alpine,
 * slim, lts, stable, edge, main, nightly, ...), a bare major (16, v2, 16-alpine), and distribution codenames
 * (bookworm, jammy), which follow every point release of that distribution.
 */
export function pinProblem(ref: string): string | undefined {
  const { tag, digest } = parseImageRef(ref);
  if (digest !== undefined) {
    return DIGEST_PATTERN.test(digest) ? undefined : `${ref}: digest ${JSON.stringify(digest)} is not sha256: and 64 lower-case hex digits; ${PIN_RULE}`;
  }
  if (tag === undefined) return `${ref} has no tag, so Docker pulls "latest", which moves with every release; ${PIN_RULE}`;
  if (MAJOR_MINOR.test(tag) || RELEASE_DATE.test(tag)) return undefined;
  const major = BARE_MAJOR.exec(tag);
  const why = major
    ? `names only major version ${major[1]}, which moves to every ${major[1]}.x release`
    : tag.toLowerCase() === "latest"
      ? "moves with every release"
      : "names no version (a channel, variant or codename), so it moves with every release";
  return `${ref}: tag ${JSON.stringify(tag)} ${why}; ${PIN_RULE}`;
}

/** True when the reference pins one release (pinProblem has nothing to say). */
export function isPinned(ref: string): boolean {
  return pinProblem(ref) === undefined;
}

/** Where an image is pulled from: `minidock:images` (lib/config/images.ts) applied to one reference. */
export function resolveImage(ref: string, images: { registry?: string; replace: Record<string, string> }): string {
  const replaced = images.replace[ref];
  if (replaced !== undefined) return replaced;
  if (!images.registry) return ref;
  const { repository, tag, digest } = parseImageRef(ref);
  return `${images.registry}/${repository}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
}

/**
 * Images treated as PostgreSQL servers: the last path segment of the repository, any registry. Detection by
 * image keeps the config free of a second switch; a Postgres under another image name is archived as files,
 * which docs/runbook.md (Backups) warns about. Here, under both the config check (lib/platform/backup/config.ts) and the
 * backup feature (lib/platform/backup/sources.ts), so neither imports the other.
 */
export const POSTGRES_IMAGES = ["postgres", "postgis", "pgvector", "timescaledb", "timescaledb-ha"] as const;

export function isPostgres(spec: { image: string }): boolean {
  const repo = parseImageRef(spec.image).repository;
  const last = repo.slice(repo.lastIndexOf("/") + 1);
  return (POSTGRES_IMAGES as readonly string[]).includes(last);
}
