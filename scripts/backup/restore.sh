#!/usr/bin/env bash
# Restore minidock backups (archives written by offen/docker-volume-backup, see lib/platform/backup/containers.ts).
#
# An archive holds one folder per covered docker volume: backup/<docker volume name>/... (offen writes the names
# with a leading "/"; busybox tar strips it). Postgres data is not in it as files: the pg_dump sidecar's dump
# volume is (backup/minidock-<db>-pgdump-dumps/<database>.dump + globals.sql).
#
# Runs wherever the docker CLI reaches the host's daemon: on the mini (docker context colima) or from the laptop
# with DOCKER_HOST=ssh://<user>@<mini>. Encrypted archives (*.gpg) are decrypted HERE with gpg, so the passphrase
# never goes to the host. docs/runbook.md (Restore) walks through each case.
#
# Usage:
#   restore.sh list     [--archive-volume VOL]
#   restore.sh fetch    NAME DEST_FILE [--archive-volume VOL]
#   restore.sh volume   --archive FILE --source VOLUME_IN_ARCHIVE --target VOLUME [--create] [--force]
#                       [--passphrase-file FILE] [--image IMAGE]
#   restore.sh postgres --archive FILE --source DUMPS_VOLUME_IN_ARCHIVE --database DB
#                       (--container CONTAINER | --local) [--into DB] [--user USER] [--globals]
#                       [--passphrase-file FILE] [--image IMAGE]
#
#   list      archives in the host's archive volume (default minidock-backup-archive), newest first
#   fetch     copy one archive out of the archive volume to a local file
#   volume    files and Redis: extract one volume's folder into TARGET. TARGET must exist (--create makes it), must
#             not be in use by a running container, and must be empty (--force empties it first).
#   postgres  pg_restore one database's dump into a running server: `docker exec` into CONTAINER (its own
#             pg_restore, same version), or --local: pg_restore on this machine with the usual PG* variables
#             (e.g. through an SSH tunnel to the mini's 127.0.0.1:5432). --into restores into another, existing
#             database (a scratch copy to compare against). --clean --if-exists: objects in the dump are dropped
#             and recreated; everything runs in one transaction. --globals first replays roles.
#
# Exit status: 0 on success, 1 on a failed step, 2 on bad usage.
set -euo pipefail

ARCHIVE_VOLUME="minidock-backup-archive"
# The backup service's own image: already on every host, and busybox tar/cp/sh are in it.
IMAGE="offen/docker-volume-backup:v2.43.3"

die() { echo "restore.sh: $*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The archive on stdout, decrypted when it is a .gpg file.
read_archive() {
  local file=$1 passfile=$2
  [ -r "$file" ] || die "archive $file is not readable"
  case "$file" in
    *.gpg)
      command -v gpg >/dev/null || die "gpg is needed to decrypt $file (apt install gnupg / brew install gnupg)"
      if [ -n "$passfile" ]; then
        gpg --batch --quiet --pinentry-mode loopback --passphrase-file "$passfile" --decrypt "$file"
      else
        gpg --quiet --decrypt "$file"
      fi
      ;;
    *) cat "$file" ;;
  esac
}

helper() { docker run --rm -i --network none --entrypoint /bin/sh "$IMAGE" "$@"; }

cmd_list() {
  docker run --rm --network none -v "$ARCHIVE_VOLUME:/archive:ro" --entrypoint /bin/sh "$IMAGE" -c 'ls -lt /archive'
}

