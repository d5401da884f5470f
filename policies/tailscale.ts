import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { MinidockPolicy, defineRule, forType, isUnknown, known, unknownMessage } from "./ruleKit";

/**
 * Rules over the tailnet policy file (`tailscale.Acl`'s `acl` input, HuJSON). The resource owns the WHOLE file, so
 * these rules judge what the tailnet will enforce, whoever wrote it: minidock's generator or a hand-edited stack.
 * Anchors: Adversis/tailsnitch CHECKS.md ids, Tailscale KB 1068 (policy syntax) / 1192 (SSH),
 * tailscale/gitops-acl-action (tests gate every apply).
 */
export const ACL_TYPE = "tailscale:index/acl:Acl";

/** Principals that mean "anyone on the tailnet" (or beyond): never a tag owner, auto-approver or SSH source in accept mode. */
export const BROAD = ["*", "autogroup:member", "autogroup:danger-all"];

type Json = Record<string, unknown>;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => asList(v).filter((x): x is string => typeof x === "string");
const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/** Parses the HuJSON policy file; reports and returns undefined when it is unknown at preview or unreadable. */
export function policyFileOf(props: Record<string, unknown>, report: ReportViolation): Json | undefined {
  const text = known(() => props.acl);
  if (isUnknown(text)) {
    report(unknownMessage("The policy file (acl)"));
    return undefined;
  }
  if (typeof text !== "string") {
    report(`acl must be the policy file as a JSON/HuJSON string, got ${typeof text}`);
    return undefined;
  }
  const errors: ParseError[] = [];
  const doc = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !isObject(doc)) {
    const first = errors[0];
    report(`acl is not a valid HuJSON object${first ? `: ${printParseErrorCode(first.error)} at offset ${first.offset}` : ""}`);
    return undefined;
  }
  return doc;
}

/**
 * Where a finding comes from in the user's terms. minidock writes the file from minidock:tailscale
 * (lib/platform/tailscale/acl.ts): grants[i] from tailscale.access[i], groups from tailscale.groups, the host tag's owners from
 * tailscale.tagOwners (the admin group by default), ssh rules from tailscale.ssh (reordered, check rules first, so
 * named by group), tests and sshTests from access and ssh. Messages start with that key, then the file's own path;
 * parts minidock never generates (acls, autoApprovers, nodeAttrs) keep the file's path alone.
 */
const key = (configKey: string, filePath: string) => `${configKey} (${filePath})`;

/** `tailscale.ssh (ssh.0, group admins)`: the config entry of an ssh rule, by its source group. */
function sshKey(rule: Json, i: number): string {
  const groups = strings(rule.src).filter((s) => s.startsWith("group:")).map((s) => s.slice("group:".length));
  return key("tailscale.ssh", `ssh.${i}${groups.length > 0 ? `, group ${groups.join(", ")}` : ""}`);
}

/** Every string value in the document (keys excluded), depth first. */
function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allStrings(x, out));
  else if (isObject(v)) Object.values(v).forEach((x) => allStrings(x, out));
  return out;
}

function aclRule(
  name: string,
  anchors: string[],
  description: string,
  check: (doc: Json, report: ReportViolation, args: ResourceValidationArgs) => void,
  enforcementLevel: "mandatory" | "advisory" = "mandatory",
): ResourceValidationPolicy {
  return defineRule("tailscale", anchors, {
    name,
    description,
    enforcementLevel,
    validateResource: forType(ACL_TYPE, (props, args, report) => {
      const doc = policyFileOf(props, report);
      if (doc) check(doc, report, args);
    }),
  });
}

export const noAllowAll = aclRule(
  "tailscale-no-allow-all",
  ["tailsnitch ACL-001", "Tailscale KB 1068"],
  "The tailnet policy file has no allow-all rule: no acls entry from * to *:*, no grant from * to * on ip *, and at least one of acls or grants (a file with neither allows everything).",
  (doc, report) => {
    if (!("acls" in doc) && !("grants" in doc)) {
      report(`${key("tailscale.access", "grants")}: the policy file has neither acls nor grants, which Tailscale treats as allow-all; add tailscale.access entries for what must be reachable`);
    }
    asList(doc.acls).forEach((a, i) => {
      const r = isObject(a) ? a : {};
      // Legacy files name the fields users/ports instead of src/dst.
      const src = [...strings(r.src), ...strings(r.users)];
      const dst = [...strings(r.dst), ...strings(r.ports)];
      if (src.includes("*") && dst.includes("*:*")) {
        report(`acls.${i}: allows every source to every port (src "*", dst "*:*"); grant groups access to tagged hosts and ports instead`);
      }
    });
    asList(doc.grants).forEach((g, i) => {
      const r = isObject(g) ? g : {};
      if (strings(r.src).includes("*") && strings(r.dst).includes("*") && strings(r.ip).includes("*")) {
        report(`${key(`tailscale.access[${i}]`, `grants.${i}`)}: allows every source to every destination on every port (src "*", dst "*", ip "*"); name groups, tags and ports instead`);
      }
    });
  },
);

