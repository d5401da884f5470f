#!/usr/bin/env bash
# Checks the generated monitoring configs with the real tools (Debian packages prometheus, prometheus-alertmanager):
#   promtool check config / check rules for every host of both shipped stacks,
#   promtool test rules: tests/monitoring/*.test.yml against the rules rendered for the mini stack's host `mini`,
#   amtool check-config for the shipped alertmanager.yml files and one per receiver kind,
#   and the generated docker-state script through shellcheck (when it is installed).
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in promtool amtool; do
  command -v "$tool" >/dev/null || { echo "monitoring.sh: $tool not found (apt-get install prometheus prometheus-alertmanager)" >&2; exit 1; }
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node -r ts-node/register/transpile-only tools/monitoring/render.ts "$out" mini local

hosts=0
for dir in "$out"/mini/* "$out"/local/*; do
  [ -d "$dir" ] || continue
  hosts=$((hosts + 1))
  echo "--- ${dir#"$out"/}"
  promtool check config "$dir/prometheus.yml"
  promtool check rules "$dir/rules.yml"
  amtool check-config "$dir/alertmanager.yml"
  if command -v shellcheck >/dev/null; then shellcheck -s sh --severity=style "$dir/docker-state.sh"; fi
done
[ "$hosts" -ge 2 ] || { echo "monitoring.sh: expected monitoring on both shipped stacks, rendered $hosts host(s)" >&2; exit 1; }

for f in "$out"/receivers/*.yml; do amtool check-config "$f"; done

# Rule unit tests run next to the mini host's rendered rules (their rule_files entry is "rules.yml").
cp tests/monitoring/*.test.yml "$out/mini/mini/"
(cd "$out/mini/mini" && promtool test rules ./*.test.yml)
echo "monitoring.sh: OK ($hosts hosts)"
