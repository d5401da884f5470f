#!/usr/bin/env bash
# End to end on a real dockerd with the real engine: the shipped local stack deployed by the real Pulumi CLI,
# docker provider and policy pack, then checked on the daemon itself (tools/engine/e2e.ts lists the steps); then
# `npm run deploy` and `npm run rollback` on the same daemon (tests/engine/deploy.test.ts, its daemon part): a
# 3-replica pool's rolling image bump polled every 250 ms, a broken image rolled back, a database's stop/start gap,
# and the mutation (every replica replaced at once) that the same check must catch. Their figures are printed.
#
# Starts its own dockerd (Debian's docker.io, 20.10; a Colima VM runs a newer Docker) with networking, builds
# every image the stack runs on it (scripts/ci/lib/e2e-images.sh: no registry can be reached here), and uses
# the CLI on PATH or the one scripts/toolchain.sh builds. Needs root. Takes about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/ci/lib/dockerd.sh
. scripts/ci/lib/dockerd.sh
# shellcheck source=scripts/ci/lib/e2e-images.sh
. scripts/ci/lib/e2e-images.sh
started=$(date +%s)
say() { printf '[e2e.sh %4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

check_engine_prereqs mmdebstrap gcc iptables
command -v pulumi >/dev/null || bash scripts/toolchain.sh >/dev/null
[ -d policies/node_modules ] || { echo "e2e: policies/node_modules is missing: npm ci --prefix policies" >&2; exit 1; }

work=$(mktemp -d /tmp/minidock-e2e.XXXXXX)
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "${DOCKER_HOST:-}" ]; then
    say "failed: state of the daemon's containers, and the last log lines of any unhealthy one"
    docker ps -a --format '{{.Names}}\t{{.Status}}' || true
    for c in $(docker ps -a --filter health=unhealthy --filter status=exited --format '{{.Names}}' 2>/dev/null); do
      echo "--- $c"; docker logs --tail 20 "$c" 2>&1 || true
    done
  fi
  stop_private_dockerd
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# cadvisor bind-mounts these from the host, as it does in Colima's VM; node-exporter mounts / with rslave
# propagation, which needs / to be a shared mount (it is on systemd hosts and in the Colima VM).
mkdir -p /var/lib/docker
[ "$(findmnt -no PROPAGATION / 2>/dev/null)" = shared ] || mount --make-rshared /

say "dockerd with networking"
start_networked_dockerd "$work"
say "images: one per image the local stack runs, plus a second redis tag for the change and rollback steps"
mapfile -t refs < <(npm run --silent check -- --stack local --json 2>/dev/null | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const r = JSON.parse(s).resources.filter((x) => x.type === "docker:index/remoteImage:RemoteImage");
    for (const n of new Set(r.map((x) => x.inputs.name))) console.log(n);
  });')
[ "${#refs[@]}" -gt 0 ] || { echo "e2e: found no images in the local stack" >&2; exit 1; }
build_e2e_images "$work/images.json" "${refs[@]}" "redis:7.4.3-alpine=next"
say "engine steps"
node -r ./tools/register.js tools/engine/e2e.ts --docker-host "$DOCKER_HOST" --images "$work/images.json" --work "$work"
say "deploy and rollback on the daemon: rolling updates (tests/engine/deploy.test.ts)"
MINIDOCK_TEST_DOCKER_HOST="$DOCKER_HOST" MINIDOCK_DEPLOY_FIGURES="$work/deploy-figures.json" \
  npx jest -c jest.engine.config.js tests/engine/deploy.test.ts -t "on a daemon"
say "deploy figures: $(tr -d '\n' < "$work/deploy-figures.json" | tr -s ' ')"
say "passed"
