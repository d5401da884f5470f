#!/usr/bin/env bash
# Stops the Colima VM on `pulumi destroy`, run ONLY when colima.stopOnDestroy is true: the VM holds every
# volume, so by default destroy leaves it running. The launchd job is booted out first, or it would restart
# the VM. Skipped when a newer minidock start has run since (MINIDOCK_GENERATION differs), so replacing the
# start command never stops the VM it just started.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  exec </dev/null # ssh hands us the script on stdin; nothing below may read the rest of it
  local gen_file current=""
  gen_file="$(profile_dir)/minidock.generation"
  [ ! -f "$gen_file" ] || current=$(cat "$gen_file")
  if [ -n "${MINIDOCK_GENERATION:-}" ] && [ -n "$current" ] && [ "$current" != "$MINIDOCK_GENERATION" ]; then
    log "a newer minidock start ($current) owns profile $PROFILE: not stopping it"
    echo "stopped=false"
    return
  fi
  local label
  label=$(autostart_label)
  launchctl bootout "gui/$(id -u)/$label" 2>/dev/null || true
  if [ "$(colima_state)" = Missing ]; then
    log "Colima profile $PROFILE does not exist: nothing to stop"
    echo "stopped=false"
    return
  fi
  colima stop -p "$PROFILE" || colima stop --force -p "$PROFILE"
  echo "stopped=true"
}
main "$@"
