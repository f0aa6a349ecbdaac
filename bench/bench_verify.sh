#!/bin/sh
# bench_verify.sh BUILD_DIR - how fast `parallax verify` audits a large log,
# against the floor of hashing the same bytes once: builds a log of
# 1,000,000 entries of 1 KiB (BENCH_VERIFY_ENTRIES to change it) with
# `parallax log append`, then times, in the same run and with the files in
# the page cache for both,
#   parallax verify DIR --key DIR/log.pub
#   cat <every entry bundle> | openssl dgst -sha256
#   openssl dgst -sha256 <every entry bundle>     (no pipe: a stricter floor)
# best of three rounds each, and prints the ratio to the first (the target is
# at most 2) and to the second.  The log is kept in
# BENCH_VERIFY_DIR if that is set (and reused when it already holds a log of
# the right size), else built in a temporary directory and removed.
set -eu
build=${1:-build}
px=$(cd "$build" && pwd)/parallax
n=${BENCH_VERIFY_ENTRIES:-1000000}
[ -x "$px" ] || { echo "bench_verify: no parallax binary in $build" >&2; exit 1; }
command -v openssl >/dev/null || { echo "bench_verify: openssl not installed" >&2; exit 1; }

now() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
elapsed() { python3 -c "print('%.3f' % ($2 - $1))"; }

if [ -n "${BENCH_VERIFY_DIR:-}" ]; then
	dir=$BENCH_VERIFY_DIR
	keep=1
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/px-bench-verify-XXXXXX")
	keep=0
fi
cleanup() { [ "$keep" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT INT TERM

size=0
if [ -f "$dir/data/log/checkpoint" ]; then
	size=$(sed -n 2p "$dir/data/log/checkpoint")
fi
if [ "$size" != "$n" ]; then
	rm -rf "$dir/data"
	echo "bench_verify: building a log of $n entries of 1 KiB ..."
	"$px" log init "$dir/data" --origin bench.example/verify >/dev/null
	t0=$(now)
	# Entry i: its number, padded to 1024 bytes with a repeating pattern.
	python3 -c '
import sys
n = int(sys.argv[1])
pad = (b"parallax-bench-" * 80)
out = sys.stdout.buffer
for i in range(n):
    head = b"%010d " % i
    out.write(head + pad[:1024 - len(head)] + b"\n")
' "$n" | "$px" log append "$dir/data" --batch 65536 --delay 50 >/dev/null
	t1=$(now)
	echo "bench_verify: appended $n entries in $(elapsed "$t0" "$t1") s"
fi

bundles=$(find "$dir/data/log/tile/entries" -type f | sort)
bytes=$(cat $bundles | wc -c)
# Warm the page cache for both contenders alike.
cat $bundles "$dir"/data/log/tile/[0-9]*/* >/dev/null 2>&1 || true
find "$dir/data/log/tile" -type f -exec cat {} + >/dev/null

# measure CMD...: runs it, prints "WALL CPU" in seconds (CPU: user+system
# of the command and its children, steadier than wall time on a busy box).
measure() {
	python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
w = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f" % (w, r.ru_utime + r.ru_stime))
' "$@"
}
list=$(mktemp "${TMPDIR:-/tmp}/px-bench-list-XXXXXX")
printf '%s\n' $bundles >"$list"
results=""
for round in 1 2 3; do
	v=$(measure "$px" verify "$dir/data" --key "$dir/data/log.pub" --quiet)
	o=$(measure sh -c 'xargs cat <"$1" | openssl dgst -sha256' sh "$list")
	f=$(measure sh -c 'xargs openssl dgst -sha256 <"$1"' sh "$list")
	echo "bench_verify: round $round (wall cpu): verify $v, cat|openssl $o, openssl FILES $f"
	results="$results$v $o $f
"
done
rm -f "$list"
echo "bench_verify: $("$px" verify "$dir/data" --key "$dir/data/log.pub" --quiet)"
printf '%s' "$results" | python3 -c '
import sys
n, nbytes = int(sys.argv[1]), int(sys.argv[2])
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
best = [min(r[i] for r in rows) for i in range(6)]
vw, vc, ow, oc, fw, fc = best
mib = nbytes / 2**20
print("bench_verify: %d entries, %.1f MiB of entry bundles, best of %d rounds" % (n, mib, len(rows)))
print("bench_verify: parallax verify             wall %6.3f s  cpu %6.3f s  (%.0f MiB/s, %.0f entries/s)" % (vw, vc, mib / vw, n / vw))
print("bench_verify: cat | openssl dgst -sha256  wall %6.3f s  cpu %6.3f s" % (ow, oc))
print("bench_verify: openssl dgst -sha256 FILES  wall %6.3f s  cpu %6.3f s" % (fw, fc))
print("bench_verify: ratio to cat|openssl: wall %.2f, cpu %.2f (target <= 2.00): %s" % (vw / ow, vc / oc, "ok" if vw / ow <= 2.0 else "OVER TARGET"))
print("bench_verify: ratio to openssl FILES: wall %.2f, cpu %.2f" % (vw / fw, vc / fc))
' "$n" "$bytes"
