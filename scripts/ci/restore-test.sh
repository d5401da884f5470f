#!/usr/bin/env bash
# A REAL backup -> restore round trip on a real Docker engine (Debian's docker.io), no registry needed:
#
#  1. starts a private dockerd (own socket and data root; no iptables, no bridge: nothing here needs a network)
#  2. builds a tiny image with `docker import` of a busybox-static rootfs (apt package busybox-static)
#  3. fills a docker volume with known data: several owners, a 0600 file of uid 1000, a Redis-style AOF
#     directory, a 1 MiB random file, a symlink, an empty dir, a name with spaces
#  4. archives it inside the backup container's own envelope, as the program declares it (tools/dockerRun.ts:
#     read-only rootfs, cap-drop ALL + DAC_OVERRIDE only, no-new-privileges, root, its memory limit; source mounted
#     read-only at /backup/<volume>), and shows that WITHOUT DAC_OVERRIDE the same archive step fails on the
#     0600 file
#  5. runs the backup container's real entrypoint (lib/platform/backup/scripts.ts) with a stand-in offen binary and a netcat
#     "Pushgateway", and checks what it pushes; checks that a new volume mounted at the postgres image's data path
#     takes that path's owner (why the pg_dump sidecar dumps there), and that elsewhere uid 70 could not write
#  6. re-packs the archive with offen's member names (a leading "/") and GPG-encrypts it, as offen does
#  7. restores it with scripts/backup/restore.sh into a SCRATCH volume and compares owners, modes, types, sizes
#     and md5 checksums of every entry; plus the refusals (wrong passphrase, non-empty target, target in use)
#  8. Postgres, when Debian's postgresql is installed: runs minidock's own pg_dump sidecar program
#     (lib/platform/backup/scripts.ts, DUMP_ONCE=1) against a throwaway cluster, archives the dump volume the same way,
#     restores with `restore.sh postgres --local` into a scratch database and compares table checksums
#
# NOT exercised here (no registry): the offen/docker-volume-backup image itself (its scheduler, pruning, S3
# upload and GPG code), the postgres:16.6-alpine image (its pg_dump runs as the sidecar on the mini), Colima.
# Run as root (CI does). Exit status non-zero on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RESTORE="$ROOT/scripts/backup/restore.sh"
WORK=$(mktemp -d /tmp/minidock-restore.XXXXXX)
chmod 755 "$WORK"
IMAGE=minidock-ci/busybox:restore-test
SRC=minidock-ci-data
DUMPS=minidock-ci-pgdump-dumps
PASS="$WORK/passphrase"
DOCKERD_PID=""
PG_STARTED=""
PGBIN=""
# shellcheck source-path=SCRIPTDIR source=lib/dockerd.sh
. "$ROOT/scripts/ci/lib/dockerd.sh"
step() { echo "== restore-test: $*"; }
fail() { echo "restore-test: FAIL: $*" >&2; exit 1; }

cleanup() {
  set +e
  if [ -n "$PG_STARTED" ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1; fi
  stop_private_dockerd
  rm -rf "$WORK"
}
trap cleanup EXIT

check_engine_prereqs gpg || fail "prerequisites missing (apt: docker.io busybox-static gnupg)"

step "starting a private dockerd"
start_private_dockerd "$WORK" || fail "dockerd did not come up"

step "building $IMAGE from busybox-static (docker import, no registry)"
busybox_rootfs "$WORK/rootfs"
# As in the postgres images: the data path exists and belongs to the postgres user (70 in alpine).
mkdir -p "$WORK/rootfs/var/lib/postgresql/data"
chown 70:70 "$WORK/rootfs/var/lib/postgresql/data" && chmod 700 "$WORK/rootfs/var/lib/postgresql/data"
docker_import "$WORK/rootfs" "$IMAGE"

# Runs busybox sh in a throwaway container: run [docker options...] -- 'script' [args...]
run() {
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  docker run --rm --network none "${opts[@]}" "$IMAGE" /bin/sh -c "$@"
}
# Owner, mode, type and size of every entry, and md5 of every file: what "restored correctly" means here.
manifest() {
  # shellcheck disable=SC2016 # expanded by the container's sh
  run -v "$1:/v:ro" -- 'cd /v && find . -mindepth 1 | sort | while IFS= read -r f; do stat -c "%N %u:%g %a %F %s" "$f"; done; find . -type f -exec md5sum {} + | sort -k2'
}

step "filling volume $SRC with known data"
docker volume create "$SRC" >/dev/null
# shellcheck disable=SC2016 # runs in the container's sh
run -v "$SRC:/data" -- '
  set -e
  cd /data
  echo "plain file" > a.txt
  mkdir -p secret appendonlydir "empty dir" "with space"
  echo "only uid 1000 may read this" > secret/key && chown 1000:1000 secret secret/key && chmod 600 secret/key && chmod 700 secret
  printf "*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n" > appendonlydir/appendonly.aof.1.incr.aof
  echo "file appendonly.aof.1.base.rdb seq 1 type b" > appendonlydir/appendonly.aof.manifest
  chown -R 999:1000 appendonlydir
  dd if=/dev/urandom of=random.bin bs=1024 count=1024 2>/dev/null
  echo spaced > "with space/a file.txt"
  ln -s a.txt link-to-a
'
manifest "$SRC" > "$WORK/before.txt"
[ "$(wc -l < "$WORK/before.txt")" -ge 12 ] || fail "test data incomplete: $(cat "$WORK/before.txt")"

# The backup container's envelope as the program declares it for the mini (tools/dockerRun.ts), minus its name and
# restart policy (these runs are --rm). The capabilities it adds back are kept apart, to show each one is needed.
HARDENED=()
PROGRAM_CAPS=()
while IFS= read -r flag; do
  case "$flag" in
    --name=* | --restart=*) ;;
    --cap-add=*) PROGRAM_CAPS+=("$flag") ;;
    *) HARDENED+=("$flag") ;;
  esac
