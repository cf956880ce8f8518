#!/usr/bin/env bash
# A streaming replica (hot standby) of the test PostgreSQL server of .ci/postgres.sh, on loopback.
#
#   eval "$(bash .ci/postgres-replica.sh)"   make it (pg_basebackup -R -X stream from the primary)
#                                            or find it running, wait until it streams, print
#                                            export CONSORTIUM_TEST_POSTGRES_REPLICA_URL=…
#   bash .ci/postgres-replica.sh stop [MODE] stop it (pg_ctl stop -m MODE: fast, the default, or
#                                            immediate, a crash as the failover tests want)
#   bash .ci/postgres-replica.sh start       start the stopped replica again and wait until it
#                                            answers (it catches up from the primary by itself)
#
# The primary needs what initdb gives by default: wal_level=replica, max_wal_senders > 0 and
# "host replication all 127.0.0.1/32 trust" in pg_hba.conf (initdb -A trust writes it). No
# replication slot, so a replica left behind never makes the primary keep WAL: one that
# cannot catch up any more is made again. Its databases are the primary's (every database
# a test creates appears on it once replayed), read-only.
#
# Environment (defaults): PGPORT_TEST (the primary's port, 54329), PGREPLICA_DIR
# (/tmp/daodu-pg-replica), PGREPLICA_PORT (54330), PGREPLICA_WAIT_SECONDS (60).
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PRIMARY_PORT=${PGPORT_TEST:-54329}
DATA=${PGREPLICA_DIR:-/tmp/daodu-pg-replica}
PORT=${PGREPLICA_PORT:-54330}
WAIT_SECONDS=${PGREPLICA_WAIT_SECONDS:-60}

say() { echo "postgres-replica.sh: $*" >&2; }
# What `eval "$(…)"` runs when we fail: the message, and a failing status.
fail() { echo "echo 'postgres-replica.sh: $*' >&2; false"; say "$*"; exit 1; }
as_postgres() { runuser -u postgres -- "$@"; }
sql() {  # sql PORT QUERY: one value, or nothing when the server does not answer
  as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtqc "$2" 2>/dev/null || true
}
running() { as_postgres "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }
system_id() { sql "$1" "SELECT system_identifier FROM pg_control_system()"; }
copied_id() {  # the system identifier the replica's folder was copied with (server running or not)
  as_postgres "$PGBIN/pg_controldata" "$DATA" 2>/dev/null | sed -n 's/^Database system identifier: *//p'
}

start() {
  rm -f "$DATA/postmaster.pid"   # left by a server killed with the session before
  as_postgres "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t "$WAIT_SECONDS" \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off" start >/dev/null \
    || fail "the replica did not start; see $DATA/server.log"
}

stop() {
  running && as_postgres "$PGBIN/pg_ctl" -D "$DATA" -m "${1:-fast}" -w stop >/dev/null || true
}

make_replica() {
  say "copying the primary on port $PRIMARY_PORT into $DATA (pg_basebackup -R -X stream)"
  stop
  rm -rf "$DATA"; mkdir -p "$DATA"; chown postgres: "$DATA"; chmod 700 "$DATA"
  as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream -c fast >/dev/null || fail "pg_basebackup from port $PRIMARY_PORT failed"
  rm -f "$DATA/server.log"   # the primary's log, copied with its folder
}

streaming() { [ "$(sql "$PORT" "SELECT status FROM pg_stat_wal_receiver")" = "streaming" ]; }

wait_streaming() {
  local i
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    streaming && return 0
    sleep 1
  done
  return 1
}

up() {
  [ -x "$PGBIN/pg_basebackup" ] || fail "PostgreSQL server binaries not found (apt-get install postgresql)"
  local primary
  primary=$(system_id "$PRIMARY_PORT")
  [ -n "$primary" ] || fail "no primary answers on port $PRIMARY_PORT (eval \"\$(bash .ci/postgres.sh)\" first)"
  # a replica of an earlier primary (its folder was made again) cannot follow this one
  if ! [ -f "$DATA/standby.signal" ] || [ "$(copied_id)" != "$primary" ]; then
    make_replica
  fi
  running || start
  if ! wait_streaming; then
    say "the replica does not stream (fallen behind the WAL the primary keeps?): making it again"
    make_replica; start
    wait_streaming || fail "the replica on port $PORT does not stream from port $PRIMARY_PORT; see $DATA/server.log"
  fi
  [ "$(sql "$PORT" "SELECT pg_is_wal_replay_paused()")" = "t" ] && sql "$PORT" "SELECT pg_wal_replay_resume()" >/dev/null
  echo "export CONSORTIUM_TEST_POSTGRES_REPLICA_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
}

case "${1:-up}" in
  up) up ;;
  stop) stop "${2:-fast}" ;;
  start) running || start ;;
  *) say "usage: $0 [up | stop [fast|immediate] | start]"; exit 2 ;;
esac
