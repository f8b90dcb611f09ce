#!/usr/bin/env bash
# A newcomer's path: `make run` as README.md says, then every command of README's tour,
# exactly as written there. Uses the debug build `make test` already made (RUN_BUILD=debug),
# a temporary database and a free port (through the documented RIVULET_* variables).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d /tmp/rivulet-newcomer.XXXXXX)"
LOG="$TMP/run.log"
cleanup() {
  if [ -n "${RUN_PID:-}" ]; then kill -INT -- "-$RUN_PID" 2>/dev/null || true; wait "$RUN_PID" 2>/dev/null || true; fi
  [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "newcomer test FAILED: $*" >&2; echo "--- make run output:" >&2; cat "$LOG" >&2; exit 1; }

cd "$ROOT"
RIVULET_DATABASE="$TMP/rivulet.db" RIVULET_LISTEN=127.0.0.1:0 RIVULET_ACCESS_LOG=false \
  setsid make run RUN_BUILD="${RUN_BUILD:-debug}" >"$LOG" 2>&1 </dev/null &
RUN_PID=$!
for _ in $(seq 1 600); do
  grep -q "rivulet listening on" "$LOG" && break
  kill -0 "$RUN_PID" 2>/dev/null || fail "make run exited early"
  sleep 0.5
done
grep -q "rivulet listening on" "$LOG" || fail "server did not start"

value() { grep -m1 "^  $1 " "$LOG" | awk '{print $NF}'; }
export BASE="$(grep -m1 'rivulet listening on' "$LOG" | awk '{print $NF}')"
export API_KEY="$(value 'API key')" CLIENT_ID="$(value 'OAuth2 client_id')"
export CLIENT_SECRET="$(value 'OAuth2 secret')" PUBLIC_KEY="$(value 'PublicKey')"
export SECRET_KEY="$(value 'SecretKey')" ADMIN_KEY="$(value 'admin API key')"
for v in API_KEY CLIENT_ID CLIENT_SECRET PUBLIC_KEY SECRET_KEY ADMIN_KEY; do
  [ -n "${!v}" ] || fail "make run did not print $v"
done

# The tour: every ```sh block between the tour markers of README.md.
awk '/<!-- tour:begin -->/{on=1; next} /<!-- tour:end -->/{on=0} on && /^```sh/{code=1; next}
     on && /^```/{code=0; next} code' README.md >"$TMP/tour.sh"
[ "$(wc -l <"$TMP/tour.sh")" -gt 10 ] || fail "could not extract the tour from README.md"
bash -euo pipefail "$TMP/tour.sh" >"$TMP/tour.out" 2>&1 || { cat "$TMP/tour.out" >&2; fail "a tour command failed"; }

out="$TMP/tour.out"
grep -q '"status":"ok"' "$out" || fail "healthz did not answer ok"
grep -q '"status":"ready"' "$out" || fail "readyz did not answer ready"
grep -q '"duplicate":true' "$out" || fail "the repeated event was not recognised as a duplicate"
[ "$(grep -o '"type":"order_paid"' "$out" | wc -l)" -ge 1 ] || fail "no order_paid event in the timeline"
grep -q '"type":"contact_created"' "$out" || fail "no contact_created event in the timeline"
grep -q '"first_name":"Grace"' "$out" || fail "the form-encoded contact lacks its attribute"
grep -q '"timezone":"America/New_York"' "$out" || fail "the PATCH did not set the time zone"
grep -qx '404' "$out" || fail "the second workspace could see the first one's contact"
grep -q '^rivulet_http_requests_total' "$out" || fail "metrics missing"
# The timeline holds order_paid exactly once although it was sent twice.
timeline=$(grep '"data":\[' "$out" | grep contact_created | head -1)
[ "$(echo "$timeline" | grep -o '"type":"order_paid"' | wc -l)" -eq 1 ] || fail "order_paid stored twice"

# Ctrl-C stops it cleanly.
kill -INT -- "-$RUN_PID"
for _ in $(seq 1 40); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.25; done
kill -0 "$RUN_PID" 2>/dev/null && fail "server did not stop on Ctrl-C"
RUN_PID=""
grep -q "stopped" "$LOG" || fail "server did not log a clean stop"
echo "newcomer test passed"
