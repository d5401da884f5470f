import { LABEL } from "../../lib/naming";
import { isReference, looksSecret } from "../../policies/env";
import { check, container, mutate, of, setLabel, UNKNOWN_ARRAY, violations } from "./support";

/**
 * Env rules. Service marks secret-sourced names with the minidock.secret-env label (values never leave the
 * secret); the rule checks every other entry whose name looks secret.
 */
const withEnv = (envs: string[], secretNames?: string) => {
  const c = mutate(container(), "envs", envs);
  return secretNames === undefined ? c : setLabel(c, LABEL.secretEnv, secretNames);
};

describe("env-no-secret-literals", () => {
  test.each(["API_TOKEN", "PGPASSWORD", "DB_PASSWD", "AWS_SECRET_ACCESS_KEY", "API_KEY", "JWT", "GITHUB_BEARER", "GOOGLE_CREDENTIALS", "DB_PWD", "STRIPE_APIKEY"])(
    "%s looks secret", (name) => expect(looksSecret(name)).toBe(true),
  );
  test.each(["NODE_ENV", "PGHOST", "MONKEY_COUNT", "KEYBOARD_LAYOUT", "REDIS_HOST", "BYPASS_CACHE"])("%s does not", (name) => expect(looksSecret(name)).toBe(false));

  test("a literal API_TOKEN typed into config is reported, without printing the value", async () => {
    const v = await violations("env-no-secret-literals", [withEnv(["NODE_ENV=production", "API_TOKEN=abc123"], "")]);
    expect(v).toEqual([expect.stringMatching(/envs\[1\] API_TOKEN holds a literal value; move it to secretEnv/)]);
    expect(v[0]).not.toMatch(/abc123/);
  });
  test("names Service marked as secret-sourced pass (their values are the decrypted secrets)", async () => {
    expect(await violations("env-no-secret-literals", [withEnv(["PGPASSWORD=s3cr3t-from-config", "REDIS_PASSWORD=x"], "PGPASSWORD,REDIS_PASSWORD")])).toEqual([]);
  });
  test("a second, literal entry under a secret-sourced name is still reported (Docker would use it)", async () => {
    expect(await violations("env-no-secret-literals", [withEnv(["PGPASSWORD=real", "PGPASSWORD=literal"], "PGPASSWORD")])).toHaveLength(2);
  });
  test("a container created outside Service (no label) has every entry checked", async () => {
    expect(await violations("env-no-secret-literals", [withEnv(["PGPASSWORD=x"], undefined)])).toHaveLength(1);
    const noLabel = setLabel(withEnv(["PGPASSWORD=x"]), LABEL.secretEnv, undefined);
    expect(await violations("env-no-secret-literals", [noLabel])).toHaveLength(1);
  });
  test.each(["", "${VAULT_TOKEN}", "$TOKEN_FROM_ENTRYPOINT", "/run/secrets/token"])("a value that cannot be the secret passes: %j", async (value) => {
    expect(isReference(value)).toBe(true);
    expect(await violations("env-no-secret-literals", [withEnv([`API_TOKEN=${value}`], "")])).toEqual([]);
  });
  test("allowedNames lets a secret-looking name through", async () => {
    expect(await violations("env-no-secret-literals", [withEnv(["PUBLIC_KEY_ID=abc"], "")], { "env-no-secret-literals": { allowedNames: ["PUBLIC_KEY_ID"] } })).toEqual([]);
  });
  test("an env list unknown at preview (a secret from another resource) gets the engine's advisory, and runs for real at up", async () => {
    const r = await check([mutate(container(), "envs", UNKNOWN_ARRAY)]);
    expect(of(r, "env-no-secret-literals")).toEqual([expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringMatching(/can't run policy .* during preview/) })]);
  });
});

describe("env-no-tls-disabling", () => {
  test.each([
    "NODE_TLS_REJECT_UNAUTHORIZED=0", "GIT_SSL_NO_VERIFY=1", "GIT_SSL_NO_VERIFY=", "PYTHONHTTPSVERIFY=0", "NPM_CONFIG_STRICT_SSL=false",
    "npm_config_strict_ssl=false", "PIP_TRUSTED_HOST=pypi.org", "CURL_CA_BUNDLE=", "REQUESTS_CA_BUNDLE=", "SSL_CERT_FILE=/dev/null", "GOINSECURE=*", "GOSUMDB=off",
  ])("%s fails", async (entry) => {
    expect(await violations("env-no-tls-disabling", [withEnv([entry], "")])).toEqual([expect.stringMatching(/switches off TLS verification/)]);
  });
  test.each(["NODE_TLS_REJECT_UNAUTHORIZED=1", "PYTHONHTTPSVERIFY=1", "NPM_CONFIG_STRICT_SSL=true", "SSL_CERT_FILE=/etc/ssl/certs/ca.pem", "NODE_EXTRA_CA_CERTS=/ca.pem", "REQUESTS_CA_BUNDLE=/ca.pem"])(
    "%s passes", async (entry) => {
      expect(await violations("env-no-tls-disabling", [withEnv([entry], "")])).toEqual([]);
    },
  );
});
