import { MinidockPolicy } from "./common";

/** Rules for the network group (being written: see issue 3). */
export const networkPolicies: MinidockPolicy[] = [];