done < <(cd "$ROOT" && envelope_flags mini minidock-backup-1)
printf '%s\n' "${HARDENED[@]}" | grep -qx -- '--cap-drop=ALL' || fail "the backup container's envelope lacks --cap-drop=ALL: ${HARDENED[*]}"
[ "${PROGRAM_CAPS[*]}" = "--cap-add=DAC_OVERRIDE" ] || fail "the backup container adds back '${PROGRAM_CAPS[*]}'; this test explains DAC_OVERRIDE only"
archive_step() { # archive_step NAME volume... : tar of /backup/<volume> into the archive volume, as the backup container sees them
  local name=$1; shift
  local mounts=()
  for v in "$@"; do mounts+=(-v "$v:/backup/$v:ro"); done
  # shellcheck disable=SC2016 # $1 is the container sh's argument
  run "${HARDENED[@]}" "${EXTRA_CAPS[@]}" -v minidock-ci-archive:/archive "${mounts[@]}" -- 'tar -czf "/archive/$1" -C / backup' sh "$name"
}

step "archiving WITHOUT DAC_OVERRIDE must fail on the 0600 file (why the backup container adds it back)"
EXTRA_CAPS=()
if archive_step no-cap.tar.gz "$SRC" 2> "$WORK/no-cap.err"; then fail "archiving a 0600 file of uid 1000 worked without DAC_OVERRIDE: the capability would be unnecessary"; fi
grep -q "Permission denied" "$WORK/no-cap.err" || fail "expected 'Permission denied', got: $(cat "$WORK/no-cap.err")"
echo "   ok: $(grep -m1 "Permission denied" "$WORK/no-cap.err")"

step "archiving with the backup container's hardening (cap-drop ALL + DAC_OVERRIDE, read-only sources)"
EXTRA_CAPS=("${PROGRAM_CAPS[@]}")
archive_step minidock-ci-files.tar.gz "$SRC"
run -v "$SRC:/backup/$SRC:ro" -- 'touch /backup/*/should-fail' 2>/dev/null && fail "a read-only source mount was writable"
echo "   ok: the source mount refuses writes even to root"

