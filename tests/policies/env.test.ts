import { LABEL } from "../../lib/labels";
import { isReference, looksSecret } from "../../policies/env";
import { credentialInValue, nameWords, secretsInArgv, shellCommands } from "../../policies/secrets";
import { UNKNOWN_STRING, check, container, mutate, of, setLabel, UNKNOWN_ARRAY, violations } from "./support";

/**
 * Env rules. Service marks secret-sourced names with the minidock.secret-env label (values never leave the
 * secret); the rules check every other entry: its name, and whatever the name, its value. The matchers
 * (policies/secrets.ts) are tested as tables first, then each rule through the kit.
 */
const withEnv = (envs: string[], secretNames?: string) => {
  const c = mutate(container(), "envs", envs);
  return secretNames === undefined ? c : setLabel(c, LABEL.secretEnv, secretNames);
};
/** The container of config service `agent` (Service sets minidock.config-key), so messages name config keys. */
const ofService = <T extends ReturnType<typeof container>>(c: T, service = "agent"): T => setLabel(c, LABEL.configKey, `services.${service}`) as T;

describe("secret names are matched on words", () => {
  test.each([
    "API_TOKEN", "GITHUB_TOKEN", "DB_PASSWORD", "PGPASSWORD", "AWS_SECRET_ACCESS_KEY", "SECRET_KEY", "PRIVATE_KEY", "DB_PASSWD", "API_KEY", "JWT",
    "GITHUB_BEARER", "GOOGLE_CREDENTIALS", "DB_PWD", "STRIPE_APIKEY", "TS_AUTHKEY", "REDIS_AUTH", "apiToken", "APIKey", "dbPassword", "SECRET_KEY_BASE",
    "PASSWORD_HASH", "OPENAI_API_KEY", "HF_TOKEN", "JWT_SECRET", "SMTP_PASS", "BACKUP_PASSPHRASE", "API_KEYS",
  ])("%s is a secret name", (name) => expect(looksSecret(name)).toBe(true));
  test.each([
    "MAX_TOKENS", "TOKENIZERS_PARALLELISM", "CACHE_KEY_PREFIX", "PASSWORD_MIN_LENGTH", "TOKEN_LIMIT", "KEY_ID", "AWS_ACCESS_KEY_ID", "MAX_NEW_TOKENS",
    "maxTokens", "PUBLIC_KEY", "SECRET_KEY_FILE", "PASSWORD_FILE", "TOKEN_URL", "JWT_EXPIRY", "AUTH_URL", "AUTH_PROVIDER", "TOKEN_TTL", "MIN_PASSWORD_LENGTH",
    "SORT_KEY", "NODE_ENV", "PGHOST", "MONKEY_COUNT", "KEYBOARD_LAYOUT", "REDIS_HOST", "BYPASS_CACHE", "KEYCLOAK_URL",
  ])("%s is not", (name) => expect(looksSecret(name)).toBe(false));
  test("words split on _ - . and camelCase", () => {
    expect(nameWords("apiToken")).toEqual(["API", "TOKEN"]);
    expect(nameWords("APIKey")).toEqual(["API", "KEY"]);
    expect(nameWords("--no-auth.warning")).toEqual(["NO", "AUTH", "WARNING"]);
  });
});

