# shellcheck shell=bash
# Images for the end-to-end test, built on the test's own dockerd: no image registry can be reached here.
# Sourced, not run. Needs root, mmdebstrap, gcc and a running daemon (DOCKER_HOST).
#
# One Debian root filesystem holds the real programs Debian packages: PostgreSQL, Redis, Node.js, Prometheus,
# Alertmanager, the Pushgateway, the node exporter, HAProxy (the Docker API proxy: bookworm's 2.6 where the stack
# names 3.0), wget and the docker CLI. Grafana, cAdvisor and offen's backup are not packaged and get small
# stand-ins (scripts/ci/e2e/). Each image the stack names is that root filesystem with the upstream image's
# entrypoint, command, workdir and env, tagged minidock-e2e/REPO:TAG; the stack is pointed at them with
# minidock:images.replace.

E2E_PACKAGES="postgresql,postgresql-client,redis-server,nodejs,prometheus,prometheus-alertmanager,prometheus-pushgateway,prometheus-node-exporter,haproxy,busybox-static,wget,procps,ca-certificates"

# e2e_rootfs: prints the path of the root filesystem tarball, built once per package list and customize hook.
e2e_rootfs() {
  local here cache key out
  here="$(dirname "${BASH_SOURCE[0]}")/../e2e"
  cache="${MINIDOCK_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minidock/e2e}"
  key=$( { echo "$E2E_PACKAGES"; cat "$here"/*; mmdebstrap --version; command -v docker; } | sha256sum | cut -c1-16)
  out="$cache/rootfs-$key.tar"
  if [ ! -s "$out" ]; then
    mkdir -p "$cache"
    echo "e2e images: mmdebstrap bookworm with $E2E_PACKAGES (cached in $out)" >&2
    mmdebstrap --variant=essential --mode=root --format=tar --include="$E2E_PACKAGES" \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --customize-hook="sh $here/customize-rootfs.sh \"\$1\"" \
      bookworm "$out.partial" http://deb.debian.org/debian >&2
    mv "$out.partial" "$out"
  fi
  echo "$out"
}

# e2e_profile REPOSITORY: the `docker commit --change` lines that make the base image behave like REPOSITORY's.
e2e_profile() {
  local pgpath="ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
  case "$1" in
    library/postgres) printf '%s\n' "$pgpath" "ENV PGDATA=/var/lib/postgresql/data" \
      'ENTRYPOINT ["/usr/local/bin/minidock-postgres-entrypoint"]' 'CMD []' ;;
    library/redis) printf '%s\n' "WORKDIR /data" 'CMD ["redis-server"]' ;;
    library/node) printf '%s\n' 'CMD ["node"]' ;;
    library/docker) printf '%s\n' 'CMD ["sh"]' ;;
    # The official image has haproxy on PATH (/usr/local/sbin); Debian's is /usr/sbin/haproxy, and the stack's
    # entrypoint calls it by name. Its user (the stack runs it as 0:0 to reach the socket) and workdir; not its
    # STOPSIGNAL SIGUSR1, which `docker commit --change` does not take.
    library/haproxy) printf '%s\n' "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "USER haproxy" \
      "WORKDIR /var/lib/haproxy" 'CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]' ;;
    prom/prometheus) printf '%s\n' "WORKDIR /prometheus" 'ENTRYPOINT ["/usr/bin/prometheus"]' 'CMD []' ;;
    prom/alertmanager) printf '%s\n' 'ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]' 'CMD []' ;;
    prom/pushgateway) printf '%s\n' 'ENTRYPOINT ["/usr/bin/prometheus-pushgateway"]' 'CMD []' ;;
    prom/node-exporter) printf '%s\n' 'ENTRYPOINT ["/usr/bin/prometheus-node-exporter"]' 'CMD []' ;;
    grafana/grafana) printf '%s\n' 'ENTRYPOINT ["/usr/local/bin/minidock-standin-http", "3000", "/api/health"]' 'CMD []' ;;
    cadvisor/cadvisor) printf '%s\n' 'ENTRYPOINT ["/usr/local/bin/minidock-standin-http", "8080", "/healthz"]' 'CMD []' ;;
    offen/docker-volume-backup) printf '%s\n' 'ENTRYPOINT ["/usr/bin/backup"]' 'CMD ["-foreground"]' ;;
    *) echo "e2e images: no profile for $1; add one to e2e_profile" >&2; return 1 ;;
  esac
}

# build_e2e_images MAP REF...: one image per reference, and MAP, a JSON object from each REF to its local tag.
# A REF given as REF=VARIANT builds a second, distinct image (its own ID) for the same repository, so the test
# can change an image and roll it back.
build_e2e_images() {
  local map=$1 rootfs base cid ref variant repo tag local_ref first=1 changes=()
  shift
  rootfs=$(e2e_rootfs)
  base="minidock-e2e/base:bookworm"
  docker image inspect "$base" >/dev/null 2>&1 || docker import "$rootfs" "$base" >/dev/null
  echo "{" > "$map"
  for ref in "$@"; do
    variant=""
    case "$ref" in *=*) variant=${ref#*=}; ref=${ref%%=*} ;; esac
    repo=$(node -r ./tools/register.js -e 'console.log(require("./lib/images").parseImageRef(process.argv[1]).repository)' "$ref")
    tag=${ref##*:}
    local_ref="minidock-e2e/${repo#library/}:$tag"
    mapfile -t lines < <(e2e_profile "$repo")
    changes=(--change "LABEL minidock.e2e.source=$ref" --change "LABEL minidock.e2e.variant=${variant:-base}")
    for l in "${lines[@]}"; do changes+=(--change "$l"); done
    cid=$(docker create "$base" /bin/true)
    docker commit "${changes[@]}" "$cid" "$local_ref" >/dev/null
    docker rm "$cid" >/dev/null
    [ "$first" = 1 ] || echo "," >> "$map"
    first=0
    printf '  "%s": "%s"\n' "$ref" "$local_ref" >> "$map"
  done
  echo "}" >> "$map"
}
