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
# Run as root (CI does): it starts its own dockerd. Exit status non-zero on any failure, or if the suite skipped.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/minidock-status.XXXXXX)
IMAGE=minidock-ci/busybox:status
DOCKERD_PID=""
# shellcheck source-path=SCRIPTDIR source=lib/dockerd.sh
. "$ROOT/scripts/ci/lib/dockerd.sh"
step() { echo "== status-test: $*"; }
fail() { echo "status-test: FAIL: $*" >&2; exit 1; }
cleanup() {
  set +e
  stop_private_dockerd
  rm -rf "$WORK"
}
trap cleanup EXIT

check_engine_prereqs node npx || fail "prerequisites missing (apt: docker.io busybox-static; node and npm)"
t0=$(date +%s)

step "a private dockerd and $IMAGE from busybox-static"
start_private_dockerd "$WORK" || fail "dockerd did not come up"
docker info 2>&1 | grep -qi "no memory limit support" && fail "this daemon cannot enforce memory limits, so no OOM kill can be provoked"
busybox_rootfs "$WORK/rootfs"
docker_import "$WORK/rootfs" "$IMAGE"

step "tests/tools/status/daemon.test.ts against $DOCKER_HOST"
cd "$ROOT"
# MINIDOCK_STATUS_KEEP=DIR (optional, from the caller) keeps each step's status document there.
MINIDOCK_STATUS_DOCKER_HOST=$DOCKER_HOST MINIDOCK_STATUS_BASE_IMAGE=$IMAGE \
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