step "the backup container's entrypoint pushes the newest archive's time (stand-in offen binary and Pushgateway)"
(cd "$ROOT" && npx ts-node -T -e 'process.stdout.write(require("./lib/platform/backup/scripts").BACKUP_ENTRYPOINT_SCRIPT)') > "$WORK/entry.sh"
printf '#!/bin/sh\necho "stand-in for offen: $*"\nexec sleep 300\n' > "$WORK/backup-stub" && chmod 755 "$WORK/backup-stub"
# The stand-in Pushgateway serves every push (nc -ll: one capture.sh per connection); each request lands in
# request.txt in one rename, once the client has closed: a reader never sees half of one.
printf '#!/bin/sh\nprintf "HTTP/1.0 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n"\ncat > /tmp/request.$$\nmv /tmp/request.$$ /tmp/request.txt\n' > "$WORK/capture.sh" && chmod 755 "$WORK/capture.sh"
# Nothing here guesses how long a step takes: the listener must be accepting connections before the entrypoint
# starts (else its first push is refused), and the check waits for the push itself (and offen's start), with a
# generous upper bound. PUSH_INTERVAL_SECONDS=1: should a push fail anyway, the retry comes within the bound.
# shellcheck disable=SC2016 # runs in the container's sh
run "${HARDENED[@]}" "${EXTRA_CAPS[@]}" --tmpfs /tmp -e BACKUP_PRUNING_PREFIX=minidock-ci- -e PUSHGATEWAY_URL=http://127.0.0.1:9091 \
  -e PUSH_INTERVAL_SECONDS=1 \
  -v minidock-ci-archive:/archive:ro -v "$WORK/entry.sh:/entry.sh:ro" -v "$WORK/backup-stub:/usr/bin/backup:ro" -v "$WORK/capture.sh:/capture.sh:ro" -- '
  wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS
    end=$(( $(date +%s) + $1 )); shift
    until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.1; done
  }
  listening() { netstat -ltn | grep -q ":9091 .*LISTEN"; }
  pushed() { [ -e /tmp/request.txt ] && grep -q "^stand-in for offen" /tmp/entry.log; }
  nc -ll -p 9091 -e /capture.sh &
  wait_for 60 listening || echo "--- the stand-in Pushgateway did not listen on 9091 within 60 s"
  sh /entry.sh > /tmp/entry.log 2>&1 &
  wait_for 180 pushed || echo "--- no push and offen start within 180 s"
  echo "--- entry.log"; cat /tmp/entry.log; echo "--- request"; cat /tmp/request.txt
  echo "--- mtime $(stat -c %Y /archive/minidock-ci-files.tar.gz)"' > "$WORK/push.txt"
cat "$WORK/push.txt"
mtime=$(sed -n 's/^--- mtime //p' "$WORK/push.txt")
grep -q "^POST /metrics/job/minidock_backup HTTP" "$WORK/push.txt" || fail "no POST to the Pushgateway job minidock_backup"
grep -qi "^Content-Type: text/plain" "$WORK/push.txt" || fail "the push is not text/plain"
grep -q "^minidock_backup_last_success_timestamp_seconds{target=\"local\"} $mtime\$" "$WORK/push.txt" || fail "last success is not the newest archive's mtime ($mtime)"
grep -q '^minidock_backup_archives{target="local"} 1$' "$WORK/push.txt" || fail "archive count wrong (the no-cap archive must not count: other prefix)"
grep -q "stand-in for offen: -foreground" "$WORK/push.txt" || fail "the entrypoint did not exec backup -foreground"
echo "   ok: pushed last success = $mtime (the archive's mtime) and 1 archive; offen started with -foreground"

step "a new volume mounted at the postgres image's data path takes its owner, so the sidecar (uid 70) can write"
mapfile -t SIDECAR < <(cd "$ROOT" && envelope_flags mini minidock-postgres-pgdump-1 | grep -v -e '^--name=' -e '^--restart=')
printf '%s\n' "${SIDECAR[@]}" | grep -qx -- '--user=70:70' || fail "the pg_dump sidecar's envelope does not run it as 70:70: ${SIDECAR[*]}"
run "${SIDECAR[@]}" -v minidock-ci-newdump:/var/lib/postgresql/data -- 'touch /var/lib/postgresql/data/probe && stat -c "%u:%g %a" /var/lib/postgresql/data' > "$WORK/owner.txt"
[ "$(cat "$WORK/owner.txt")" = "70:70 700" ] || fail "volume root is $(cat "$WORK/owner.txt"), expected 70:70 700 copied from the image"
if run "${SIDECAR[@]}" -v minidock-ci-newdump2:/dumps -- 'touch /dumps/probe' 2>/dev/null; then
  fail "uid 70 could write a new volume at a path the image lacks: the data-path choice would be unnecessary"
fi
echo "   ok: owner copied (70:70 700); at a path the image lacks the volume is root's and uid 70 cannot write"

