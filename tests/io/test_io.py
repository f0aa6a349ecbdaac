#!/usr/bin/env python3
"""test_io.py PARALLAX - the import and export commands end to end.

Imports the fixtures in tests/io/fixtures/ (written from the ACLED and UCDP
GED codebooks, one quirk each) and the real GeoNames extract in
../shared/data/ (or data/ when present) into fresh data directories, and
checks what a user relies on: every row mapped, bad rows reported with
line, column and reason and nothing of them written, re-imports adding
nothing, --strict and --dry-run writing nothing, GeoNames re-imports
revising instead of duplicating; exports read back with Python's csv module
and GDAL's ogrinfo; round trips through every format; and
tools/load-demo.sh giving exactly the ids of data/demo/ids.tsv, twice.
Ends with "N passed, N failed".
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

PX = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(HERE, "fixtures")
GEONAMES = None
for cand in (os.path.join(ROOT, "..", "shared", "data",
                          "geonames_cities500_AZ_AM.txt"),
             os.path.join(ROOT, "data", "geonames_cities500_AZ_AM.txt"),
             os.path.join(FIX, "geonames_sample.txt")):
    if os.path.exists(cand):
        GEONAMES = cand
        break

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what, file=sys.stderr)


def px(*args, data=None, ok=(0,)):
    env = dict(os.environ)
    env.pop("PARALLAX_PARTY", None)
    p = subprocess.run([PX] + list(args), capture_output=True, env=env,
                       input=data)
    if p.returncode not in ok:
        sys.stderr.write("command %s exited %d:\n%s\n" % (
            " ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p


def new_dir(tmp, name):
    d = os.path.join(tmp, name)
    px("init", d)
    return d


def new_party(d, name):
    f = os.path.join(d, name + ".json")
    with open(f, "w") as fh:
        json.dump({"name": name, "type": "other"}, fh)
    p = px("party", "add", f, "--json", "--dir", d)
    return json.loads(p.stdout)["id"]


def imp(d, fmt, path, party, *extra, ok=(0, 1)):
    args = ["import", fmt, path, "--dir", d] + list(extra)
    if party:
        args += ["--as", party]
    p = px(*args, ok=ok)
    return p.returncode, p.stderr.decode()


def entries(d):
    p = px("export", "jsonl", "--dir", d)
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def export_csv(d, fmt, *extra):
    p = px("export", fmt, "--dir", d, *extra)
    text = p.stdout.decode()
    return list(csv.reader(io.StringIO(text, newline=""))), text


def summary_num(err, label):
    """The number after 'label: ' in the summary (e.g. 'imported: 4')."""
    for line in err.splitlines():
        line = line.strip()
        if line.startswith(label + ":"):
            return int(line.split(":")[1].split()[0])
    return None


def main():
    tmp = tempfile.mkdtemp(prefix="px-io-")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def exports_select(tmp):
    """What the CSV exports select and how they read each revision: the
    current revision of every current account, text as filed (escapes,
    control characters, non-Latin scripts), per party, per event."""
    d = new_dir(tmp, "sel")
    p = new_party(d, "dataset")
    imp(d, "acled", os.path.join(FIX, "acled_current.csv"), p)
    rows, _ = export_csv(d, "acled")
    head = rows[0]
    ev = dict(zip(head, rows[1]))["px_event"]
    q = new_party(d, "monitor")
    text = ('Tab\there, "quoted", back\\slash, Xank\u0259ndi, '
            '\U0001F600, line\nbreak')
    acc = {"kind": "account", "event": ev,
           "narrative": {"text": text, "lang": "en"},
           "claims": {"casualties": {"civilians": {"low": 1, "best": 3,
                                                   "high": 7}}}}
    f = os.path.join(tmp, "sel.jsonl")
    with open(f, "w") as fh:
        fh.write(json.dumps(acc) + "\n")
    imp(d, "jsonl", f, q)

    def mine(fmt="acled", *extra):
        rows, _ = export_csv(d, fmt, *extra)
        return [dict(zip(rows[0], r)) for r in rows[1:]
                if dict(zip(rows[0], r)).get("px_party") == q]
    got = mine()
    check(len(got) == 1 and got[0]["notes"] == text
          and got[0]["fatalities"] == "3" and got[0]["px_event"] == ev,
          "export acled: a narrative with escapes and other scripts comes "
          "back as filed")
    acc_id = got[0]["px_account"] if got else ""
    only = mine("acled", "--party", q)
    part, _ = export_csv(d, "acled", "--party", q)
    check(len(only) == 1 and len(part) == 2,
          "export acled --party: only the party's accounts")
    # a revision replaces the row; a withdrawal removes it
    acc["narrative"]["text"] = "Revised: nobody was killed."
    acc["claims"] = {"casualties": {"civilians": {"best": 0}}}
    with open(f, "w") as fh:
        json.dump(acc, fh)
    r = px("revise", acc_id, f, "--as", q, "--dir", d)
    got = mine()
    check(r.returncode == 0 and len(got) == 1
          and got[0]["notes"] == "Revised: nobody was killed."
          and got[0]["fatalities"] == "0",
          "export acled: an account's current revision")
    cons, _ = export_csv(d, "acled", "--consensus")
    c = [dict(zip(cons[0], r)) for r in cons[1:] if r[31] == ev]
    check(len(c) == 1 and c[0]["notes"] == "2 accounts; disputed: "
          "casualties" and c[0]["px_disputed"] == "casualties",
          "export acled --consensus: both accounts, the dispute named")
    r = px("withdraw", acc_id, "--reason", "duplicate", "--as", q,
           "--dir", d)
    cons, _ = export_csv(d, "ucdp", "--consensus")
    c = [dict(zip(cons[0], r)) for r in cons[1:] if r[49] == ev]
    check(r.returncode == 0 and mine() == [] and mine("ucdp") == []
          and len(c) == 1 and c[0]["px_disputed"] == "",
          "export: a withdrawn account leaves the rows and the consensus")
    p2 = px("export", "acled", "--place", "place-" + "0" * 64, "--dir", d,
            ok=(1,))
    check(p2.returncode == 1 and b"place: no record" in p2.stderr
          and p2.stdout == b"",
          "export acled --place: an unknown place is refused")


def run(tmp):
    d = new_dir(tmp, "a")
    p = new_party(d, "dataset")

    # ---- GeoNames
    if GEONAMES:
        rc, err = imp(d, "geonames", GEONAMES, p)
        n = sum(1 for _ in open(GEONAMES, encoding="utf-8"))
        check(rc == 0 and summary_num(err, "imported") == n,
              "geonames: every row imported (%d)" % n)
        rc, err = imp(d, "geonames", GEONAMES, p)
        check(rc == 0 and summary_num(err, "imported") == 0
              and "%d unchanged" % n in err,
              "geonames: a second import changes nothing")
        # one row changed upstream: a new name and modification date
        rows = open(GEONAMES, encoding="utf-8").read().splitlines()
        cols = rows[0].split("\t")
        cols[3] = cols[3] + ",Testname-Changed"
        cols[18] = "2026-01-01"
        rows[0] = "\t".join(cols)
        changed = os.path.join(tmp, "geonames-changed.txt")
        with open(changed, "w", encoding="utf-8") as fh:
            fh.write("\n".join(rows) + "\n")
        rc, err = imp(d, "geonames", changed, p)
        check(rc == 0 and summary_num(err, "updated") == 1
              and summary_num(err, "imported") == 0,
              "geonames: a changed row revises its place")
        geo = json.loads(px("export", "geojson", "--dir", d).stdout)
        places = [f for f in geo["features"]
                  if f["properties"]["kind"] == "place"]
        ids = [f["properties"].get("geonameid") for f in places]
        check(len(places) == n and len(set(ids)) == n,
              "geonames: no place duplicated (%d places)" % len(places))
        got = [f for f in places
               if f["properties"].get("geonameid") == int(cols[0])]
        check(got and "Testname-Changed" in got[0]["properties"]["names"],
              "geonames: the revision carries the new name")
        x = [f for f in places if "Степанакерт" in
             f["properties"]["names"]]
        check(bool(x), "geonames: names in every script are kept")

    # ---- ACLED
    before = len(entries(d))
    rc, err = imp(d, "acled", os.path.join(FIX, "acled_current.csv"), p)
    check(rc == 0 and summary_num(err, "imported") == 4,
          "acled: current 31-column layout (BOM, quoted newline) imported")
    check("fatalities -> casualties" in err and "kept in comments" in err,
          "acled: the summary says what was mapped and kept")
    mid = len(entries(d))
    rc, err = imp(d, "acled", os.path.join(FIX, "acled_current.csv"), p)
    check(rc == 0 and summary_num(err, "imported") == 0
          and "4 already imported" in err and len(entries(d)) == mid,
          "acled: a second import adds nothing")
    check(mid > before, "acled: records were written")
    rc, err = imp(d, "acled", os.path.join(FIX, "acled_hxl_old.csv"), p)
    check(rc == 0 and summary_num(err, "imported") == 2
          and "no fatalities column" in err and "data_id" in err,
          "acled: older layout with an HXL row and no fatalities")
    rc, err = imp(d, "acled", os.path.join(FIX, "acled_reordered.csv"), p)
    check(rc == 0 and summary_num(err, "imported") == 1,
          "acled: columns in another order")

    n0 = len(entries(d))
    rc, err = imp(d, "acled", os.path.join(FIX, "acled_malformed.csv"), p,
                  "--strict")
    check(rc == 1 and "nothing imported" in err and len(entries(d)) == n0,
          "acled --strict: bad rows stop the import, nothing written")
    rc, err = imp(d, "acled", os.path.join(FIX, "acled_malformed.csv"), p,
                  "--dry-run")
    check(len(entries(d)) == n0 and "dry run" in err,
          "acled --dry-run: nothing written")
    rc, err = imp(d, "acled", os.path.join(FIX, "acled_malformed.csv"), p)
    for want in ("line 2: column 'latitude'",
                 "line 3: column 'event_date'",
                 "line 4: column 'fatalities'",
                 "line 5: broken quoting",
                 "line 6: column 'location': is not valid UTF-8",
                 "line 8: column 'time_precision'",
                 "line 9: column 'event_type'"):
        check(want in err, "malformed: reported: " + want)
    check(rc == 1 and summary_num(err, "imported") == 1
          and "7 bad" in err,
          "malformed: the good row imported, 7 bad rows refused")

    # ---- UCDP
    rc, err = imp(d, "ucdp", os.path.join(FIX, "ucdp_ged.csv"), p)
    check(rc == 0 and summary_num(err, "imported") == 3
          and "49 of 49 columns" in err,
          "ucdp: 49 columns, NA, packed sources, quoted newlines")
    rc, err = imp(d, "ucdp", os.path.join(FIX, "ucdp_ged.csv"), p)
    check(summary_num(err, "imported") == 0 and "3 already imported" in err,
          "ucdp: a second import adds nothing")
    n0 = len(entries(d))
    # the fixture, and a row with a 10 MB field after it
    big = os.path.join(tmp, "ucdp_malformed_big.csv")
    with open(big, "wb") as fh:
        fh.write(open(os.path.join(FIX, "ucdp_malformed.csv"), "rb").read())
        fh.write(b"B7," + b"x" * (10 * 1024 * 1024) + b"\n")
    rc, err = imp(d, "ucdp", big, p)
    for want in ("column 'date_start'", "column 'latitude'",
                 "column 'type_of_violence'", "'low', 'best', 'high'",
                 "is before date_start", "longer than 1 MiB"):
        check(want in err, "ucdp malformed: reported: " + want)
    check("6 bad" in err, "ucdp malformed: 6 bad rows (incl. a 10 MB field)")

    # an interrupted import, run again: it picks up where it stopped
    dr = new_dir(tmp, "resume")
    pr = new_party(dr, "dataset")
    full = open(os.path.join(FIX, "acled_current.csv"), "rb").read()
    part = os.path.join(tmp, "part.csv")
    with open(part, "wb") as fh:
        fh.write(full[:full.index(b"\nAZE1003")])
    rc1, err1 = imp(dr, "acled", part, pr)
    rc2, err2 = imp(dr, "acled", os.path.join(FIX, "acled_current.csv"), pr)
    check(summary_num(err1, "imported") == 2
          and summary_num(err2, "imported") == 2
          and "2 already imported" in err2,
          "acled: an interrupted import resumes where it stopped")

    # ---- exports read by the tools users have
    rows, text = export_csv(d, "acled")
    head = rows[0]
    check(len(head) == 34 and head[:2] == ["event_id_cnty", "event_date"]
          and all(len(r) == 34 for r in rows),
          "export acled: 31 ACLED columns + 3, every row complete")
    check(text.endswith("\r\n"), "export acled: CRLF rows (RFC 4180)")
    by = {r[0]: dict(zip(head, r)) for r in rows[1:] if r[0]}
    a = by.get("AZE1001", {})
    check(a.get("fatalities") == "2" and a.get("latitude") == "40.3417"
          and a.get("time_precision") == "1"
          and a.get("event_type") == "Explosions/Remote violence"
          and a.get("source") == "Azertag; Trend"
          and '"several"' in a.get("notes", ""),
          "export acled: values of a row come back")
    b = by.get("AZE1002", {})
    check("\n" in b.get("notes", "") and b.get("time_precision") == "2"
          and b.get("event_date") == "2020-10-11",
          "export acled: a week-precision row and a multi-line note")
    c = by.get("AZE1003", {})
    check(c.get("location") == "Stepanakert"
          and c.get("latitude") == "39.8153",
          "export acled: the dataset's own location and coordinates")
    # a second party's account of AZE1001's event, with other figures
    p2 = new_party(d, "monitor")
    acc = {"kind": "account", "event": a["px_event"],
           "narrative": {"text": "Shelling; nobody was killed.",
                         "lang": "en"},
           "claims": {"casualties": {"civilians": {"best": 0}}}}
    f2 = os.path.join(tmp, "second.jsonl")
    with open(f2, "w") as fh:
        fh.write(json.dumps(acc) + "\n")
    rc, err = imp(d, "jsonl", f2, p2)
    check(rc == 0 and summary_num(err, "imported") == 1,
          "import jsonl: a plain record filed for --as")
    rows, text = export_csv(d, "acled")
    two = [dict(zip(head, r)) for r in rows[1:] if r[31] == a["px_event"]]
    check(sorted(r["fatalities"] for r in two) == ["0", "2"]
          and len({r["px_party"] for r in two}) == 2,
          "export acled: one row per account, each party's figures")
    rows_c, _ = export_csv(d, "acled", "--consensus")
    cons = [dict(zip(rows_c[0], r)) for r in rows_c[1:]
            if r[31] == a["px_event"]]
    check(len(cons) == 1 and "casualties" in cons[0]["px_disputed"],
          "export acled --consensus: the disputed figure is named")
    geo = json.loads(px("export", "geojson", "--dir", d).stdout)
    g = [f for f in geo["features"]
         if f["properties"]["id"] == a["px_event"]]
    check(g and g[0]["properties"]["accounts"] == 2
          and g[0]["properties"]["disputed"] is True,
          "export geojson: accounts counted, dispute flagged")
    rows_c, _ = export_csv(d, "acled", "--consensus")
    check(len(rows_c) - 1 == len({r[31] for r in rows[1:]})
          and rows_c[0][-1] == "px_disputed",
          "export acled --consensus: one row per event")

    rows_f, _ = export_csv(d, "acled", "--type", "battle")
    check(len(rows_f) > 1 and
          all(r[5] == "Battles" for r in rows_f[1:]),
          "export acled --type battle: only battles")
    rows_f, _ = export_csv(d, "acled", "--from", "2020-10-10", "--to",
                           "2020-10-12")
    got = {r[0] for r in rows_f[1:]}
    check("AZE1002" in got and "AZE1003" in got      # a day, a month
          and "AZE1001" not in got and "ARM1004" not in got,
          "export acled --from/--to: the events whose time overlaps")
    urows, utext = export_csv(d, "ucdp")
    uh = urows[0]
    check(len(uh) == 52 and all(len(r) == 52 for r in urows),
          "export ucdp: 49 UCDP columns + 3, every row complete")
    ub = {r[0]: dict(zip(uh, r)) for r in urows[1:] if r[0]}
    u = ub.get("361001", {})
    check(u.get("deaths_a") == "3" and u.get("deaths_b") == "5"
          and u.get("deaths_civilians") == "2" and u.get("best") == "10"
          and u.get("low") == "8" and u.get("high") == "14"
          and u.get("source_office") == "AFP;BBC Monitoring"
          and u.get("date_prec") == "1" and u.get("where_prec") == "1",
          "export ucdp: figures, sources and precisions come back")

    exports_select(tmp)

    geo_path = os.path.join(tmp, "all.geojson")
    with open(geo_path, "wb") as fh:
        fh.write(px("export", "geojson", "--dir", d).stdout)
    geo = json.load(open(geo_path, encoding="utf-8"))
    evs = [f for f in geo["features"] if f["properties"]["kind"] == "event"]
    check(geo["type"] == "FeatureCollection" and len(evs) >= 9,
          "export geojson: a FeatureCollection with the events")
    if GEONAMES:
        # coordinates exactly as GeoNames wrote them (decimal strings)
        first = open(GEONAMES, encoding="utf-8").readline().split("\t")
        pl = [f for f in geo["features"]
              if f["properties"].get("geonameid") == int(first[0])]
        raw = json.dumps(pl[0]["geometry"]) if pl else ""
        check(pl and pl[0]["geometry"]["coordinates"] ==
              [float(first[5]), float(first[4])]
              and first[4].rstrip("0") in raw,
              "export geojson: coordinates exact from micro-degrees")
        st = [f for f in evs if "Stepanakert" in f["properties"]["title"]]
        check(st and st[0]["properties"]["place_name"] not in
              ("", "Stepanakert"),
              "import acled: 'Stepanakert' matched the gazetteer place "
              "(%r)" % (st[0]["properties"]["place_name"] if st else None))
    if shutil.which("ogrinfo"):
        o = subprocess.run(["ogrinfo", "-ro", "-al", "-so", geo_path],
                           capture_output=True, text=True)
        check(o.returncode == 0 and "Feature Count: %d" %
              len(geo["features"]) in o.stdout and "Point" in o.stdout,
              "export geojson: ogrinfo reads every feature")
    else:
        print("skip ogrinfo: gdal-bin is not installed")

    # ---- round trips
    # JSONL: lossless into an empty store
    jl = os.path.join(tmp, "all.jsonl")
    with open(jl, "wb") as fh:
        fh.write(px("export", "jsonl", "--dir", d).stdout)
    d2 = new_dir(tmp, "b")
    rc, err = imp(d2, "jsonl", jl, None)
    src = [json.loads(l) for l in open(jl)]
    dst = entries(d2)
    check(rc == 0 and [x["id"] for x in src] == [x["id"] for x in dst],
          "round trip jsonl: the same records, ids and order (%d)" %
          len(src))
    same = sum(1 for x, y in zip(src, dst) if x["entry"] == y["entry"])
    regs = sum(1 for x in src if x["id"].startswith("party-"))
    check(same == len(src) - regs,
          "round trip jsonl: entries keep their signatures "
          "(registrations re-signed by the new operator)")
    rc, err = imp(d2, "jsonl", jl, None)
    check(summary_num(err, "imported") == 0 and len(entries(d2)) == len(dst),
          "round trip jsonl: a second import adds nothing")

    # ACLED and UCDP: out, into an empty store, out again
    for fmt, keys in (("acled", ["event_id_cnty", "event_date",
                                 "time_precision", "event_type",
                                 "sub_event_type", "actor1", "inter1",
                                 "actor2", "latitude", "longitude",
                                 "geo_precision", "source", "notes",
                                 "fatalities", "admin1", "timestamp"]),
                      ("ucdp", ["id", "date_start", "date_end",
                                "date_prec", "type_of_violence", "side_a",
                                "side_b", "deaths_a", "deaths_b",
                                "deaths_civilians", "best", "low", "high",
                                "latitude", "longitude", "where_prec",
                                "source_office", "source_headline",
                                "dyad_name"])):
        if fmt == "ucdp":
            # UCDP GED holds organized violence only: start from its own
            du = new_dir(tmp, "u")
            pu = new_party(du, "ucdp")
            imp(du, "ucdp", os.path.join(FIX, "ucdp_ged.csv"), pu)
            rows1, text1 = export_csv(du, fmt)
        else:
            rows1, text1 = export_csv(d, fmt, "--party", p)
        f1 = os.path.join(tmp, "out1." + fmt)
        with open(f1, "w", newline="") as fh:
            fh.write(text1)
        d3 = new_dir(tmp, "rt-" + fmt)
        p3 = new_party(d3, "dataset")
        rc, err = imp(d3, fmt, f1, p3)
        rows2, _ = export_csv(d3, fmt)
        h1, h2 = rows1[0], rows2[0]

        def keyed(rows, h):
            out = {}
            for r in rows[1:]:
                m = dict(zip(h, r))
                out[tuple(m[k] for k in keys)] = 1
            return out
        k1, k2 = keyed(rows1, h1), keyed(rows2, h2)
        check(rc == 0 and len(rows1) > 1 and k1 == k2,
              "round trip %s: %d rows out, in and out again alike" %
              (fmt, len(rows1) - 1))

    # ---- the demo record
    demo = os.path.join(tmp, "demo")
    build = os.path.dirname(PX)
    script = os.path.join(ROOT, "tools", "load-demo.sh")
    r1 = subprocess.run(["sh", script, build, demo], capture_output=True)
    got = {x["id"] for x in entries(demo)}
    want = set()
    with open(os.path.join(ROOT, "data", "demo", "ids.tsv")) as fh:
        for line in fh:
            if line.strip():
                want.add(line.split()[1])
    check(r1.returncode == 0 and got == want,
          "load-demo: the store holds exactly the ids of ids.tsv (%d)" %
          len(want))
    r2 = subprocess.run(["sh", script, build, demo], capture_output=True)
    check(r2.returncode == 0 and len(entries(demo)) == len(got),
          "load-demo: a second run adds nothing")


if __name__ == "__main__":
    main()
