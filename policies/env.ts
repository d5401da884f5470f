import { ResourceValidationPolicy } from "@pulumi/policy";
import { LABEL } from "../lib/naming";
import { TYPE, defineRule, forType, isUnknown, labelsOf, listOf } from "./common";

/**
 * Container environment rules.
 *
 * Telling a secret from a literal: Service makes the WHOLE env list a Pulumi secret as soon as one value comes
 * from `secretEnv`, and the engine hands policies plaintext, so the values alone cannot say which entry was
 * typed into config. Service therefore labels each container with the NAMES of its secret-sourced entries
 * (minidock.secret-env, set last so no other label can claim it). The rule skips exactly those names and checks
 * every other entry: `env: {API_TOKEN: abc123}` in config is reported, `secretEnv: {PGPASSWORD: postgresPassword}`
 * is not. A container created outside Service has no such label, so all its entries are checked. Values that
 * cannot hold a secret are let through: empty, a `${...}` reference, or an absolute path (`*_FILE=/run/secrets/x`).
 *
 * When a secret value comes from another resource (e.g. a Tailscale auth key) the env list is unknown at preview;
 * these rules then let the engine report "can't run policy during preview" (advisory) and run for real at
 * `pulumi up`, where the analyzer sees the values and a mandatory violation still stops the container.
 */
export interface EnvEntry {
  index: number;
  name: string;
  value: string;
}

/** `KEY=VALUE` entries; an entry without `=` passes a variable through and has no value here. */
export function envEntries(envs: unknown): EnvEntry[] {
  return listOf<unknown>(envs).flatMap((e, index) => {
    const s = String(e);
    const eq = s.indexOf("=");
    return eq > 0 ? [{ index, name: s.slice(0, eq), value: s.slice(eq + 1) }] : [];
  });
}

/** Long words match anywhere in the name (PGPASSWORD, GITHUB_TOKEN); short ones only as a `_` word (KEY, PWD). */
const SECRET_WORDS = ["SECRET", "PASSWORD", "PASSWD", "TOKEN", "CREDENTIAL", "BEARER", "APIKEY", "PRIVATE_KEY"];
const SECRET_TOKENS = ["KEY", "PWD", "JWT", "PASS", "PW"];

export function looksSecret(name: string): boolean {
  const n = name.toUpperCase();
  return SECRET_WORDS.some((w) => n.includes(w)) || n.split(/[_\-.]/).some((t) => SECRET_TOKENS.includes(t));
}

/** Values that cannot be the secret itself. */
export function isReference(value: string): boolean {
  const v = value.trim();
  return v === "" || /^\$\{[^}]+\}$/.test(v) || /^\$[A-Z_][A-Z0-9_]*$/i.test(v) || v.startsWith("/");
}

export const noSecretLiterals: ResourceValidationPolicy = defineRule("env", ["CKV_K8S_35", "KS C-0012"], {
  name: "env-no-secret-literals",
  description: "Env entries whose names look secret (SECRET, KEY, PASSWORD, PWD, TOKEN, JWT, BEARER, CREDENTIAL...) must come from secretEnv, not literal config values.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedNames: { type: "array", items: { type: "string", minLength: 1 }, default: [], description: "Env names that look secret but are not (e.g. PUBLIC_KEY_URL)" },
    },
  },
  validateResource: forType(TYPE.container, (props, args, report) => {
    const { allowedNames } = args.getConfig<{ allowedNames: string[] }>();
    const labels = labelsOf(props);
    const label = isUnknown(labels) ? undefined : labels[LABEL.secretEnv];
    const fromSecrets = new Set((label ?? "").split(",").map((s) => s.trim()).filter(Boolean));
    const entries = envEntries(props.envs);
    const counts = new Map<string, number>();
    for (const e of entries) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    for (const e of entries) {
      if (!looksSecret(e.name) || (allowedNames ?? []).includes(e.name) || isReference(e.value)) continue;
      // A secret-sourced name is trusted only once: a second, literal entry with the same name would win in Docker.
      if (fromSecrets.has(e.name) && counts.get(e.name) === 1) continue;
      report(`envs[${e.index}] ${e.name} holds a literal value; move it to secretEnv (pulumi config set --secret <key> ...) or list the name in allowedNames`);
    }
  }),
});

/** Name -> when its value switches TLS verification off. Names compare case-insensitively (npm reads npm_config_*). */
export const TLS_DISABLING: Record<string, (value: string) => boolean> = {
  NODE_TLS_REJECT_UNAUTHORIZED: (v) => v.trim() === "0",
  GIT_SSL_NO_VERIFY: () => true, // git checks only that it is set
  PYTHONHTTPSVERIFY: (v) => v.trim() === "0",
  NPM_CONFIG_STRICT_SSL: (v) => v.trim().toLowerCase() === "false",
  YARN_STRICT_SSL: (v) => v.trim().toLowerCase() === "false",
  YARN_ENABLE_STRICT_SSL: (v) => v.trim().toLowerCase() === "false",
  PIP_TRUSTED_HOST: (v) => v.trim() !== "",
  CURL_CA_BUNDLE: (v) => v.trim() === "",
  REQUESTS_CA_BUNDLE: (v) => v.trim() === "",
  SSL_CERT_FILE: (v) => v.trim() === "/dev/null",
  SSL_CERT_DIR: (v) => v.trim() === "/dev/null",
  GOINSECURE: (v) => v.trim() !== "",
  GOSUMDB: (v) => v.trim().toLowerCase() === "off",
  GOFLAGS: (v) => /(^|\s)-insecure(\s|$)/.test(v),
  CURL_INSECURE: (v) => v.trim() !== "" && v.trim() !== "0",
};

export const noTlsDisabling: ResourceValidationPolicy = defineRule("env", ["CKV2_DOCKER_5..16"], {
  name: "env-no-tls-disabling",
  description: "Env must not switch off TLS verification (NODE_TLS_REJECT_UNAUTHORIZED=0, GIT_SSL_NO_VERIFY, PYTHONHTTPSVERIFY=0, NPM_CONFIG_STRICT_SSL=false, PIP_TRUSTED_HOST, empty CURL_CA_BUNDLE...).",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    for (const e of envEntries(props.envs)) {
      const disables = TLS_DISABLING[e.name.toUpperCase()];
      if (disables && disables(e.value)) report(`envs[${e.index}] ${e.name}=${JSON.stringify(e.value)} switches off TLS verification; trust a CA instead (e.g. NODE_EXTRA_CA_CERTS, SSL_CERT_FILE pointing at a bundle)`);
    }
  }),
});

export const envPolicies: ResourceValidationPolicy[] = [noSecretLiterals, noTlsDisabling];
