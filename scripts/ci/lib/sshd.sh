# shellcheck shell=bash
# A private sshd on 127.0.0.1 in front of a private dockerd (scripts/ci/lib/dockerd.sh), so the CI checks reach the daemon the
# way a mini is reached: OpenSSH and `docker system dial-stdio`. Its own host key, authorized key and config, and a
# client shim with its own config: nothing under /etc/ssh or ~/.ssh is read or written. Sourced, not run; needs
# root and Debian's openssh-server (.ci/run installs it).

# start_private_sshd WORK EXTRA_FN: sshd at a random high port. EXTRA_FN PORT prints the caller's own config lines
# after the common ones (SetEnv for the sessions, more ports, Match blocks). Sets SSHD_PID and SSHD_PORT and writes
# WORK/client_key and WORK/known_hosts (the host key as ssh-keyscan sees it at SSHD_PORT). Five tries at a free port.
start_private_sshd() {
  local work=$1 extra=$2 attempt sshd
  sshd=$(command -v sshd)
  # sshd refuses a key or config under a directory others cannot read (StrictModes aside, mktemp gives 700).
  chmod 755 "$work"
  ssh-keygen -q -t ed25519 -N "" -C minidock-ci-host -f "$work/host_key"
  ssh-keygen -q -t ed25519 -N "" -C minidock-ci-client -f "$work/client_key"
  cp "$work/client_key.pub" "$work/authorized_keys"
  # sshd refuses to start without its privilege separation directory, which Debian creates only when the service runs.
  [ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 0755 /run/sshd; }
  for attempt in 1 2 3 4 5; do
    SSHD_PORT=$((20000 + RANDOM % 20000))
    {
      cat <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
EOF
      "$extra" "$SSHD_PORT"
    } >"$work/sshd_config"
    "$sshd" -t -f "$work/sshd_config" || { echo "sshd refused its config" >&2; return 1; }
    "$sshd" -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
    SSHD_PID=$!
    for _ in $(seq 50); do
      ssh-keyscan -t ed25519 -p "$SSHD_PORT" 127.0.0.1 >"$work/known_hosts" 2>/dev/null && [ -s "$work/known_hosts" ] && return 0
      kill -0 "$SSHD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$SSHD_PID" 2>/dev/null || true
    wait "$SSHD_PID" 2>/dev/null || true
    SSHD_PID=""
    echo "sshd did not come up on port $SSHD_PORT (attempt $attempt): $(tail -2 "$work/sshd.log")" >&2
  done
  return 1
}

# ssh_client_shim WORK [EXTRA_LINES]: WORK/ssh_config for 127.0.0.1 (the client key, WORK/known_hosts, no agent,
# no prompts, plus EXTRA_LINES) and WORK/bin/ssh, which runs the system's ssh with that config and a ControlPath in
# WORK, both first so they win over the caller's options (ssh keeps the first value it sees). Put WORK/bin first on
# the PATH of whatever should use it.
ssh_client_shim() {
  local work=$1 extra=${2:-}
  {
    cat <<EOF
Host 127.0.0.1
  IdentityFile $work/client_key
  IdentitiesOnly yes
  IdentityAgent none
  BatchMode yes
  UserKnownHostsFile $work/known_hosts
  GlobalKnownHostsFile /dev/null
EOF
    [ -z "$extra" ] || printf '%s\n' "$extra"
  } >"$work/ssh_config"
  mkdir -p "$work/bin"
  printf '#!/usr/bin/env bash\nexec %s -F %q -o ControlPath=%q "$@"\n' "$(command -v ssh)" "$work/ssh_config" "$work/cm-%C" >"$work/bin/ssh"
  chmod +x "$work/bin/ssh"
}

# close_ssh_masters WORK: ends the shared connections left in WORK (the provider's ControlPersist keeps them for
# minutes). A live master is reused without a new handshake, so it would also hide a known_hosts change.
close_ssh_masters() {
  local cm
  for cm in "$1"/cm-*; do
    if [ -S "$cm" ]; then ssh -o ControlPath="$cm" -O exit placeholder >/dev/null 2>&1 || true; fi
  done
}

# stop_private_sshd WORK: closes the shared connections and stops the sshd started above (for an EXIT trap).
stop_private_sshd() {
  [ -n "${SSHD_PID:-}" ] || return 0
  close_ssh_masters "$1"
  kill "$SSHD_PID" 2>/dev/null || true
  wait "$SSHD_PID" 2>/dev/null || true
  SSHD_PID=""
}
