# shellcheck shell=bash
# A private Docker engine for the CI checks that need one (restore-test.sh, load-test.sh), and a busybox image
# made without a registry. Sourced, not run. Needs root, Debian's docker.io and busybox-static.

# check_engine_prereqs TOOL...: dockerd, docker and the given tools are installed, busybox-static is there, and we
# run as root (a private dockerd needs it). Prints what is missing; .ci/run's apt-get line installs all of it.
check_engine_prereqs() {
  local tool
  for tool in dockerd docker "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; return 1; }
  done
  [ -x /bin/busybox ] || { echo "/bin/busybox is missing (apt package busybox-static)" >&2; return 1; }
  [ "$(id -u)" = 0 ] || { echo "run as root: it starts its own dockerd" >&2; return 1; }
}

# start_private_dockerd WORK: a dockerd with its own socket and data root under WORK (no iptables, no bridge:
# nothing here needs a network). Exports DOCKER_HOST and sets DOCKERD_PID. Waits until the daemon answers; fails
# at once if it exits, or if it does not answer in 120 s (a generous bound: it usually takes a second or two).
start_private_dockerd() {
  run_private_dockerd "$1" --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs
}

# start_networked_dockerd WORK: as above, but with Docker's networking as a host has it (the default bridge,
# user-defined networks with their DNS, published ports through iptables) and overlay2 where the kernel has
# it: what the end-to-end test deploys the stack onto. Only one such daemon can run on a machine at a time.
start_networked_dockerd() {
  local driver=vfs
  grep -qw overlay /proc/filesystems && driver=overlay2
  run_private_dockerd "$1" --storage-driver="$driver"
}

# run_private_dockerd WORK DOCKERD-FLAGS...
run_private_dockerd() {
  local work=$1 deadline
  shift
  export DOCKER_HOST="unix://$work/docker.sock"
  dockerd --data-root "$work/root" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" -H "$DOCKER_HOST" \
    "$@" > "$work/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  deadline=$(($(date +%s) + 120))
  until docker info >/dev/null 2>&1; do
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
      tail -20 "$work/dockerd.log" >&2
      echo "dockerd did not come up" >&2
      return 1
    fi
    sleep 0.2
  done
}

# stop_private_dockerd: removes every container and network and stops the daemon started above (for an EXIT trap).
# Networks too: the daemon keeps them in its data root, which the caller deletes, and their bridge devices would stay
# on the host; after a few runs Docker finds no free address pool for a new network. Returns once the daemon has
# exited, so the caller may remove its data root: SIGTERM, and SIGKILL if it is still there after 60 s.
stop_private_dockerd() {
  [ -n "${DOCKERD_PID:-}" ] || return 0
  local deadline
  docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1
  docker network prune -f >/dev/null 2>&1 || true
  kill "$DOCKERD_PID" 2>/dev/null
  deadline=$(($(date +%s) + 60))
  while kill -0 "$DOCKERD_PID" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$DOCKERD_PID" 2>/dev/null; then
    echo "dockerd $DOCKERD_PID did not stop in 60 s; killing it" >&2
    kill -KILL "$DOCKERD_PID" 2>/dev/null
  fi
  wait "$DOCKERD_PID" 2>/dev/null || true
  DOCKERD_PID=""
}

# busybox_rootfs DIR: a root filesystem with a static busybox and its applets in /bin, /tmp and /etc.
# Add what a check needs, then import it with docker_import.
busybox_rootfs() {
  local dir=$1
  mkdir -p "$dir/bin" "$dir/tmp" "$dir/etc"
  cp /bin/busybox "$dir/bin/busybox"
  /bin/busybox --install -s "$dir/bin"
  # The symlinks must point at /bin/busybox inside the image.
  for l in "$dir"/bin/*; do [ -L "$l" ] && ln -sf /bin/busybox "$l"; done
  chmod 1777 "$dir/tmp"
}

# docker_import DIR IMAGE
docker_import() {
  tar -C "$1" -c . | docker import - "$2" >/dev/null
}

# envelope_flags STACK CONTAINER: the `docker run` flags of CONTAINER's envelope as the program declares it
# (tools/dockerRun.ts: limits, restart, capabilities, security options, root fs, tmpfs, logging, user, labels),
# one per line. Run from the repository root.
envelope_flags() {
  node -r ./tools/register.js tools/dockerRun.ts --stack "$1" |
    awk -F'\t' -v c="$2" '$1 == "container" && $2 == c { for (i = 7; i <= NF; i++) print $i; found = 1 }
      END { if (!found) { print "no container " c " in the stack" > "/dev/stderr"; exit 1 } }'
}
