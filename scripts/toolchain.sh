#!/usr/bin/env bash
# Builds the pinned Pulumi toolchain from Go modules: the CLI, the Node.js language host and the docker
# resource provider (toolchain/README.md says what is pinned and why). For machines that cannot download the
# CLI or its plugins; where the installer works, an installed CLI does the same job.
#
#   scripts/toolchain.sh           build what is missing, then print the bin directory on stdout
#   scripts/toolchain.sh --cached  print the bin directory if it is already built, else exit 3 (no build)
#   scripts/toolchain.sh --tidy    refresh toolchain/go.sum and toolchain/docker-provider/go.sum
#
# Builds go to a cache outside the clone, keyed by a hash of toolchain/, this script and the Go version, so a
# second run on the same machine only prints the directory. MINIDOCK_TOOLCHAIN_CACHE moves the cache
# (default ~/.cache/minidock/toolchain). Everything is fetched through the Go module proxy and checked against
# the checksum database; nothing else is downloaded. Progress goes to stderr, one line per step.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
src_dir="$repo/toolchain"
started=$(date +%s)

say() { printf '[toolchain %4ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
# heartbeat LABEL: prints "LABEL: still working (Ns)" every 30 s until stop_heartbeat, so a cold build (minutes of
# go build with its output in a log file) is never a long silence.
heartbeat() {
  local label=$1 t0
  t0=$(date +%s)
  # On stderr, so a $(...) around the caller never waits for the loop's sleep to end.
  ( while sleep 30; do say "$label: still working ($(( $(date +%s) - t0 ))s)"; done ) >&2 &
  beat=$!
}
stop_heartbeat() { kill "$beat" 2>/dev/null || true; wait "$beat" 2>/dev/null || true; }

mode=build
case "${1:-}" in
  "") ;;
  --tidy) mode=tidy ;;
  --cached) mode=cached ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

command -v go >/dev/null || die "go is not installed (Go 1.25 or newer; https://go.dev/doc/install)"
# Only the module proxy: drop a `direct` fallback, which would fetch from VCS hosts.
GOPROXY=$(go env GOPROXY | tr ',|' '\n' | grep -vx -e direct -e off | paste -sd, -)
[ -n "$GOPROXY" ] || die "GOPROXY names no module proxy (it is '$(go env GOPROXY)')"
export GOPROXY CGO_ENABLED=0 GOFLAGS=-mod=readonly
build_flags=(-trimpath -tags "osusergo,grpcnotrace")

# shellcheck source=/dev/null
. "$src_dir/nodejs-host/source.env"
# shellcheck source=/dev/null
. "$src_dir/docker-provider/upstream.env"
cli_version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$src_dir/go.mod")
[ -n "$cli_version" ] || die "toolchain/go.mod pins no github.com/pulumi/pulumi/pkg/v3"

# module_dir MODULE@VERSION: download it (verified against go.sum or the checksum database), print its directory.
module_dir() {
  local rc=0
  heartbeat "download $1"
  go mod download -json "$1" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const m = JSON.parse(s);
      if (m.Error || !m.Dir) { console.error(m.Error || "no directory"); process.exit(1); }
      console.log(m.Dir);
    });' || rc=$?
  stop_heartbeat
  return "$rc"
}

