#!/usr/bin/env bash
# The SOCme node agent benchmark, one command (see docs/performance.md, section "Node agent").
#
#   bench/node.sh
#
# Installs jq and clang when missing (apt-get, as root), builds src/Node, src/Core and bench/NodeBench in Release,
# publishes the agent as a native executable (Native AOT, the deployable of docs/node.md), then runs
# the harness (bench/NodeBench): it builds a 1,000,000-line Wazuh alerts.json and a Suricata EVE file of the same size
# from the corpus, times the real socme-node (pinned to one CPU) against a fast local sink, jq and a bare
# Utf8JsonReader pass on the same files, the agent against the real core, and the end-to-end latency at 1,000 alerts/s.
# It stops everything it started (also on Ctrl-C or an error) and rewrites the section between
# <!-- bench:node:start --> and <!-- bench:node:end --> of docs/performance.md (appending the markers at the end when
# they are absent), keeping the rest of the file. A benchmark, not a test: a goal that is not met is reported, not
# failed; the script fails only when something breaks (build, a lost or duplicated alert, a process that dies).
#
# Environment (all optional):
#   SOCME_NODEBENCH_LINES=1000000   lines per generated file
#   SOCME_NODEBENCH_RUNS=3          timed runs of each tool on each file; the median is reported
#   SOCME_NODEBENCH_CORE_RUN=1      0: skip the agent → real core runs
#   SOCME_NODEBENCH_E2E_RATE=1000   alerts written per second in the latency run
#   SOCME_NODEBENCH_E2E_SECONDS=60  length of the latency run (after a 5 s warm-up)
#   SOCME_NODEBENCH_DOC=docs/performance.md   where the results go
#   SOCME_NODEBENCH_KEEP=1          keep the work folder (logs, results JSON)
#   SOCME_NODEBENCH_NATIVE=1        1: the agent measured is the native executable (Native AOT; installs clang when
#                                   missing), with the JIT build timed beside it; 0: the JIT build only
#   SOCME_NODEBENCH_NATIVE_ISA=     the native build's instruction set (IlcInstructionSet, e.g. x86-64-v2 or native);
#                                   default: the deployable's (src/Node/Node.csproj: x86-64-v3 on x64)
#   SOCME_CORPUS                    defaults to ../shared/corpus beside the repository
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup "node bench"

doc="${SOCME_NODEBENCH_DOC:-docs/performance.md}"
case "$doc" in /*) ;; *) doc="$root/$doc" ;; esac

say() { printf '==> [%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs Debian package PKG when command CMD is missing (as root with apt-get), else stops with a message.
need() { # CMD PKG WHY
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing $2 ($3)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "node bench: $1 is missing ($3): install $2, or run as root on Debian so that this script can" >&2
    exit 1
  fi
}
need jq jq "the peer the agent is compared with"
# Native AOT links with clang (SOCME_NODEBENCH_NATIVE=0 measures the JIT build only).
[[ "${SOCME_NODEBENCH_NATIVE:-1}" == 1 ]] && need clang clang "the native agent's linker"
command -v taskset >/dev/null 2>&1 || { echo "node bench: taskset (util-linux) is missing" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/socme-nodebench.XXXXXXXX")"
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
  # What the harness started and did not stop (it records every child's pid): only our own agents and cores.
  if [[ -f "$work/children.pids" ]]; then
    local pid
    while read -r pid; do
      [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || continue
      if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qE 'socme-(node|core)\.dll|socme-node (run|enroll)|Socme\.NodeBench\.dll|jq -c'; then
        say "stopping pid $pid"
        kill -TERM "$pid" 2>/dev/null
        sleep 1
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
      fi
    done < "$work/children.pids"
  fi
  if [[ "${SOCME_NODEBENCH_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
    # The generated files and data folders are large; logs and results are what is worth keeping.
    rm -rf "$work/runs" "$work"/*.json.tmp "$work/alerts.json" "$work/eve.json"
    say "work folder kept: $work (logs in $work/logs)"
  else
    rm -rf "$work"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
say "building Release (src/Node, src/Core, bench/NodeBench)"
dotnet build src/Node/Node.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Core/Core.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/NodeBench/NodeBench.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
bench_dll="$root/bench/NodeBench/bin/Release/net10.0/Socme.NodeBench.dll"
[[ -f "$bench_dll" ]] || { echo "node bench: build outputs missing" >&2; exit 1; }
jit_dll="$root/src/Node/bin/Release/net10.0/socme-node.dll"
if [[ "${SOCME_NODEBENCH_NATIVE:-1}" == 1 ]]; then
  # The deployable (docs/node.md): one native executable. The JIT build is timed beside it for comparison.
  case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) echo "node bench: no Native AOT target for $(uname -m)" >&2; exit 1 ;; esac
  say "publishing the native agent ($rid, Native AOT)"
  isa=()
  [[ -n "${SOCME_NODEBENCH_NATIVE_ISA:-}" ]] && isa=("-p:IlcInstructionSet=$SOCME_NODEBENCH_NATIVE_ISA")
  dotnet publish src/Node/Node.csproj -c Release -r "$rid" -p:PublishAot=true "${isa[@]}" -o "$work/native" -nologo -v quiet -clp:ErrorsOnly
  export SOCME_NODEBENCH_NODE_DLL="$work/native/socme-node" SOCME_NODEBENCH_COMPARE_NODE_DLL="$jit_dll"
else
  export SOCME_NODEBENCH_NODE_DLL="$jit_dll"
fi

commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ -n "$(git -C "$root" status --porcelain 2>/dev/null | head -n1)" ]]; then
  commit="$commit + uncommitted changes"
fi
export SOCME_NODEBENCH_WORK="$work" SOCME_NODEBENCH_REPO="$root" SOCME_NODEBENCH_COMMIT="$commit"

# The harness (and the fake core, and the real core it starts) on the other CPUs; what is measured runs on CPU 0.
others="0"
if (( $(nproc) > 1 )); then others="1-$(( $(nproc) - 1 ))"; fi
say "harness on CPU $others; measured processes on CPU 0"
taskset -c "$others" dotnet "$bench_dll" run --out "$work/results.json" --doc "$doc" &
bench_pid=$!
wait "$bench_pid"
bench_pid=""
say "done in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s; results in $doc"
