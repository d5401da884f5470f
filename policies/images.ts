import { ResourceValidationPolicy } from "@pulumi/policy";
import { serviceConfigKey } from "../lib/configKeys";
import { DIGEST_PATTERN, parseImageRef, pinProblem } from "../lib/images";
import { serviceOfImageResource } from "../lib/naming";
import { TYPE, defineRule, forType, isUnknown, known, unknownMessage } from "./ruleKit";

/**
 * Where an image comes from, in the user's terms: `services.postgres.image (name)` for a config service's image,
 * else the input `name`. A RemoteImage carries no labels, so its Pulumi name (lib/naming.ts imageResourceName)
 * is what says whose image it is; platform images (monitoring, backups, tailnet) have no single config key.
 */
export function imageAt(resourceName: string): string {
  const service = serviceOfImageResource(resourceName);
  return service ? `${serviceConfigKey(service)}.image (name)` : "name";
}

/**
 * Images are checked on docker.RemoteImage `name`, the literal reference from config. Container.image is the
 * pulled image's id, unknown at preview: a rule reading it would be demoted to advisory by the engine.
 */
function imageName(props: Record<string, unknown>, where: string, report: (m: string) => void): string | undefined {
  const name = known(() => props.name);
  if (isUnknown(name)) {
    report(unknownMessage(where));
    return undefined;
  }
  if (typeof name !== "string" || name.trim() === "") {
    report(`${where} is empty: expected an image reference such as postgres:16.6-alpine`);
    return undefined;
  }
  return name.trim();
}

export const pinnedTag: ResourceValidationPolicy = defineRule("images", ["CIS 5.28", "CKV_DOCKER_7"], {
  name: "images-pinned-tag",
  description:
    "Images must pin one release: a sha256 digest, or a tag with at least major.minor (16.6-alpine, v2.8.1) or a release date; " +
    "latest, no tag, channel words (alpine, lts, stable), bare majors (16, 16-alpine) and codenames (bookworm) move.",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.image, (props, args, report) => {
    const where = imageAt(args.name);
    const name = imageName(props, where, report);
    if (!name) return;
    // The same function as the config contract's imageRef (lib/config/services.ts): one rule, one wording.
    const problem = pinProblem(name);
    if (problem) report(`${where}: ${problem}`);
  }),
});

export const pinnedByDigest: ResourceValidationPolicy = defineRule("images", ["CKV_K8S_43"], {
  name: "images-pinned-by-digest",
  description: "Images should be pinned by digest (@sha256:...), so a re-pushed tag cannot change what runs.",
  enforcementLevel: "advisory",
  validateResource: forType(TYPE.image, (props, args, report) => {
    const where = imageAt(args.name);
    const name = imageName(props, where, report);
    if (!name) return;
    const { digest } = parseImageRef(name);
    if (!digest || !DIGEST_PATTERN.test(digest)) report(`${where}: ${name} is not pinned by digest; append @sha256:<digest> (docker buildx imagetools inspect ${name})`);
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
    const where = imageAt(args.name);
    const name = imageName(props, where, report);
    if (name && !registryAllowed(name, allowedRegistries)) {
      const ref = parseImageRef(name);
      report(`${where}: ${name} comes from ${ref.registry}/${ref.repository}, not from an allowed registry (${allowedRegistries.join(", ")})`);
    }
  }),
});

export const imagesPolicies: ResourceValidationPolicy[] = [pinnedTag, pinnedByDigest, registryAllowlist];
