#!/usr/bin/env bash
# Keeps Colima running across reboots with a launchd job that runs `colima start --foreground`:
#   launchagent (default): ~/Library/LaunchAgents, starts at LOGIN of this user (enable auto-login on a
#     headless mini; with FileVault on, nothing starts until someone unlocks the disk after a reboot);
#   launchdaemon: /Library/LaunchDaemons with UserName=this user, starts at BOOT; needs passwordless sudo;
#   none: removes minidock's jobs.  See docs/setup.md for the trade-offs.
# The plist is rewritten, and the job reloaded, only when its content changes.
# Output: `autostart=<mode> changed=true|false`. Exit codes: 30 bad mode, 60 launchctl failed, 61 needs sudo.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${MINIDOCK_LIB_LOADED:-}" ] || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LABEL=$(autostart_label)
AGENT_PLIST="${MINIDOCK_LAUNCH_AGENTS_DIR:-$HOME/Library/LaunchAgents}/$LABEL.plist"
DAEMON_PLIST="${MINIDOCK_LAUNCH_DAEMONS_DIR:-/Library/LaunchDaemons}/$LABEL.plist"
USER_NAME=$(id -un)
UID_NUM=$(id -u)

plist() { # plist EXTRA_KEYS
  cat <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>$LABEL</string>
  <key>ProgramArguments</key>
  <array>
    <string>$BREW_PREFIX/bin/colima</string><string>start</string><string>--foreground</string>
    <string>-p</string><string>$PROFILE</string>
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>PATH</key><string>$BREW_PREFIX/bin:$BREW_PREFIX/sbin:/usr/bin:/bin:/usr/sbin:/sbin</string>
    <key>HOME</key><string>$HOME</string>
  </dict>
  <key>RunAtLoad</key><true/>
  <!-- Restart after a crash, not after a clean stop, and at most every 30 s. -->
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
  <key>ThrottleInterval</key><integer>30</integer>
  <key>StandardOutPath</key><string>$HOME/Library/Logs/minidock-colima-$PROFILE.log</string>
  <key>StandardErrorPath</key><string>$HOME/Library/Logs/minidock-colima-$PROFILE.log</string>
$1</dict>
</plist>
PLIST
}

need_sudo() {
  sudo -n true 2>/dev/null ||
    die 61 "$1 needs passwordless sudo for $USER_NAME (launchctl in the system domain). Add it with 'sudo visudo -f /etc/sudoers.d/minidock', or use colima.autostart: launchagent."
}

remove_agent() {
  [ -f "$AGENT_PLIST" ] || return 0
  launchctl bootout "gui/$UID_NUM/$LABEL" 2>/dev/null || true
  rm -f "$AGENT_PLIST"
  log "removed LaunchAgent $AGENT_PLIST"
}

remove_daemon() {
  [ -f "$DAEMON_PLIST" ] || return 0
  need_sudo "removing LaunchDaemon $DAEMON_PLIST"
  sudo -n launchctl bootout "system/$LABEL" 2>/dev/null || true
  sudo -n rm -f "$DAEMON_PLIST"
  log "removed LaunchDaemon $DAEMON_PLIST"
}

# install_agent / install_daemon set CHANGED rather than print it: `x=$(f)` would run f without set -e.
CHANGED=false

install_agent() {
  local desired
  desired=$(plist "")
  mkdir -p "$(dirname "$AGENT_PLIST")" "$HOME/Library/Logs"
  if [ ! -f "$AGENT_PLIST" ] || [ "$(cat "$AGENT_PLIST")" != "$desired" ]; then
    printf '%s\n' "$desired" >"$AGENT_PLIST"
    CHANGED=true
  fi
  if ! launchctl print "gui/$UID_NUM" >/dev/null 2>&1; then
    # No GUI session: nobody is logged in at the console. launchd loads the agent at the next login.
    log "warning: $USER_NAME has no login session, so the agent loads at the next login. Enable auto-login (docs/setup.md) so a reboot brings Colima back."
  elif launchctl print "gui/$UID_NUM/$LABEL" >/dev/null 2>&1; then
    if [ "$CHANGED" = true ]; then
      launchctl bootout "gui/$UID_NUM/$LABEL" 2>/dev/null || true
      launchctl bootstrap "gui/$UID_NUM" "$AGENT_PLIST" ||
        die 60 "launchctl bootstrap gui/$UID_NUM $AGENT_PLIST failed (colima#1265). On the mini: launchctl bootout gui/$UID_NUM/$LABEL; then pulumi up again."
    fi
  else
    launchctl bootstrap "gui/$UID_NUM" "$AGENT_PLIST" ||
      die 60 "launchctl bootstrap gui/$UID_NUM $AGENT_PLIST failed (colima#1265: 'Bootstrap failed: 5' usually means a stale job). On the mini: launchctl bootout gui/$UID_NUM/$LABEL; then pulumi up again."
  fi
}

install_daemon() {
  local desired
  desired=$(plist "  <key>UserName</key><string>$USER_NAME</string>
  <key>GroupName</key><string>staff</string>
")
  need_sudo "colima.autostart: launchdaemon"
  if [ ! -f "$DAEMON_PLIST" ] || [ "$(cat "$DAEMON_PLIST")" != "$desired" ]; then
    printf '%s\n' "$desired" | sudo -n tee "$DAEMON_PLIST" >/dev/null
    sudo -n chown root:wheel "$DAEMON_PLIST"
    sudo -n chmod 644 "$DAEMON_PLIST"
    CHANGED=true
    sudo -n launchctl bootout "system/$LABEL" 2>/dev/null || true
  fi
  if ! sudo -n launchctl print "system/$LABEL" >/dev/null 2>&1; then
    sudo -n launchctl bootstrap system "$DAEMON_PLIST" ||
      die 60 "sudo launchctl bootstrap system $DAEMON_PLIST failed (colima#1265). Check 'sudo launchctl print system/$LABEL', or use colima.autostart: launchagent."
  fi
}

main() {
  exec </dev/null # ssh hands us the script on stdin; nothing below may read the rest of it
  local mode=${MINIDOCK_AUTOSTART:-launchagent}
  if [ -f "$HOME/Library/LaunchAgents/homebrew.mxcl.colima.plist" ] && [ "$mode" != none ]; then
    log "warning: 'brew services' also starts colima (homebrew.mxcl.colima); two jobs would race. Run: brew services stop colima"
  fi
  case "$mode" in
    launchagent)
      remove_daemon
      install_agent
      ;;
    launchdaemon)
      remove_agent
      install_daemon
      ;;
    none)
      if [ -f "$AGENT_PLIST" ] || [ -f "$DAEMON_PLIST" ]; then CHANGED=true; fi
      remove_agent
      remove_daemon
      ;;
    *) die 30 "MINIDOCK_AUTOSTART must be launchagent, launchdaemon or none, got '$mode'" ;;
  esac
  echo "autostart=$mode changed=$CHANGED"
}
main "$@"
