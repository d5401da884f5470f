#!/usr/bin/env bash
# Runs shellcheck on every shell script in the repo (outside node_modules) and fails on any finding.
# -x follows the `source` lines, so scripts/colima/lib.sh is checked in the context of each script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck not installed (Debian: apt-get install shellcheck)" >&2; exit 2; }
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(find . \( -name node_modules -o -name .git \) -prune -o -type f -name '*.sh' -print0 | sort -z)
if [ "${#files[@]}" -eq 0 ]; then
  echo "shellcheck: no *.sh files found" >&2
  exit 1
fi
shellcheck -x --severity=style "${files[@]}"
echo "shellcheck: ${#files[@]} scripts clean"
