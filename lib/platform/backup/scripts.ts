/**
 * The shell programs the backup containers run, as strings (pure, so tests and scripts/ci/restore-test.sh can
 * run the very same text). POSIX sh: they run under busybox ash in the alpine images and dash on Debian.
 */

/**
 * The agreement with monitoring (docs/architecture.md#how-backup-reports-to-monitoring): the backup container pushes to the host's
 * Pushgateway, job minidock_backup; the BackupTooOld alert reads lastSuccess.
 */
export const BACKUP_METRICS = {
  job: "minidock_backup",
  /** mtime (unix seconds) of the newest archive in the local archive volume = end of the last successful run. */
  lastSuccess: "minidock_backup_last_success_timestamp_seconds",
  /** Number of archives kept in the local archive volume. */
  archives: "minidock_backup_archives",
} as const;

/** Dumps in progress carry this suffix; the backup container excludes them (BACKUP_EXCLUDE_REGEXP). */
export const PARTIAL_SUFFIX = ".partial";
/** Present while the last dump attempt failed: the sidecar's healthcheck reads it. */
export const DUMP_FAILED_MARKER = "/tmp/pgdump.failed";

/**
 * The pg_dump sidecar: waits for the server, dumps once at start (so the first archive already holds a dump),
 * then every day at DUMP_HOUR:DUMP_MINUTE UTC. Per database a custom-format dump (`pg_restore`-able, selective),
 * plus the roles (globals.sql). Files are written as *.partial and renamed, so an archive never holds half a dump.
 * Env: DUMP_DIR, DUMP_HOUR, DUMP_MINUTE (integers), PGHOST, PGUSER, PGDATABASE, PGPASSWORD; DUMP_ONCE=1 dumps
 * once and exits with the result (used by the CI restore test).
 */
export const PG_DUMP_SCRIPT = `set -u
umask 077
dir="\${DUMP_DIR:?DUMP_DIR is not set}"
failed="${DUMP_FAILED_MARKER}"
trap 'exit 0' TERM INT

dump_all() {
  pg_dumpall --globals-only --file="$dir/globals.sql${PARTIAL_SUFFIX}" || return 1
  mv "$dir/globals.sql${PARTIAL_SUFFIX}" "$dir/globals.sql" || return 1
  psql -X -A -t -q -d "$PGDATABASE" \\
    -c "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1" > /tmp/pgdump.databases || return 1
  while IFS= read -r db; do
    [ -n "$db" ] || continue
    pg_dump --format=custom --file="$dir/$db.dump${PARTIAL_SUFFIX}" --dbname="$db" || return 1
    mv "$dir/$db.dump${PARTIAL_SUFFIX}" "$dir/$db.dump" || return 1
  done < /tmp/pgdump.databases
}

run_once() {
  if dump_all; then
    rm -f "$failed"
    echo "pgdump: $(date -u +%Y-%m-%dT%H:%M:%SZ) dumped every database of $PGHOST to $dir"
  else
    touch "$failed"
    echo "pgdump: $(date -u +%Y-%m-%dT%H:%M:%SZ) dump of $PGHOST FAILED" >&2
    return 1
  fi
}

# Seconds until the next HH:MM UTC; a full day when it is that minute now.
seconds_until() {
  now=$(date -u +%s)
  wait=$(( ($1 * 3600 + $2 * 60 - now % 86400 + 86400) % 86400 ))
  [ "$wait" -gt 0 ] || wait=86400
  echo "$wait"
}

until pg_isready -q -t 5; do
  echo "pgdump: waiting for $PGHOST"
  sleep 5 & wait $!
done
if [ "\${DUMP_ONCE:-0}" = 1 ]; then
  run_once
  exit $?
fi
run_once || true
while :; do
  # Sleep in the background and wait, so docker stop's SIGTERM is handled at once.
  sleep "$(seconds_until "$DUMP_HOUR" "$DUMP_MINUTE")" & wait $!
  run_once || true
done
`;

/** Healthy unless the last dump attempt failed: a broken dump shows as an unhealthy container, which alerts. */
export const PG_DUMP_HEALTHCHECK = ["CMD-SHELL", `test ! -e ${DUMP_FAILED_MARKER}`];

/**
 * The backup container's entrypoint: offen's own scheduler in the foreground (`backup -foreground`, the image's
 * entrypoint) and, when PUSHGATEWAY_URL is set, a loop beside it that pushes the newest local archive's time every
 * minute. offen has no success hook without docker.sock; a local archive is written only by a run that got that
 * far, and the loop re-reads the archive volume itself, so a restart of either container loses nothing.
 * Env: BACKUP_PRUNING_PREFIX, PUSHGATEWAY_URL (optional), PUSH_INTERVAL_SECONDS (optional, default 60: the program
 * never sets it; scripts/ci/restore-test.sh shortens it so a retry does not outlast the test).
 */
export const BACKUP_ENTRYPOINT_SCRIPT = `set -u
if [ -n "\${PUSHGATEWAY_URL:-}" ]; then
  interval="\${PUSH_INTERVAL_SECONDS:-60}"
  (
    while :; do
      count=0
      newest=""
      for f in $(ls -1t /archive/"$BACKUP_PRUNING_PREFIX"* 2>/dev/null); do
        [ -n "$newest" ] || newest="$f"
        count=$((count + 1))
      done
      {
        echo "# TYPE ${BACKUP_METRICS.archives} gauge"
        echo "${BACKUP_METRICS.archives}{target=\\"local\\"} $count"
        if [ -n "$newest" ]; then
          echo "# TYPE ${BACKUP_METRICS.lastSuccess} gauge"
          echo "${BACKUP_METRICS.lastSuccess}{target=\\"local\\"} $(stat -c %Y "$newest")"
        fi
      } > /tmp/minidock-metrics.txt
      wget -q -O /dev/null --header "Content-Type: text/plain" --post-file /tmp/minidock-metrics.txt \\
        "$PUSHGATEWAY_URL/metrics/job/${BACKUP_METRICS.job}" || echo "minidock: push to $PUSHGATEWAY_URL failed; retrying in \${interval}s" >&2
      sleep "$interval"
    done
  ) &
fi
exec /usr/bin/backup -foreground
`;
