import { MinidockPolicy } from "./common";

/** Rules for the images group (being written: see issue 3). */
export const imagesPolicies: MinidockPolicy[] = [];
