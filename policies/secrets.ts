/**
 * Telling secrets from ordinary text, for the env rules (policies/env.ts): secret-looking names, credentials inside
 * values (URLs, webhook URLs, well-known token formats) and literal secrets in command lines. Pure functions over
 * strings; no policy plumbing, so they are unit-tested on their own.
 *
 * Every finding carries a redacted form of what was found: messages must never echo the secret itself.
 */

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

/**
 * Words of an env or option name, upper-cased: split on `_ - .` (and any other non-alphanumeric) and on camelCase
 * boundaries, so `apiToken`, `APIKey`, `API_TOKEN` and `--api-token` all give [API, TOKEN|KEY].
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase());
}

/**
 * Words that name a secret. Plural TOKENS is left out on purpose: in agent containers it counts LLM tokens
 * (MAX_TOKENS, MAX_NEW_TOKENS, CONTEXT_TOKENS); a list of API tokens is rare and still caught by its value when it is
 * a URL or a known token format.
 */
const SECRET_WORDS = new Set([
  "SECRET", "SECRETS", "PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "PASS", "PWD", "PW", "TOKEN", "KEY", "KEYS",
  "APIKEY", "AUTHKEY", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY", "CREDENTIAL", "CREDENTIALS", "CREDS", "BEARER", "JWT",
  // redis-server's own option names (--requirepass, --masterauth), which read as one word
  "REQUIREPASS", "MASTERAUTH",
]);

/** Glued forms (PGPASSWORD, MYSQLPASSWORD, GHTOKEN, CLIENTSECRET, TS_AUTHKEY): a word that ends with one of these. */
const GLUED_SECRET_ENDINGS = ["PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "SECRET", "APIKEY", "AUTHKEY"];

/** Secret only as the last word (REDIS_AUTH, BASIC_AUTH), since AUTH_URL, AUTH_MODE, AUTH_PROVIDER... are settings. */
const SECRET_AS_LAST_WORD = new Set(["AUTH"]);

/**
 * A word AFTER the last secret word that says the value is about the secret, not the secret: its size, a limit,
 * where it lives, its name or id, when it expires, whether it is on. PASSWORD_MIN_LENGTH, TOKEN_LIMIT,
 * CACHE_KEY_PREFIX, SECRET_KEY_FILE, TOKEN_URL, JWT_EXPIRY. KEY_ID and ACCESS_KEY_ID name a key without being it
 * (AWS documents the access key id as an identifier; the secret is the secret access key).
 * A trailing word that is not listed (SECRET_KEY_BASE, PASSWORD_HASH, TOKEN_B64) keeps the name secret.
 */
const DESCRIBES_NOT_THE_SECRET = new Set([
  "MIN", "MAX", "LENGTH", "LEN", "LIMIT", "LIMITS", "SIZE", "BITS", "COUNT", "NUM", "NUMBER", "ROUNDS", "ITERATIONS", "RATE", "BUDGET",
  "PREFIX", "SUFFIX", "ID", "IDS", "NAME", "NAMES", "TYPE", "KIND", "FORMAT", "ALGORITHM", "ALG", "HEADER", "FIELD", "PARAM", "PATTERN",
  "FILE", "FILES", "PATH", "DIR", "DIRECTORY", "URL", "URI", "ENDPOINT", "HOST", "HOSTNAME", "PORT", "LOCATION", "REGION", "STDIN", "ENV", "VAR", "COMMAND", "CMD",
  "TTL", "EXPIRY", "EXPIRES", "EXPIRATION", "LIFETIME", "TIMEOUT", "DURATION", "INTERVAL", "AGE",
  "ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "MODE", "POLICY", "STRATEGY", "ROTATION", "VERSION", "ISSUER", "AUDIENCE",
]);

/** A word right BEFORE the secret word that makes it a count or bound: MAX_TOKEN_..., MIN_PASSWORD_... */
const COUNTS = new Set(["MAX", "MIN", "NUM"]);

/** Kinds of key that are not secrets: PUBLIC_KEY, CACHE_KEY, SORT_KEY, PARTITION_KEY, PRIMARY_KEY... */
const NON_SECRET_KEY_KINDS = new Set(["PUBLIC", "PUB", "CACHE", "SORT", "PARTITION", "PRIMARY", "FOREIGN", "ROUTING", "SHARD", "HASH", "RANGE", "IDEMPOTENCY", "LOOKUP"]);
const KEY_WORDS = new Set(["KEY", "KEYS"]);

function isSecretWord(word: string, last: boolean): boolean {
  return SECRET_WORDS.has(word) || GLUED_SECRET_ENDINGS.some((e) => word.length > e.length && word.endsWith(e)) || (last && SECRET_AS_LAST_WORD.has(word));
}

/**
 * Whether a name (env variable, command-line option, query parameter, header) says its value is a secret. Word-based:
 * API_TOKEN, GITHUB_TOKEN, DB_PASSWORD, PGPASSWORD, AWS_SECRET_ACCESS_KEY, PRIVATE_KEY are; MAX_TOKENS,
 * TOKENIZERS_PARALLELISM, CACHE_KEY_PREFIX, PASSWORD_MIN_LENGTH, TOKEN_LIMIT, KEY_ID, PUBLIC_KEY are not.
 */
export function looksSecret(name: string): boolean {
  const words = nameWords(name);
  let last = -1;
  words.forEach((w, i) => {
    if (isSecretWord(w, i === words.length - 1)) last = i;
  });
  if (last < 0) return false;
  if (words.slice(last + 1).some((w) => DESCRIBES_NOT_THE_SECRET.has(w))) return false;
  const before = words[last - 1];
  if (before !== undefined && COUNTS.has(before)) return false;
  if (before !== undefined && KEY_WORDS.has(words[last]) && NON_SECRET_KEY_KINDS.has(before)) return false;
  return true;
}

/** Values that cannot be the secret itself: empty, a `$VAR` / `${VAR}` reference, or an absolute path (`/run/secrets/x`). */
export function isReference(value: string): boolean {
  const v = value.trim();
  return v === "" || /^\$\{[^}]+\}$/.test(v) || /^\$[A-Z_][A-Z0-9_]*$/i.test(v) || v.startsWith("/");
}

