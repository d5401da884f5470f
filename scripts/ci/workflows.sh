#!/usr/bin/env bash
# GitHub workflows: yamllint on every file, then shellcheck on every `run:` block (as the runner executes it,
# with bash -e; `${{ ... }}` expressions become a plain word first, since the runner substitutes them before bash).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
for tool in yamllint shellcheck node; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed" >&2; exit 2; }
done
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "workflows: none found" >&2
  exit 1
fi
yamllint -d '{extends: default, rules: {line-length: {max: 160}, document-start: disable, truthy: {check-keys: false}, comments: {min-spaces-from-content: 1}}}' "${workflows[@]}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
node -e '
  const fs = require("fs");
  const { parse } = require("yaml");
  const [out, ...files] = process.argv.slice(1);
  let n = 0;
  for (const file of files) {
    const wf = parse(fs.readFileSync(file, "utf8"));
    for (const [job, spec] of Object.entries(wf.jobs ?? {})) {
      (spec.steps ?? []).forEach((step, i) => {
        if (!step.run) return;
        const body = step.run.replace(/\$\{\{[^}]*\}\}/g, "GHA_EXPR");
        fs.writeFileSync(`${out}/${file.replace(/\W+/g, "_")}.${job}.${i}.sh`, `#!/usr/bin/env bash\nset -e\n${body}\n`);
        n++;
      });
    }
  }
  console.log(`workflows: ${n} run blocks extracted`);
' "$tmp" "${workflows[@]}"
shellcheck --severity=style "$tmp"/*.sh
echo "workflows: ${#workflows[@]} file(s) pass yamllint and shellcheck"
