#!/bin/sh
# load-demo.sh BUILD DATA_DIR - load the demo record (data/demo/) into the
# data directory DATA_DIR, creating it if needed.  Loading is idempotent:
# every demo record carries its own filed_by and filed_at, so its id is
# fixed (data/demo/ids.tsv) and a second load adds nothing (the store
# refuses the same entries as duplicates).
#
# The parties are registrations, signed by this log's operator key with the
# demo's own party keys in them; every other record is filed by "Parallax
# demo editors" and signed here with that party's demo key
# (data/demo/demo-keys.txt), so the operator never holds it.
set -eu
build=${1:?usage: load-demo.sh BUILD DATA_DIR}
data=${2:?usage: load-demo.sh BUILD DATA_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
demo=$here/data/demo
px=$build/parallax
[ -x "$px" ] || { echo "load-demo: no $px (build first)" >&2; exit 1; }

if [ ! -f "$data/log.pub" ]; then
	"$px" init "$data" --origin demo.parallax.example/log >/dev/null
fi

key=$(mktemp)
trap 'rm -f "$key"' EXIT INT TERM
chmod 600 "$key"
awk '$1 == "demo-editors" { print $2 }' "$demo/demo-keys.txt" >"$key"
[ -s "$key" ] || { echo "load-demo: no demo-editors key" >&2; exit 1; }

"$px" import jsonl "$demo/parties.jsonl" --dir "$data" --quiet
for f in sources places events accounts persons relations; do
	"$px" import jsonl "$demo/$f.jsonl" --key "$key" --dir "$data" --quiet
done
echo "demo record loaded into $data"
