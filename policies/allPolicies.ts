import { EnforcementLevel } from "@pulumi/policy";
import { backupPolicies } from "./backup";
import { budgetPolicies } from "./budget";
import { MinidockPolicy } from "./ruleKit";
import { envPolicies } from "./env";
import { withExemptions } from "./exemptions";
import { hardeningPolicies } from "./hardening";
import { imagesPolicies } from "./images";
import { mountsPolicies } from "./mounts";
import { networkPolicies } from "./network";
import { tailscalePolicies } from "./tailscale";

/**
 * Every rule of the pack, in the order `pulumi preview` lists them. Each module exports plain policy objects and
 * an array of them; this list wraps each with the exemption mechanism (policies/exemptions.ts). Importing this
 * file starts nothing: only policies/index.ts constructs the PolicyPack (which starts a gRPC server).
 * To add a group: export `<group>Policies` from policies/<group>.ts and spread it below.
 */
export const PACK_NAME = "minidock";
/** The pack's level for a policy without its own; every minidock rule sets its own. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

const rules: MinidockPolicy[] = [
  ...budgetPolicies,
  ...hardeningPolicies,
  ...mountsPolicies,
  ...networkPolicies,
  ...imagesPolicies,
  ...envPolicies,
  ...tailscalePolicies,
  ...backupPolicies,
];

export const allPolicies: MinidockPolicy[] = rules.map(withExemptions);
