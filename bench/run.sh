#!/usr/bin/env bash
# The SOCme core benchmark, one command (see docs/performance.md, section "Core: ingest and alert list").
#
#   bench/run.sh
#
# Builds src/Core and bench/Bench in Release, starts a throwaway PostgreSQL cluster (scripts/pg-throwaway.sh),
# runs the harness on SQLite then on PostgreSQL (the core runs as a child process: socme-core serve), stops everything
# it started (also on Ctrl-C or an error), and rewrites the sections between <!-- bench:core:start --> and
# <!-- bench:core:end --> (ingest, list), between <!-- bench:inbox:start --> and <!-- bench:inbox:end --> (inbox and
# overview) and between <!-- bench:notify:start --> and <!-- bench:notify:end --> (notification rules and deliveries) of
# docs/performance.md, keeping the rest of the file. A benchmark, not a test: a goal that is
# not met is reported, not failed; the script fails only when something breaks (build, an error answer, lost alerts).
#
# Environment (all optional):
#   SOCME_BENCH_ALERTS=200000     alerts per timed ingest run (8 nodes x 500-alert batches; rounded up to whole batches)
#   SOCME_BENCH_RUNS=3            ingest runs per database, each on a fresh database; the median is reported
#   SOCME_BENCH_LIST_ROWS=1000000 alerts stored for the list query, and for the inbox and overview queries
#   SOCME_BENCH_ONLY=ingest,list,inbox,notify  which parts (a comma list); SOCME_BENCH_ONLY=inbox runs only the inbox and
#                                 overview queries and rewrites only the <!-- bench:inbox:start/end --> section;
#                                 SOCME_BENCH_ONLY=notify only the notification rules and deliveries (<!-- bench:notify:... -->)
#   SOCME_BENCH_INBOX_REQUESTS=200 timed requests per inbox query
#   SOCME_BENCH_RULE_ALERTS=12000 corpus alerts the notification rules are evaluated over (in process)
#   SOCME_BENCH_NOTIFY_ALERTS=5000 alerts per delivery burst; SOCME_BENCH_NOTIFY_RUNS=3 bursts per database (median)
#   SOCME_BENCH_NOTIFY_RATE=40 SOCME_BENCH_NOTIFY_TRICKLE_BATCH=4 SOCME_BENCH_NOTIFY_SECONDS=45   the delivery latency run
#                                 (alerts/s, alerts per ingest request, timed seconds after 5 s not counted)
#   SOCME_BENCH_NOTIFY_DELIVERIES=0  the notify part runs only the rule evaluation (no core, no database)
#   SOCME_BENCH_PROVIDERS="sqlite postgres"   which databases, in order
#   SOCME_BENCH_PG_DURABLE=1      1: the throwaway cluster runs with fsync, synchronous_commit and full_page_writes on
#                                 (production settings); 0: keep pg-throwaway's fast, non-durable test settings
#   SOCME_BENCH_PG=<Npgsql conn>  use this server (the user must be allowed to create databases) instead of a throwaway one;
#                                 its settings are not changed
#   SOCME_BENCH_WAIT_BUDGET=300   seconds the harness may spend in all waiting for a quiet machine and repeating measurements
#                                 disturbed by other work (a measurement is repeated when other processes used > 10 % of the CPU)
#   SOCME_BENCH_DOC=docs/performance.md       where the results go
#   SOCME_BENCH_KEEP=1            keep the work folder (logs, result JSON) instead of deleting it
#   SOCME_CORPUS                  defaults to ../shared/corpus beside the repository
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup "bench"

providers="${SOCME_BENCH_PROVIDERS:-sqlite postgres}"
doc="${SOCME_BENCH_DOC:-docs/performance.md}"
case "$doc" in /*) ;; *) doc="$root/$doc" ;; esac
durable="${SOCME_BENCH_PG_DURABLE:-1}"

say() { printf '==> [%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/socme-bench.XXXXXXXX")"
pg_state="$work/pg.state"
bench_pid=""
cleaned=0
cleanup() {
  local rc=$?
  [[ $cleaned == 1 ]] && return 0
  cleaned=1
  set +e
  if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    say "stopping the harness (pid $bench_pid)"
    kill -TERM "$bench_pid" 2>/dev/null
    wait "$bench_pid" 2>/dev/null
  fi
  # Cores the harness started and did not stop (it records every child's pid); only processes running socme-core.dll.
  if [[ -f "$work/children.pids" ]]; then
    local pid left=()
    while read -r pid; do
      [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || continue
      if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'socme-core\.dll'; then
        say "stopping socme-core (pid $pid)"
        kill -TERM "$pid" 2>/dev/null && left+=("$pid")
      fi
    done < "$work/children.pids"
    if ((${#left[@]})); then
      sleep 3
      for pid in "${left[@]}"; do
        [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'socme-core\.dll' && kill -KILL "$pid" 2>/dev/null
      done
    fi
  fi
  if [[ -f "$pg_state" ]]; then
    say "stopping the throwaway PostgreSQL"
    scripts/pg-throwaway.sh stop "$pg_state" >/dev/null 2>&1 || say "WARNING: pg-throwaway.sh stop failed (state $pg_state)"
  fi
  if [[ "${SOCME_BENCH_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
    say "work folder kept: $work (logs in $work/logs)"
    # The data folders can be large; only logs and results are worth keeping.
    rm -rf "$work/data"
  else
    rm -rf "$work"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
say "building Release (src/Core, bench/Bench)"
dotnet build src/Core/Core.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Bench/Bench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
core_dll="$root/src/Core/bin/Release/net10.0/socme-core.dll"
bench_dll="$root/bench/Bench/bin/Release/net10.0/Socme.Bench.dll"
[[ -f "$core_dll" && -f "$bench_dll" ]] || { echo "bench: build outputs missing" >&2; exit 1; }

export SOCME_BENCH_WORK="$work" SOCME_BENCH_CORE_DLL="$core_dll" SOCME_BENCH_REPO="$root"
SOCME_BENCH_COMMIT="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ -n "$(git -C "$root" status --porcelain 2>/dev/null | head -n1)" ]]; then
  SOCME_BENCH_COMMIT="$SOCME_BENCH_COMMIT + uncommitted changes"
fi
export SOCME_BENCH_COMMIT

if [[ " $providers " == *" postgres "* && -z "${SOCME_BENCH_PG:-}" ]]; then
  say "starting a throwaway PostgreSQL"
  eval "$(scripts/pg-throwaway.sh start "$pg_state")"
  export SOCME_BENCH_PG="$SOCME_TEST_PG"
  export SOCME_BENCH_PG_SET_DURABLE="$durable"
fi

mkdir -p "$work/results"
for p in $providers; do
  say "harness: $p"
  dotnet "$bench_dll" run --provider "$p" --out "$work/results/$p.json" --only "${SOCME_BENCH_ONLY:-ingest,list,inbox,notify}" &
  bench_pid=$!
  wait "$bench_pid"
  bench_pid=""
done

dotnet "$bench_dll" report --results "$work/results" --doc "$doc" --total-seconds "$((SECONDS - started))"
say "done in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s; results in $doc"
