# Helpers shared by the benchmark scripts. Source it; do not run it.
# Every server is started on a loopback port chosen by the kernel and stopped on exit.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RIVULET_BIN="${RIVULET_BIN:-$BENCH_ROOT/build/release/rivulet}"
BENCH_BIN_DIR="${BENCH_BIN_DIR:-$BENCH_ROOT/build/release}"
BENCH_TMP="$(mktemp -d /tmp/rivulet-bench.XXXXXX)"
BENCH_PIDS=()

# Keeps the script's own exit status: a stopped server's status (143) must not become it,
# or bench/run-all (set -e) would stop after the first script.
bench_cleanup() {
  local rc=$?
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$BENCH_TMP"
  exit "$rc"
}
trap bench_cleanup EXIT

# wait_for_line FILE PATTERN: waits up to 20 s for PATTERN in FILE, prints the line.
wait_for_line() {
  for _ in $(seq 1 200); do
    if line=$(grep -m1 -E "$2" "$1" 2>/dev/null); then echo "$line"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:" >&2
  cat "$1" >&2
  return 1
}

# start_rivulet NAME [extra args]: starts a demo server; sets PORT, API_KEY, LOG, DB, RIVULET_PID.
start_rivulet() {
  local name=$1
  shift
  LOG="$BENCH_TMP/$name.log"
  "$RIVULET_BIN" serve --demo --database "$BENCH_TMP/$name.db" --listen 127.0.0.1:0 \
    --access-log false --log-level warn --outbound-allow 127.0.0.0/8 "$@" >"$LOG" 2>&1 &
  BENCH_PIDS+=($!)
  RIVULET_PID=$!
  local line
  line=$(wait_for_line "$LOG" "rivulet listening on") || exit 1
  PORT=${line##*:}
  API_KEY=$(grep -m1 "API key  " "$LOG" | awk '{print $3}')
  DB="$BENCH_TMP/$name.db"
}

# cpu_ticks PID: user + system CPU time the process used so far, in clock ticks.
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# sys_ticks PID: of that, the time in the kernel (system calls, waking threads, I/O).
sys_ticks() {
  awk '{print $15}' "/proc/$1/stat"
}

# context_switches PID: voluntary + involuntary switches of all its threads so far.
context_switches() {
  local total=0 n
  for f in /proc/"$1"/task/*/status; do
    n=$(awk '/ctxt_switches/ {s += $2} END {print s}' "$f" 2>/dev/null || echo 0)
    total=$((total + n))
  done
  echo "$total"
}

# written_bytes PID: bytes the process has written to files so far (its WAL and, by the
# checkpointer, its database file), from /proc/PID/io.
written_bytes() {
  awk '/^wchar/ {print $2}' "/proc/$1/io"
}

# total_ticks: CPU time all cores spent (busy or idle) since boot, in clock ticks.
total_ticks() {
  awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t; exit}' /proc/stat
}

# idle_ticks: of that, the idle and I/O-wait time.
idle_ticks() {
  awk '/^cpu / {print $5 + $6; exit}' /proc/stat
}

# wrk_result FILE KEY: extracts KEY=value from the RESULT line a wrk script printed.
wrk_result() {
  grep -m1 '^RESULT' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2
}

# thread_ticks PID: "name ticks" per thread group of the process (threads with the same name
# summed; the main thread, which serves HTTP too, is counted as rivulet-http).
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    local name
    name=$(cat "$t/comm" 2>/dev/null) || continue
    [ "$name" = rivulet ] && name=rivulet-http
    awk -v n="$name" '{print n, $14 + $15}' "$t/stat" 2>/dev/null || true
  done | awk '{s[$1] += $2} END {for (n in s) print n, s[n]}' | sort
}

# add_thread_ticks SUM BEFORE AFTER: SUM ("name ticks" lines, may be empty) plus each
# thread group's ticks between two thread_ticks snapshots.
add_thread_ticks() {
  join -a1 -a2 -e0 -o0,1.2,2.2 <(echo "$1" | sed '/^$/d') \
    <(join <(echo "$2") <(echo "$3") | awk '{print $1, $3 - $2}') |
    awk '{print $1, $2 + $3}'
}

# per_thread_us SUM EVENTS: CPU microseconds per event of each thread group, from the
# ticks add_thread_ticks summed, as "name us" lines.
per_thread_us() {
  local hz
  hz=$(getconf CLK_TCK)
  echo "$1" | awk -v n="$2" -v hz="$hz" '$2 > 0 {printf "%s %.1f\n", $1, $2 * 1000000 / hz / (n > 0 ? n : 1)}'
}
