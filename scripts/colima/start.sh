#!/usr/bin/env bash
# Starts the Colima VM of MINIDOCK_PROFILE so that it is Running with the config configure.sh wrote:
#   Missing/Stopped -> start;  Broken (after sleep or an unclean shutdown) -> stop --force, then start;
#   Running -> restart only when configure.sh left its "restart needed" marker, else nothing.
# A start that hangs (VZ "waiting for ssh", colima#925/#1545) is killed after MINIDOCK_START_TIMEOUT seconds
# (default 600: the first start downloads the VM image), force-stopped and retried once.
# When minidock's launchd job exists, (re)starts go through launchd so the job and this script never race.
# Output: `action=none|started|restarted|recovered`. Exit codes: 40 start failed or timed out, 41 not Running after start.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TIMEOUT=${MINIDOCK_START_TIMEOUT:-600}

# The launchd target of minidock's autostart job when it is loaded (gui/<uid>/... or system/...), else empty.
launchd_target() {
  local label uid
  label=$(autostart_label)
  uid=$(id -u)
  if launchctl print "gui/$uid/$label" >/dev/null 2>&1; then
    echo "gui/$uid/$label"
  elif launchctl print "system/$label" >/dev/null 2>&1; then
    echo "system/$label"
  fi
}

wait_running() {
  local waited=0
  while [ "$(colima_state)" != Running ]; do
    [ "$waited" -lt "$TIMEOUT" ] || return 124
    sleep 5
    waited=$((waited + 5))
  done
}

start_once() {
  local target
  target=$(launchd_target)
  case "$target" in
    gui/*) launchctl kickstart -k "$target" && wait_running ;;
    system/*) sudo -n launchctl kickstart -k "$target" && wait_running ;;
    *)
      # colima's output goes to a file, not our stdout: a child it leaves behind after a timeout must not
      # hold the ssh session (and so `pulumi up`) open.
      local out rc=0
      out=$(mktemp "${TMPDIR:-/tmp}/minidock-colima-start.XXXXXX")
      run_with_timeout "$TIMEOUT" colima start -p "$PROFILE" >"$out" 2>&1 || rc=$?
      cat "$out" >&2
      rm -f "$out"
      return "$rc"
      ;;
  esac
}

force_stop() {
  log "forcing the VM of profile $PROFILE down: colima stop --force"
  colima stop --force -p "$PROFILE" || log "warning: colima stop --force exited non-zero; starting anyway"
}

start_vm() {
  local rc=0
  start_once || rc=$?
  [ "$rc" -ne 0 ] || return 0
  if [ "$rc" -eq 124 ]; then
    log "colima start did not finish within ${TIMEOUT}s (the VZ 'waiting for ssh' hang, colima#925); retrying once"
  elif [ "$(colima_state)" = Broken ]; then
    log "colima start failed (exit $rc) and left the VM Broken; retrying once"
  else
    die 40 "colima start -p $PROFILE failed (exit $rc). See ~/.colima/_lima/colima*/ha.stderr.log on the mini, then: colima stop --force -p $PROFILE && colima start -p $PROFILE"
  fi
  force_stop
  rc=0
  start_once || rc=$?
  [ "$rc" -ne 124 ] || die 40 "colima start -p $PROFILE timed out twice after ${TIMEOUT}s each. On the mini: colima stop --force -p $PROFILE; check ~/.colima/_lima/colima*/ha.stderr.log; a reboot of the mini clears a stuck Virtualization.framework."
  [ "$rc" -eq 0 ] || die 40 "colima start -p $PROFILE failed again after a forced stop (exit $rc). On the mini: colima delete -p $PROFILE (keeps container data on Colima >= 0.9), then pulumi up."
}

main() {
  exec </dev/null # ssh hands us the script on stdin; colima must not read the rest of it
  case "$TIMEOUT" in '' | *[!0-9]*) die 30 "MINIDOCK_START_TIMEOUT must be a number of seconds, got '$TIMEOUT'" ;; esac
  local dir marker state action
  dir=$(profile_dir)
  marker="$dir/minidock.restart-needed"
  state=$(colima_state)
  case "$state" in
    Running)
      if [ -f "$marker" ]; then
        log "config changed: restarting Colima profile $PROFILE"
        colima stop -p "$PROFILE" || force_stop
        start_vm
        action=restarted
      else
        log "Colima profile $PROFILE is running and its config is unchanged: nothing to do"
        action=none
      fi
      ;;
    Broken)
      log "Colima profile $PROFILE is Broken (typical after sleep or an unclean shutdown): recovering"
      force_stop
      start_vm
      action=recovered
      ;;
    *)
      log "starting Colima profile $PROFILE (was $state)"
      start_vm
      action=started
      ;;
  esac
  state=$(colima_state)
  [ "$state" = Running ] ||
    die 41 "Colima profile $PROFILE is $state after start. On the mini: colima status -p $PROFILE; colima stop --force -p $PROFILE && colima start -p $PROFILE"
  rm -f "$marker"
  # stop.sh compares this on destroy, so replacing the start command never stops the VM it just started.
  if [ -n "${MINIDOCK_GENERATION:-}" ]; then
    mkdir -p "$dir"
    printf '%s\n' "$MINIDOCK_GENERATION" >"$dir/minidock.generation"
  fi
  echo "action=$action"
}
main "$@"
