#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests (DESIGN §7).
#
#   scripts/pg-throwaway.sh start [STATEFILE]   start a fresh cluster; prints on stdout
#                                               export SOCME_TEST_PG='Host=127.0.0.1;Port=N;Username=socme_test;Password=...;Database=postgres'
#                                               export SOCME_TEST_PG_STATE='STATEFILE'
#                                               (so `eval "$(scripts/pg-throwaway.sh start)"` works); progress goes to stderr.
#   scripts/pg-throwaway.sh stop STATEFILE      pg_ctl stop -m fast on that cluster only, then remove its temp dir.
#   scripts/pg-throwaway.sh status STATEFILE    exit 0 if that cluster accepts connections.
#
# The cluster: initdb (as the `postgres` OS user when run as root, else as the current user) into a fresh temp dir,
# listening only on 127.0.0.1 on a free port, unix socket inside the temp dir, superuser role `socme_test` with a
# random password (scram-sha-256, no trust anywhere), fsync/synchronous_commit/full_page_writes off, max_connections=200.
# Binaries: the highest /usr/lib/postgresql/*/bin, else initdb from PATH.
#
# Overrides: SOCME_PG_BIN (bin dir), SOCME_PG_OS_USER (default postgres; used only when run as root),
#            SOCME_PG_TMPDIR (parent of the temp dir; default /tmp as root, else ${TMPDIR:-/tmp}),
#            SOCME_PG_READY_TIMEOUT (seconds, default 30).
# The state file holds the temp dir, data dir, port, postmaster pid and connection string (mode 600); stop only ever
# touches the postmaster whose pid is recorded in that cluster's own postmaster.pid and whose command line names
# its own data dir, and only removes a directory named socme-pg.* that holds that data dir.
set -euo pipefail

