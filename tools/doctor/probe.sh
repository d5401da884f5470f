#!/usr/bin/env bash
# `npm run doctor`'s look at a mini, in one SSH session: every fact the checks need, printed as sections
#   @@minidock-doctor <name> rc=<exit code>
#   <the command's output, stdout and stderr>
# and judged on the workstation (tools/doctor/evaluate.ts), so this script decides nothing and changes nothing.
# Sent after scripts/colima/lib.sh on stdin (`/bin/bash -s`), like the ColimaHost scripts: lib.sh puts Homebrew
# on PATH and provides run_with_timeout and autostart_label. Reads MINIDOCK_PROFILE, MINIDOCK_AUTOSTART
# (launchagent|launchdaemon|none), MINIDOCK_DNS_NAME and MINIDOCK_PROBE_TIMEOUT (seconds per command).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../../scripts/colima/lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/../../scripts/colima/lib.sh"

TIMEOUT=${MINIDOCK_PROBE_TIMEOUT:-20}

# section NAME COMMAND...: runs it (killed after TIMEOUT s: a stuck VM must not hang the doctor) and prints it.
section() {
  local name=$1 out rc=0
  shift
  out=$(run_with_timeout "$TIMEOUT" "$@" 2>&1) || rc=$?
  printf '@@minidock-doctor %s rc=%s\n%s\n' "$name" "$rc" "$out"
}

# The Tailscale CLI: Homebrew's or the standalone/App Store app's, whose CLI is inside the bundle.
tailscale_status() {
  local cli
  cli=$(command -v tailscale 2>/dev/null || true)
  [ -n "$cli" ] || cli=${MINIDOCK_TAILSCALE_APP:-/Applications/Tailscale.app/Contents/MacOS/Tailscale}
  [ -x "$cli" ] || { echo "tailscale: command not found (looked on PATH and at $cli)"; return 127; }
  "$cli" status --json
}

# A login session exists when launchd has the user's gui domain (its listing is long: only the answer is kept).
gui_session() {
  launchctl print "gui/$(id -u)" >/dev/null 2>&1 || { echo "launchctl print gui/$(id -u) failed: no login session"; return 1; }
  echo "gui/$(id -u) exists"
}

in_vm() { colima ssh -p "$PROFILE" -- "$@"; }

main() {
  exec </dev/null # ssh hands us the script on stdin; nothing below may read the rest of it
  local label
  label=$(autostart_label)
  section colima-version colima version
  section lima-version limactl --version
  section colima-list colima list --json
  # The VM's clock read between two readings of the Mac's: the drift is what lies outside that interval.
  section mac-time-before date +%s
  section vm-time in_vm date +%s
  section mac-time-after date +%s
  section vm-df in_vm df -Pk /var/lib/docker
  # The VM's disk is a sparse file under Colima's home on the Mac: it needs room there to grow.
  section mac-df df -Pk "$(colima_home)"
  section vm-dns in_vm getent hosts "${MINIDOCK_DNS_NAME:-registry-1.docker.io}"
  case "${MINIDOCK_AUTOSTART:-launchagent}" in
    launchagent)
      section launchd-session gui_session
      section launchd launchctl print "gui/$(id -u)/$label"
      ;;
    launchdaemon) section launchd launchctl print "system/$label" ;;
  esac
  section tailscale tailscale_status
}
main "$@"