/** `DATABASE_URL` -> `databaseUrl`: the secret config key a message proposes for an env name. */
export function configKeyFor(envName: string): string {
  const words = nameWords(envName).map((w) => w.toLowerCase());
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("") || "secretValue";
}

// ---------------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------------

export interface Finding {
  /** What was found, for a message: "a password inside a URL", "a Slack webhook URL (its path is the token)". */
  what: string;
  /** The finding with the secret replaced by ***: `postgres://app:***@db`. */
  redacted: string;
}

const REDACTED = "***";

/**
 * shoutrrr notification URLs (the backup sidecar's and many tools' notification format): each of these schemes
 * carries its service's token or password somewhere in the URL (`slack://token@channel`, `discord://token@id`,
 * `telegram://token@telegram?chats=...`, `gotify://host/token`), so the whole URL is a credential.
 */
const NOTIFICATION_SCHEMES = new Set([
  "slack", "discord", "telegram", "teams", "pushover", "pushbullet", "gotify", "rocketchat", "mattermost", "zulip", "matrix",
  "ifttt", "join", "opsgenie", "googlechat", "bark", "ntfy", "lark", "signal", "wecom",
]);

/** Query parameters that carry a credential beyond the secret-looking names: signed URLs (Azure SAS, S3 presigned). */
const SECRET_QUERY_PARAMS = new Set(["SIG", "SIGNATURE", "X_AMZ_SIGNATURE", "X_GOOG_SIGNATURE", "AUTH"]);

/** Webhook hosts whose URL path is the credential (anyone who has the URL can post). */
const PATH_TOKEN_WEBHOOKS: { what: string; matches: (u: URL) => boolean }[] = [
  { what: "a Slack webhook URL", matches: (u) => u.hostname === "hooks.slack.com" && /^\/(services|workflows|triggers)\/./.test(u.pathname) },
  { what: "a Discord webhook URL", matches: (u) => /(^|\.)discord(app)?\.com$/.test(u.hostname) && /\/api\/(v\d+\/)?webhooks\/\d+\/./.test(u.pathname) },
  { what: "a Microsoft Teams webhook URL", matches: (u) => /(^|\.)webhook\.office\.com$/.test(u.hostname) || (u.hostname === "outlook.office.com" && u.pathname.startsWith("/webhook")) },
  { what: "a Telegram bot URL", matches: (u) => u.hostname === "api.telegram.org" && /^\/bot[^/]+/.test(u.pathname) },
  // the public ntfy server: the topic is the only thing between the URL and anyone who wants to read or post
  { what: "an ntfy topic URL", matches: (u) => u.hostname === "ntfy.sh" && u.pathname.length > 1 },
  { what: "a healthchecks.io ping URL", matches: (u) => /^(hc-ping\.com|hchk\.io)$/.test(u.hostname) && u.pathname.length > 1 },
  // Mattermost, Rocket.Chat and similar self-hosted incoming webhooks: /hooks/<generated key>
  { what: "an incoming webhook URL", matches: (u) => /\/hooks\/[A-Za-z0-9_-]{16,}/.test(u.pathname) },
];

