#!/bin/sh
# Stand-in for a web service that Debian does not package (Grafana, cAdvisor) in the end-to-end test: answers
# GET PATH on PORT with 200, so the service's own healthcheck runs unchanged. Extra arguments (the real
# program's flags) are ignored.
set -eu
port=$1 path=$2
dir=/tmp/standin-http
mkdir -p "$dir$(dirname "$path")"
echo ok > "$dir$path"
exec busybox httpd -f -p "$port" -h "$dir"
