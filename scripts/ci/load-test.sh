#!/usr/bin/env bash
# A load test of a stack's containers on a real Docker engine (Debian's docker.io). Every container runs with the
# limits and hardening the program declares for it (tools/dockerRun.ts turns its inputs into `docker run` flags),
# around a stand-in workload in a busybox image (no registry here):
#
#  1. every container of the stack (default: mini, platform included) starts with its exact envelope and a
#     stand-in that holds LOAD_PERCENT (default 70) % of its memory limit; the start time of each is measured
#  2. the daemon's own memory figures (docker stats) are read until every container holds its share, and are
#     printed per container and in total, against the host's budget
#  3. a leak: one more container with agent-1's envelope allocates past its limit. The kernel OOM-kills it (swap
#     is off: memory-swap = memory), Docker's restart policy restarts it, its RestartCount climbs. Every other
#     container is untouched: still running, no restart, no OOM kill, its memory still held
#  4. docker-state's own inspect template and awk program (lib/platform/monitoring/dockerState.ts) turn the daemon's view into
#     metrics; promtool accepts them, and they report the leak's restarts and OOM kill, which the
#     ContainerRestarting alert reads
#
# What this is not: the mini. Linux cgroups on this machine, not Colima's VM on macOS; busybox stand-ins, not the
# real images and their real memory use. Run as root (CI does). Exit status non-zero on any failure.
# Usage: scripts/ci/load-test.sh [STACK]   (LOAD_PERCENT=70 by default)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STACK=${1:-mini}
LOAD_PERCENT=${LOAD_PERCENT:-70}
WORK=$(mktemp -d /tmp/minidock-load.XXXXXX)
IMAGE=minidock-ci/busybox:load-test
LEAK=minidock-agent-leak
DOCKERD_PID=""
# shellcheck source-path=SCRIPTDIR source=lib/dockerd.sh
. "$ROOT/scripts/ci/lib/dockerd.sh"
step() { echo "== load-test: $*"; }
fail() { echo "load-test: FAIL: $*" >&2; exit 1; }
cleanup() {
  set +e
  stop_private_dockerd
  rm -rf "$WORK"
}
trap cleanup EXIT

check_engine_prereqs promtool || fail "prerequisites missing (apt: docker.io busybox-static prometheus)"

step "the containers of stack $STACK and their docker run flags, from the program (tools/dockerRun.ts)"
(cd "$ROOT" && node -r ./tools/register.js tools/dockerRun.ts --stack "$STACK") > "$WORK/containers.tsv"
read -r _ HOST BUDGET_MB RESERVE_MB < <(grep -m1 '^host' "$WORK/containers.tsv")
[ "$(grep -c '^host' "$WORK/containers.tsv")" = 1 ] || fail "stack $STACK has more than one host; this test loads one"
COUNT=$(grep -c '^container' "$WORK/containers.tsv")
echo "   $COUNT containers on host $HOST (budget $BUDGET_MB MB, reserve $RESERVE_MB MB)"

step "starting a private dockerd and building $IMAGE from busybox-static"
start_private_dockerd "$WORK" || fail "dockerd did not come up"
docker info 2>&1 | grep -qi "no memory limit support" && fail "this daemon cannot enforce memory limits"
busybox_rootfs "$WORK/rootfs"
docker_import "$WORK/rootfs" "$IMAGE"

# "<name> <MiB in use>" for every container, from the daemon in one call (docker stats prints "181.3MiB / 256MiB").
usage_mib() {
  docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' | awk '{
    v = $2 + 0; u = $2; sub(/^[0-9.]+/, "", u)
    if (u == "GiB") v *= 1024; else if (u == "KiB") v /= 1024; else if (u == "B") v /= 1048576
    printf "%s %d\n", $1, v }' > "$WORK/usage.now"
}
used_mib() { awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print 0 }' "$WORK/usage.now"; }
now_ms() { date +%s%3N; }

step "1. every container with its own envelope, holding $LOAD_PERCENT% of its limit"
: > "$WORK/started.tsv"
while IFS=$'\t' read -r -a f; do
  [ "${f[0]}" = container ] || continue
  name=${f[1]} service=${f[3]} tier=${f[4]} limit=${f[5]}
  hold=$((limit * LOAD_PERCENT / 100))
  t0=$(now_ms)
  # dd reads `hold` MiB into one buffer, then blocks writing it to a pipe nobody reads: the memory stays held.
  docker run -d --network none "${f[@]:6}" "$IMAGE" /bin/sh -c "dd if=/dev/zero bs=${hold}M count=1 2>/dev/null | sleep 86400" >/dev/null ||
    fail "$name did not start with its own flags"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$service" "$tier" "$limit" "$hold" "$(($(now_ms) - t0))" >> "$WORK/started.tsv"
done < "$WORK/containers.tsv"

step "2. memory held, as the daemon reports it"
deadline=$(($(date +%s) + 90))
while :; do
  : > "$WORK/usage.tsv"
  short=0
  usage_mib
  while IFS=$'\t' read -r name service tier limit hold ms; do
    used=$(used_mib "$name")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$service" "$tier" "$limit" "$hold" "$ms" "$used" >> "$WORK/usage.tsv"
    [ "$used" -ge $((hold * 9 / 10)) ] || short=$((short + 1))
  done < "$WORK/started.tsv"
  [ "$short" -gt 0 ] || break
  [ "$(date +%s)" -lt "$deadline" ] || { cat "$WORK/usage.tsv" >&2; fail "$short container(s) never held 90% of their share"; }
  sleep 2