/**
 * Token formats with a fixed, documented prefix, found anywhere in a value whatever its name (gitleaks and GitHub
 * secret scanning match the same prefixes). Kept to formats whose prefix cannot be ordinary text.
 */
const TOKEN_FORMATS: { what: string; pattern: RegExp; keep: number }[] = [
  { what: "a GitHub token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/, keep: 4 },
  { what: "a GitLab token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, keep: 6 },
  { what: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, keep: 5 },
  { what: "an API key (sk-...)", pattern: /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}/, keep: 3 },
  { what: "a Hugging Face token", pattern: /\bhf_[A-Za-z0-9]{30,}/, keep: 3 },
  { what: "an npm token", pattern: /\bnpm_[A-Za-z0-9]{36,}/, keep: 4 },
  { what: "a Tailscale key", pattern: /\btskey-[a-z]+-[A-Za-z0-9-]{10,}/, keep: 6 },
  { what: "a Stripe secret key", pattern: /\b[rs]k_live_[A-Za-z0-9]{16,}/, keep: 8 },
  { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, keep: 0 },
];

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A URL part that is not a secret: empty, or only a `$VAR` / `${VAR}` reference expanded later. */
function isPlaceholder(part: string): boolean {
  const v = decode(part).trim();
  return v === "" || /^\$\{[^}]+\}$/.test(v) || /^\$[A-Z_][A-Z0-9_]*$/i.test(v);
}

/** `scheme://host`, spelled the same for special (https) and non-special (redis, postgres) schemes. */
function hostPart(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/** A credential carried by one URL, if any. Parsed with the WHATWG URL parser, so percent-encoding is handled. */
export function credentialInUrl(text: string): Finding | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.replace(/:$/, "").toLowerCase();
  if (u.password && !isPlaceholder(u.password)) {
    return { what: "a password inside a URL", redacted: `${u.protocol}//${u.username}:${REDACTED}@${u.host}` };
  }
  if (NOTIFICATION_SCHEMES.has(scheme)) {
    return { what: `a ${scheme}:// notification URL (shoutrrr format), which carries its token`, redacted: `${u.protocol}//${REDACTED}` };
  }
  for (const hook of PATH_TOKEN_WEBHOOKS) {
    if (hook.matches(u)) return { what: `${hook.what}, whose path is its token`, redacted: `${hostPart(u)}/${REDACTED}` };
  }
  for (const [name, value] of u.searchParams) {
    const n = nameWords(name).join("_");
    if ((looksSecret(name) || SECRET_QUERY_PARAMS.has(n)) && !isPlaceholder(value)) {
      return { what: `a credential in the URL's ?${name}= parameter`, redacted: `${hostPart(u)}${u.pathname}?${name}=${REDACTED}` };
    }
  }
  return undefined;
}

/** URLs inside a value: the whole value, or several (a comma- or space-separated list, a JDBC string). */
const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>,;]+/g;

