#!/usr/bin/env bash
# 24/7 operation (colima.configurePower): the mini never sleeps and comes back by itself after a power cut
# or a freeze. Needs passwordless sudo for pmset and systemsetup. Settings are absolute, so re-runs are no-ops.
# Exit codes: 70 no passwordless sudo, 71 pmset failed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  exec </dev/null # ssh hands us the script on stdin; nothing below may read the rest of it
  sudo -n true 2>/dev/null ||
    die 70 "colima.configurePower needs passwordless sudo for pmset and systemsetup. On the mini: echo '$(id -un) ALL=(root) NOPASSWD: /usr/bin/pmset, /usr/sbin/systemsetup' | sudo tee /etc/sudoers.d/minidock-power && sudo chmod 440 /etc/sudoers.d/minidock-power; or set colima.configurePower: false."
  # sleep 0: never sleep (a sleeping mini serves nothing and can leave the VM Broken);
  # disksleep 0: no disk spin-down; autorestart 1: power back on after a power failure;
  # womp 1: wake for network access; powernap 0 / standby 0: no dark-wake maintenance that pauses the VM.
  sudo -n pmset -a sleep 0 disksleep 0 autorestart 1 womp 1 powernap 0 standby 0 ||
    die 71 "sudo pmset failed; run 'pmset -g' on the mini to see which setting it rejects"
  # systemsetup repeats some of these through another API; some Macs report a setting as unsupported,
  # which is not worth failing the deployment over.
  sudo -n systemsetup -setcomputersleep Never >/dev/null 2>&1 || log "warning: systemsetup -setcomputersleep Never failed"
  sudo -n systemsetup -setrestartpowerfailure on >/dev/null 2>&1 || log "warning: systemsetup -setrestartpowerfailure is not supported here; pmset autorestart 1 covers it"
  sudo -n systemsetup -setrestartfreeze on >/dev/null 2>&1 || log "warning: systemsetup -setrestartfreeze on failed"
  echo "power=24x7"
}
main "$@"
