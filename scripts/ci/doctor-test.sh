#!/usr/bin/env bash
# `npm run doctor` on the REAL SSH path and a REAL Docker daemon: what the stub suite (tests/tools/doctor/) cannot show.
#
#  1. starts a private dockerd (own socket and data root, no networking) and a private sshd on 127.0.0.1 at a high
#     port, with its own host key, its own authorized key and its own config (nothing under /etc/ssh or ~/.ssh is
#     read or written); its sessions get DOCKER_HOST pointing at the private daemon through sshd's SetEnv;
#  2. a stack whose host is `ssh: <this user>@127.0.0.1` on that port: the doctor's ssh -G, ssh-keygen -F against a
#     known_hosts made with ssh-keyscan, and `docker system dial-stdio` through OpenSSH with the provider's own
#     options (lib/ssh.ts) reaching the private daemon: ssh-config, known-hosts, dial-stdio and daemon-capacity ok;
#     the Mac checks fail, as they must on a Linux host (no colima or launchctl here: the stub suite covers them);
#  3. the same host with an empty known_hosts: known-hosts and dial-stdio fail ("Host key verification failed");
#  4. the same sshd on a second port whose sessions have no docker on PATH (sshd's Match LocalPort + SetEnv): the
#     Homebrew PATH problem for real, "docker: command not found", diagnosed from the session's own shell and PATH;
#  5. the local-stack shape (dockerHost unix://) against the private daemon: the daemon checks ok, every SSH and Mac
#     check skipped with its reason, exit 0.
# The client runs the system's ssh through a shim that adds `-F <own config>` and an own ControlPath (both first,
# so they win over the doctor's: ssh takes the first value it sees), keeping the control sockets in the work dir.
# Run as root (CI does; a private dockerd needs it). Exit status non-zero on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/minidock-doctor.XXXXXX)
chmod 755 "$WORK"
DOCKERD_PID=""
SSHD_PID=""
# shellcheck source-path=SCRIPTDIR source=lib/dockerd.sh
. "$ROOT/scripts/ci/lib/dockerd.sh"
# shellcheck source-path=SCRIPTDIR source=lib/sshd.sh
. "$ROOT/scripts/ci/lib/sshd.sh"
step() { echo "== doctor-test: $*"; }
fail() {
  echo "doctor-test: FAIL: $*" >&2
  exit 1
}

