#!/bin/sh
# bench_io.sh BUILD_DIR - import and export speed: writes a UCDP GED-like
# CSV of 300,000 rows (BENCH_IO_ROWS to change it; bench_io.py), imports it
# into a new data directory with `parallax import ucdp` (signed, logged and
# indexed: each row is an event, UCDP's account of it and its sources), then
# exports it with `parallax export ucdp`, `acled` and `jsonl`, and the CSV
# formats with --consensus and with filters (dates, party, type).  Prints rows
# per second against the targets (import >= 10,000 rows/s, export >= 50,000
# rows/s) and the CPU time per row, which does not depend on how loaded the
# machine is.  The directory is removed afterwards unless BENCH_IO_DIR is
# set (it is then reused when it already holds the import).
set -eu
build=${1:-build}
px=$(cd "$build" && pwd)/parallax
here=$(cd "$(dirname "$0")" && pwd)
rows=${BENCH_IO_ROWS:-300000}
[ -x "$px" ] || { echo "bench_io: no parallax binary in $build" >&2; exit 1; }

if [ -n "${BENCH_IO_DIR:-}" ]; then
	work=$BENCH_IO_DIR
	keep=1
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/px-bench-io-XXXXXX")
	keep=0
fi
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT INT TERM

csv=$work/ucdp-$rows.csv
[ -f "$csv" ] || python3 "$here/bench_io.py" "$rows" "$csv"
data=$work/data

# time CMD...: wall seconds, then user+sys CPU seconds, on stdout
timed() {
	python3 - "$@" <<'PY'
import os, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
wall = time.monotonic() - t
c = os.times()
if p.returncode != 0:
    sys.stderr.write(p.stderr.decode()[-2000:])
    sys.exit(1)
print("%.3f %.3f" % (wall, c.children_user + c.children_system))
PY
}

report() { # label rows wall cpu target
	python3 -c "
import sys
label, n, wall, cpu, target = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rate = n / wall if wall else 0
print('%-16s %8d rows  %7.1f s  %8.0f rows/s  (target %d: %s)  cpu %.1f s = %.0f rows per cpu-second'
      % (label, n, wall, rate, target, 'met' if rate >= target else 'NOT met', cpu, n / cpu if cpu else 0))
" "$@"
}

if [ ! -f "$data/log.pub" ]; then
	"$px" init "$data" >/dev/null
	printf '{"name":"UCDP GED (bench)","type":"international-organization"}\n' >"$work/party.json"
	"$px" party add "$work/party.json" --json --dir "$data" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' >"$work/party"
	set -- $(timed "$px" import ucdp "$csv" --as "$(cat "$work/party")" --dir "$data" --quiet)
	report "import ucdp" "$rows" "$1" "$2" 10000
fi
# each export: a label, then the arguments after `parallax export`
while IFS='|' read -r label args; do
	fmt=${args%% *}
	set -- $(timed "$px" export $args --dir "$data" --output "$work/out.$fmt")
	n=$(python3 -c "
import csv, sys
f = sys.argv[1]
if f.endswith('jsonl'):
    print(sum(1 for _ in open(f)))
else:
    print(sum(1 for _ in csv.reader(open(f, newline=''))) - 1)
" "$work/out.$fmt")
	report "$label" "$n" "$1" "$2" 50000
done <<EOF
export ucdp|ucdp
export acled|acled
export jsonl|jsonl
ucdp consensus|ucdp --consensus
acled consensus|acled --consensus
acled 18 months|acled --from 2018-01-01 --to 2019-06-30
ucdp party|ucdp --party $(cat "$work/party")
ucdp battles c.|ucdp --type battle --consensus
EOF
