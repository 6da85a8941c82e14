# Shared helpers for the infrastructure scripts. Source it; don't run it.
set -euo pipefail

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPTS_DIR/.." && pwd)"
# shellcheck source=versions.env
source "$SCRIPTS_DIR/versions.env"

ENLARGER_CACHE="${ENLARGER_CACHE:-$HOME/.cache/enlarger}"
RUN_DIR="${ENLARGER_RUN_DIR:-$REPO_ROOT/.run}"
mkdir -p "$ENLARGER_CACHE/bin" "$RUN_DIR"

log() { printf '\033[1;34m[enlarger]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[enlarger]\033[0m %s\n' "$*" >&2; exit 1; }

need_go() {
  command -v go >/dev/null 2>&1 || die "Go is not installed: install Go >= 1.24, or point the tests at your own infrastructure with AMQP_URL, S3_ENDPOINT and KUBECONFIG (see README)."
}

# The packages of scripts/debian-packages.tsv, one per line.
debian_packages() { awk -F'\t' '!/^#/ && NF {print $1}' "$SCRIPTS_DIR/debian-packages.tsv"; }
debian_packages_table() { awk -F'\t' '!/^#/ && NF {printf "%-16s %-12s %s\n", $1, $2, $3}' "$SCRIPTS_DIR/debian-packages.tsv"; }

package_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }

# ensure_packages NAME... : installs the named packages of debian-packages.tsv
# that are missing, saying which and why. apt waits for another apt's lock
# rather than failing, and its lists are fetched once when they are empty
# (a fresh machine) or when an install can't find a package.
ensure_packages() {
  local missing=() p why
  for p in "$@"; do
    why="$(awk -F'\t' -v p="$p" '$1 == p {print $3}' "$SCRIPTS_DIR/debian-packages.tsv")"
    [[ -n "$why" ]] || die "ensure_packages: $p is not listed in scripts/debian-packages.tsv"
    package_installed "$p" && continue
    log "installing Debian's $p: $why"
    missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]} by hand (scripts/debian-packages.tsv says why)"
  local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  local apt=($sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q -y)
  if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then "${apt[@]}" update >/dev/null; fi
  "${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null ||
    { "${apt[@]}" update >/dev/null && "${apt[@]}" install --no-install-recommends "${missing[@]}" >/dev/null; } ||
    die "apt-get could not install ${missing[*]}"
  for p in "${missing[@]}"; do package_installed "$p" || die "$p did not install"; done
}

# bin_dir NAME VERSION -> directory holding the cached binaries of that build.
bin_dir() { echo "$ENLARGER_CACHE/bin/$1-$2"; }

# poll_until TIMEOUT_SECONDS COMMAND... : polls until COMMAND succeeds; fails
# (returns 1) after TIMEOUT_SECONDS, for callers that have a fallback.
poll_until() {
  local timeout="$1"; shift
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - start > timeout )); then return 1; fi
    sleep 0.5
  done
}

# wait_for DESCRIPTION TIMEOUT_SECONDS COMMAND... : polls until COMMAND succeeds, or dies.
wait_for() {
  local what="$1" timeout="$2"; shift 2
  poll_until "$timeout" "$@" || die "timed out after ${timeout}s waiting for $what"
}

# start_daemon NAME LOGFILE COMMAND... : starts a process in the background and
# records its pid in $RUN_DIR/NAME.pid, unless one is already running.
start_daemon() {
  local name="$1" logfile="$2"; shift 2
  if is_running "$name"; then log "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"; return 0; fi
  log "starting $name (log: $logfile)"
  setsid "$@" >"$logfile" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
}

is_running() {
  local pidfile="$RUN_DIR/$1.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# stop_daemon NAME : stops the process recorded in its pid file, and only that.
stop_daemon() {
  local name="$1" pidfile="$RUN_DIR/$1.pid"
  [[ -f "$pidfile" ]] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