step "re-packing with offen's member names (leading /) and encrypting with GPG, as offen's GPG_PASSPHRASE does"
mkdir -p "$WORK/repack"
run -v minidock-ci-archive:/archive:ro -- 'cat /archive/minidock-ci-files.tar.gz' > "$WORK/plain.tar.gz"
tar -xzf "$WORK/plain.tar.gz" -C "$WORK/repack" --numeric-owner
tar -czPf "$WORK/minidock-ci-2026-01-01T03-00-00.tar.gz" -C "$WORK/repack" --numeric-owner --transform 's,^,/,S' backup
tar -tzPf "$WORK/minidock-ci-2026-01-01T03-00-00.tar.gz" > "$WORK/members.txt"
grep -q "^/backup/$SRC/secret/key$" "$WORK/members.txt" || fail "re-packed archive lacks /backup/$SRC/secret/key"
head -c 32 /dev/urandom | base64 > "$PASS"
gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$PASS" --symmetric --cipher-algo AES256 \
  -o "$WORK/minidock-ci-2026-01-01T03-00-00.tar.gz.gpg" "$WORK/minidock-ci-2026-01-01T03-00-00.tar.gz"
ARCHIVE="$WORK/minidock-ci-2026-01-01T03-00-00.tar.gz.gpg"

step "restore.sh volume into a scratch volume, then compare"
"$RESTORE" volume --archive "$ARCHIVE" --passphrase-file "$PASS" --source "$SRC" --target minidock-ci-scratch --create --image "$IMAGE"
manifest minidock-ci-scratch > "$WORK/after.txt"
diff -u "$WORK/before.txt" "$WORK/after.txt" || fail "restored volume differs from the original"
echo "   ok: $(grep -c . "$WORK/after.txt") manifest lines identical (owners, modes, types, sizes, md5)"
step "the unencrypted archive (relative member names, as busybox tar writes them) restores too"
"$RESTORE" volume --archive "$WORK/plain.tar.gz" --source "$SRC" --target minidock-ci-scratch2 --create --image "$IMAGE"
manifest minidock-ci-scratch2 | diff -u "$WORK/before.txt" - || fail "restore of the plain archive differs"

step "refusals"
echo "wrong" > "$WORK/wrong-pass"
if "$RESTORE" volume --archive "$ARCHIVE" --passphrase-file "$WORK/wrong-pass" --source "$SRC" --target minidock-ci-scratch3 --create --image "$IMAGE" 2>/dev/null; then
  fail "restore with a wrong passphrase succeeded"
fi
[ -z "$(run -v minidock-ci-scratch3:/v:ro -- 'ls -A /v')" ] || fail "a failed decrypt left files in the target"
if "$RESTORE" volume --archive "$ARCHIVE" --passphrase-file "$PASS" --source "$SRC" --target minidock-ci-scratch --image "$IMAGE" 2>"$WORK/nonempty.err"; then
  fail "restore into a non-empty volume without --force succeeded"
fi
grep -q "is not empty" "$WORK/nonempty.err" || fail "unexpected refusal: $(cat "$WORK/nonempty.err")"
docker run -d --name minidock-ci-user --network none -v minidock-ci-scratch:/v "$IMAGE" /bin/sleep 300 >/dev/null
if "$RESTORE" volume --archive "$ARCHIVE" --passphrase-file "$PASS" --source "$SRC" --target minidock-ci-scratch --force --image "$IMAGE" 2>"$WORK/inuse.err"; then
  fail "restore into a volume used by a running container succeeded"
fi
grep -q "in use by running container" "$WORK/inuse.err" || fail "unexpected refusal: $(cat "$WORK/inuse.err")"
docker rm -f minidock-ci-user >/dev/null
run -v minidock-ci-scratch:/v -- 'echo stale > /v/stale.txt && rm -f /v/a.txt'
"$RESTORE" volume --archive "$ARCHIVE" --passphrase-file "$PASS" --source "$SRC" --target minidock-ci-scratch --force --image "$IMAGE" >/dev/null
manifest minidock-ci-scratch | diff -u "$WORK/before.txt" - || fail "--force did not replace the contents exactly"
echo "   ok: wrong passphrase, non-empty target, target in use all refused; --force replaces exactly"

PGBIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || ! id postgres >/dev/null 2>&1; then
  echo "restore-test: SKIPPED the postgres round trip: Debian's postgresql is not installed (apt install postgresql)"
  echo "restore-test: PASS (files)"
  exit 0
fi

