#!/usr/bin/env bash
# `npm run status` on a real Docker engine (Debian's docker.io): the jest suite tests/tools/status/daemon.test.ts
# against a private dockerd (own socket and data root, no iptables: its user-defined bridge networks are all the
# stack needs), with a busybox image made by `docker import` (no registry).
#
# The suite writes a small stack file, creates its containers, networks and volumes on the daemon as the program
# declares them, then breaks them one at a time and checks status's verdict, exit code and runbook sections for
# each: a container killed for OOM (the kernel's, under its 16 MB limit with swap off), one made unhealthy, one
# stopped by hand, one started by hand with the stack's labels (drift), a memory limit changed with `docker
# update` (drift), a late backup, and every container stopped (down). Every --json document is validated
# against schemas/status.schema.json.
#
# The same daemon is also reached the way a mini is: ssh://, through OpenSSH and `docker system dial-stdio`, via a
# private sshd on 127.0.0.1 at a high port (its own host key, authorized key and config; sessions get DOCKER_HOST
# through SetEnv; sshd's default MaxSessions of 10 per connection stays). The client is the system's ssh through a
# shim that adds `-F <own config>` and an own ControlPath first (ssh keeps the first value it sees), so nothing
# under /etc/ssh or ~/.ssh is read or written.
#
# Run as root (CI does): it starts its own dockerd. Exit status non-zero on any failure, or if the suite skipped.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/minidock-status.XXXXXX)
IMAGE=minidock-ci/busybox:status
DOCKERD_PID=""
SSHD_PID=""
# shellcheck source-path=SCRIPTDIR source=lib/dockerd.sh
. "$ROOT/scripts/ci/lib/dockerd.sh"
# shellcheck source-path=SCRIPTDIR source=lib/sshd.sh
. "$ROOT/scripts/ci/lib/sshd.sh"
step() { echo "== status-test: $*"; }
fail() { echo "status-test: FAIL: $*" >&2; exit 1; }
cleanup() {
  set +e
  # The provider's ControlPersist=10m would keep the shared connection open after the test: stop closes it.
  stop_private_sshd "$WORK"
  stop_private_dockerd
  rm -rf "$WORK"
}
trap cleanup EXIT

check_engine_prereqs node npx ssh sshd ssh-keygen ssh-keyscan || fail "prerequisites missing (apt: docker.io busybox-static openssh-server; node and npm)"
t0=$(date +%s)

step "a private dockerd and $IMAGE from busybox-static"
start_private_dockerd "$WORK" || fail "dockerd did not come up"
docker info 2>&1 | grep -qi "no memory limit support" && fail "this daemon cannot enforce memory limits, so no OOM kill can be provoked"
busybox_rootfs "$WORK/rootfs"
docker_import "$WORK/rootfs" "$IMAGE"

step "a private sshd on 127.0.0.1 whose sessions reach that daemon"
status_sshd_config() {
  echo "SetEnv DOCKER_HOST=$DOCKER_HOST PATH=$(dirname "$(command -v docker)"):/usr/bin:/bin"
}
start_private_sshd "$WORK" status_sshd_config || fail "no private sshd"
SSH_PORT=$SSHD_PORT
ssh_client_shim "$WORK"

step "tests/tools/status/daemon.test.ts against $DOCKER_HOST"
cd "$ROOT"
# MINIDOCK_STATUS_KEEP=DIR (optional, from the caller) keeps each step's status document there.
MINIDOCK_STATUS_DOCKER_HOST=$DOCKER_HOST MINIDOCK_STATUS_BASE_IMAGE=$IMAGE \
  MINIDOCK_STATUS_SSH="$(id -un)@127.0.0.1:$SSH_PORT" MINIDOCK_STATUS_SSH_PATH="$WORK/bin" \
  npx jest --ci --runInBand --json --outputFile="$WORK/jest.json" tests/tools/status/daemon.test.ts ||
  fail "the status suite failed (above)"
# shellcheck disable=SC2016 # JavaScript in single quotes: its ${...} are the program's own.
node -e '
  const r = require(process.argv[1]);
  const skipped = r.numPendingTests + r.numTodoTests;
  if (r.numPassedTests === 0 || skipped > 0) { console.error(`passed ${r.numPassedTests}, skipped ${skipped}: the suite did not run`); process.exit(1); }
  console.log(`   ${r.numPassedTests} tests passed`);
' "$WORK/jest.json" || fail "the status suite did not run against the daemon"
step "ok in $(( $(date +%s) - t0 )) s"
