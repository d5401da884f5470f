import { ResourceValidationPolicy } from "@pulumi/policy";
import { envKey } from "../lib/configKeys";
import { TYPE, at, containerLabelsOf, defineRule, forType, isUnknown, listOf, serviceKeyOf } from "./ruleKit";
import { ArgumentFinding, configKeyFor, credentialInValue, isReference, looksSecret, secretsInArgv } from "./secrets";

export { isReference, looksSecret } from "./secrets";

/**
 * Container environment rules, and where secrets may live: in secretEnv, never in a literal env value or argument.
 * The matchers (names, URLs, webhooks, token formats, command lines) are in policies/secrets.ts.
 *
 * Telling a secret from a literal: Service makes the WHOLE env list a Pulumi secret as soon as one value comes
 * from `secretEnv`, and the engine hands policies plaintext, so the values alone cannot say which entry was
 * typed into config. Service therefore labels each container with the NAMES of its secret-sourced entries
 * (minidock.secret-env, set last so no other label can claim it). The rules skip exactly those names and check
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

/**
 * Names whose values came from secretEnv (the minidock.secret-env label). A name is trusted only when it occurs
 * once: a second, literal entry with the same name would win in Docker.
 */
function secretSourced(props: Record<string, unknown>, entries: EnvEntry[]): Set<string> {
  const labels = containerLabelsOf(props);
  const named = new Set(isUnknown(labels) ? [] : labels.secretEnv);
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  return new Set([...named].filter((n) => counts.get(n) === 1));
}

/** `services.agent.env.DATABASE_URL (envs[2])`; for a container no config service declared, `envs[2] DATABASE_URL`. */
export function envAt(props: Record<string, unknown>, e: EnvEntry): string {
  const where = at(props, `envs[${e.index}]`, envKey(e.name, false));
  return serviceKeyOf(props) ? where : `${where} ${e.name}`;
}

/** How to move a value into secretEnv, in the user's keys: the config command and the secretEnv entry. */
export function moveToSecretEnv(props: Record<string, unknown>, envName: string, placeholder = "<value>"): string {
  const key = configKeyFor(envName);
  const service = serviceKeyOf(props);
  const entry = service ? `${service}.secretEnv.${envName}: ${key}` : `secretEnv.${envName}: ${key} on its service`;
  return `pulumi config set --secret ${key} '${placeholder}' and set ${entry}`;
}

export const noSecretLiterals: ResourceValidationPolicy = defineRule("env", ["CKV_K8S_35", "KS C-0012"], {
  name: "env-no-secret-literals",
  description: "Env entries must not hold a literal secret: a name that says secret (API_TOKEN, DB_PASSWORD, PGPASSWORD, SECRET_KEY... matched on words, so MAX_TOKENS or PASSWORD_MIN_LENGTH are not), or whatever the name, a value with a credential (a password in a URL, a webhook or notification URL, a known token format). Such values come from secretEnv.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedNames: { type: "array", items: { type: "string", minLength: 1 }, default: [], description: "Env names that look secret but are not (e.g. STRIPE_PUBLISHABLE_KEY); their values are still checked for credentials" },
    },
  },
  validateResource: forType(TYPE.container, (props, args, report) => {
    const { allowedNames } = args.getConfig<{ allowedNames: string[] }>();
    const entries = envEntries(props.envs);
    const fromSecrets = secretSourced(props, entries);
    for (const e of entries) {
      if (fromSecrets.has(e.name)) continue;
      if (looksSecret(e.name) && !(allowedNames ?? []).includes(e.name) && !isReference(e.value)) {
        report(`${envAt(props, e)} holds a literal value, and its name says it is a secret; move it to a secret: ${moveToSecretEnv(props, e.name)} (or list the name in allowedNames if it is not a secret)`);
        continue;
      }
      const found = credentialInValue(e.value);
      if (found) report(`${envAt(props, e)} holds ${found.what} (${found.redacted}); move the value to a secret: ${moveToSecretEnv(props, e.name, /URL/.test(found.what) ? "<url>" : "<value>")}`);
    }
  }),
});

/** One argv the container runs, with the docker input of each element: the process (entrypoint + command), a healthcheck. */
interface Argv {
  argv: string[];
  inputOf: (i: number) => { input: string; key?: string };
  /** For a CMD-SHELL healthcheck: the script starts at this element. */
  shellFrom?: number;
}

function argvsOf(props: Record<string, unknown>): Argv[] {
  const entrypoints = listOf<unknown>(props.entrypoints).map(String);
  const command = listOf<unknown>(props.command).map(String);
  const out: Argv[] = [{
    // Docker runs the entrypoint with the command as its arguments: `entrypoint: [sh, -c]` + `command: [script]`
    argv: [...entrypoints, ...command],
    inputOf: (i) => ({ input: i < entrypoints.length ? `entrypoints[${i}]` : `command[${i - entrypoints.length}]` }),
  }];
  const healthcheck = props.healthcheck as { tests?: unknown } | undefined;
  const tests = listOf<unknown>(healthcheck?.tests).map(String);
  const inputOf = (i: number) => ({ input: `healthcheck.tests[${i}]`, key: `healthcheck.test[${i}]` });
  if (tests[0] === "CMD-SHELL") out.push({ argv: tests, inputOf, shellFrom: 1 });
  else if (tests[0] === "CMD") out.push({ argv: tests.slice(1), inputOf: (i) => inputOf(i + 1) });
  else if (tests.length > 0 && tests[0] !== "NONE") out.push({ argv: tests, inputOf });
  return out;
}

function argumentMessage(props: Record<string, unknown>, where: string, f: ArgumentFinding): string {
  const key = configKeyFor(f.suggestedVar);
  const service = serviceKeyOf(props);
  const entry = service ? `${service}.secretEnv.${f.suggestedVar}: ${key}` : `secretEnv.${f.suggestedVar}: ${key} on its service`;
  const set = `pulumi config set --secret ${key} '<value>' and set ${entry}`;
  if (f.kind === "assignment") {
    return `${where} sets ${f.what} to a literal secret in a shell command; set it from a secret instead: ${set}, and drop the assignment (the variable is then in the container's environment)`;
  }
  return `${where} passes a literal secret to ${f.what}; set it from a secret instead: ${set}, and pass "$${f.suggestedVar}" in its place (inside sh -c '...', so the shell expands it)`;
}

export const noSecretArguments: ResourceValidationPolicy = defineRule("env", ["CKV_K8S_35", "minidock"], {
  name: "env-no-secret-arguments",
  description: "Command, entrypoint and healthcheck arguments must not hold a literal secret (--requirepass x, --password=x, mysql -px, redis-cli -a x, curl -u user:pass, PASSWORD=x or export TOKEN=x in sh -c, a URL with a password): reference an env var set from secretEnv (\"$REDIS_PASSWORD\").",
  enforcementLevel: "mandatory",
  validateResource: forType(TYPE.container, (props, _args, report) => {
    for (const { argv, inputOf, shellFrom } of argvsOf(props)) {
      for (const f of secretsInArgv(argv, shellFrom)) {
        const { input, key } = inputOf(f.element);
        report(argumentMessage(props, at(props, input, key), f));
      }
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
      if (disables && disables(e.value)) report(`${envAt(props, e)} is ${JSON.stringify(e.value)}, which switches off TLS verification; trust a CA instead (e.g. NODE_EXTRA_CA_CERTS, SSL_CERT_FILE pointing at a bundle)`);
    }
  }),
});

export const envPolicies: ResourceValidationPolicy[] = [noSecretLiterals, noSecretArguments, noTlsDisabling];
