import { MinidockPolicy } from "./common";

/** Rules for the env group (being written: see issue 3). */
export const envPolicies: MinidockPolicy[] = [];
