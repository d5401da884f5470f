import { MinidockPolicy } from "./common";

/** Rules for the hardening group (being written: see issue 3). */
export const hardeningPolicies: MinidockPolicy[] = [];
