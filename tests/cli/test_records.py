#!/usr/bin/env python3
"""test_records.py PARALLAX - the record commands of parallax as a user runs
them, end to end in a temporary data directory: init, party add/list/show,
add, revise, withdraw, show, list, search, compare and reindex; then the
malformed-input suite (bad JSON, invalid UTF-8, oversized fields and files,
unknown fields, a party whose key the operator does not hold, an unknown
party, a stale revision, a withdrawal by another party, unknown record ids,
usage errors), each checked to write nothing to the log; a forged entry
injected into the log, which the store refuses when it applies it; and
`reindex`, after which `show --json`, `search --json`, `list --json` and
`compare --json` print exactly what they printed before.  Ends with
"N passed, N failed".

Python standard library only.
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

PX = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "parallax"
passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + detail if detail else ""))


ENV = dict(os.environ)
ENV.pop("PARALLAX_PARTY", None)


def run(*args, stdin=None, env=None, timeout=120):
    e = dict(ENV)
    if env:
        e.update(env)
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    p = subprocess.run([PX] + [str(a) for a in args], input=stdin,
                       capture_output=True, timeout=timeout, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def desc(r):
    rc, out, err = r
    return "rc=%d stdout=%r stderr=%r" % (rc, out[-600:], err[-600:])


def jrun(*args, **kw):
    r = run(*args, "--json", **kw)
    try:
        return r, json.loads(r[1]) if r[0] == 0 else None
    except ValueError:
        return r, None


tmp = tempfile.mkdtemp(prefix="px-records-")
D = os.path.join(tmp, "data")
ENV["PARALLAX_DIR"] = D


def write(name, obj):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        if isinstance(obj, bytes):
            f.write(obj)
        elif isinstance(obj, str):
            f.write(obj.encode("utf-8"))
        else:
            f.write(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
    return path


def log_size():
    with open(os.path.join(D, "log", "checkpoint")) as f:
        return int(f.read().split("\n")[1])


def refused(name, r, want_rc=1, words=()):
    """A write that must fail with want_rc, name what is wrong, and append
    nothing to the log."""
    rc, out, err = r
    ok = rc == want_rc and all(w.lower() in err.lower() for w in words)
    check(name, ok, desc(r))


def verifier_key(name, pub):
    """A signed-note Ed25519 verifier key (C2SP signed-note): key ID =
    SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    kid = hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]
    return "%s+%s+%s" % (name, kid.hex(),
                         base64.b64encode(b"\x01" + pub).decode())