step "postgres: a throwaway cluster ($PGBIN), minidock's pg_dump sidecar program, restore into a scratch database"
mkdir -p "$WORK/pg/sock" "$WORK/dumps"
chown -R postgres "$WORK/pg" "$WORK/dumps"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-c listen_addresses='' -k $WORK/pg/sock -p 54329" start >/dev/null
PG_STARTED=1
export PGHOST="$WORK/pg/sock" PGPORT=54329 PGUSER=postgres
psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d postgres -c "CREATE ROLE agent LOGIN PASSWORD 'x'" -c "CREATE DATABASE agents OWNER agent" -c "CREATE DATABASE \"other db\""
psql -d agents -c "CREATE TABLE items (id int PRIMARY KEY, body text, doc jsonb)" \
  -c "INSERT INTO items SELECT g, md5(g::text), jsonb_build_object('n', g) FROM generate_series(1, 5000) g" \
  -c "CREATE INDEX items_body ON items (body)" -c "ALTER TABLE items OWNER TO agent"
psql -d "other db" -c "CREATE TABLE t (x int)" -c "INSERT INTO t VALUES (42)"
SUM="SELECT count(*) || ':' || md5(string_agg(id || body || doc::text, ',' ORDER BY id)) FROM items"
before=$(psql -d agents -At -c "$SUM")

# The sidecar program, exactly as the container runs it (lib/platform/backup/scripts.ts), once.
(cd "$ROOT" && npx ts-node -T -e 'process.stdout.write(require("./lib/platform/backup/scripts").PG_DUMP_SCRIPT)') > "$WORK/pgdump.sh"
[ -s "$WORK/pgdump.sh" ] || fail "could not render PG_DUMP_SCRIPT"
runuser -u postgres -- env PATH="$PGBIN:$PATH" DUMP_ONCE=1 DUMP_DIR="$WORK/dumps" PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER=postgres \
  PGDATABASE=postgres DUMP_HOUR=2 DUMP_MINUTE=45 sh "$WORK/pgdump.sh"
ls -l "$WORK/dumps"
for f in globals.sql agents.dump "other db.dump" postgres.dump; do [ -s "$WORK/dumps/$f" ] || fail "the dump program did not write $f"; done
for f in "$WORK"/dumps/*.partial; do [ -e "$f" ] && fail "a .partial file was left behind: $f"; done

# Into the sidecar's dump volume, then archived with the backup container's hardening, then encrypted.
docker volume create "$DUMPS" >/dev/null
tar -C "$WORK/dumps" -c . | docker run --rm -i --network none -v "$DUMPS:/d" "$IMAGE" /bin/sh -c 'tar -xf - -C /d && chown -R 70:70 /d && chmod 700 /d'
archive_step minidock-ci-db.tar.gz "$DUMPS" "$SRC"
run -v minidock-ci-archive:/archive:ro -- 'cat /archive/minidock-ci-db.tar.gz' > "$WORK/db.tar.gz"
gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$PASS" --symmetric -o "$WORK/db.tar.gz.gpg" "$WORK/db.tar.gz"

psql -d postgres -c "CREATE DATABASE agents_restorecheck"
"$RESTORE" postgres --archive "$WORK/db.tar.gz.gpg" --passphrase-file "$PASS" --source "$DUMPS" --database agents \
  --into agents_restorecheck --local --image "$IMAGE"
after=$(psql -d agents_restorecheck -At -c "$SUM")
[ "$before" = "$after" ] || fail "scratch database differs: before $before, after $after"
[ "$(psql -d agents_restorecheck -At -c "SELECT tableowner FROM pg_tables WHERE tablename = 'items'")" = agent ] || fail "owner not restored"
[ "$(psql -d agents_restorecheck -At -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'items_body'")" = 1 ] || fail "index not restored"
echo "   ok: scratch database identical ($after), owner and index restored"

step "postgres: damage the live database, restore it in place (--clean, one transaction)"
psql -d agents -c "DELETE FROM items WHERE id % 2 = 0" -c "UPDATE items SET body = 'changed'"
[ "$(psql -d agents -At -c "$SUM")" != "$before" ] || fail "damage did not change the checksum"
"$RESTORE" postgres --archive "$WORK/db.tar.gz.gpg" --passphrase-file "$PASS" --source "$DUMPS" --database agents --local --image "$IMAGE"
[ "$(psql -d agents -At -c "$SUM")" = "$before" ] || fail "in-place restore did not bring the data back"
"$RESTORE" postgres --archive "$WORK/db.tar.gz.gpg" --passphrase-file "$PASS" --source "$DUMPS" --database "other db" \
  --into postgres --local --image "$IMAGE" >/dev/null
[ "$(psql -d postgres -At -c 'SELECT x FROM t')" = 42 ] || fail "database with a space in its name did not restore"
echo "   ok: in-place restore brought back $before; a database named 'other db' restores too"
echo "restore-test: PASS (files and postgres)"
