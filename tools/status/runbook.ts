/**
 * The runbook section that fixes each kind of problem `status` reports. The alert sections are the ones the
 * monitoring alerts link to (lib/platform/monitoring/alertRules.ts ALERT_NAMES), so a problem seen by `status`
 * and the alert it would raise lead to the same instructions; drift and a host that is down have their own
 * sections under Daily. tests/tools/status/runbook.test.ts holds every anchor to a heading of docs/runbook.md.
 */
export const RUNBOOK_FILE = "docs/runbook.md";

const SECTIONS = {
  containerrestarting: "containerrestarting",
  containerunhealthy: "containerunhealthy",
  servicedown: "servicedown",
  containermemorynearlimit: "containermemorynearlimit",
  hostmemoryhigh: "hostmemoryhigh",
  diskusagehigh: "diskusagehigh",
  backuptooold: "backuptooold",
  drift: "drift",
  hostdown: "a-host-is-down",
} as const;

export type RunbookSection = keyof typeof SECTIONS;

export const RUNBOOK: Record<RunbookSection, string> = Object.fromEntries(
  Object.entries(SECTIONS).map(([k, anchor]) => [k, `${RUNBOOK_FILE}#${anchor}`]),
) as Record<RunbookSection, string>;
