import { MinidockPolicy } from "./common";

/** Rules for the mounts group (being written: see issue 3). */
export const mountsPolicies: MinidockPolicy[] = [];
