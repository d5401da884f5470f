#!/usr/bin/env bash
# Pulumi state snapshots around risky changes (npm run state:export / state:import).
#
# Usage:
#   state.sh export [--stack STACK]            writes backups/state-<stack>-<UTC time>.json and prints its path
#   state.sh import FILE --yes [--stack STACK]  replaces the stack's state with FILE (pulumi stack import)
#
# The export is Pulumi's own checkpoint: secrets stay encrypted in it (no --show-secrets), so it is as safe to
# keep as Pulumi.<stack>.yaml. Importing rewinds what Pulumi BELIEVES exists, not the containers themselves: run
# `pulumi refresh` and then `pulumi up` afterwards, and read docs/runbook.md (Rollback) first. Rolling back a
# bad config change does not need this; a git revert plus `pulumi up` does it.
set -euo pipefail

die() { echo "state.sh: $*" >&2; exit 1; }
usage_text() { sed -n '/^# Usage:/,/^# The export/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
usage() { usage_text >&2; exit 2; }
usage_ok() { usage_text; exit 0; }

[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage_ok ;; esac
# shellcheck source=scripts/lib/pulumi-cli.sh
. "$(dirname "$0")/../lib/pulumi-cli.sh"
require_pulumi "state.sh"
cmd=$1; shift
stack="" file="" yes=0
while [ $# -gt 0 ]; do
  case "$1" in
    --stack) stack=$2; shift 2 ;;
    --yes) yes=1; shift ;;
    -*) usage ;;
    *) file=$1; shift ;;
  esac
done
stack_args=()
[ -z "$stack" ] || stack_args=(--stack "$stack")
name=${stack:-$(pulumi stack --show-name)}

case "$cmd" in
  export)
    [ -z "$file" ] || usage
    mkdir -p backups
    out="backups/state-$name-$(date -u +%Y%m%dT%H%M%SZ).json"
    pulumi stack export "${stack_args[@]}" --file "$out"
    echo "state.sh: exported stack $name to $out"
    ;;
  import)
    [ -n "$file" ] || usage
    [ -r "$file" ] || die "cannot read $file"
    if [ "$yes" != 1 ]; then
      echo "state.sh: this replaces the state of stack $name with $file. The last updates were:" >&2
      pulumi stack history "${stack_args[@]}" 2>/dev/null | head -n 20 >&2 || true
      die "re-run with --yes to import; export the current state first (npm run state:export)"
    fi
    pulumi stack import "${stack_args[@]}" --file "$file"
    echo "state.sh: imported $file into stack $name; next: pulumi refresh, then pulumi preview"
    ;;
  *) usage ;;
esac
