import type * as Sarif from "sarif";
import { LineCounter, Node as YamlNode, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { keyOfMessage, keySegments } from "../lib/configKeys";
import { parseContainerLabels } from "../lib/labels";
import { withoutExpiredNote } from "../policies/expiry";
import { CheckError, CheckResult, ConfiguredExemption } from "./checkReport";
import { redactDeep } from "./stackRun";

/**
 * `npm run check -- --format sarif`: the check as SARIF 2.1.0, for GitHub code scanning (and any SARIF viewer).
 * Pure: the caller hands in the result, the rules and the texts of the stack file and the policy config.
 *
 * One run, tool.driver = the pack. Rules: every policy (id = policy name, level from its enforcement as this
 * stack's policy config resolves it), plus two of the check's own: `minidock-config` for a config the rules
 * could not run on, and `minidock-exemptions` for exemptions past or near their date or matching nothing.
 * Every result points at a line: the config key its message starts with (lib/configKeys.ts keyOfMessage),
 * found in the stack file through the `yaml` library's source ranges; when the key itself is not written there
 * (an unset `bind`, a default), its nearest written ancestor (`ports[0]`, the service), and at worst `config:`.
 * A violation without a key falls back to its container's service (the minidock.config-key label). Exemption
 * results point into the policy config, whose JSON is YAML too.
 */
export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const CONFIG_RULE = "minidock-config";
export const EXEMPTIONS_RULE = "minidock-exemptions";
/** Where relative artifact URIs start: the repository root, which is the project directory. */
export const SRCROOT = "SRCROOT";

/** A rule as the pack declares it and this stack's policy config sets its level. */
export interface SarifRule {
  name: string;
  description: string;
  /** "mandatory" | "advisory" | "remediate" | "disabled" */
  enforcementLevel: string;
}

export interface SarifFile {
  /** Path relative to the project directory, `/`-separated (a URI reference under SRCROOT), or an absolute `file:` URI. */
  uri: string;
  text: string;
}

export interface SarifInput {
  result: CheckResult;
  rules: SarifRule[];
  stackFile: SarifFile;
  policyConfigFile: SarifFile;
  /** Where the policies are documented (absolute URI): tool.driver.informationUri and each rule's helpUri. */
  informationUri: string;
}

/** mandatory fails a deploy: error; advisory only warns. remediate is reported as mandatory (nothing is changed offline). */
export function sarifLevel(enforcementLevel: string): Sarif.Result.level {
  if (enforcementLevel === "mandatory" || enforcementLevel === "remediate") return "error";
  if (enforcementLevel === "disabled") return "none";
  return "warning";
}

type Segment = string | number;

/**
 * Finds keys of one YAML (or JSON) text by path and answers the region of the deepest one written there.
 */
export class KeyLocator {
  private readonly lines = new LineCounter();
  private readonly contents: YamlNode | null;

  constructor(text: string) {
    const doc = parseDocument(text, { lineCounter: this.lines, keepSourceTokens: false });
    this.contents = doc.errors.length > 0 ? null : (doc.contents as YamlNode | null);
  }

  /** Whether every key of `path` is written in the text. */
  has(path: Segment[]): boolean {
    return this.walk(path).depth === path.length;
  }

  /** Region of the deepest node along `path` that exists; the top of the file when not even the first does. */
  locate(path: Segment[]): Sarif.Region {
    const { found } = this.walk(path);
    if (!found) return { startLine: 1, startColumn: 1 };
    const start = this.lines.linePos(found[0]);
    const end = this.lines.linePos(found[1]);
    const region: Sarif.Region = { startLine: start.line, startColumn: start.col };
    if (found[1] > found[0]) Object.assign(region, { endLine: end.line, endColumn: end.col });
    return region;
  }

  /** Follows `path` as far as the text has it: how many segments were found, and the source range of the last. */
  private walk(path: Segment[]): { depth: number; found?: [number, number] } {
    let node: unknown = this.contents;
    let found: [number, number] | undefined;
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair || !isScalar(pair.key) || !pair.key.range) break;
        found = [pair.key.range[0], pair.key.range[1]];
        node = pair.value;
      } else if (isSeq(node)) {
        const i = typeof seg === "number" ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
        const item = node.items[i] as YamlNode | undefined;
        if (!item?.range) break;
        // An item is as long as its block; point at where it starts.
        found = [item.range[0], item.range[0]];
        node = item;
      } else {
        break;
      }
      depth++;
    }
    return { depth, found };
  }
}

/**
 * `services.agent.ports[0].bind` -> the stack file path `config`, `minidock:services`, `agent`, `ports`, 0, `bind`.
 * The program's keys are under its namespace; Pulumi also reads an un-namespaced key as the project's, so a
 * file may spell it either way: the one present wins.
 */
export function stackFilePath(key: string, locator: KeyLocator): Segment[] {
  const [top, ...rest] = keySegments(key);
  const bare = ["config", String(top)];
  const namespaced = ["config", `minidock:${top}`];
  return [...(!locator.has(namespaced) && locator.has(bare) ? bare : namespaced), ...rest];
}

/** A relative URI is under SRCROOT; an absolute one (`file:///...`, a file outside the project) stands alone. */
const physical = (file: SarifFile, region: Sarif.Region): Sarif.Location => ({
  physicalLocation: { artifactLocation: /^[a-z][a-z0-9+.-]*:/i.test(file.uri) ? { uri: file.uri } : { uri: file.uri, uriBaseId: SRCROOT }, region },
});