cmd_fetch() {
  local name=$1 dest=$2
  case "$name" in */*|..*) die "NAME is a file name inside the archive volume, got $name" ;; esac
  docker run --rm --network none -v "$ARCHIVE_VOLUME:/archive:ro" --entrypoint /bin/cat "$IMAGE" "/archive/$name" > "$dest"
  echo "restore.sh: fetched $name to $dest ($(wc -c < "$dest") bytes)"
}

cmd_volume() {
  local archive="" source="" target="" passfile="" create=0 force=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --archive) archive=$2; shift 2 ;;
      --source) source=$2; shift 2 ;;
      --target) target=$2; shift 2 ;;
      --passphrase-file) passfile=$2; shift 2 ;;
      --image) IMAGE=$2; shift 2 ;;
      --create) create=1; shift ;;
      --force) force=1; shift ;;
      *) usage ;;
    esac
  done
  if [ -z "$archive" ] || [ -z "$source" ] || [ -z "$target" ]; then usage; fi
  case "$source" in */*|..*|"") die "--source is a docker volume name as archived (e.g. minidock-redis-data), got $source" ;; esac

  if ! docker volume inspect "$target" >/dev/null 2>&1; then
    [ "$create" = 1 ] || die "volume $target does not exist (pass --create to restore into a new scratch volume)"
    docker volume create "$target" >/dev/null
  fi
  local users
  users=$(docker ps -q --filter "volume=$target")
  [ -z "$users" ] || die "volume $target is in use by running container(s) $(echo "$users" | tr '\n' ' '); stop them first (docker stop <name>)"
  if ! docker run --rm --network none -v "$target:/restore:ro" --entrypoint /bin/sh "$IMAGE" -c '[ -z "$(ls -A /restore)" ]'; then
    if [ "$force" = 1 ]; then
      echo "restore.sh: emptying $target (--force)"
      docker run --rm --network none -v "$target:/restore" --entrypoint /bin/sh "$IMAGE" -c 'find /restore -mindepth 1 -maxdepth 1 -exec rm -rf {} +'
    else
      die "volume $target is not empty; restore into an empty volume, or pass --force to replace its contents"
    fi
  fi

  echo "restore.sh: restoring backup/$source from $archive into volume $target"
  # busybox tar strips offen's leading "/" and matches backup/<name>; --numeric-owner keeps uids as archived.
  read_archive "$archive" "$passfile" | docker run --rm -i --network none -v "$target:/restore" --entrypoint /bin/sh "$IMAGE" \
    -c 'tar -xzf - -C /restore --numeric-owner --strip-components 2 "backup/$1" && echo "restore.sh: $(find /restore -type f | wc -l) files restored"' sh "$source" \
    || die "extracting backup/$source failed (is the name right? list an archive with: tar -tzf FILE | cut -d/ -f1-3 | sort -u)"
}

cmd_postgres() {
  local archive="" source="" database="" into="" container="" local_mode=0 user="postgres" globals=0 passfile=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --archive) archive=$2; shift 2 ;;
      --source) source=$2; shift 2 ;;
      --database) database=$2; shift 2 ;;
      --into) into=$2; shift 2 ;;
      --container) container=$2; shift 2 ;;
      --local) local_mode=1; shift ;;
      --user) user=$2; shift 2 ;;
      --globals) globals=1; shift ;;
      --passphrase-file) passfile=$2; shift 2 ;;
      --image) IMAGE=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  if [ -z "$archive" ] || [ -z "$source" ] || [ -z "$database" ]; then usage; fi
  [ -n "$container" ] || [ "$local_mode" = 1 ] || usage
  local run=()
  if [ "$local_mode" = 1 ]; then
    command -v pg_restore >/dev/null || die "pg_restore is not installed here (use --container to run the server's own)"
  else
    run=(docker exec -i "$container")
  fi
  # shellcheck disable=SC2016 # $1/$2 are expanded by the helper container's sh
  extract() { read_archive "$archive" "$passfile" | helper -c 'tar -xzOf - "backup/$1/$2"' sh "$source" "$1"; }

  if [ "$globals" = 1 ]; then
    echo "restore.sh: replaying roles (globals.sql); existing roles are reported and kept"
    extract globals.sql | "${run[@]}" psql -X -q -U "$user" -d postgres || die "replaying globals.sql failed"
  fi
  into=${into:-$database}
  echo "restore.sh: pg_restore of backup/$source/$database.dump into database $into"
  extract "$database.dump" | "${run[@]}" pg_restore --clean --if-exists --single-transaction --exit-on-error -U "$user" -d "$into" \
    || die "pg_restore into $into failed; the transaction was rolled back, the database is as before"
  echo "restore.sh: database $into restored from the dump of $database"
}

[ $# -ge 1 ] || usage
case "$1" in -h|--help) sed -n '/^# Usage:/,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
command=$1; shift
# Options shared by list and fetch.
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --archive-volume) ARCHIVE_VOLUME=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"
command -v docker >/dev/null || die "the docker CLI is needed (on the mini: docker context use colima; elsewhere DOCKER_HOST=ssh://user@mini)"
case "$command" in
  list) [ $# -eq 0 ] || usage; cmd_list ;;
  fetch) [ $# -eq 2 ] || usage; cmd_fetch "$@" ;;
  volume) cmd_volume "$@" ;;
  postgres) cmd_postgres "$@" ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