cleanup() {
  local rc=$?
  stop_private_sshd "$WORK"
  stop_private_dockerd
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

check_engine_prereqs ssh sshd ssh-keygen ssh-keyscan node || fail "prerequisites missing (.ci/run's apt-get line installs them: docker.io, openssh-server, busybox-static)"
ME=$(id -un)
START=$(date +%s)

step "private dockerd"
mkdir -p "$WORK/dockerd"
start_private_dockerd "$WORK/dockerd"
DAEMON_VERSION=$(docker version --format '{{.Server.Version}}')
SOCKET=$DOCKER_HOST

step "private sshd on 127.0.0.1"
# The session PATH with docker, and one without it (the second port): what sshd gives a non-interactive session.
DOCKER_DIR=$(dirname "$(command -v docker)")
GOOD_PATH="$DOCKER_DIR:/usr/bin:/bin"
BAD_PATH=/nonexistent
doctor_sshd_config() {
  cat <<EOF
Port $(($1 + 1))
SetEnv DOCKER_HOST=$SOCKET PATH=$GOOD_PATH
Match LocalPort $(($1 + 1))
  SetEnv DOCKER_HOST=$SOCKET PATH=$BAD_PATH
EOF
}
start_private_sshd "$WORK" doctor_sshd_config || fail "no private sshd"
PORT=$SSHD_PORT
BAD_PORT=$((PORT + 1))
cp "$WORK/known_hosts" "$WORK/known_hosts.good"
ssh-keyscan -t ed25519 -p "$BAD_PORT" 127.0.0.1 >>"$WORK/known_hosts.good" 2>/dev/null
: >"$WORK/known_hosts.empty"

# The client's own config (sharing one connection, as a mini's setup does), and a shim named ssh first on the
# doctor's PATH.
ssh_client_shim "$WORK" "  ControlMaster auto
  ControlPersist 60"

# stack FILE PORT: a one-host stack reached over ssh on PORT (a whole-GiB memoryMb this machine surely has).
stack() {
  cat >"$1" <<EOF
config:
  minidock:hosts:
    ci:
      ssh: $ME@127.0.0.1
      sshPort: $2
      memoryMb: 1024
      reserveMb: 256
      cpus: 1
      diskGb: 10
      colima: {}
EOF
}
stack "$WORK/Pulumi.doctorssh.yaml" "$PORT"
stack "$WORK/Pulumi.doctorpath.yaml" "$BAD_PORT"
cat >"$WORK/Pulumi.doctorlocal.yaml" <<EOF
config:
  minidock:hosts:
    local:
      dockerHost: $SOCKET
      memoryMb: 1024
      reserveMb: 256
      cpus: 1
EOF

# doctor STACK-FILE OUT: the doctor as npm runs it, --json into OUT; prints its exit code.
doctor() {
  local rc=0
  (cd "$ROOT" && PATH="$WORK/bin:$PATH" node -r ./tools/register.js tools/doctor.ts --config "$1" --json) >"$2" || rc=$?
  echo "$rc"
}

# expect_check OUT ID STATUS [TEXT]: the check's status, and TEXT in its detail or fix.
expect_check() {
  # shellcheck disable=SC2016 # JavaScript, not shell: its ${} are template literals
  node -e '
    const [file, id, status, text] = process.argv.slice(1);
    const doc = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const c = doc.hosts[0].checks.find((x) => x.id === id);
    const say = (m) => { console.error(`doctor-test: FAIL: ${id}: ${m}\n${JSON.stringify(c, null, 2)}`); process.exit(1); };
    if (!c) say("no such check");
    if (c.status !== status) say(`expected ${status}, got ${c.status}`);
    if (text && !`${c.detail} ${c.fix ?? ""}`.includes(text)) say(`expected the text ${JSON.stringify(text)}`);
    console.log(`   ${c.status.padEnd(4)} ${id}: ${c.detail}`);
  ' "$@"
}

step "a healthy SSH path: ssh -G, known_hosts, dial-stdio over the real sshd to the real daemon"
cp "$WORK/known_hosts.good" "$WORK/known_hosts"
rc=$(doctor "$WORK/Pulumi.doctorssh.yaml" "$WORK/ssh.json")
expect_check "$WORK/ssh.json" ssh-config ok "ControlMaster auto, ControlPersist 600 s"
expect_check "$WORK/ssh.json" known-hosts ok "[127.0.0.1]:$PORT is in $WORK/known_hosts"
expect_check "$WORK/ssh.json" dial-stdio ok "docker $DAEMON_VERSION"
expect_check "$WORK/ssh.json" daemon-capacity ok
# This is Linux: the probe ran over the same SSH session, and found no Colima, as it should.
expect_check "$WORK/ssh.json" colima-version fail "colima is not installed"
[ "$rc" = 1 ] || fail "expected exit 1 (the Mac checks fail on Linux), got $rc"

step "the host missing from known_hosts: the provider's StrictHostKeyChecking=yes refuses it"
close_ssh_masters "$WORK"
cp "$WORK/known_hosts.empty" "$WORK/known_hosts"
rc=$(doctor "$WORK/Pulumi.doctorssh.yaml" "$WORK/nokey.json")
expect_check "$WORK/nokey.json" known-hosts fail "ssh-keyscan -t ed25519 -p $PORT 127.0.0.1"
expect_check "$WORK/nokey.json" dial-stdio fail "Host key verification failed"
expect_check "$WORK/nokey.json" tailscale skip "ssh to the mini failed"
[ "$rc" = 1 ] || fail "expected exit 1, got $rc"

step "sessions without docker on PATH: the Homebrew PATH problem, for real"
close_ssh_masters "$WORK"
cp "$WORK/known_hosts.good" "$WORK/known_hosts"
rc=$(doctor "$WORK/Pulumi.doctorpath.yaml" "$WORK/path.json")
expect_check "$WORK/path.json" dial-stdio fail "the Homebrew PATH problem"
# The session PATH ends with sshd's SetEnv value (a root ~/.bashrc may put entries before it).
expect_check "$WORK/path.json" dial-stdio fail "$BAD_PATH, and docker is not on it"
[ "$rc" = 1 ] || fail "expected exit 1, got $rc"

step "the local-stack shape on the real daemon: daemon checks ok, the rest skipped, exit 0"
rc=$(doctor "$WORK/Pulumi.doctorlocal.yaml" "$WORK/local.json")
expect_check "$WORK/local.json" daemon ok "docker $DAEMON_VERSION"
expect_check "$WORK/local.json" daemon-capacity ok
expect_check "$WORK/local.json" known-hosts skip "not over SSH"
expect_check "$WORK/local.json" launchagent skip "not over SSH"
[ "$rc" = 0 ] || fail "expected exit 0, got $rc"

step "passed in $(($(date +%s) - START)) s"