me="pg-throwaway"
log() { printf '%s: %s\n' "$me" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$me" "$*" >&2; exit 1; }

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

find_pg_bin() {
  if [[ -n "${SOCME_PG_BIN:-}" ]]; then
    [[ -x "$SOCME_PG_BIN/initdb" ]] || die "SOCME_PG_BIN=$SOCME_PG_BIN has no initdb"
    printf '%s\n' "$SOCME_PG_BIN"; return
  fi
  local best="" d
  # highest major version under /usr/lib/postgresql
  while IFS= read -r d; do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then best="$d"; fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1; then
    best="$(dirname "$(readlink -f "$(command -v initdb)")")"
  fi
  [[ -n "$best" ]] || die "no PostgreSQL server binaries found (install Debian package 'postgresql')"
  printf '%s\n' "$best"
}

# Run a command as the cluster's OS user: the postgres user when we are root, else ourselves.
# Always from a directory that user can enter (initdb/pg_ctl complain about an unreadable cwd).
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
      local q; printf -v q '%q ' "$@"
      (cd / && su "$PG_OS_USER" -s /bin/sh -c "$q")
    fi
  else
    (cd / && "$@")
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now (a bind test). Not race-free: start retries on EADDRINUSE.
free_port() {
  if [[ -x /usr/bin/python3 ]]; then
    /usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
    return
  fi
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if command -v ss >/dev/null 2>&1; then
      [[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return
    fi
  done
  die "could not find a free port"
}

state_get() { # file key
  sed -n "s/^$2='\\(.*\\)'\$/\\1/p" "$1" | head -n1
}

write_state() {
  local tmp="$STATE.tmp.$$"
  (
    umask 077
    {
      printf "PG_BASE='%s'\n" "$BASE"
      printf "PG_DATA='%s'\n" "$DATA"
      printf "PG_BIN='%s'\n" "$PGBIN"
      printf "PG_OS_USER='%s'\n" "$PG_OS_USER"
      printf "PG_PORT='%s'\n" "${PORT:-}"
      printf "PG_PID='%s'\n" "${PID:-}"
      printf "SOCME_TEST_PG='%s'\n" "${CONN:-}"
    } > "$tmp"
  )
  mv -f "$tmp" "$STATE"
}

# True if pid $1 is a live (not zombie) process whose command line names data dir $2: guards against pid reuse.
pm_alive() {
  local pid="$1" data="$2"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$data"
}

# pid of the running postmaster of data dir $1 (from its postmaster.pid, checked against /proc), else nothing.
postmaster_pid() {
  local data="$1" pid
  [[ -f "$data/postmaster.pid" ]] || return 0
  pid="$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)"
  if pm_alive "$pid" "$data"; then echo "$pid"; fi
}

cmd_stop() {
  local state="${1:-}"
  [[ -n "$state" ]] || usage
  if [[ ! -f "$state" ]]; then
    log "no state file $state: nothing to stop"
    return 0
  fi
  local base data bin user pid
  base="$(state_get "$state" PG_BASE)"
  data="$(state_get "$state" PG_DATA)"
  bin="$(state_get "$state" PG_BIN)"
  user="$(state_get "$state" PG_OS_USER)"
  PG_OS_USER="${user:-postgres}"
  [[ -n "$base" && "$(basename "$base")" == socme-pg.* ]] || die "state file $state names no socme-pg.* dir (PG_BASE='$base'); refusing"
  [[ "$data" == "$base/data" ]] || die "state file $state: data dir '$data' is not inside '$base'; refusing"

  if [[ -d "$data" ]]; then
    pid="$(postmaster_pid "$data")"
    if [[ -z "$pid" ]] && pm_alive "$(state_get "$state" PG_PID)" "$data"; then
      pid="$(state_get "$state" PG_PID)"   # postmaster.pid gone but the recorded postmaster still runs
    fi
    if [[ -n "$pid" ]]; then
      log "stopping cluster in $data (postmaster pid $pid)"
      if ! as_pg "$bin/pg_ctl" stop -D "$data" -m fast -w -t 30 >/dev/null 2>&1; then
        log "pg_ctl stop failed; sending SIGQUIT (immediate shutdown) to postmaster $pid"
        kill -QUIT "$pid" 2>/dev/null || true
      fi
      # (an exited postmaster may linger as a zombie when PID 1 is slow to reap: pm_alive treats that as gone)
      for _ in $(seq 1 100); do
        pm_alive "$pid" "$data" || break
        sleep 0.1
      done
      if pm_alive "$pid" "$data"; then
        log "postmaster $pid still alive; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do pm_alive "$pid" "$data" || break; sleep 0.1; done
      fi
      if pm_alive "$pid" "$data"; then die "postmaster $pid did not exit; leaving $base"; fi
    fi
  fi
  rm -rf -- "$base"
  rm -f -- "$state"
  log "removed $base"
}

cmd_status() {
  local state="${1:-}"
  [[ -n "$state" && -f "$state" ]] || usage
  local bin port
  bin="$(state_get "$state" PG_BIN)"
  port="$(state_get "$state" PG_PORT)"
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2
}

cmd_start() {
  PGBIN="$(find_pg_bin)"
  PG_OS_USER="${SOCME_PG_OS_USER:-postgres}"
  local parent ready_timeout="${SOCME_PG_READY_TIMEOUT:-30}"
  if [[ $EUID -eq 0 ]]; then
    getent passwd "$PG_OS_USER" >/dev/null || die "running as root but there is no '$PG_OS_USER' OS user to run initdb as"
    parent="${SOCME_PG_TMPDIR:-/tmp}"
  else
    PG_OS_USER="$(id -un)"
    parent="${SOCME_PG_TMPDIR:-${TMPDIR:-/tmp}}"
  fi

  BASE="$(mktemp -d "$parent/socme-pg.XXXXXXXX")"
  DATA="$BASE/data"
  STATE="${1:-$BASE/state}"
  PORT="" PID="" CONN=""
  write_state
  # From here on, any failure removes what we made (stop reads the state file written above).
  started_ok=0
  trap '[[ $started_ok == 1 ]] || cmd_stop "$STATE" >/dev/null 2>&1 || true' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  local sock="$BASE/sock" pwfile="$BASE/pwfile" logf="$BASE/postgres.log" password locale_args
  mkdir -p "$sock"
  password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  ( umask 077; printf '%s\n' "$password" > "$pwfile" )
  : > "$logf"
  if [[ $EUID -eq 0 ]]; then
    chown -R "$PG_OS_USER": "$BASE"
    chmod 700 "$BASE"
  fi

  if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
    locale_args=(--locale=C.UTF-8 --encoding=UTF8)
  else
    locale_args=(--no-locale --encoding=UTF8)
  fi
  log "initdb ($PGBIN) into $DATA as $PG_OS_USER"
  if ! as_pg "$PGBIN/initdb" -D "$DATA" -U socme_test --pwfile="$pwfile" -A scram-sha-256 \
        "${locale_args[@]}" --no-sync > "$BASE/initdb.log" 2>&1; then
    cat "$BASE/initdb.log" >&2
    die "initdb failed"
  fi
  rm -f "$pwfile"

  # Only our settings; later lines win over initdb's.
  as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- socme throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
log_min_messages = warning
EOF
  as_pg tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  scram-sha-256
host    all       all   127.0.0.1/32   scram-sha-256
EOF

  local attempt
  for attempt in 1 2 3 4 5; do
    PORT="$(free_port)"
    write_state
    log "starting postgres on 127.0.0.1:$PORT (attempt $attempt)"
    if as_pg "$PGBIN/pg_ctl" start -D "$DATA" -l "$logf" -o "-p $PORT" -w -t "$ready_timeout" >/dev/null 2>&1; then
      break
    fi
    if grep -qE 'could not bind|Address already in use|could not create any TCP/IP sockets' "$logf"; then
      log "port $PORT was taken meanwhile; trying another"
      PORT=""
      continue
    fi
    tail -n 30 "$logf" >&2 || true
    die "pg_ctl start failed"
  done
  [[ -n "$PORT" ]] || { tail -n 30 "$logf" >&2 || true; die "could not start postgres on a free port"; }

  # Readiness over TCP on 127.0.0.1: bounded poll with a deadline.
  local deadline=$(( SECONDS + ready_timeout ))
  until "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres -t 2; do
    if (( SECONDS >= deadline )); then
      tail -n 30 "$logf" >&2 || true
      die "postgres on 127.0.0.1:$PORT not ready after ${ready_timeout}s"
    fi
    [[ -n "$(postmaster_pid "$DATA")" ]] || { tail -n 30 "$logf" >&2 || true; die "postmaster exited during startup"; }
    sleep 0.2
  done
  PID="$(postmaster_pid "$DATA")"
  [[ -n "$PID" ]] || die "postmaster pid not found after start"
  CONN="Host=127.0.0.1;Port=$PORT;Username=socme_test;Password=$password;Database=postgres"

  # Prove the password works over TCP (psql comes with the server package).
  if [[ -x "$PGBIN/psql" ]]; then
    if ! PGPASSWORD="$password" PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U socme_test \
          -d postgres -Atc 'select 1' >/dev/null 2>"$BASE/psql.err"; then
      cat "$BASE/psql.err" >&2
      die "cannot log in as socme_test over TCP"
    fi
  fi

  write_state
  started_ok=1
  trap - EXIT INT TERM
  log "ready: 127.0.0.1:$PORT, postmaster pid $PID, dir $BASE, state $STATE"
  printf "export SOCME_TEST_PG='%s'\n" "$CONN"
  printf "export SOCME_TEST_PG_STATE='%s'\n" "$STATE"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  *) usage ;;
esac
