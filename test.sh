#!/usr/bin/env bash
# Builds SOCme once and runs the whole test suite twice: against SQLite, then against a throwaway PostgreSQL
# cluster (scripts/pg-throwaway.sh, DESIGN §7). Ends with one line "N passed, N failed, N skipped" summed over both
# passes from the TRX files, and exits non-zero if the build failed, any test failed or errored, or no test ran.
#
#   ./test.sh [extra dotnet test args]        e.g. ./test.sh --filter "FullyQualifiedName~Alerts"
#
# As root on Debian, missing system packages (SOCME_APT_PACKAGES below) are installed with apt-get first.
#
# Environment (all optional):
#   SOCME_TEST_PASSES="sqlite postgres"  which passes to run, in order
#   SOCME_REQUIRE_POSTGRES=1             fail instead of skipping the PostgreSQL pass when PostgreSQL is unavailable
#                                        (default 1 when CI=true, else 0)
#   SOCME_TEST_PG=<Npgsql conn string>   use this server instead of starting a throwaway cluster
#   SOCME_TEST_SOLUTION=path             solution/project to build and test (default SOCme.slnx)
#   SOCME_TEST_RESULTS=dir               where the TRX files go (default TestResults/run-<time>-<pid>)
#   SOCME_TEST_VERBOSITY=minimal         console logger verbosity; minimal prints one summary line per test assembly
#                                        plus every failed test (normal also lists each test, but no per-assembly line)
#   SOCME_TEST_HANG_TIMEOUT=15m          per-test hang timeout (--blame-hang-timeout); 0 disables
#   SOCME_BUILD_SERVER_SHUTDOWN=0|1      run `dotnet build-server shutdown` at the end (default 1 when CI=true)
#   SOCME_TEST_NATIVE_NODE=1             0: do not publish the native node agent (the PostgreSQL pass then runs the JIT one)
#   SOCME_CORPUS                         defaults to ../shared/corpus beside the repo when that exists
set -euo pipefail
shopt -s extglob

# System packages the tests need (Debian names): PostgreSQL for the second pass, Chromium for the console tests
# (Playwright drives it; SOCME_CHROMIUM overrides its path). Add more here, e.g. openssh-server python3-aiosmtpd.
# clang links the node agent's native build (Native AOT), which the PostgreSQL pass runs.
SOCME_APT_PACKAGES=(postgresql chromium python3-aiosmtpd clang)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en MSBUILDTERMINALLOGGER=off
if [[ -z "${SOCME_CORPUS:-}" && -d "$root/../shared/corpus" ]]; then
  SOCME_CORPUS="$(cd "$root/../shared/corpus" && pwd)"
  export SOCME_CORPUS
fi

ci="${CI:-}"; [[ "$ci" == true || "$ci" == 1 ]] && ci=1 || ci=0
require_pg="${SOCME_REQUIRE_POSTGRES:-$ci}"
passes="${SOCME_TEST_PASSES:-sqlite postgres}"
solution="${SOCME_TEST_SOLUTION:-SOCme.slnx}"
verbosity="${SOCME_TEST_VERBOSITY:-minimal}"
hang_timeout="${SOCME_TEST_HANG_TIMEOUT:-15m}"
shutdown_servers="${SOCME_BUILD_SERVER_SHUTDOWN:-$ci}"

say() { printf '==> %s\n' "$*"; }
warn() { printf '\n!!! WARNING: %s\n\n' "$*"; }
err() { printf '\n!!! ERROR: %s\n\n' "$*"; }

