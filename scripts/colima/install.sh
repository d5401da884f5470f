#!/usr/bin/env bash
# Installs colima and the docker CLI with Homebrew, only when missing: a second run installs nothing.
# Prints `installed=<names>` (empty when nothing was needed). Exit codes: 13 no Homebrew, 20 brew failed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  exec </dev/null # ssh hands us the script on stdin; brew must not read the rest of it
  command -v brew >/dev/null 2>&1 || die 13 "Homebrew not found; run check-host.sh for the fix"
  local installed="" tool
  # The formula names equal the commands they provide; lima comes in as colima's dependency.
  for tool in colima docker; do
    if command -v "$tool" >/dev/null 2>&1; then
      log "$tool already installed: $(command -v "$tool")"
      continue
    fi
    log "installing $tool with Homebrew"
    brew install "$tool" || die 20 "brew install $tool failed (see brew's output above). Run 'brew doctor' on the mini, fix what it reports, then run pulumi up again."
    command -v "$tool" >/dev/null 2>&1 || die 20 "brew install $tool succeeded but '$tool' is still not on PATH ($PATH)"
    installed="${installed:+$installed,}$tool"
  done
  echo "installed=$installed"
}
main "$@"
