#!/bin/sh
# bench_record.sh BUILD_DIR - the record's projection at scale: for each size
# in BENCH_RECORD_SIZES (accounts; default "10000 100000"), gen_record
# (bench/gen_record.c) writes a realistic synthetic record - multilingual
# places and persons in Latin, Cyrillic and Armenian script, six parties,
# two to four accounts per event with claims - as signed entries straight
# into a new log, then measures, in the same run:
#   apply    `reindex` of the whole log: entries applied per second into the
#            projection (target >= 20,000/s; 1,000,000 entries in < 2 min)
#   search   p50/p99/max of store_search for place names in every script,
#            person names and narrative words, alone and with time and
#            place filters (target p99 < 20 ms at 1,000,000 accounts)
#   compare  p50/p99 of the comparison of random events
#   size     the store's bytes per account and per entry, and the log's
# and, through the command line, `parallax search` and `parallax compare`
# end to end (process start included).  The data directories are made in
# BENCH_RECORD_DIR if set (and kept), else in a temporary directory on disk
# that is removed.  Record the figures in bench/RESULTS.md.
set -eu
build=${1:-build}
gen=$(cd "$build" && pwd)/bench/gen_record
px=$(cd "$build" && pwd)/parallax
sizes=${BENCH_RECORD_SIZES:-10000 100000}
queries=${BENCH_RECORD_QUERIES:-400}
[ -x "$gen" ] || { echo "bench_record: no $gen; build first" >&2; exit 1; }

if [ -n "${BENCH_RECORD_DIR:-}" ]; then
	top=$BENCH_RECORD_DIR
	mkdir -p "$top"
	keep=1
else
	top=$(mktemp -d "${TMPDIR:-/tmp}/px-bench-record-XXXXXX")
	keep=0
fi
cleanup() { [ "$keep" = 1 ] || rm -rf "$top"; }
trap cleanup EXIT INT TERM

status=0
for n in $sizes; do
	dir=$top/record-$n
	rm -rf "$dir"
	echo "bench_record: $n accounts"
	if ! "$gen" "$dir" "$n" "$queries"; then
		echo "bench_record: gen_record failed at $n accounts" >&2
		status=1
		continue
	fi
	if [ -x "$px" ]; then
		ev=$("$px" list event --dir "$dir" --limit 1 --json |
			python3 -c 'import json,sys; i=json.load(sys.stdin)["items"]; print(i[0]["id"] if i else "")') || ev=""
		python3 - "$px" "$dir" "$ev" <<'PY' || { echo "bench_record: CLI timing failed" >&2; status=1; }
import subprocess, sys, time
px, d, ev = sys.argv[1:4]
def timed(args, rounds=20):
    t = []
    for _ in range(rounds):
        s = time.monotonic()
        subprocess.run([px] + args + ["--dir", d], stdout=subprocess.DEVNULL,
                       check=True)
        t.append((time.monotonic() - s) * 1000)
    t.sort()
    return t[len(t) // 2], t[-1]
for label, args in (("parallax search shelling", ["search", "shelling"]),
                    ("parallax search --json", ["search", "Residents", "--json"]),
                    ("parallax compare EVENT", ["compare", ev])):
    p50, mx = timed(args)
    print("bench_record: %-28s (CLI, process included) p50 %.1f ms  max %.1f ms"
          % (label, p50, mx))
PY
	fi
	[ "$keep" = 1 ] || rm -rf "$dir"
done
exit $status