# prepare DIR: a copy of toolchain/ with the sources that are not committed: the language host's main.go with
# its patch, and the upstream docker provider with the shim package.
prepare() {
  local dir=$1 host_src upstream
  mkdir -p "$dir"
  cp -R "$src_dir/." "$dir/"
  rm -rf "$dir/docker-provider/upstream" "$dir"/nodejs-host/*.go
  say "source: $HOST_SOURCE_MODULE ($HOST_SOURCE_DIR/main.go) + nodejs-host/main.go.patch"
  host_src=$(module_dir "$HOST_SOURCE_MODULE") || die "language host source $HOST_SOURCE_MODULE could not be downloaded"
  cp "$host_src/$HOST_SOURCE_DIR/main.go" "$dir/nodejs-host/main.go"
  chmod u+w "$dir/nodejs-host/main.go"
  patch --quiet -p1 -d "$dir/nodejs-host" < "$src_dir/nodejs-host/main.go.patch" ||
    die "nodejs-host/main.go.patch does not apply to $HOST_SOURCE_MODULE"
  say "source: $UPSTREAM_DOCKER + docker-provider/upstream-shim"
  upstream=$(module_dir "$UPSTREAM_DOCKER") || die "upstream provider $UPSTREAM_DOCKER could not be downloaded"
  mkdir -p "$dir/docker-provider/upstream"
  cp -R "$upstream" "$dir/docker-provider/upstream/docker"
  chmod -R u+w "$dir/docker-provider/upstream/docker"
  mkdir -p "$dir/docker-provider/upstream/docker/shim"
  cp "$src_dir/docker-provider/upstream-shim/shim.go.in" "$dir/docker-provider/upstream/docker/shim/shim.go"
}

if [ "$mode" = tidy ]; then
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  prepare "$work"
  for m in . docker-provider; do
    say "tidy: toolchain/$m"
    # -e: tests of dependencies import packages that newer releases dropped; the binaries do not.
    (cd "$work/$m" && GOFLAGS=-mod=mod go mod tidy -e)
    cp "$work/$m/go.mod" "$work/$m/go.sum" "$src_dir/$m/"
  done
  say "tidy: done; review the diff of toolchain/"
  exit 0
fi

key=$( {
  go version
  cat "$0"
  # Every file that goes into a build (not the README, not the sources added at build time).
  (cd "$src_dir" && find . -type f ! -name '*.md' ! -path './docker-provider/upstream/*' ! -path './nodejs-host/*.go' |
    LC_ALL=C sort | xargs sha256sum)
} | sha256sum | cut -c1-16)
cache_root=${MINIDOCK_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minidock/toolchain}
out="$cache_root/pulumi-$cli_version-$key"
if [ -f "$out/bin/.complete" ]; then
  say "cached: $out/bin"
  echo "$out/bin"
  exit 0
fi
[ "$mode" = cached ] && { say "not built yet: run scripts/toolchain.sh (a first build takes 5 to 15 minutes)"; exit 3; }

say "building into $out (Go $(go env GOVERSION), GOPROXY=$GOPROXY)"
work="$out.build"
rm -rf "$work" && mkdir -p "$work/bin"
prepare "$work/src"

failed=()
# piece NAME DIR OUTPUT PACKAGE [GO BUILD FLAGS...]: one binary; a failure is named and the rest still build.
piece() {
  local name=$1 dir=$2 output=$3 package=$4 t0
  shift 4
  t0=$(date +%s)
  say "$name: go build $package"
  heartbeat "$name"
  if (cd "$work/src/$dir" && go build "${build_flags[@]}" "$@" -o "$work/bin/$output" "$package") \
      > "$work/$name.log" 2>&1; then
    stop_heartbeat
    say "$name: built in $(( $(date +%s) - t0 ))s"
  else
    stop_heartbeat
    say "$name: FAILED after $(( $(date +%s) - t0 ))s; last lines of $work/$name.log:"
    tail -15 "$work/$name.log" >&2
    failed+=("$name")
  fi
}
piece cli . pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$cli_version"
piece nodejs-host . pulumi-language-nodejs ./nodejs-host
piece docker-provider docker-provider pulumi-resource-docker ./cmd/pulumi-resource-docker

# Plugins the @pulumi SDKs in package-lock.json also name, whose Go modules the proxy does not serve: they are
# reported, not built. Their resources (Colima over SSH, the tailnet policy) appear only in stacks with a mini.
for module in github.com/pulumi/pulumi-command/provider github.com/pulumi/pulumi-tailscale/provider; do
  if reason=$(go list -m -json "$module@latest" 2>&1); then
    say "note: $module is served now; toolchain/ does not build it yet"
  else
    say "not built: $module: $(printf '%s' "$reason" | tail -1)"
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  die "failed: ${failed[*]} (logs in $work)"
fi
"$work/bin/pulumi" version >/dev/null || die "the built CLI does not run"
{
  echo "pulumi $cli_version"
  echo "pulumi-language-nodejs from $HOST_SOURCE_MODULE + nodejs-host/main.go.patch"
  echo "pulumi-resource-docker from $UPSTREAM_DOCKER via github.com/pulumi/pulumi-terraform-bridge/v3"
} > "$work/bin/VERSIONS"
touch "$work/bin/.complete"
rm -rf "$out"
mkdir -p "$out"
mv "$work/bin" "$out/bin"
chmod -R u+w "$work" && rm -rf "$work"
say "done: $out/bin"
echo "$out/bin"