/** The `minidock.config-key` label of a container resource (`services.agent`), if the program set one. */
function serviceKeyOfResource(r: CheckResult, urn: string | undefined): string | undefined {
  const res = urn ? r.resources.find((x) => x.urn === urn) : undefined;
  return res && parseContainerLabels(res.inputs.labels).configKey;
}

/** Index of a configured exemption in its policy's list, to point at it in the policy config. */
function exemptionPath(config: unknown, e: ConfiguredExemption): Segment[] {
  const list = (config as Record<string, { exemptions?: unknown }> | null)?.[e.policy]?.exemptions;
  const i = Array.isArray(list) ? list.findIndex((x) => (x as ConfiguredExemption)?.resource === e.resource && (x as ConfiguredExemption)?.reason === e.reason) : -1;
  return i >= 0 ? [e.policy, "exemptions", i, ...(e.expires !== undefined ? ["expires"] : [])] : [e.policy];
}

export function toSarif(input: SarifInput): Sarif.Log {
  const { result: r, stackFile, policyConfigFile } = input;
  const secrets = r.secretValues;
  const text = (s: string) => redactDeep(s, secrets) as string;
  const stackKeys = new KeyLocator(stackFile.text);
  const policyKeys = new KeyLocator(policyConfigFile.text);
  let policyConfig: unknown;
  try {
    policyConfig = JSON.parse(policyConfigFile.text);
  } catch {
    policyConfig = undefined;
  }
  const atStackKey = (key: string | undefined) => physical(stackFile, stackKeys.locate(key ? stackFilePath(key, stackKeys) : ["config"]));
  const atPolicyKey = (key: string | undefined) => physical(policyConfigFile, policyKeys.locate(key ? keySegments(key) : []));

  const rules: Sarif.ReportingDescriptor[] = [
    ...input.rules.map((p) => ({
      id: p.name,
      shortDescription: { text: p.description },
      helpUri: `${input.informationUri}#rules`,
      defaultConfiguration: { level: sarifLevel(p.enforcementLevel), enabled: p.enforcementLevel !== "disabled" },
      properties: { enforcementLevel: p.enforcementLevel },
    })),
    {
      id: CONFIG_RULE,
      shortDescription: { text: "The stack config and the policy config are valid, so the rules can run." },
      helpUri: `${input.informationUri}#offline-check`,
      defaultConfiguration: { level: "error" },
    },
    {
      id: EXEMPTIONS_RULE,
      shortDescription: { text: "Exemptions in the policy config apply to something and have not expired." },
      helpUri: `${input.informationUri}#exemptions`,
      defaultConfiguration: { level: "warning" },
    },
  ];
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const ruleRef = (id: string) => ({ ruleId: id, ruleIndex: ruleIndex.get(id) });

  const results: Sarif.Result[] = [];
  for (const e of r.errors) {
    const at = e.source === "stack-config" ? atStackKey(e.key) : atPolicyKey(e.key);
    results.push({ ...ruleRef(CONFIG_RULE), level: "error", message: { text: text(e.message) }, locations: [at] });
  }
  for (const v of r.violations) {
    const key = keyOfMessage(withoutExpiredNote(v.message)) ?? serviceKeyOfResource(r, v.resource);
    const location = atStackKey(key);
    if (v.resourceName || v.resource) {
      location.logicalLocations = [{ name: v.resourceName ?? v.resource, fullyQualifiedName: v.resource, kind: "resource" }];
    }
    results.push({
      ...ruleRef(v.policy),
      level: sarifLevel(v.enforcementLevel),
      message: { text: text(v.message) },
      locations: [location],
      properties: { enforcementLevel: v.enforcementLevel, ...(v.resource ? { resource: v.resource } : {}) },
    });
  }
  const housekeeping: [ConfiguredExemption[], Sarif.Result.level, (e: ConfiguredExemption) => string][] = [
    [r.exemptionsExpired, "warning", (e) => `exemption of "${e.resource}" from ${e.policy} expired on ${e.expires}: it no longer applies; fix what it exempted, or renew it with a new date and reason`],
    [r.exemptionsExpiringSoon, "note", (e) => `exemption of "${e.resource}" from ${e.policy} expires on ${e.expires} (within ${r.expiryNoticeDays} days)`],
    [r.exemptionsUnused, "warning", (e) => `exemption of "${e.resource}" from ${e.policy} matched nothing it suppressed (stale or misspelt?): remove it`],
  ];
  for (const [list, level, say] of housekeeping) {
    for (const e of list) {
      results.push({ ...ruleRef(EXEMPTIONS_RULE), level, message: { text: text(say(e)) }, locations: [physical(policyConfigFile, policyKeys.locate(exemptionPath(policyConfig, e)))] });
    }
  }

  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: r.pack.name,
            version: r.pack.version,
            semanticVersion: r.pack.version,
            informationUri: input.informationUri,
            rules,
          },
        },
        columnKind: "utf16CodeUnits",
        results,
        properties: { stack: r.stack },
      },
    ],
  };
}

/** The key a problem line starts with (`services.web.memoryMb: expected ...`, `hardening-x.exemptions[0].expires: ...`). */
export function keyOfProblem(source: CheckError["source"], message: string): string | undefined {
  if (source === "stack-config") return keyOfMessage(message);
  return /^([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+|\[\d+\])*):/.exec(message)?.[1];
}