describe("credentials inside values", () => {
  test.each([
    ["postgres://app:hunter2@minidock-postgres-1/agents", "a password inside a URL", "postgres://app:***@minidock-postgres-1"],
    ["redis://default:x@redis:6379/0", "a password inside a URL", "redis://default:***@redis:6379"],
    ["redis://:s3cret@redis", "a password inside a URL", "redis://:***@redis"],
    ["amqp://app:p%40ss%2Fw0rd@rabbit", "a password inside a URL", "amqp://app:***@rabbit"],
    ["jdbc:postgresql://app:pw@db/x", "a password inside a URL", "postgresql://app:***@db"],
    ["smtp://me:pw@mail.example.com:587", "a password inside a URL", "smtp://me:***@mail.example.com:587"],
    ["https://hooks.slack.com/services/T0/B0/abcdef", "Slack webhook", "https://hooks.slack.com/***"],
    ["https://discord.com/api/webhooks/1234567/abc-def", "Discord webhook", "https://discord.com/***"],
    ["https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y", "Teams webhook", "https://acme.webhook.office.com/***"],
    ["https://api.telegram.org/bot123456:ABC-def/sendMessage", "Telegram", "https://api.telegram.org/***"],
    ["https://ntfy.sh/minidock-alerts-8f3k2", "ntfy topic", "https://ntfy.sh/***"],
    ["https://ntfy.example.com/alerts?auth=QmFzaWM", "?auth=", "https://ntfy.example.com/alerts?auth=***"],
    ["https://hc-ping.com/0b1c2d3e-aaaa-bbbb-cccc-123456789abc", "healthchecks.io", "https://hc-ping.com/***"],
    ["https://api.example.com/v1?token=abc", "?token=", "https://api.example.com/v1?token=***"],
    ["https://api.example.com/v1?access_token=abc", "?access_token=", "https://api.example.com/v1?access_token=***"],
    ["https://api.example.com/v1?api_key=abc", "?api_key=", "https://api.example.com/v1?api_key=***"],
    ["https://maps.example.com/?key=abc", "?key=", "https://maps.example.com/?key=***"],
    ["https://acct.blob.core.windows.net/c/b?sv=2022&sig=abc", "?sig=", "https://acct.blob.core.windows.net/c/b?sig=***"],
    ["slack://xoxb-token@C0123", "slack:// notification", "slack://***"],
    ["discord://token@123456", "discord:// notification", "discord://***"],
    ["telegram://123456:abc@telegram?chats=@x", "a password inside a URL", "telegram://123456:***@telegram"],
    ["pushover://shoutrrr:apitoken@userkey", "a password inside a URL", "pushover://shoutrrr:***@userkey"],
    ["gotify://gotify.example.com/AbCdEf", "gotify:// notification", "gotify://***"],
    ["ntfy://ntfy.sh/minidock, discord://token@1", "ntfy:// notification", "ntfy://***"],
    [`ghp_${"a1".repeat(18)}`, "GitHub token", "ghp_***"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----\nabc", "private key", "***"],
  ])("%s holds a credential", (value, what, redacted) => {
    const found = credentialInValue(value);
    expect(found?.what).toContain(what);
    expect(found?.redacted).toBe(redacted);
  });
  test.each([
    "postgres://app@minidock-postgres-1/agents", "https://api.example.com/v1?region=eu&page_size=50", "https://example.com/", "redis://redis:6379",
    "postgres://app:${PGPASSWORD}@db/agents", "postgres://app:$PGPASSWORD@db", "https://example.com/?cache_key=x", "https://example.com/?key_id=1",
    "production", "/run/secrets/token", "ssh://git@github.com/acme/app.git", "http://minidock-grafana-1:3000/hooks", "sk-short",
  ])("%s does not", (value) => expect(credentialInValue(value)).toBeUndefined());
});

describe("literal secrets in command lines", () => {
  const whatOf = (argv: string[], shellFrom?: number) => secretsInArgv(argv, shellFrom).map((f) => `${f.element} ${f.kind} ${f.what} -> ${f.suggestedVar}`);
  test.each<[string[], string]>([
    [["redis-server", "--requirepass", "hunter2"], "2 argument redis-server --requirepass -> REDIS_PASSWORD"],
    [["--requirepass", "hunter2"], "1 argument --requirepass -> APP_PASSWORD"], // options given to the image's entrypoint
    [["app", "--password=hunter2"], "1 argument app --password=... -> APP_PASSWORD"],
    [["app", "--password", "hunter2"], "2 argument app --password -> APP_PASSWORD"],
    [["app", "--token", "abc"], "2 argument app --token -> APP_TOKEN"],
    [["mysqladmin", "ping", "-uroot", "-phunter2"], "3 argument mysqladmin -p -> MYSQL_PWD"],
    [["mysql", "-p", "hunter2"], "2 argument mysql -p -> MYSQL_PWD"],
    [["redis-cli", "-a", "hunter2", "ping"], "2 argument redis-cli -a -> REDISCLI_AUTH"],
    [["mongosh", "-u", "root", "-p", "hunter2"], "4 argument mongosh -p -> MONGO_PASSWORD"],
    [["curl", "-u", "me:hunter2", "https://x"], "2 argument curl -u user:password -> CURL_PASSWORD"],
    [["curl", "--user=me:hunter2", "https://x"], "1 argument curl --user user:password -> CURL_PASSWORD"],
    [["curl", "-H", "Authorization: Bearer abc", "https://x"], "2 argument curl header Authorization -> CURL_TOKEN"],
    [["wget", "--password=hunter2", "https://x"], "1 argument wget --password=... -> WGET_PASSWORD"],
    [["psql", "host=db user=app password=hunter2"], "1 argument psql password=... -> PGPASSWORD"],
    [["psql", "postgres://app:hunter2@db/agents"], "1 argument psql (a password inside a URL) -> PGPASSWORD"],
    [["htpasswd", "-bc", "/etc/htpasswd", "admin", "hunter2"], "4 argument htpasswd -b -> HTPASSWD_PASSWORD"],
    [["docker", "login", "-p", "hunter2", "ghcr.io"], "3 argument docker -p -> DOCKER_PASSWORD"],
    [["openssl", "enc", "-pass", "pass:hunter2"], "3 argument openssl -pass -> OPENSSL_PASSWORD"],
    [["sh", "-c", "PASSWORD=hunter2 ./run"], "2 assignment PASSWORD -> PASSWORD"],
    [["sh", "-c", "export TOKEN=abc; exec app"], "2 assignment TOKEN -> TOKEN"],
    [["bash", "-ec", "env API_KEY=abc app"], "2 assignment API_KEY -> API_KEY"],
    [["gosu", "app", "sh", "-c", "redis-cli -a hunter2 ping"], "4 argument redis-cli -a -> REDISCLI_AUTH"],
    [["sh", "-c", 'exec redis-server --requirepass "hunter2"'], "2 argument redis-server --requirepass -> REDIS_PASSWORD"],
  ])("%j is found", (argv, expected) => expect(whatOf(argv)).toEqual([expected]));
  test("entrypoint [sh, -c] with the script in command is one argv", () => {
    expect(whatOf(["sh", "-c", "if true; then mysql -phunter2; fi"])).toEqual(["2 argument mysql -p -> MYSQL_PWD"]);
  });
  test("a CMD-SHELL healthcheck's script is split like sh -c", () => {
    expect(whatOf(["CMD-SHELL", "redis-cli -a hunter2 ping | grep -q PONG"], 1)).toEqual(["1 argument redis-cli -a -> REDISCLI_AUTH"]);
  });
  test.each<string[]>([
    // the shipped Pulumi.mini.yaml's redis command and healthcheck
    ["sh", "-c", 'exec redis-server --appendonly yes --maxmemory 384mb --maxmemory-policy noeviction --requirepass "$REDIS_PASSWORD"'],
    ["redis-cli", "-a", "$REDIS_PASSWORD", "--no-auth-warning", "ping"],
    ["sh", "-c", "PGPASSWORD=$(cat /run/secrets/pg) psql -h db"],
    ["sh", "-c", 'PASSWORD="${PASSWORD_FROM_ENV}" ./run'],
    ["app", "--password-file", "/run/secrets/pw"], ["app", "--password-file", "pw.txt"], ["app", "--password-stdin"], ["curl", "--key", "tls.key", "https://x"],
    ["openssl", "enc", "-pass", "env:PASSPHRASE"], ["curl", "-u", "me", "https://x"], ["curl", "-H", "Content-Type: application/json", "https://x"],
    ["docker", "run", "-p", "8080:80", "nginx"], ["redis-cli", "-p", "6379", "ping"], ["mysql", "-P", "3306", "-h", "db"],
    ["node", "-e", "setInterval(() => {}, 1 << 30)"], ["prometheus", "--storage.tsdb.retention.size=1GB", "--web.enable-lifecycle"],
    ["app", "--max-tokens", "4096", "--token-limit=100"], ["sh", "-c", "MAX_TOKENS=4096 exec app"], ["sh", "-c", "exec app # PASSWORD=y"],
  ])("%j passes", (...argv) => expect(whatOf(argv)).toEqual([]));
  test("the shell splitter reads quotes, escapes, operators and comments like sh", () => {
    const words = shellCommands(`a "b $c" 'd $e' f\\ g; h && i | j # k\nl`).map((c) => c.map((w) => (w.dynamic ? `${w.text}*` : w.text)));
    expect(words).toEqual([["a", "b $c*", "d $e", "f g"], ["h"], ["i"], ["j"], ["l"]]);
  });
});

describe("env-no-secret-literals", () => {
  test("a literal API_TOKEN typed into config is reported with its config key and how to move it, without printing the value", async () => {
    const v = await violations("env-no-secret-literals", [ofService(withEnv(["NODE_ENV=production", "API_TOKEN=abc123"], ""))]);
    expect(v).toEqual([expect.stringContaining("services.agent.env.API_TOKEN (envs[1]) holds a literal value, and its name says it is a secret; move it to a secret: pulumi config set --secret apiToken '<value>' and set services.agent.secretEnv.API_TOKEN: apiToken")]);
    expect(v[0]).not.toMatch(/abc123/);
  });
  test("a container no config service declared is named by its input", async () => {
    expect(await violations("env-no-secret-literals", [withEnv(["API_TOKEN=abc123"], "")])).toEqual([expect.stringContaining("envs[0] API_TOKEN holds a literal value")]);
  });
  test.each(["MAX_TOKENS=4096", "TOKENIZERS_PARALLELISM=false", "CACHE_KEY_PREFIX=agent:", "PASSWORD_MIN_LENGTH=12", "TOKEN_LIMIT=100000", "AWS_ACCESS_KEY_ID=AKIAEXAMPLE"])(
    "an everyday setting %s passes", async (entry) => expect(await violations("env-no-secret-literals", [withEnv([entry], "")])).toEqual([]),
  );
  test("a password inside a URL is reported whatever the name, redacted, with the secretEnv move", async () => {
    const v = await violations("env-no-secret-literals", [ofService(withEnv(["NODE_ENV=production", "PGHOST=db", "DATABASE_URL=postgres://app:hunter2@minidock-postgres-1/agents"], ""))]);
    expect(v).toEqual([expect.stringContaining(
      "services.agent.env.DATABASE_URL (envs[2]) holds a password inside a URL (postgres://app:***@minidock-postgres-1); move the value to a secret: pulumi config set --secret databaseUrl '<url>' and set services.agent.secretEnv.DATABASE_URL: databaseUrl",
    )]);
    expect(v[0]).not.toMatch(/hunter2/);
  });
  test("a webhook URL that carries its token is reported", async () => {
    const v = await violations("env-no-secret-literals", [ofService(withEnv(["NOTIFY=https://hooks.slack.com/services/T0/B0/abcdef"], ""))]);
    expect(v).toEqual([expect.stringContaining("services.agent.env.NOTIFY (envs[0]) holds a Slack webhook URL, whose path is its token (https://hooks.slack.com/***)")]);
    expect(v[0]).not.toMatch(/abcdef/);
  });
  test("a URL without credentials passes", async () => {
    expect(await violations("env-no-secret-literals", [withEnv(["DATABASE_URL=postgres://app@db/agents", "API=https://api.example.com/v1?region=eu"], "")])).toEqual([]);
  });
  test("names Service marked as secret-sourced pass, values included (they are the decrypted secrets)", async () => {
    const envs = ["PGPASSWORD=s3cr3t-from-config", "REDIS_PASSWORD=x", "NOTIFICATION_URLS=slack://token@channel"];
    expect(await violations("env-no-secret-literals", [withEnv(envs, "PGPASSWORD,REDIS_PASSWORD,NOTIFICATION_URLS")])).toEqual([]);
  });
  test("a second, literal entry under a secret-sourced name is still reported (Docker would use it)", async () => {
    expect(await violations("env-no-secret-literals", [withEnv(["PGPASSWORD=real", "PGPASSWORD=literal"], "PGPASSWORD")])).toHaveLength(2);
    expect(await violations("env-no-secret-literals", [withEnv(["DATABASE_URL=redis://:a@r", "DATABASE_URL=redis://:b@r"], "DATABASE_URL")])).toHaveLength(2);
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
  test("allowedNames lets a secret-looking name through, but its value is still checked", async () => {
    const config = { "env-no-secret-literals": { allowedNames: ["STRIPE_PUBLISHABLE_KEY"] } };
    expect(await violations("env-no-secret-literals", [withEnv(["STRIPE_PUBLISHABLE_KEY=pk_live_abc"], "")])).toHaveLength(1);
    expect(await violations("env-no-secret-literals", [withEnv(["STRIPE_PUBLISHABLE_KEY=pk_live_abc"], "")], config)).toEqual([]);
    expect(await violations("env-no-secret-literals", [withEnv(["STRIPE_PUBLISHABLE_KEY=https://x/?token=abc"], "")], config)).toHaveLength(1);
  });
  test("an env list unknown at preview (a secret from another resource) gets the engine's advisory, and runs for real at up", async () => {
    const r = await check([mutate(container(), "envs", UNKNOWN_ARRAY)]);
    expect(of(r, "env-no-secret-literals")).toEqual([expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringMatching(/can't run policy .* during preview/) })]);
  });
});

describe("env-no-secret-arguments", () => {
  const withCommand = (command: unknown, entrypoints?: unknown) => {
    const c = ofService(mutate(container("redis-1"), "command", command), "redis");
    return entrypoints === undefined ? c : mutate(c, "entrypoints", entrypoints);
  };
  test("the shipped redis command and healthcheck, which reference \"$REDIS_PASSWORD\", pass", async () => {
    const c = mutate(withCommand(["sh", "-c", 'exec redis-server --appendonly yes --requirepass "$REDIS_PASSWORD"']), "healthcheck.tests", ["CMD-SHELL", 'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG']);
    expect(await violations("env-no-secret-arguments", [c])).toEqual([]);
  });
  test("a literal --requirepass is reported at its command element, with how to reference a secretEnv variable", async () => {
    const v = await violations("env-no-secret-arguments", [withCommand(["redis-server", "--appendonly", "yes", "--requirepass", "hunter2"])]);
    expect(v).toEqual([expect.stringContaining(
      "mandatory redis-1: services.redis.command[4] (command[4]) passes a literal secret to redis-server --requirepass; set it from a secret instead: pulumi config set --secret redisPassword '<value>' and set services.redis.secretEnv.REDIS_PASSWORD: redisPassword, and pass \"$REDIS_PASSWORD\" in its place",
    )]);
    expect(v[0]).not.toMatch(/hunter2/);
  });
  test("PASSWORD=x inside sh -c is reported at the script, and the message says to drop the assignment", async () => {
    const v = await violations("env-no-secret-arguments", [withCommand(["PASSWORD=hunter2 exec app"], ["sh", "-c"])]);
    expect(v).toEqual([expect.stringContaining("services.redis.command[0] (command[0]) sets PASSWORD to a literal secret in a shell command; set it from a secret instead: pulumi config set --secret password '<value>' and set services.redis.secretEnv.PASSWORD: password, and drop the assignment")]);
  });
  test("the entrypoint's own arguments are named as entrypoint keys", async () => {
    const v = await violations("env-no-secret-arguments", [withCommand(["ping"], ["redis-cli", "-a", "hunter2"])]);
    expect(v).toEqual([expect.stringContaining("services.redis.entrypoint[2] (entrypoints[2]) passes a literal secret to redis-cli -a")]);
  });
  test("a healthcheck's literal password is reported at its test element", async () => {
    const c = mutate(withCommand(["redis-server"]), "healthcheck.tests", ["CMD", "mysqladmin", "ping", "-uroot", "-phunter2"]);
    expect(await violations("env-no-secret-arguments", [c])).toEqual([expect.stringContaining("services.redis.healthcheck.test[4] (healthcheck.tests[4]) passes a literal secret to mysqladmin -p")]);
    const shell = mutate(withCommand(["redis-server"]), "healthcheck.tests", ["CMD-SHELL", "redis-cli -a hunter2 ping"]);
    expect(await violations("env-no-secret-arguments", [shell])).toEqual([expect.stringContaining("services.redis.healthcheck.test[1] (healthcheck.tests[1]) passes a literal secret to redis-cli -a")]);
  });
  test("a container with no command, entrypoint or healthcheck passes", async () => {
    expect(await violations("env-no-secret-arguments", [mutate(container(), "healthcheck", undefined)])).toEqual([]);
  });
  test("a command unknown at preview gets the engine's advisory, and runs for real at up", async () => {
    const r = await check([mutate(container(), "command", UNKNOWN_ARRAY)]);
    expect(of(r, "env-no-secret-arguments")).toEqual([expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringMatching(/can't run policy .* during preview/) })]);
  });
  test("an element unknown at preview is left to the run at up (the engine's advisory), not passed", async () => {
    const r = await check([withCommand(["redis-server", "--requirepass", UNKNOWN_STRING])]);
    expect(of(r, "env-no-secret-arguments")).toEqual([expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringMatching(/can't run policy .* during preview/) })]);
  });
});

describe("env-no-tls-disabling", () => {
  test.each([
    "NODE_TLS_REJECT_UNAUTHORIZED=0", "GIT_SSL_NO_VERIFY=1", "GIT_SSL_NO_VERIFY=", "PYTHONHTTPSVERIFY=0", "NPM_CONFIG_STRICT_SSL=false",
    "npm_config_strict_ssl=false", "PIP_TRUSTED_HOST=pypi.org", "CURL_CA_BUNDLE=", "REQUESTS_CA_BUNDLE=", "SSL_CERT_FILE=/dev/null", "GOINSECURE=*", "GOSUMDB=off",
  ])("%s fails", async (entry) => {
    expect(await violations("env-no-tls-disabling", [withEnv([entry], "")])).toEqual([expect.stringMatching(/switches off TLS verification/)]);
  });
  test("the message names the config key", async () => {
    expect(await violations("env-no-tls-disabling", [ofService(withEnv(["NODE_ENV=production", "NODE_TLS_REJECT_UNAUTHORIZED=0"], ""))])).toEqual([
      expect.stringContaining('services.agent.env.NODE_TLS_REJECT_UNAUTHORIZED (envs[1]) is "0", which switches off TLS verification'),
    ]);
  });
  test.each(["NODE_TLS_REJECT_UNAUTHORIZED=1", "PYTHONHTTPSVERIFY=1", "NPM_CONFIG_STRICT_SSL=true", "SSL_CERT_FILE=/etc/ssl/certs/ca.pem", "NODE_EXTRA_CA_CERTS=/ca.pem", "REQUESTS_CA_BUNDLE=/ca.pem"])(
    "%s passes", async (entry) => {
      expect(await violations("env-no-tls-disabling", [withEnv([entry], "")])).toEqual([]);
    },
  );
});
