import { ResourceValidationPolicy } from "@pulumi/policy";
import { DIGEST_PATTERN, parseImageRef } from "../lib/images";
import { TYPE, defineRule, forType, isUnknown, known, unknownMessage } from "./common";

/**
 * Images are checked on docker.RemoteImage `name`, the literal reference from config. Container.image is the
 * pulled image's id, unknown at preview: a rule reading it would be demoted to advisory by the engine.
 */
function imageName(props: Record<string, unknown>, report: (m: string) => void): string | undefined {
  const name = known(() => props.name);
  if (isUnknown(name)) {
    report(unknownMessage("name"));
    return undefined;
  }
  if (typeof name !== "string" || name.trim() === "") {
    report("name is empty: expected an image reference such as postgres:16.6-alpine");
    return undefined;
  }
  return name.trim();
}

export const tagNotLatest: ResourceValidationPolicy = defineRule("images", ["CIS 5.28", "CKV_DOCKER_7"], {
  name: "images-tag-not-latest",
  description: "Images must name an exact tag other than latest (or a digest), so a deploy is reproducible.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.image, (props, _args, report) => {
    const name = imageName(props, report);
    if (!name) return;
    const ref = parseImageRef(name);
    if (ref.digest && DIGEST_PATTERN.test(ref.digest)) return;
    if (!ref.tag) report(`${name} has no tag, so Docker pulls :latest; pin an exact version such as ${ref.repository.replace(/^library\//, "")}:1.2.3`);
    else if (ref.tag === "latest") report(`${name} uses :latest, which moves; pin an exact version`);
  }),
});

export const pinnedByDigest: ResourceValidationPolicy = defineRule("images", ["CKV_K8S_43"], {
  name: "images-pinned-by-digest",
  description: "Images should be pinned by digest (@sha256:...), so a re-pushed tag cannot change what runs.",
  enforcementLevel: "advisory",
  validateResource: forType(TYPE.image, (props, _args, report) => {
    const name = imageName(props, report);
    if (!name) return;
    const { digest } = parseImageRef(name);
    if (!digest || !DIGEST_PATTERN.test(digest)) report(`${name} is not pinned by digest; append @sha256:<digest> (docker buildx imagetools inspect ${name})`);
  }),
});

/** `docker.io`, `ghcr.io/acme` or `registry.example.com:5000/team`: a registry, optionally narrowed to a path. */
export function registryAllowed(name: string, allowed: string[]): boolean {
  const ref = parseImageRef(name);
  const full = `${ref.registry}/${ref.repository}`;
  return allowed.some((a) => {
    const entry = a.trim().replace(/\/+$/, "");
    return full === entry || full.startsWith(`${entry}/`);
  });
}

export const registryAllowlist: ResourceValidationPolicy = defineRule("images", ["CIS 4.2"], {
  name: "images-registry-allowlist",
  description: "Images must come from an allowed registry (allowedRegistries); off while the list is empty.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedRegistries: {
        type: "array", items: { type: "string", minLength: 1 }, default: [],
        description: "Registries, optionally with a path prefix (docker.io, ghcr.io/acme); empty allows all",
      },
    },
  },
  validateResource: forType(TYPE.image, (props, args, report) => {
    const { allowedRegistries } = args.getConfig<{ allowedRegistries: string[] }>();
    if (!allowedRegistries || allowedRegistries.length === 0) args.notApplicable("allowedRegistries is empty: every registry is allowed");
    const name = imageName(props, report);
    if (name && !registryAllowed(name, allowedRegistries)) {
      const ref = parseImageRef(name);
      report(`${name} comes from ${ref.registry}/${ref.repository}, not from an allowed registry (${allowedRegistries.join(", ")})`);
    }
  }),
});

export const imagesPolicies: ResourceValidationPolicy[] = [tagNotLatest, pinnedByDigest, registryAllowlist];
