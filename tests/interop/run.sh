#!/bin/sh
# run.sh PXTOOL PARALLAX BUILDDIR - the interop test: builds the Go checker
# (go/src/pxinterop, against Debian's golang.org/x/mod in GOPATH mode, so
# nothing is downloaded) and runs it against pxtool, then writes a real
# log with `parallax log init` / `log append` and has Go audit it.  Ends
# with "N passed, N failed".
set -u
pxtool=${1:?usage: run.sh PXTOOL PARALLAX BUILDDIR}
parallax=${2:?usage: run.sh PXTOOL PARALLAX BUILDDIR}
build=${3:?usage: run.sh PXTOOL PARALLAX BUILDDIR}
here=$(cd "$(dirname "$0")" && pwd)
xmod=/usr/share/gocode/src/golang.org/x/mod/sumdb

fail() {
	echo "interop: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

command -v go >/dev/null 2>&1 ||
	fail "go is not installed (apt-get install golang-go; make check installs it)"
[ -f "$xmod/note/note.go" ] && [ -f "$xmod/tlog/tlog.go" ] ||
	fail "golang.org/x/mod sources missing in $xmod (apt-get install golang-golang-x-mod-dev)"
[ -x "$pxtool" ] || fail "pxtool not found at $pxtool"
mkdir -p "$build" && build=$(cd "$build" && pwd) || fail "no directory $build"
case $pxtool in /*) ;; *) pxtool=$(pwd)/$pxtool ;; esac
case $parallax in /*) ;; *) parallax=$(pwd)/$parallax ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/pxinterop.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$work"' EXIT INT TERM

# GOPATH mode, offline: our package and Debian's x/mod sources.
GO111MODULE=off GOFLAGS= GOPROXY=off \
GOPATH="$here/go:/usr/share/gocode" GOCACHE="$build/gocache" \
	go build -o "$build/pxinterop" pxinterop ||
	fail "building the Go checker failed"

set -- -pxtool "$pxtool" -work "$work"
[ -x "$parallax" ] || fail "parallax not found at $parallax"
"$parallax" log init --help >/dev/null 2>&1 &&
	"$parallax" log append --help >/dev/null 2>&1 ||
	fail "'$parallax log init' / 'log append' are missing: cannot write a real log"
log="$work/realdata"
"$parallax" log init "$log" --origin example.com/interop >/dev/null ||
	fail "parallax log init failed"
# Three appends (short entries; 4000-byte ones in batches of 3; short
# ones in batches of 64), keeping the checkpoint before each append:
# the final tree must extend all three.
cp "$log/log/checkpoint" "$work/checkpoint.0" || fail "no checkpoint after init"
i=0
while [ $i -lt 300 ]; do echo "entry $i"; i=$((i + 1)); done |
	"$parallax" log append "$log" >/dev/null ||
	fail "parallax log append failed"
cp "$log/log/checkpoint" "$work/checkpoint.1"
head -c 70000 /dev/zero | tr '\0' 'a' | fold -w 4000 |
	"$parallax" log append "$log" --batch 3 >/dev/null ||
	fail "parallax log append failed"
cp "$log/log/checkpoint" "$work/checkpoint.2"
i=0
while [ $i -lt 500 ]; do echo "more $i"; i=$((i + 1)); done |
	"$parallax" log append "$log" --batch 64 >/dev/null ||
	fail "parallax log append failed"
set -- "$@" -log "$log" \
	-older "$work/checkpoint.0,$work/checkpoint.1,$work/checkpoint.2"
"$build/pxinterop" "$@"
