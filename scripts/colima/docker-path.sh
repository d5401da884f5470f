#!/usr/bin/env bash
# Makes `docker` work in a non-interactive ssh session, which is how the docker provider reaches the mini
# (`ssh mini docker system dial-stdio`). macOS sshd starts it with PATH=/usr/bin:/bin:/usr/sbin:/sbin and zsh
# reads only ~/.zshenv there (docker/cli#3045), so a marker block in ~/.zshenv adds Homebrew to PATH and points
# DOCKER_HOST at the socket `colima status` reports. Rewritten only when its content changes; then verified in
# a fresh shell started the way sshd starts it.
# Output: `zshenv=changed|unchanged` and `docker_server=<version>`.
# Exit codes: 50 docker not on the non-interactive PATH, 51 daemon unreachable, 52 socket unknown.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BEGIN_MARK="# >>> minidock: docker for non-interactive ssh (scripts/colima/docker-path.sh) >>>"
END_MARK="# <<< minidock <<<"

docker_socket() {
  local out sock
  out=$(colima status -p "$PROFILE" --json 2>/dev/null || true)
  sock=$(printf '%s\n' "$out" | sed -n 's/.*"docker_socket": *"\([^"]*\)".*/\1/p' | head -n 1)
  if [ -z "$sock" ]; then # older colima: no --json; the text output (on stderr) names the socket
    out=$(colima status -p "$PROFILE" 2>&1 || true)
    sock=$(printf '%s\n' "$out" | sed -n 's|.*socket: *\(unix://[^ "]*\).*|\1|p' | head -n 1)
  fi
  [ -n "$sock" ] ||
    die 52 "'colima status -p $PROFILE' named no docker socket (is the VM running? it said: $(printf '%s' "$out" | tr '\n' ' ')). On the mini: colima start -p $PROFILE"
  printf '%s\n' "$sock"
}

# write_block FILE BLOCK: replaces minidock's block in FILE (or appends it); writes only on a change.
# Sets BLOCK_STATUS (not printed: `x=$(f)` would run f without set -e).
BLOCK_STATUS=unchanged
write_block() {
  local file=$1 block=$2 current="" desired
  [ ! -f "$file" ] || current=$(cat "$file")
  desired=$(printf '%s\n' "$current" | awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
    $0 == b { skip = 1; next }
    skip && $0 == e { skip = 0; next }
    !skip { print }')
  # Drop trailing blank lines left behind, then add the block at the end.
  desired=$(printf '%s\n' "$desired" | awk 'NF { for (; n > 0; n--) print ""; print; next } { n++ }')
  desired="${desired:+$desired
}$block"
  if [ -f "$file" ] && [ "$current" = "$desired" ]; then
    return
  fi
  printf '%s\n' "$desired" >"$file.minidock.tmp"
  mv "$file.minidock.tmp" "$file"
  BLOCK_STATUS=changed
}

main() {
  exec </dev/null # ssh hands us the script on stdin; nothing below may read the rest of it
  local rc_file=${MINIDOCK_RC_FILE:-$HOME/.zshenv}
  local shell=${MINIDOCK_VERIFY_SHELL:-${SHELL:-/bin/zsh}}
  local base_path=${MINIDOCK_SSH_BASE_PATH:-/usr/bin:/bin:/usr/sbin:/sbin}
  case "$shell" in */zsh) ;; *) log "warning: the login shell is $shell, not zsh: $rc_file may not be read by ssh sessions (chsh -s /bin/zsh fixes it)" ;; esac

  local socket block
  socket=$(docker_socket)
  block="$BEGIN_MARK
# sshd's non-interactive sessions (the docker provider's) read only this file: add Homebrew and Colima.
case \":\$PATH:\" in *\":$BREW_PREFIX/bin:\"*) ;; *) export PATH=\"$BREW_PREFIX/bin:$BREW_PREFIX/sbin:\$PATH\" ;; esac
export DOCKER_HOST=\"$socket\"
$END_MARK"
  write_block "$rc_file" "$block"
  log "$rc_file: $BLOCK_STATUS (DOCKER_HOST=$socket)"

  # A fresh shell with only what sshd gives a non-interactive session: no inherited PATH or DOCKER_HOST.
  local out rc=0
  out=$(env -i HOME="$HOME" USER="${USER:-}" LOGNAME="${LOGNAME:-${USER:-}}" SHELL="$shell" PATH="$base_path" \
    "$shell" -c 'command -v docker >/dev/null 2>&1 || exit 127; docker version --format "{{.Server.Version}}"' 2>&1) || rc=$?
  if [ "$rc" -eq 127 ]; then
    die 50 "docker is not on the PATH of a non-interactive ssh session (started as '$shell -c' with PATH=$base_path), so the docker provider would fail with 'docker: command not found'. Check that the user's login shell is zsh (dscl . -read ~ UserShell) and that $rc_file holds the minidock block."
  elif [ "$rc" -ne 0 ]; then
    die 51 "docker is on the non-interactive PATH but cannot reach the Colima daemon at $socket (exit $rc): $(printf '%s' "$out" | tr '\n' ' '). On the mini: colima status -p $PROFILE; colima start -p $PROFILE"
  fi
  echo "zshenv=$BLOCK_STATUS"
  echo "docker_server=$out"
}
main "$@"
