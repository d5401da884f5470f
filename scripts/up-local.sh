#!/usr/bin/env bash
# Quick start: the local stack on this machine's own Docker daemon, with Pulumi state and the secrets
# passphrase kept in ./.pulumi-state (git-ignored). No mini, no Pulumi Cloud account, no Tailscale.
# Needs: Node.js 20+, a Docker daemon at unix:///var/run/docker.sock, openssl, and the Pulumi CLI: an installed
# one on PATH, or the one `bash scripts/toolchain.sh` builds from Go modules (then only the docker provider is
# there, which is all the local stack uses).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  -h|--help) echo "usage: npm run up:local [-- <pulumi up flags>]   (the local stack on this machine's Docker; needs Node 20+, Docker, the Pulumi CLI)"; exit 0 ;;
esac

# shellcheck source=scripts/lib/pulumi-cli.sh
. scripts/lib/pulumi-cli.sh
require_pulumi "up-local"
docker info >/dev/null 2>&1 || { echo "up-local: no Docker daemon answers on unix:///var/run/docker.sock" >&2; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund
# The policy pack is its own npm package with its own lock file (docs/policies.md): install it once.
[ -d policies/node_modules ] || npm ci --prefix policies --no-audit --no-fund

mkdir -p .pulumi-state
export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
passphrase_file="$PWD/.pulumi-state/passphrase"
if [ ! -s "$passphrase_file" ]; then
  (umask 077 && openssl rand -base64 32 >"$passphrase_file")
fi
export PULUMI_CONFIG_PASSPHRASE_FILE="$passphrase_file"

pulumi stack select local 2>/dev/null || pulumi stack init local --secrets-provider passphrase

# Every secret the stack references but has not set gets a random value, stored encrypted in Pulumi.local.yaml.
while IFS= read -r key; do
  [ -n "$key" ] || continue
  echo "up-local: generating secret $key"
  pulumi config set --stack local --secret "$key" "$(openssl rand -base64 24 | tr -d '/+=')"
done < <(npm run --silent secrets:missing -- local)

pulumi up --stack local --yes --policy-pack policies --policy-pack-config policies/local.json "$@"