done
awk -F'\t' -v budget="$BUDGET_MB" -v reserve="$RESERVE_MB" '
  BEGIN { print "| container | tier | limit (MB) | held (MiB) | % of limit | start (ms) |"; print "|---|---|---:|---:|---:|---:|" }
  { printf "| %s | %s | %d | %d | %d | %d |\n", $1, $3, $4, $7, 100 * $7 / $4, $6; limits += $4; used += $7; if ($6 > slowest) slowest = $6 }
  END {
    printf "| **total** | | **%d** | **%d** | %d | slowest %d |\n", limits, used, 100 * used / limits, slowest
    printf "\nhost: %d MiB held by %d containers; limits %d + reserve %d = %d of the %d MB budget\n", used, NR, limits, reserve, limits + reserve, budget
  }' "$WORK/usage.tsv" | tee "$WORK/report.md"
slowest=$(awk -F'\t' '$6 > m { m = $6 } END { print m + 0 }' "$WORK/usage.tsv")
[ "$slowest" -lt 30000 ] || fail "a container took ${slowest} ms to start (target: under 30 s)"

step "3. a leak in one more container with agent-1's envelope: OOM kill, restart, neighbours untouched"
mapfile -t agent < <(cd "$ROOT" && envelope_flags "$STACK" minidock-agent-1 | grep -v '^--name=')
[ "${#agent[@]}" -gt 0 ] || fail "stack $STACK has no minidock-agent-1"
agent_limit=$(awk -F'\t' '$1 == "container" && $2 == "minidock-agent-1" { print $6 }' "$WORK/containers.tsv")
docker run -d --network none --name "$LEAK" "${agent[@]}" --label minidock.replica=leak "$IMAGE" \
  /bin/dd if=/dev/zero of=/dev/null bs=$((agent_limit + 256))M count=1 >/dev/null
deadline=$(($(date +%s) + 60))
until [ "$(docker inspect -f '{{.RestartCount}}' "$LEAK")" -ge 2 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "$LEAK was not restarted twice in 60 s: $(docker inspect -f '{{json .State}}' "$LEAK")"
  sleep 1
done
[ "$(docker inspect -f '{{.State.OOMKilled}}' "$LEAK")" = true ] || fail "$LEAK exited, but not by an OOM kill: $(docker inspect -f '{{json .State}}' "$LEAK")"
echo "   ok: $LEAK asked for $((agent_limit + 256)) MiB under a ${agent_limit} MiB limit: OOM-killed, restarted $(docker inspect -f '{{.RestartCount}}' "$LEAK") times so far"
usage_mib
while IFS=$'\t' read -r name _ _ _ hold _; do
  state=$(docker inspect -f '{{.State.Running}} {{.RestartCount}} {{.State.OOMKilled}}' "$name")
  [ "$state" = "true 0 false" ] || fail "$name was touched by the leak next door (running, restarts, oom: $state)"
  used=$(used_mib "$name")
  [ "$used" -ge $((hold * 9 / 10)) ] || fail "$name lost memory it held ($used MiB of $hold)"
done < "$WORK/started.tsv"
echo "   ok: the other $COUNT containers kept running, with no restart, no OOM kill and their memory still held"

step "4. docker-state's view of it (its inspect template and awk program), checked by promtool"
(cd "$ROOT" && node -r ./tools/register.js -e '
  const m = require("./lib/platform/monitoring/dockerState");
  require("fs").writeFileSync(process.argv[1], m.INSPECT_FORMAT);
  require("fs").writeFileSync(process.argv[2], m.TO_METRICS_AWK);' "$WORK/format" "$WORK/program.awk")
mapfile -t ids < <(docker ps -aq --filter label=minidock.project=minidock)
docker inspect --format "$(cat "$WORK/format")" "${ids[@]}" | awk -f "$WORK/program.awk" > "$WORK/metrics.prom"
promtool check metrics < "$WORK/metrics.prom" || fail "promtool rejects docker-state's metrics"
grep -Eq "^minidock_container_oom_killed\{container=\"$LEAK\",[^}]*\} 1$" "$WORK/metrics.prom" || fail "no OOM kill reported for $LEAK"
grep -Eq "^minidock_container_restarts\{container=\"$LEAK\",[^}]*\} [1-9][0-9]*$" "$WORK/metrics.prom" || fail "no restarts reported for $LEAK"
calm=$(grep -Ec '^minidock_container_restarts\{container="minidock-[^"]*",[^}]*\} 0$' "$WORK/metrics.prom")
[ "$calm" = "$COUNT" ] || fail "expected $COUNT containers with 0 restarts in the metrics, got $calm"
echo "   ok: $((COUNT + 1)) containers reported; $LEAK with its OOM kill and restarts, the other $COUNT with none"

echo "load-test: PASS ($COUNT containers of stack $STACK at $LOAD_PERCENT% of their limits, one leak contained)"
