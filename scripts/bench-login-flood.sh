#!/usr/bin/env bash
# Login flood benchmark (not part of the test suite): 200 logins and 200 sign-ups sent at once to a
# hub whose JVM has a 384 MB heap (started as ./gpuhub starts it, with -XX:+ExitOnOutOfMemoryError),
# while another user calls GET /hub/api/users/<me>. Prints the answers by status, that user's
# p50/p99 during the flood beside the same requests alone (same run) and the ratio, the hub's peak
# resident memory, and whether the hub still logs in and answers afterwards.
# Usage: scripts/bench-login-flood.sh [--logins 200] [--signups 200] [--heap-mb 384]
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/run-bench.sh 1g login-flood "$@"
