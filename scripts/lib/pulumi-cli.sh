# shellcheck shell=bash
# Sourced by every script that runs the Pulumi CLI (up-local.sh, backup/state.sh, pulumi.sh), so they look for it
# the same way tools/engine/toolchain.ts does: MINIDOCK_PULUMI_BIN, then PATH, then the CLI scripts/toolchain.sh
# built from Go modules. Missing everywhere: one clear message and exit 127, never "sh: pulumi: not found".

# require_pulumi NAME: puts a pulumi CLI on PATH or exits; NAME prefixes the message.
require_pulumi() {
  local who=$1 root bin
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [ -n "${MINIDOCK_PULUMI_BIN:-}" ]; then
    [ -x "$MINIDOCK_PULUMI_BIN/pulumi" ] || { echo "$who: MINIDOCK_PULUMI_BIN=$MINIDOCK_PULUMI_BIN holds no pulumi binary" >&2; exit 127; }
    export PATH="$MINIDOCK_PULUMI_BIN:$PATH"
  fi
  command -v pulumi >/dev/null && return 0
  if bin=$(bash "$root/scripts/toolchain.sh" --cached 2>/dev/null); then
    echo "$who: using the Pulumi CLI built by scripts/toolchain.sh ($bin)" >&2
    # That build carries its plugins beside the CLI; downloading others cannot work where it is needed.
    export PATH="$bin:$PATH" PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true
    return 0
  fi
  {
    echo "$who: the Pulumi CLI is not installed. Install it (https://www.pulumi.com/docs/install/) and put it on PATH,"
    echo "$(printf '%*s' ${#who} '')  or build the pinned one from Go modules: bash scripts/toolchain.sh (Go 1.25+; minutes the first time)."
  } >&2
  exit 127
}