# ---------------------------------------------------------------- cleanup (every exit path)
work="$(mktemp -d "${TMPDIR:-/tmp}/socme-test.XXXXXXXX")"
pg_state="$work/pg.state"   # written by pg-throwaway.sh as soon as it creates its dir
child_pid=""
cleaned=0
cleanup() {
  [[ $cleaned == 1 ]] && return 0
  cleaned=1
  if [[ -n "$child_pid" ]] && kill -0 "$child_pid" 2>/dev/null; then
    echo "==> interrupted: stopping dotnet (pid $child_pid and its children)"
    kill_tree "$child_pid" TERM
    wait "$child_pid" 2>/dev/null || true
  fi
  if [[ -f "$pg_state" ]]; then
    bash "$root/scripts/pg-throwaway.sh" stop "$pg_state" || true
  fi
  if [[ "$shutdown_servers" == 1 ]]; then
    # MSBuild/Roslyn build servers would outlive this script (and hold CI's output pipe open).
    dotnet build-server shutdown >/dev/null 2>&1 || true
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# Run a command in the background and wait for it, so INT/TERM reach our traps at once (bash defers traps while a
# foreground child runs). Output (stdout+stderr) goes to our stdout and is appended to LOG. Sets $rc; never trips set -e.
run() { # LOG cmd...
  local log="$1"; shift
  ( "$@" 2>&1 | tee -a "$log"; exit "${PIPESTATUS[0]}" ) &
  child_pid=$!
  rc=0
  wait "$child_pid" || rc=$?
  child_pid=""
}

# Signal a process and all its descendants (found through /proc); used only on processes this script started.
kill_tree() { # pid signal
  local pid="$1" sig="$2" f st c
  local kids=()
  for f in /proc/[0-9]*/stat; do
    st="$(cat "$f" 2>/dev/null)" || continue
    st="${st##*) }"            # after "pid (comm) ": state ppid ...
    read -r _ c _ <<<"$st"
    [[ "$c" == "$pid" ]] && { f="${f#/proc/}"; kids+=("${f%/stat}"); }
  done
  kill -"$sig" "$pid" 2>/dev/null || true
  for c in "${kids[@]}"; do kill_tree "$c" "$sig"; done
}

# ---------------------------------------------------------------- system packages
pg_wanted=0
[[ " $passes " == *" postgres "* ]] && pg_wanted=1

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${SOCME_APT_PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" == installed ]] || missing+=("$p")
  done
fi
if ((${#missing[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing missing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      "${missing[@]}" </dev/null
  else
    warn "missing system packages: ${missing[*]} (not root, cannot install; run: sudo apt-get install ${missing[*]})"
  fi
fi

pg_available=1
if [[ -z "${SOCME_TEST_PG:-}" ]]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 \
     && [[ -z "${SOCME_PG_BIN:-}" ]]; then
    pg_available=0
  fi
fi
pg_skip_reason=""
if [[ $pg_wanted == 1 && $pg_available == 0 ]]; then
  pg_skip_reason="PostgreSQL server binaries not found (Debian package 'postgresql')"
  if [[ "$require_pg" == 1 ]]; then
    err "$pg_skip_reason, and SOCME_REQUIRE_POSTGRES=1 (CI=true implies it)"
    exit 1
  fi
  warn "$pg_skip_reason: SKIPPING THE POSTGRESQL PASS. Set SOCME_REQUIRE_POSTGRES=1 to make this an error."
fi

# ---------------------------------------------------------------- build
results="${SOCME_TEST_RESULTS:-$root/TestResults/run-$(date +%Y%m%d-%H%M%S)-$$}"
mkdir -p "$results"
results="$(cd "$results" && pwd)"

build_args=(-c Release -nologo)
[[ $ci == 1 || "$shutdown_servers" == 1 ]] && build_args+=(-nodeReuse:false)
say "dotnet build $solution ${build_args[*]}"
run /dev/null dotnet build "$solution" "${build_args[@]}"
if [[ $rc -ne 0 ]]; then
  err "build failed (dotnet build exit $rc)"
  exit "$rc"
fi

# The node agent as it is deployed (docs/node.md): one native executable (Native AOT). The PostgreSQL pass runs it
# wherever the tests start socme-node as a process; the SQLite pass runs the JIT build. Built for this CPU's
# instruction set (the deployable's default, x86-64-v3, is measured by bench/node.sh).
native_node=""
if [[ "${SOCME_TEST_NATIVE_NODE:-1}" == 1 ]]; then
  case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) rid="" ;; esac
  if [[ -z "$rid" ]] || ! command -v clang >/dev/null 2>&1; then
    warn "the native node agent is not built (no clang, or no Native AOT target for $(uname -m)): the PostgreSQL pass runs the JIT build"
  else
    say "dotnet publish src/Node (Native AOT, $rid)"
    run /dev/null dotnet publish src/Node/Node.csproj -c Release -r "$rid" -p:PublishAot=true -p:IlcInstructionSet=native \
      -o "$work/native-node" "${build_args[@]:2}"
    if [[ $rc -ne 0 ]]; then
      err "the native node agent did not build (dotnet publish exit $rc)"
      exit "$rc"
    fi
    native_node="$work/native-node/socme-node"
  fi
fi

# ---------------------------------------------------------------- test passes
# Sum the <Counters .../> of every TRX file under a dir: prints "total executed passed failed skipped files".
# failed counts error/timeout/aborted too; skipped is total - executed (xunit skips are NotExecuted).
trx_counts() {
  local files
  files="$(find "$1" -name '*.trx' -type f 2>/dev/null | wc -l)"
  { find "$1" -name '*.trx' -type f -print0 2>/dev/null | xargs -0 -r grep -ho '<Counters [^>]*>' || true; } |
    awk -v files="$files" '
      { for (i = 1; i <= NF; i++) if (match($i, /^[A-Za-z]+="[0-9]+"/)) {
          split(substr($i, RSTART, RLENGTH), kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
      END { printf "%d %d %d %d %d %d\n", c["total"], c["executed"], c["passed"],
                   c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["total"] - c["executed"], files }'
}

tot_passed=0 tot_failed=0 tot_skipped=0 tot_total=0
pass_lines=()
problems=()

# Sum the per-assembly console summary lines ("Passed!  - Failed:     0, Passed:     6, Skipped:     0, Total:     6, ...")
# of a pass's log, in the same "total executed passed failed skipped" shape: the fallback when TRX files got lost.
console_counts() {
  grep -aE '^[[:space:]]*(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+, Total: +[0-9]+' "$1" |
    sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+), Total: +([0-9]+).*/\1 \2 \3 \4/' |
    awk '{ f += $1; p += $2; s += $3; t += $4 } END { printf "%d %d %d %d %d\n", t, t - s, p, f, s }'
}

test_pass() { # name, then env assignments
  local name="$1"; shift
  local dir="$results/$name"
  local log="$dir/console.log"
  # Default TRX names (user_host_time[N].trx) are made unique per test assembly; a fixed LogFileName or
  # LogFilePrefix would make the assemblies of one solution overwrite each other's file.
  local args=(test "$solution" -c Release --no-build -nologo --results-directory "$dir"
              --logger trx --logger "console;verbosity=$verbosity")
  [[ $ci == 1 || "$shutdown_servers" == 1 ]] && args+=(-nodeReuse:false)
  [[ "$hang_timeout" != 0 ]] && args+=(--blame-hang-timeout "$hang_timeout" --blame-hang-dump-type none)
  rm -rf -- "$dir"; mkdir -p "$dir"
  local shown="$*"
  say "pass $name: ${shown//Password=+([^;])/Password=***} dotnet ${args[*]} ${extra_args[*]}"
  run "$log" env "$@" dotnet "${args[@]}" "${extra_args[@]}"
  local total passed failed skipped files reported source=TRX
  read -r total _ passed failed skipped files < <(trx_counts "$dir")
  reported="$(grep -acE '^[[:space:]]*Results File: .*\.trx[[:space:]]*$' "$log" || true)"
  if ((reported > files)); then
    # Two assemblies finished in the same instant and one TRX overwrote the other: count from the console instead.
    read -r total _ passed failed skipped < <(console_counts "$log")
    source="console summary lines ($reported TRX reported, $files found)"
  fi
  pass_lines+=("pass $name -- passed $passed, failed $failed, skipped $skipped, total $total (from $source; dotnet test exit $rc)")
  if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    problems+=("pass $name: dotnet test exited $rc with no failed test counted (crash, abort, hang or bad arguments? see $log); counted as 1 failed")
    failed=1
  elif [[ $rc -ne 0 ]]; then
    problems+=("pass $name: $failed test(s) failed")
  elif ((failed > 0)); then
    problems+=("pass $name: $failed test(s) failed although dotnet test exited 0")
  fi
  tot_total=$((tot_total + total)); tot_passed=$((tot_passed + passed))
  tot_failed=$((tot_failed + failed)); tot_skipped=$((tot_skipped + skipped))
}

extra_args=("$@")
for pass in $passes; do
  case "$pass" in
    sqlite)
      test_pass sqlite SOCME_TEST_DB=sqlite
      ;;
    postgres)
      if [[ $pg_available == 0 ]]; then
        pass_lines+=("pass postgres -- SKIPPED: $pg_skip_reason")
        continue
      fi
      conn="${SOCME_TEST_PG:-}"
      if [[ -z "$conn" ]]; then
        say "starting throwaway PostgreSQL cluster"
        if pg_out="$(bash "$root/scripts/pg-throwaway.sh" start "$pg_state")"; then
          conn="$(sed -n "s/^export SOCME_TEST_PG='\(.*\)'\$/\1/p" <<<"$pg_out")"
        fi
        if [[ -z "$conn" ]]; then
          err "could not start the throwaway PostgreSQL cluster"
          problems+=("pass postgres: could not start PostgreSQL; counted as 1 failed")
          tot_failed=$((tot_failed + 1))
          pass_lines+=("pass postgres -- NOT RUN: PostgreSQL did not start")
          continue
        fi
      else
        say "using SOCME_TEST_PG from the environment"
      fi
      test_pass postgres SOCME_TEST_DB=postgres "SOCME_TEST_PG=$conn" "SOCME_TEST_NODE_EXE=$native_node"
      if [[ -f "$pg_state" ]]; then
        bash "$root/scripts/pg-throwaway.sh" stop "$pg_state" || true
      fi
      ;;
    *)
      err "unknown pass '$pass' in SOCME_TEST_PASSES (known: sqlite postgres)"
      exit 2
      ;;
  esac
done

# ---------------------------------------------------------------- summary (the last line is the plain summary)
cleanup
echo
say "TRX files under $results"
for l in "${pass_lines[@]}"; do say "$l"; done
status=0
if ((${#problems[@]})); then
  for p in "${problems[@]}"; do err "$p"; done
  status=1
fi
if ((tot_failed > 0)); then status=1; fi
if ((tot_passed + tot_failed == 0)); then
  err "no test ran"
  status=1
fi
if [[ -n "$pg_skip_reason" ]]; then
  warn "the PostgreSQL pass was SKIPPED: $pg_skip_reason"
fi
echo "$tot_passed passed, $tot_failed failed, $tot_skipped skipped"
exit "$status"
