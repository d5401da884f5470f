#!/bin/sh
# mmdebstrap customize hook for the end-to-end test's image: $1 is the root filesystem. Adds the users the
# upstream images run as, data directories a fresh named volume copies (with their owners) on first mount, the
# stand-ins, and the docker CLI for docker-state. Run by scripts/ci/lib/e2e-images.sh.
set -eu
root=$1 here=$(dirname "$0")
# uid:gid:name as the upstream images have them (postgres:alpine 70, redis:alpine 999:1000, node 1000,
# grafana 472); 65534 (nobody) is in Debian already.
for u in 70:70:pg-alpine 999:1000:redis-alpine 1000:1000:node 472:0:grafana; do
  uid=${u%%:*} rest=${u#*:} gid=${rest%%:*} name=${rest#*:}
  grep -q "^[^:]*:[^:]*:$gid:" "$root/etc/group" || echo "$name:x:$gid:" >> "$root/etc/group"
  grep -q "^[^:]*:[^:]*:$uid:" "$root/etc/passwd" || echo "$name:x:$uid:$gid::/tmp:/bin/sh" >> "$root/etc/passwd"
done
d() { mkdir -p "$root$1" && chown "$2" "$root$1" && chmod "$3" "$root$1"; }
d /var/lib/postgresql/data 70:70 0700
d /var/run/postgresql 70:70 0775
d /data 999:1000 0770
d /workspace 1000:1000 0755
d /prometheus 65534:65534 0755
d /alertmanager 65534:65534 0755
d /etc/minidock 0:0 0755
d /archive 0:0 0755
install -m 0755 "$here/postgres-entrypoint.sh" "$root/usr/local/bin/minidock-postgres-entrypoint"
install -m 0755 "$here/standin-http.sh" "$root/usr/local/bin/minidock-standin-http"
gcc -static -O2 -o "$root/usr/bin/backup" "$here/standin-backup.c"
install -m 0755 "$(command -v docker)" "$root/usr/local/bin/docker"
# busybox for httpd (the stand-ins); every other tool is Debian's own.
ln -sf /bin/busybox "$root/usr/local/bin/busybox" 2>/dev/null || true
