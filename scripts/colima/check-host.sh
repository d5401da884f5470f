#!/usr/bin/env bash
# Is this machine one Colima can run minidock on? macOS 13+ on Apple silicon with Homebrew (and Rosetta
# when the config asks for it). Changes nothing; fails with the missing piece and its fix.
# Exit codes: 10 not macOS, 11 not arm64, 12 macOS too old for vz, 13 no Homebrew, 14 no Rosetta.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  exec </dev/null # ssh hands us the script on stdin; nothing below may read the rest of it
  local os arch version major
  os=$(uname -s)
  [ "$os" = Darwin ] ||
    die 10 "this host runs $os, not macOS: ColimaHost only provisions Mac minis. For a Linux or local daemon, set the host's dockerHost instead of ssh."
  arch=$(uname -m)
  [ "$arch" = arm64 ] ||
    die 11 "this Mac is $arch, not arm64 (Apple silicon): minidock pulls linux/arm64 images and runs Colima with vz + Rosetta. Use an Apple-silicon mini."
  version=$(sw_vers -productVersion)
  major=${version%%.*}
  case "$major" in '' | *[!0-9]*) die 12 "cannot read the macOS version (sw_vers said '$version')" ;; esac
  [ "$major" -ge 13 ] ||
    die 12 "macOS $version is too old: Colima's vz VM type needs macOS 13 (Ventura) or later. Update macOS in System Settings > General > Software Update."
  command -v brew >/dev/null 2>&1 ||
    die 13 "Homebrew not found (looked on PATH and in $BREW_PREFIX/bin). Install it on the mini, logged in at its desktop or over an interactive ssh session: /bin/bash -c \"\$(curl -fsSL https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh)\""
  if [ "${MINIDOCK_ROSETTA:-true}" = true ]; then
    [ -e "${MINIDOCK_ROSETTA_PATH:-/Library/Apple/usr/share/rosetta/rosetta}" ] ||
      die 14 "Rosetta 2 is not installed but colima.rosetta is true. Install it on the mini: sudo softwareupdate --install-rosetta --agree-to-license (or set colima.rosetta: false)."
  fi
  log "host ok: macOS $version, $arch, Homebrew at $(command -v brew)"
}
main "$@"
