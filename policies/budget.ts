import { MinidockPolicy } from "./common";

/** Rules for the budget group (being written: see issue 3). */
export const budgetPolicies: MinidockPolicy[] = [];