export const testsPresent = aclRule(
  "tailscale-tests-present",
  ["tailsnitch ACL-003", "Tailscale KB 1068 (tests)", "tailscale/gitops-acl-action"],
  "The policy file has tests with accept AND deny cases (Tailscale refuses an update that fails them), and sshTests with allow and deny cases when it has ssh rules.",
  (doc, report) => {
    const tests = asList(doc.tests).filter(isObject);
    // minidock derives the tests from tailscale.access and tailscale.groups: no case means no access entry grants a port.
    const at = key("tailscale.access", "tests");
    if (!tests.some((t) => strings(t.accept).length > 0)) report(`${at}: no accept case; add a test that a group member reaches a granted port`);
    if (!tests.some((t) => strings(t.deny).length > 0)) report(`${at}: no deny case; add a test that a non-member is refused a port it must not reach`);
    if (asList(doc.ssh).length === 0) return;
    const sshTests = asList(doc.sshTests).filter(isObject);
    if (!sshTests.some((t) => strings(t.accept).length + strings(t.check).length > 0)) {
      report(`${key("tailscale.ssh", "sshTests")}: the file has ssh rules but no sshTests accept/check case`);
    }
    if (!sshTests.some((t) => strings(t.deny).length > 0)) report(`${key("tailscale.ssh", "sshTests")}: the file has ssh rules but no sshTests deny case`);
  },
);

/** `tag:name` at the start of a string, also inside `tag:name:443` destinations. */
const TAG_USE = /^(tag:[A-Za-z0-9-]+)/;

export const tagsOwned = aclRule(
  "tailscale-tags-owned",
  ["Tailscale KB 1068 (tagOwners)"],
  "Every tag used anywhere in the policy file (acls, grants, ssh, autoApprovers, tests, tag owners) has an entry in tagOwners.",
  (doc, report) => {
    const owned = new Set(Object.keys(isObject(doc.tagOwners) ? doc.tagOwners : {}));
    const used = new Set(allStrings(doc).map((s) => TAG_USE.exec(s)?.[1]).filter((t): t is string => !!t));
    for (const tag of used) {
      if (!owned.has(tag)) report(`${tag} is used but has no tagOwners entry; declare who may apply it (e.g. "${tag}": ["group:admins"])`);
    }
  },
);

export const tagOwnersNotBroad = aclRule(
  "tailscale-tag-owners-not-broad",
  ["tailsnitch ACL-006"],
  "No tag is owned by *, autogroup:member or autogroup:danger-all: any member could otherwise tag a device and inherit the tag's access.",
  (doc, report) => {
    for (const [tag, owners] of Object.entries(isObject(doc.tagOwners) ? doc.tagOwners : {})) {
      for (const o of strings(owners).filter((x) => BROAD.includes(x))) {
        report(`${key("tailscale.tagOwners", `tagOwners.${tag}`)}: owned by ${JSON.stringify(o)}, so anyone on the tailnet can apply it; name a group or autogroup:admin`);
      }
    }
  },
);

export const sshRootCheck = aclRule(
  "tailscale-ssh-root-check",
  ["tailsnitch SSH-002", "Tailscale KB 1192"],
  'SSH rules that allow root, or that come from a broad source (*, autogroup:member, autogroup:danger-all), use "action": "check".',
  (doc, report) => {
    asList(doc.ssh).forEach((s, i) => {
      const r = isObject(s) ? s : {};
      if (r.action === "check") return;
      if (strings(r.users).includes("root")) report(`${sshKey(r, i)}: allows root with action ${JSON.stringify(r.action)}; use "check" so each login re-authenticates`);
      const broad = strings(r.src).filter((x) => BROAD.includes(x));
      if (broad.length > 0) report(`${sshKey(r, i)}: source ${broad.join(", ")} with action ${JSON.stringify(r.action)}; use "check" or a narrower group`);
    });
  },
);

