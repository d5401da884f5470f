#!/usr/bin/env bash
# Runs the Pulumi CLI with the given arguments (npm run history: `pulumi stack history`), finding it the way every
# minidock script does (scripts/lib/pulumi-cli.sh); says how to get it when it is missing.
#   bash scripts/pulumi.sh stack history [--stack NAME]
set -euo pipefail
case "${1:-}" in
  -h|--help|"") echo "usage: bash scripts/pulumi.sh <pulumi arguments>   e.g. npm run history -- --stack mini"; [ -n "${1:-}" ]; exit $? ;;
esac
# shellcheck source=scripts/lib/pulumi-cli.sh
. "$(dirname "$0")/lib/pulumi-cli.sh"
require_pulumi "pulumi.sh"
exec pulumi "$@"