try:
    # ---- help for every command
    for cmd in (["init"], ["party"], ["party", "add"], ["party", "list"],
                ["party", "show"], ["add"], ["revise"], ["withdraw"],
                ["show"], ["list"], ["search"], ["compare"], ["reindex"],
                ["log"], ["verify"]):
        r = run(*cmd, "--help")
        check("%s --help" % " ".join(cmd),
              r[0] == 0 and "usage: parallax" in r[1], desc(r))
    r = run("--help")
    check("parallax --help lists the record commands",
          r[0] == 0 and all(c in r[1] for c in
                            ("init", "party", "add", "revise", "withdraw",
                             "show", "list", "search", "compare",
                             "reindex")), desc(r))

    # ---- init
    r = run("init", D, "--origin", "example.org/cli-records")
    check("init creates a data directory",
          r[0] == 0 and os.path.exists(os.path.join(D, "log.pub")) and
          "example.org/cli-records+" in r[1], desc(r))
    r = run("init", D, "--origin", "example.org/cli-records")
    check("init refuses an existing data directory", r[0] == 1, desc(r))
    r = run("show", "event-" + "0" * 64, env={"PARALLAX_DIR": tmp + "/none"})
    check("a missing data directory is named",
          r[0] == 1 and "no data directory" in r[2], desc(r))

    # ---- parties
    # The first entry of a log (index 0) is a record like any other.
    r, e = jrun("party", "add",
                write("editors.json", {"name": "Record editors",
                                       "type": "other"}))
    check("party add: the first entry of the log", e is not None and
          e["index"] == 0, desc(r))
    EDITORS = e["id"] if e else ""
    r = run("show", EDITORS)
    check("show: the record at log index 0",
          r[0] == 0 and "Record editors" in r[1], desc(r))
    north = {"name": "Office of the Ombudsperson of Northland",
             "type": "ombudsperson", "affiliation": "Northland"}
    south = {"name": "Human Rights Defender of Southland",
             "type": "ombudsperson", "affiliation": "Southland"}
    r, a = jrun("party", "add", write("north.json", north))
    check("party add (custodial) prints id, index, key",
          a is not None and a["id"].startswith("party-") and
          a["custodial"] is True and "+" in a["key"] and
          isinstance(a["index"], int), desc(r))
    A = a["id"] if a else ""
    r = run("party", "add", write("south.json", south), "--dir", D)
    check("party add (text)", r[0] == 0 and "registered party party-" in r[1]
          and "verifier key" in r[1], desc(r))
    B = r[1].split("registered party ")[1].split()[0] if r[0] == 0 else ""
    own = verifier_key("monitor.example",
                       hashlib.sha256(b"monitor public key").digest())
    keyfile = write("monitor.pub", own + "\n")
    r, c = jrun("party", "add",
                write("monitor.json", {"name": "Field Monitoring Mission",
                                       "type": "international-organization"}),
                "--key", keyfile)
    check("party add --key registers the party's own key",
          c is not None and c["key"] == own and c["custodial"] is False,
          desc(r))
    C = c["id"] if c else ""
    # A party whose signer key is given: the operator keeps it (the demo's
    # published keys, so that the verifier key is known independently).
    demo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "..", "data", "demo")
    if os.path.exists(os.path.join(demo, "demo-keys.txt")):
        signer = [l.split()[1] for l in
                  open(os.path.join(demo, "demo-keys.txt"), encoding="utf-8")
                  if l.startswith("gov-am ")][0]
        want = [json.loads(l)["key"] for l in
                open(os.path.join(demo, "parties.jsonl"), encoding="utf-8")
                if "demo.parallax.example/gov-am+" in l][0]
        r, g = jrun("party", "add",
                    write("gov.json", {"name": "Government of Eastland",
                                       "type": "government-body"}),
                    "--key", write("gov.key", signer + "\n"))
        check("party add --key SIGNER registers its verifier, custodially",
              g is not None and g["key"] == want and g["custodial"] is True,
              desc(r))
        G = g["id"] if g else ""
        r = run("add", "source", write("gsrc.json",
                                       {"type": "document",
                                        "title": "Statement of Eastland"}),
                "--as", G)
        check("the operator files for a party whose signer key it was given",
              r[0] == 0, desc(r))
        PARTIES_EXTRA = [G]
    else:
        PARTIES_EXTRA = []
    r, lst = jrun("party", "list")
    check("party list --json lists every party",
          lst is not None and
          sorted(i["id"] for i in lst["items"]) ==
          sorted([EDITORS, A, B, C] + PARTIES_EXTRA), desc(r))
    r = run("party", "list")
    check("party list shows names and who holds each key",
          r[0] == 0 and "Human Rights Defender of Southland" in r[1] and
          "operator" in r[1] and "party" in r[1], desc(r))
    r = run("party", "show", A)
    check("party show", r[0] == 0 and "Office of the Ombudsperson" in r[1]
          and "held by the operator" in r[1], desc(r))

    # ---- places, source, event, accounts
    region = {"names": [{"name": "Karabakh", "lang": "en", "script": "Latn"},
                        {"name": "Ղարաբաղ", "lang": "hy", "script": "Armn"},
                        {"name": "Qarabağ", "lang": "az", "script": "Latn"}],
              "type": "region"}
    r, a = jrun("add", "place", write("region.json", region), "--as", A)
    check("add place", a is not None and a["id"].startswith("place-") and
          a["kind"] == "place", desc(r))
    REGION = a["id"] if a else ""
    town = {"kind": "place",
            "names": [{"name": "Stepanakert", "lang": "en", "script": "Latn",
                       "used_by": ["Armenian usage"]},
                      {"name": "Ստեփանակերտ", "lang": "hy", "script": "Armn"},
                      {"name": "Степанакерт", "lang": "ru", "script": "Cyrl"},
                      {"name": "Khankendi", "lang": "en", "script": "Latn",
                       "used_by": ["Azerbaijani usage"]},
                      {"name": "Xankəndi", "lang": "az", "script": "Latn"}],
              "type": "settlement", "parent": REGION,
              "coordinates": {"lat": 39815000, "lon": 46752000}}
    r = run("add", "place", "-", "--as", A, stdin=json.dumps(town))
    check("add place from standard input",
          r[0] == 0 and "added place place-" in r[1] and
          "log index" in r[1], desc(r))
    TOWN = r[1].split("added place ")[1].split()[0] if r[0] == 0 else ""
    r, a = jrun("add", "source",
                write("source.json", {"type": "report",
                                      "title": "Field report on the shelling",
                                      "published": "2026-01-05"}),
                env={"PARALLAX_PARTY": A})
    check("add source with PARALLAX_PARTY", a is not None, desc(r))
    SRC = a["id"] if a else ""
    event = {"title": "Shelling of the market",
             "type": "explosion-remote-violence",
             "subtype": "shelling-artillery-missile-attack",
             "time": {"start": "2026-01-03", "end": "2026-01-04",
                      "precision": "day"},
             "place": {"place": TOWN, "precision": "exact"}}
    r, a = jrun("add", "event", write("event.json", event), "--as", A)
    check("add event", a is not None, desc(r))
    EV = a["id"] if a else ""
    acc_a = {"event": EV,
             "narrative": {"text": "Shells fell on the market in the "
                           "morning.", "lang": "en"},
             "claims": {"time": {"start": "2026-01-03", "end": "2026-01-03",
                                 "precision": "day", "sources": [SRC]},
                        "characterization": {"text": "an indiscriminate "
                                             "attack", "lang": "en"},
                        "casualties": {"civilians": {"low": 3, "best": 4,
                                                     "high": 6}}}}
    r, a = jrun("add", "account", write("acc_a.json", acc_a), "--as", A)
    check("add account (A)", a is not None, desc(r))
    ACC_A = a["id"] if a else ""
    ACC_A_REV1 = a["revision"] if a else ""
    acc_b = {"event": EV,
             "narrative": {"text": "Обстрел рынка был ответом на провокацию.",
                           "lang": "ru"},
             "claims": {"time": {"start": "2026-01-01", "end": "2026-01-31",
                                 "precision": "month"},
                        "characterization": {"text": "ответные меры",
                                             "lang": "ru"},
                        "casualties": {"civilians": {"low": 20}}}}
    r, b = jrun("add", "account", write("acc_b.json", acc_b), "--as", B)
    check("add account (B)", b is not None, desc(r))
    ACC_B = b["id"] if b else ""

    # ---- show
    r = run("show", EV)
    check("show: kind, title, owner name, log index, withdrawn, fields",
          r[0] == 0 and r[1].startswith("event " + EV) and
          "Shelling of the market" in r[1] and
          "Office of the Ombudsperson of Northland" in r[1] and
          "log index" in r[1] and "withdrawn" in r[1] and
          "time.start" in r[1] and "Stepanakert" in r[1], desc(r))
    r, s = jrun("show", ACC_A)
    check("show --json is the store's record",
          s is not None and s["id"] == ACC_A and s["kind"] == "account" and
          s["owner"] == A and s["withdrawn"] is False and
          s["record"]["claims"]["casualties"]["civilians"]["best"] == 4,
          desc(r))

    # ---- search
    r, s = jrun("search", "Stepanakert")
    ids = [i["id"] for i in s["items"]] if s else []
    check("search Stepanakert finds the event at the place also named "
          "Khankendi", EV in ids and TOWN in ids, desc(r))
    r, s = jrun("search", "Khankendi", "--kind", "event")
    ids = [i["id"] for i in s["items"]] if s else []
    check("search Khankendi --kind event finds the same event",
          ids == [EV], desc(r))
    r = run("search", "Stepanakert")
    check("search (text) shows a snippet with the match in brackets",
          r[0] == 0 and "[" in r[1] and "]" in r[1] and EV in r[1], desc(r))
    r, s = jrun("search", "Stepanakert", "--from", "2027-01-01",
                "--kind", "event")
    check("search --from outside the event's time finds no event",
          s is not None and s["items"] == [], desc(r))
    r, s = jrun("search", "market", "--place", REGION, "--kind", "event")
    check("search --place REGION finds the event in a town within it",
          s is not None and [i["id"] for i in s["items"]] == [EV], desc(r))
    r = run("search", "zzzqqqxxnothing")
    check("search with no results says so",
          r[0] == 0 and "no results" in r[1], desc(r))

    # ---- list
    r, s = jrun("list", "event")
    check("list event --json", s is not None and
          [i["id"] for i in s["items"]] == [EV], desc(r))
    r = run("list", "account", "--event", EV)
    check("list account --event shows both accounts with owner names",
          r[0] == 0 and ACC_A in r[1] and ACC_B in r[1] and
          "Human Rights Defender" in r[1], desc(r))
    r, s = jrun("list", "event", "--disputed")
    check("list event --disputed finds the disputed event",
          s is not None and [i["id"] for i in s["items"]] == [EV], desc(r))

    r, p1 = jrun("party", "list", "--limit", "2")
    nxt = p1["next"] if p1 else None
    r2, p2 = jrun("party", "list", "--cursor", nxt) if nxt else (r, None)
    check("list pages with --limit and --cursor",
          p1 is not None and len(p1["items"]) == 2 and p2 is not None and
          sorted(i["id"] for i in p1["items"] + p2["items"]) ==
          sorted(i["id"] for i in lst["items"]), desc(r) + desc(r2))

    # ---- compare
    r = run("compare", EV)
    check("compare marks the disputed casualty field and names parties",
          r[0] == 0 and "casualties.civilians" in r[1] and
          "DISPUTED" in r[1] and "Human Rights Defender of Southland" in r[1]
          and "3 to 6" in r[1] and "20 or more" in r[1], desc(r))
    check("compare shows characterizations side by side",
          "an indiscriminate attack" in r[1] and "ответные меры" in r[1],
          desc(r))
    r, cmpj = jrun("compare", EV)
    f = cmpj["fields"] if cmpj else {}
    check("compare --json: casualties disputed, time agreed",
          cmpj is not None and cmpj["disputed"] is True and
          f.get("casualties.civilians", {}).get("status") == "disputed" and
          f.get("time", {}).get("status") == "agreed", desc(r))

    # ---- revise, stale revision, withdraw
    acc_a2 = dict(acc_a)
    acc_a2["narrative"] = {"text": "Shells fell on the market at 9 am.",
                           "lang": "en"}
    n0 = log_size()
    r, a = jrun("revise", ACC_A, write("acc_a2.json", acc_a2),
                "--expect", ACC_A_REV1)
    check("revise --expect the latest revision",
          a is not None and a["id"] == ACC_A and a["revision"] != ACC_A_REV1
          and log_size() == n0 + 1, desc(r))
    n0 = log_size()
    acc_a3 = dict(acc_a)
    acc_a3["comment"] = "third try"
    r = run("revise", ACC_A, write("acc_a3.json", acc_a3), "--expect",
            ACC_A_REV1)
    refused("revise --expect an old revision is refused as stale", r, 1,
            ("stale",))
    check("a stale revision writes nothing", log_size() == n0)
    r = run("withdraw", ACC_A, "--reason", "not mine to withdraw", "--as", B)
    refused("withdraw by another party is refused", r, 1)
    check("a refused withdrawal writes nothing", log_size() == n0)
    r, s = jrun("show", ACC_A, "--history")
    check("show --history lists both revisions",
          s is not None and len(s["history"]) == 2, desc(r))
    r = run("show", ACC_A, "--history")
    check("show --history (text)", r[0] == 0 and
          "history (2 revisions" in r[1], desc(r))

    # A record to withdraw: a second source.
    r, a = jrun("add", "source",
                write("source2.json", {"type": "article",
                                       "title": "Withdrawn article"}),
                "--as", B)
    SRC2 = a["id"] if a else ""
    r = run("withdraw", SRC2, "--reason", "filed in error")
    check("withdraw by the owner (default --as)",
          r[0] == 0 and "withdrew source " + SRC2 in r[1], desc(r))
    r, s = jrun("show", SRC2)
    check("a withdrawn record shows as withdrawn with its reason",
          s is not None and s["withdrawn"] is True and
          s["withdrawal"]["reason"] == "filed in error", desc(r))
    r = run("revise", SRC2, write("src2b.json", {"type": "article",
                                                 "title": "Revived"}))
    refused("a withdrawn record cannot be revised", r, 1)

    # ---- malformed input: each refused, exit 1, nothing written
    n0 = log_size()
    r = run("add", "event", write("bad.json", '{"title": "x",'), "--as", A)
    refused("bad JSON", r, 1, ("invalid JSON",))
    bad_utf8 = (b'{"title":"Shelling \xc3\x28 market","type":"battle",'
                b'"time":{"start":"2026-01-03","end":"2026-01-03",'
                b'"precision":"day"},"place":{"place":"' + TOWN.encode() +
                b'","precision":"exact"}}')
    r = run("add", "event", "-", "--as", A, stdin=bad_utf8)
    refused("invalid UTF-8 (standard input)", r, 1, ("title",))
    ev_long = dict(event)
    ev_long["title"] = "x" * 201
    r = run("add", "event", write("long.json", ev_long), "--as", A)
    refused("oversized field: a title of 201 characters", r, 1, ("title",))
    ev_huge = dict(event)
    ev_huge["title"] = "y" * 70000
    r = run("add", "event", write("huge.json", ev_huge), "--as", A)
    refused("oversized file: more than 65535 bytes", r, 1, ("65535",))
    ev_unknown = dict(event)
    ev_unknown["colour"] = "red"
    r = run("add", "event", write("unknown.json", ev_unknown), "--as", A)
    refused("unknown field", r, 1, ("colour", "unknown field"))
    acc_bad = dict(acc_a)
    acc_bad["claims"] = {"casualties": {"civilians": {"low": 40, "best": 12}}}
    r = run("add", "account", write("badcas.json", acc_bad), "--as", A)
    refused("casualty low above best names the JSON path", r, 1,
            ("claims.casualties.civilians.low",))
    ev_ref = dict(event)
    ev_ref["place"] = {"place": "place-" + "ab" * 32, "precision": "exact"}
    r = run("add", "event", write("ref.json", ev_ref), "--as", A)
    refused("a reference to a record that does not exist", r, 1,
            ("place",))
    r = run("add", "place", write("event_as_place.json",
                                  dict(event, kind="event")), "--as", A)
    refused("a file whose kind is not KIND", r, 1, ("kind",))
    r = run("add", "event", write("ev_c.json", event), "--as", C)
    refused("filing as a party whose key the operator does not hold", r, 1,
            (C[:20],))
    ev_filed = dict(event, filed_by=C)
    r = run("add", "event", write("ev_c2.json", ev_filed))
    refused("a record whose filed_by names a party without a held key", r,
            1)
    r = run("add", "event", write("ev_u.json", event), "--as",
            "party-" + "cd" * 32)
    refused("an unknown party", r, 1)
    check("malformed input wrote nothing to the log", log_size() == n0,
          "log size %d, was %d" % (log_size(), n0))

    # ---- unknown ids and usage errors
    for cmd in (["show", "event-" + "0" * 64], ["show", "no-such-id"],
                ["revise", "account-" + "1" * 64, write("x.json", acc_a)],
                ["withdraw", "source-" + "2" * 64, "--reason", "x"],
                ["compare", "event-" + "3" * 64],
                ["party", "show", "party-" + "4" * 64]):
        rid = cmd[2] if cmd[0] == "party" else cmd[1]
        r = run(*cmd)
        check("unknown record: %s %s" % (" ".join(cmd[:-1]), rid[:12]),
              r[0] == 1 and "no " in r[2] and rid in r[2], desc(r))
    for cmd, word in ((["add"], "KIND"), (["add", "widget", "x.json"],
                                          "widget"),
                      (["add", "event"], "FILE"),
                      (["search", "x", "--limit", "0"], "--limit"),
                      (["search", "x", "--from", "yesterday"], "--from"),
                      (["list", "event", "--place", "event-1"], "--place"),
                      (["show"], "ID"), (["show", EV, "--colour"], "--colour"),
                      (["withdraw", EV], "--reason"),
                      (["add", "event", "e.json", "--as", "bob"], "--as"),
                      (["party", "frob"], "frob"),
                      (["add", "event", write("noas.json", event)], "--as")):
        r = run(*cmd)
        check("usage error names the argument: %s" % " ".join(cmd),
              r[0] == 2 and word in r[2], desc(r))

    # ---- reindex gives identical answers
    queries = [["show", i] for i in (EDITORS, A, B, C, REGION, TOWN, SRC, EV, ACC_A,
                                     ACC_B, SRC2)]
    queries += [["show", ACC_A, "--history"], ["search", "Stepanakert"],
                ["search", "Степанакерт"], ["search", "market"],
                ["search", "Khankendi", "--kind", "event"],
                ["list", "event"], ["list", "account", "--withdrawn"],
                ["list", "source", "--withdrawn"], ["party", "list"],
                ["compare", EV]]
    before = [run(*q, "--json") for q in queries]
    r, st = jrun("reindex", D)
    check("reindex", st is not None and st["stats"]["refused"] >= 0, desc(r))
    after = [run(*q, "--json") for q in queries]
    same = [q for q, x, y in zip(queries, before, after) if x != y]
    check("reindex: every query answers identically (%d queries)"
          % len(queries), not same and all(x[0] == 0 for x in before),
          "differ: %r" % same[:3])
    r = run("reindex", "--quiet")
    check("reindex (text, PARALLAX_DIR)",
          r[0] == 0 and "entries applied" in r[1], desc(r))

    # ---- a forged entry injected into the log is refused by the store
    key = json.loads(run("show", A, "--json")[1])["record"]["key"]
    kname, kid = key.split("+")[0], bytes.fromhex(key.split("+")[1])
    forged = dict(event, kind="event", v=1, filed_by=A,
                  filed_at="2026-02-01T00:00:00Z",
                  title="Forged shelling zzforgedzz")
    text = json.dumps(forged, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) + "\n"
    note = text + "\n\u2014 " + kname + " " + \
        base64.b64encode(kid + b"\x00" * 64).decode() + "\n"
    unsigned = json.dumps(dict(forged, title="Unsigned zzunsignedzz"),
                          sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False) + "\n\n"
    r = run("log", "append", D, write("forged.note", note),
            write("unsigned.note", unsigned))
    check("log append accepts the raw forged and unsigned entries",
          r[0] == 0, desc(r))
    r, st = jrun("reindex", D)
    check("reindex refuses the forged and the unsigned entry",
          st is not None and st["stats"]["refused"] >= 2, desc(r))
    r, s = jrun("search", "zzforgedzz")
    check("the forged record is not in the store",
          s is not None and s["items"] == [], desc(r))
    r, s = jrun("search", "zzunsignedzz")
    check("the unsigned record is not in the store",
          s is not None and s["items"] == [], desc(r))
    r = run("verify", D, "--key", os.path.join(D, "log.pub"), "--quiet")
    check("the log still verifies", r[0] == 0, desc(r))
    r, a = jrun("add", "event", write("after.json",
                                      dict(event, title="After the forgery")),
                "--as", A)
    check("filing still works after a refused entry", a is not None, desc(r))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