export const nonrootOnlySelf = aclRule(
  "tailscale-ssh-nonroot-only-self",
  ["tailsnitch ACL-002", "Tailscale KB 1192"],
  "SSH as autogroup:nonroot is only granted towards autogroup:self (a user's own devices), never to shared or tagged hosts.",
  (doc, report) => {
    asList(doc.ssh).forEach((s, i) => {
      const r = isObject(s) ? s : {};
      const others = strings(r.dst).filter((d) => d !== "autogroup:self");
      if (strings(r.users).includes("autogroup:nonroot") && others.length > 0) {
        report(`${sshKey(r, i)}: autogroup:nonroot towards ${others.join(", ")}; list the unix users explicitly for shared hosts`);
      }
    });
  },
);

export const noDangerAll = aclRule(
  "tailscale-no-danger-all",
  ["tailsnitch ACL-007"],
  "autogroup:danger-all (every device, including shared-in and external ones) appears nowhere in the policy file.",
  (doc, report) => {
    if (allStrings(doc).some((s) => s.startsWith("autogroup:danger-all"))) {
      report("autogroup:danger-all is used; it includes devices outside the tailnet's members. Name groups or tags instead");
    }
  },
);

export const autoApproversNotBroad = aclRule(
  "tailscale-auto-approvers-not-broad",
  ["tailsnitch ACL-005"],
  "autoApprovers (routes, exit nodes, services) never approve for *, autogroup:member or autogroup:danger-all.",
  (doc, report) => {
    const approvers = isObject(doc.autoApprovers) ? doc.autoApprovers : {};
    for (const [kind, value] of Object.entries(approvers)) {
      // routes/services map a prefix or service to owners; exitNode is a plain owner list.
      const lists: [string, unknown][] = Array.isArray(value) ? [[kind, value]] : Object.entries(isObject(value) ? value : {}).map(([k, v]) => [`${kind}.${k}`, v]);
      for (const [at, owners] of lists) {
        for (const o of strings(owners).filter((x) => BROAD.includes(x))) {
          report(`autoApprovers.${at}: approved for ${JSON.stringify(o)}, so any member can advertise it without review`);
        }
      }
    }
  },
);

/** `group:name` at the start of a string, also inside `group:name:443` legacy destinations. */
const GROUP_USE = /^(group:[A-Za-z0-9._-]+)/;

export const groupsDefined = aclRule(
  "tailscale-groups-defined",
  ["Tailscale KB 1068 (groups)"],
  "Every group used in the policy file is defined in groups (an undefined group matches nobody, so a grant or test silently means nothing).",
  (doc, report) => {
    const defined = new Set(Object.keys(isObject(doc.groups) ? doc.groups : {}));
    const used = new Set(allStrings(doc).map((s) => GROUP_USE.exec(s)?.[1]).filter((g): g is string => !!g));
    for (const g of used) {
      if (!defined.has(g)) report(`${key(`tailscale.groups.${g.slice("group:".length)}`, g)}: ${g} is used but not defined in groups; declare its members under tailscale.groups`);
    }
  },
);

export const preferGrants = aclRule(
  "tailscale-prefer-grants",
  ["Tailscale KB 1068 (grants)"],
  "The policy file uses grants rather than legacy acls (grants say the protocol and port of each access, and are where new features land).",
  (doc, report) => {
    if (asList(doc.acls).length > 0) report(`acls has ${asList(doc.acls).length} legacy entr${asList(doc.acls).length === 1 ? "y" : "ies"}; express them as grants`);
  },
  "advisory",
);

export const funnelRestricted = aclRule(
  "tailscale-funnel-restricted",
  ["Tailscale KB 1223 (Funnel)", "Tailscale KB 1068 (nodeAttrs)"],
  "Funnel (public internet access to a node) is not granted to broad targets (*, autogroup:member, autogroup:danger-all) in nodeAttrs.",
  (doc, report) => {
    asList(doc.nodeAttrs).forEach((n, i) => {
      const r = isObject(n) ? n : {};
      const broad = strings(r.target).filter((t) => BROAD.includes(t));
      if (strings(r.attr).includes("funnel") && broad.length > 0) {
        report(`nodeAttrs.${i}: funnel for ${broad.join(", ")}; any member could publish a service to the internet. Name the tags that may`);
      }
    });
  },
);

export const tailscalePolicies: MinidockPolicy[] = [
  noAllowAll, testsPresent, tagsOwned, tagOwnersNotBroad, sshRootCheck, nonrootOnlySelf, noDangerAll, autoApproversNotBroad,
  groupsDefined, funnelRestricted, preferGrants,
];
