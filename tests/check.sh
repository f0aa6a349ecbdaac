#!/bin/sh
# check.sh BUILD ASAN_BUILD - build and run every test: all suites in the
# normal build, then the C suites again under AddressSanitizer and
# UndefinedBehaviorSanitizer.  Ends with one line "check: N passed, N failed".
set -u
build=${1:-build}
asan=${2:-build-asan}
status=0

[ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=debugoptimized || exit 1
ninja -C "$build" || exit 1
meson test -C "$build" --print-errorlogs --num-processes 2 || status=1

[ -f "$asan/build.ninja" ] || meson setup "$asan" --buildtype=debug \
	-Db_sanitize=address,undefined -Db_lundef=false || exit 1
ninja -C "$asan" || exit 1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C "$asan" --print-errorlogs --num-processes 2 \
	--no-suite interop --no-suite bench || status=1

python3 tests/summary.py "$build" "$asan" || status=1
exit $status
