# shellcheck shell=bash
# Helpers shared by scripts/colima/*.sh. ColimaHost sends this file ahead of each script on stdin
# (`bash -s`), so the mini needs no copy of the repo; run from a checkout, the scripts source it instead.
# Written for macOS's /bin/bash 3.2: no associative arrays, no mapfile, no ${x,,}.
set -euo pipefail
# shellcheck disable=SC2034 # read by the guard at the top of each script
MINIDOCK_LIB_LOADED=1

# Homebrew's prefix on Apple silicon. Non-interactive ssh starts with PATH=/usr/bin:/bin:/usr/sbin:/sbin,
# so brew, colima and docker are not found until this is added (docker/cli#3045).
BREW_PREFIX="${MINIDOCK_BREW_PREFIX:-/opt/homebrew}"
case ":$PATH:" in
  *":$BREW_PREFIX/bin:"*) ;;
  *) PATH="$PATH:$BREW_PREFIX/bin:$BREW_PREFIX/sbin" ;;
esac
export PATH
# Deterministic, quick brew runs: no self-update or cleanup in the middle of `pulumi up`.
export HOMEBREW_NO_AUTO_UPDATE=1 HOMEBREW_NO_INSTALL_CLEANUP=1 HOMEBREW_NO_ENV_HINTS=1

PROFILE="${MINIDOCK_PROFILE:-default}"

log() { printf 'minidock: %s\n' "$*" >&2; }

# die CODE MESSAGE...: every failure names what is wrong and how to fix it; docs/setup.md lists the codes.
die() {
  local code=$1
  shift
  printf 'minidock: error: %s\n' "$*" >&2
  exit "$code"
}

# Colima's base directory, resolved the way colima does: $COLIMA_HOME, else ~/.colima, else ~/.config/colima.
colima_home() {
  if [ -n "${COLIMA_HOME:-}" ]; then
    printf '%s\n' "$COLIMA_HOME"
  elif [ ! -d "$HOME/.colima" ] && [ -d "$HOME/.config/colima" ]; then
    printf '%s\n' "$HOME/.config/colima"
  else
    printf '%s\n' "$HOME/.colima"
  fi
}

profile_dir() { printf '%s/%s\n' "$(colima_home)" "$PROFILE"; }

# require_uint NAME VALUE: config arrives as text; refuse anything but a positive integer.
require_uint() {
  case "$2" in
    '' | *[!0-9]*) die 30 "$1 must be a positive integer, got '$2'" ;;
  esac
  [ "$2" -gt 0 ] || die 30 "$1 must be a positive integer, got '$2'"
}

sha256_of_file() {
  if command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    sha256sum "$1" | cut -d' ' -f1
  fi
}

# The VM's state as colima reports it: Running, Stopped, Broken, or Missing (no such profile yet).
colima_state() {
  local line
  # One JSON object per profile and line; tolerate spaces after the colons.
  line=$(colima list --json 2>/dev/null | grep "\"name\": *\"$PROFILE\"" || true)
  if [ -z "$line" ]; then
    echo Missing
    return
  fi
  printf '%s\n' "$line" | sed -n 's/.*"status": *"\([A-Za-z]*\)".*/\1/p'
}

# run_with_timeout SECONDS COMMAND...: like coreutils `timeout` (absent on macOS); 124 when it fired.
# The watchdog drops a flag before it kills, so "did it fire" never depends on whether the watchdog
# process has exited yet (on a loaded machine it may still be alive right after its kill landed).
# The watchdog's output goes to /dev/null so a lingering `sleep` cannot hold the ssh session open.
run_with_timeout() {
  local secs=$1
  shift
  local fired
  fired=$(mktemp "${TMPDIR:-/tmp}/minidock-timeout.XXXXXX")
  rm -f "$fired"
  "$@" &
  local pid=$!
  (sleep "$secs" && : >"$fired" && kill -TERM "$pid") >/dev/null 2>&1 &
  local watchdog=$!
  local rc=0
  wait "$pid" || rc=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  if [ -e "$fired" ] && [ "$rc" -ne 0 ]; then
    rm -f "$fired"
    return 124
  fi
  rm -f "$fired"
  return "$rc"
}

# launchd label of minidock's autostart job for this profile (LaunchAgent or LaunchDaemon).
autostart_label() { printf 'dev.minidock.colima.%s\n' "$PROFILE"; }
