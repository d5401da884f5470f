/**
 * The oldest Colima and Lima a mini may run, named once: `npm run doctor` checks the mini against them and
 * docs/troubleshooting.md names them (tests/tools/doctor/docs.test.ts holds the docs to these values).
 *
 * Colima 0.9: from this release `colima delete` keeps the VM's container data unless `--data` is given, which the
 * runbook and troubleshooting rely on ("the last resort" keeps volumes). Lima 1.0: Lima's first stable release;
 * Homebrew installs Lima as Colima's dependency. Neither figure was checked on a real mini.
 */
export const HOST_VERSIONS = {
  colima: "0.9.0",
  lima: "1.0.0",
} as const;
