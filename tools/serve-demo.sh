#!/bin/sh
# serve-demo.sh BUILD_DIR [HOST:PORT] - what `make demo` runs: load the demo
# record (data/demo/) into a fresh data directory with tools/load-demo.sh
# (idempotent: loading twice adds nothing) and serve it, with the web UI,
# on http://127.0.0.1:8080 (or HOST:PORT) until Ctrl-C.
set -eu
build=${1:-build}
listen=${2:-127.0.0.1:8080}
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$build/parallax" ] || { echo "serve-demo: no parallax binary in $build (run 'make build')" >&2; exit 1; }
px=$(cd "$build" && pwd)/parallax
data=$(cd "$build" && pwd)/demo-data
rm -rf "$data"
sh "$root/tools/load-demo.sh" "$build" "$data"

# A login to try filing with: the demo editors' party files for any party,
# recorded as acting for it.  Its key is public (data/demo/demo-keys.txt),
# like the password below: this is a demo on the loopback address only.
editors=$(awk '$1 == "demo-editors" {print $2}' "$root/data/demo/ids.tsv")
awk '$1 == "demo-editors" {print $2}' "$root/data/demo/demo-keys.txt" \
	> "$data/keys/parties/$editors.key"
chmod 600 "$data/keys/parties/$editors.key"
echo "parallax-demo" | "$px" user add editor --role editor --party "$editors" \
	--dir "$data" >/dev/null

echo "parallax demo: open http://$listen/ in a browser (Ctrl-C stops the server)"
echo "  to file: log in as 'editor' with the password 'parallax-demo'"
exec "$px" serve "$data" --listen "$listen" --web "$root/web"