/** A credential anywhere in a value: in a URL it contains, or a token of a known format. */
export function credentialInValue(value: string): Finding | undefined {
  for (const m of value.matchAll(URL_IN_TEXT)) {
    const found = credentialInUrl(m[0]);
    if (found) return found;
  }
  for (const t of TOKEN_FORMATS) {
    const m = t.pattern.exec(value);
    if (m) return { what: t.what, redacted: `${m[0].slice(0, t.keep)}${REDACTED}` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Command lines
// ---------------------------------------------------------------------------------------------------------------

/** One word of a command line; `dynamic` when the shell expands part of it (`$VAR`, `${VAR}`, `$(...)`, backticks). */
export interface Word {
  text: string;
  dynamic: boolean;
}

/**
 * Splits a POSIX shell script into simple commands of words, the way sh reads quotes: '...' is literal, "..."
 * expands $ and `, \ escapes. Operators (; & | && || newline and parentheses) end a command, so the commands of
 * `a && b | c` and of `$(...)` are checked one by one. No library for this is among the project's dependencies; a
 * full shell grammar is not needed to find `NAME=value` and `--flag value` pairs, and this errs towards splitting
 * more (an unclosed quote runs to the end).
 */
export function shellCommands(script: string): Word[][] {
  const commands: Word[][] = [];
  let words: Word[] = [];
  let text = "";
  let dynamic = false;
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push({ text, dynamic });
    text = "";
    dynamic = false;
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "\\") {
      if (i + 1 < script.length && script[i + 1] !== "\n") {
        text += script[i + 1];
        inWord = true;
      }
      i++;
    } else if (c === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close < 0 ? script.length : close;
      text += script.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < script.length && script[i] !== '"'; i++) {
        if (script[i] === "\\" && '"\\$`\n'.includes(script[i + 1] ?? "")) {
          i++;
          if (script[i] !== "\n") text += script[i];
          continue;
        }
        if (script[i] === "$" || script[i] === "`") dynamic = true;
        text += script[i];
      }
    } else if (c === "$" || c === "`") {
      dynamic = true;
      text += c;
      inWord = true;
    } else if (c === "#" && !inWord) {
      const nl = script.indexOf("\n", i);
      i = nl < 0 ? script.length : nl - 1;
    } else if (c === "\n" || c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
      endCommand();
    } else if (/\s/.test(c) || c === "<" || c === ">") {
      endWord();
    } else {
      text += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"]);

function basename(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

/** Words before the program that do not name it: shell keywords and wrappers that run the next word. */
const KEYWORDS = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "exec", "command", "builtin", "nohup", "time"]);
/** Wrappers with one operand before the program (`gosu user cmd`, `timeout 5 cmd`). */
const WRAPPERS_WITH_OPERAND = new Set(["gosu", "su-exec", "timeout", "chroot"]);
/** Builtins whose operands are assignments (`export TOKEN=x`). */
const DECLARERS = new Set(["export", "readonly", "declare", "local", "typeset", "env"]);

export interface ArgumentFinding {
  /** Index of the argv element (exec form) that holds the secret, or the script that does. */
  element: number;
  /** An assignment (`PASSWORD=x cmd`, `export TOKEN=x`) or an argument of a program. */
  kind: "assignment" | "argument";
  /** What the secret was given to: `redis-server --requirepass`, `mysql -p`; for an assignment, the variable. */
  what: string;
  /** The env var the message proposes to set from secretEnv (the assigned name, or the tool's own variable). */
  suggestedVar: string;
}

/**
 * A command-line value that is not a literal secret: a reference, a path or file name (`--key tls.key`), or openssl's
 * env:/file:. A `/` alone does not make a path: base64 passwords contain it.
 */
function argIsNotSecret(w: Word): boolean {
  const v = w.text.trim();
  return w.dynamic || isReference(v) || /^(env|file|fd):/.test(v) || v === "stdin" || /^(\.{1,2}|~)\//.test(v) || /\.(pem|key|crt|cert|p12|pfx|jks|json|txt|gpg|asc)$/i.test(v);
}

/** Short options that take a password, per tool (long `--password`-like options are found by name for any tool). */
const MYSQL = ["mysql", "mysqladmin", "mysqldump", "mysqlcheck", "mysqlimport", "mysqlshow", "mysqlpump", "mariadb", "mariadb-admin", "mariadb-dump", "mariadb-check", "mariadb-import", "mariadb-show"];
const MONGO = ["mongosh", "mongo", "mongodump", "mongorestore", "mongoexport", "mongoimport", "mongostat", "mongotop", "mongofiles"];
const LDAP = ["ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapwhoami", "ldappasswd", "ldapcompare", "ldapmodrdn"];
const CONTAINER_LOGIN = ["docker", "podman", "nerdctl", "buildah", "skopeo", "helm"];
const SHORT_PASSWORD_FLAGS: Record<string, string> = Object.fromEntries([
  ...MYSQL.map((t) => [t, "-p"]), ...MONGO.map((t) => [t, "-p"]), ...LDAP.map((t) => [t, "-w"]), ...CONTAINER_LOGIN.map((t) => [t, "-p"]),
  ["redis-cli", "-a"], ["sshpass", "-p"], ["mosquitto_pub", "-P"], ["mosquitto_sub", "-P"], ["mosquitto_rr", "-P"],
]);

/** Environment variables that tools read their password from, so no flag is needed at all. */
function nativePasswordVar(tool: string): string | undefined {
  if (MYSQL.includes(tool)) return "MYSQL_PWD";
  if (/^(psql|pg_dump|pg_dumpall|pg_restore|pg_isready|pgbench|createdb|dropdb)$/.test(tool)) return "PGPASSWORD";
  return ({ "redis-cli": "REDISCLI_AUTH", sshpass: "SSHPASS" } as Record<string, string>)[tool];
}

function stemOf(tool: string): string {
  if (MYSQL.includes(tool)) return "MYSQL";
  if (MONGO.includes(tool)) return "MONGO";
  return (tool.split(/[-_.]/)[0] || "APP").toUpperCase().replace(/[^A-Z0-9]/g, "") || "APP";
}

function suggestVar(tool: string, option: string): string {
  const native = nativePasswordVar(tool);
  if (native) return native;
  const kind = /TOKEN|KEY|SECRET|BEARER/.test(nameWords(option).join("_")) ? "TOKEN" : "PASSWORD";
  return `${stemOf(tool)}_${kind}`;
}

/** Secrets passed by one simple command (its words; `element` is the argv index they came from). */
function secretsInCommand(words: Word[], element: (i: number) => number): ArgumentFinding[] {
  const found: ArgumentFinding[] = [];
  const add = (i: number, what: string, suggestedVar: string, kind: ArgumentFinding["kind"] = "argument") => found.push({ element: element(i), kind, what: what.trim(), suggestedVar });
  let i = 0;
  // Leading assignments and declarations: PASSWORD=x cmd, export TOKEN=x, env API_KEY=x cmd
  for (; i < words.length; i++) {
    const w = words[i];
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.text);
    if (assignment) {
      const [, name, value] = assignment;
      if (looksSecret(name) && !argIsNotSecret({ text: value, dynamic: w.dynamic })) add(i, name, name, "assignment");
    } else if (!(KEYWORDS.has(w.text) || DECLARERS.has(w.text) || (w.text.startsWith("-") && i > 0 && DECLARERS.has(words[i - 1].text)))) {
      break;
    }
  }
  // The program, past wrappers that run the next word
  while (i < words.length && WRAPPERS_WITH_OPERAND.has(basename(words[i].text))) {
    i++;
    while (i < words.length && words[i].text.startsWith("-")) i++;
    i++;
  }
  if (i >= words.length) return found;
  // A first word that is an option goes to the image's entrypoint (`command: [--requirepass, x]` on redis)
  const programGiven = !words[i].text.startsWith("-");
  const tool = programGiven ? basename(words[i].text) : "";
  const first = programGiven ? i + 1 : i;
  const args = words.slice(first);
  const at = (j: number) => first + j;
  const positionals: number[] = [];
  let htpasswdBatch = false;
  for (let j = 0; j < args.length; j++) {
    const w = args[j];
    const next = args[j + 1];
    const nextIsValue = next !== undefined && !next.text.startsWith("-");
    // --name=value, -Dname=value, and KEY=VALUE pairs inside one word (libpq conninfo "host=db password=x")
    let pairFound = false;
    for (const piece of w.text.split(/\s+/)) {
      const pair = /^-{0,2}([A-Za-z][\w.-]*)=(.*)$/s.exec(piece);
      if (pair && looksSecret(pair[1]) && !argIsNotSecret({ text: pair[2], dynamic: w.dynamic })) {
        add(at(j), `${tool} ${piece.slice(0, piece.indexOf("=") + 1)}...`, suggestVar(tool, pair[1]));
        pairFound = true;
        break;
      }
    }
    if (pairFound) continue;
    // Authorization and other secret headers (curl -H, wget --header): "Authorization: Bearer x", "X-Api-Key: x"
    const header = /^([A-Za-z0-9-]+):\s*(?:(?:bearer|basic|token)\s+)?(\S.*)$/is.exec(w.text);
    if (header && (/^(proxy-)?authorization$/i.test(header[1]) || looksSecret(header[1])) && !argIsNotSecret({ text: header[2], dynamic: w.dynamic })) {
      add(at(j), `${tool} header ${header[1]}`, suggestVar(tool, "token"));
      continue;
    }
    // openssl's pass-phrase argument: -pass pass:x, -passin pass:x
    if (/^pass:./.test(w.text) && !w.dynamic) {
      add(at(j), `${tool} pass:`, suggestVar(tool, "passphrase"));
      continue;
    }
    const credential = credentialInValue(w.text);
    if (credential && !w.dynamic) {
      add(at(j), `${tool} (${credential.what})`, suggestVar(tool, "password"));
      continue;
    }
    // --password x, --requirepass x, --token x, -password x (influx): a secret-looking option and its value
    const long = /^--?([A-Za-z][\w.-]+)$/.exec(w.text);
    if (long && long[1].length > 1 && !/^no[-_]/i.test(long[1]) && looksSecret(long[1]) && nextIsValue) {
      if (!argIsNotSecret(next)) add(at(j + 1), `${tool} ${w.text}`, suggestVar(tool, long[1]));
      j++;
      continue;
    }
    // Tool-specific short options: mysql -pX / -p X, redis-cli -a X, mongosh -p X, ldapsearch -w X, docker login -p X
    // (docker -p is a port everywhere but in `docker login`)
    const flag = CONTAINER_LOGIN.includes(tool) && !args.some((a) => a.text === "login") ? undefined : SHORT_PASSWORD_FLAGS[tool];
    if (flag && w.text.startsWith(flag)) {
      const glued = w.text.slice(flag.length);
      if (glued !== "") {
        if (!argIsNotSecret({ text: glued, dynamic: w.dynamic })) add(at(j), `${tool} ${flag}`, suggestVar(tool, "password"));
      } else if (nextIsValue) {
        if (!argIsNotSecret(next)) add(at(j + 1), `${tool} ${flag}`, suggestVar(tool, "password"));
        j++;
      }
      continue;
    }
    // curl -u user:password, --user, --proxy-user, -U
    if (tool === "curl" && /^(-u|-U|--user|--proxy-user)/.test(w.text)) {
      const glued = /^(-u|-U)(.+)$/.exec(w.text)?.[2] ?? /^--(proxy-)?user=(.*)$/.exec(w.text)?.[2];
      const value = glued !== undefined ? { text: glued, dynamic: w.dynamic } : next;
      const index = glued !== undefined ? j : j + 1;
      const password = value?.text.includes(":") ? value.text.slice(value.text.indexOf(":") + 1) : "";
      if (value && password !== "" && !argIsNotSecret({ text: password, dynamic: value.dynamic })) add(at(index), `curl ${w.text.startsWith("--") ? w.text.replace(/=.*$/, "") : w.text.slice(0, 2)} user:password`, "CURL_PASSWORD");
      if (glued === undefined) j++;
      continue;
    }
    if (tool === "htpasswd" && /^-[A-Za-z0-9]+$/.test(w.text)) {
      if (w.text.includes("b")) htpasswdBatch = true;
      if (/^-[BC]$/.test(w.text) && /^\d+$/.test(next?.text ?? "")) j++;
      continue;
    }
    if (!w.text.startsWith("-")) positionals.push(j);
  }
  // htpasswd -b file user password, htpasswd -nb user password: the last operand is the password
  if (tool === "htpasswd" && htpasswdBatch && positionals.length >= 2) {
    const last = positionals[positionals.length - 1];
    if (!argIsNotSecret(args[last])) add(at(last), "htpasswd -b", "HTPASSWD_PASSWORD");
  }
  return found;
}

/**
 * Literal secrets in one argv (exec form: `command`, `entrypoint` + `command`, a `CMD` healthcheck). A shell's
 * `-c` script (`sh -c '...'`, `bash -ec '...'`) is split and each of its commands checked, as is a `CMD-SHELL`
 * healthcheck's script (pass `shellFrom: 1`).
 */
export function secretsInArgv(argv: string[], shellFrom?: number): ArgumentFinding[] {
  if (shellFrom !== undefined) {
    return argv.slice(shellFrom).flatMap((script, k) => shellCommands(script).flatMap((words) => secretsInCommand(words, () => shellFrom + k)));
  }
  const found: ArgumentFinding[] = [];
  // The shell and its -c script, wherever they are (after gosu, su-exec, tini --, ...)
  const shellAt = argv.findIndex((a, i) => SHELLS.has(basename(a)) && argv.slice(i + 1).some((o) => /^-[a-z]*c[a-z]*$/.test(o)));
  const exec = shellAt >= 0 ? argv.slice(0, shellAt + 1) : argv;
  found.push(...secretsInCommand(exec.map((text) => ({ text, dynamic: /^\$\{?[A-Za-z_]/.test(text) })), (i) => i));
  if (shellAt >= 0) {
    let k = shellAt + 1;
    while (k < argv.length && argv[k].startsWith("-") && !/^-[a-z]*c[a-z]*$/.test(argv[k])) k++;
    const script = k + 1;
    if (script < argv.length) found.push(...shellCommands(argv[script]).flatMap((words) => secretsInCommand(words, () => script)));
  }
  return found;
}
