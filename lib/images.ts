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

/** True when the reference names an exact version: a tag other than latest, or a digest. */
export function isPinned(ref: string): boolean {
  const { tag, digest } = parseImageRef(ref);
  return (digest !== undefined && DIGEST_PATTERN.test(digest)) || (tag !== undefined && tag !== "latest");
}

/** Where an image is pulled from: `minidock:images` (lib/config/images.ts) applied to one reference. */
export function resolveImage(ref: string, images: { registry?: string; replace: Record<string, string> }): string {
  const replaced = images.replace[ref];
  if (replaced !== undefined) return replaced;
  if (!images.registry) return ref;
  const { repository, tag, digest } = parseImageRef(ref);
  return `${images.registry}/${repository}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
}
