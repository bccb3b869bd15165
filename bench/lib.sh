# Shared preamble of the benchmark scripts (sourced by bench/run.sh and bench/node.sh).
#
#   bench_setup NAME   sets $root (the repository) and cds there, quietens the dotnet CLI, and exports SOCME_CORPUS
#                      (default: ../shared/corpus beside the repository); NAME prefixes the error when it is missing.
bench_setup() {
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$root"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  export DOTNET_CLI_UI_LANGUAGE=en MSBUILDTERMINALLOGGER=off
  if [[ -z "${SOCME_CORPUS:-}" && -d "$root/../shared/corpus" ]]; then
    SOCME_CORPUS="$(cd "$root/../shared/corpus" && pwd)"
  fi
  [[ -n "${SOCME_CORPUS:-}" && -d "$SOCME_CORPUS" ]] || { echo "$1: the corpus was not found; set SOCME_CORPUS" >&2; exit 1; }
  export SOCME_CORPUS
}
