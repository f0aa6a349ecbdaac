#!/bin/sh
# run.sh BUILD_DIR - run every benchmark present: each bench/bench_*.sh
# (given BUILD_DIR) and each benchmark program built into BUILD_DIR/bench/
# (named bench_*, given no arguments).  One failing benchmark does not stop
# the others; the exit status says whether any failed.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
ran=0
bad=0
for script in "$here"/bench_*.sh; do
	[ -f "$script" ] || continue
	echo "== $(basename "$script")"
	ran=$((ran + 1))
	sh "$script" "$build" || { bad=$((bad + 1)); echo "== $(basename "$script") FAILED"; }
done
# bench_store measures the data directory in BENCH_STORE_DIR (made by
# gen_record); without one it says it skipped and succeeds.
[ -n "${BENCH_STORE_DIR:-}" ] || echo "bench: BENCH_STORE_DIR unset: bench_store skips"
for prog in "$build"/bench/bench_*; do
	[ -f "$prog" ] && [ -x "$prog" ] || continue
	case $prog in *.p|*.o|*.sh) continue ;; esac
	echo "== $(basename "$prog")"
	ran=$((ran + 1))
	"$prog" || { bad=$((bad + 1)); echo "== $(basename "$prog") FAILED"; }
done
echo "bench: $ran run, $bad failed"
[ "$bad" -eq 0 ]
