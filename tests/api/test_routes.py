"""test_routes.py - every route answers as docs/openapi.yaml says: the
route table below is checked against the OpenAPI file in both directions
(every route the server answers is described, every described route is
answered), and each read route is exercised with a real record, checking
that every record in an answer carries its log index."""
import base64
import hashlib
import os
import re

import pytest
import yaml

from conftest import account_body, event_body, filed, place_body

HERE = os.path.dirname(os.path.abspath(__file__))
OPENAPI = os.path.join(HERE, "..", "..", "docs", "openapi.yaml")

# (method, OpenAPI path template) of every route the server has.
ROUTES = [
    ("get", "/api/v1/events"), ("get", "/api/v1/events/{id}"),
    ("get", "/api/v1/records/{id}"), ("get", "/api/v1/parties"),
    ("get", "/api/v1/parties/{id}"), ("get", "/api/v1/sources"),
    ("get", "/api/v1/places"), ("get", "/api/v1/places/{id}"),
    ("get", "/api/v1/persons"), ("get", "/api/v1/accounts"),
    ("get", "/api/v1/relations"), ("get", "/api/v1/evidence"),
    ("get", "/api/v1/search"), ("get", "/api/v1/stats"),
    ("get", "/api/v1/log"), ("get", "/api/v1/entries/{index}"),
    ("get", "/api/v1/proof/inclusion"), ("get", "/api/v1/proof/consistency"),
    ("get", "/api/v1/openapi.yaml"), ("get", "/log/checkpoint"),
    ("get", "/log/tile/{path}"),
    ("get", "/api/v1/session"), ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("post", "/api/v1/entries"), ("post", "/api/v1/records"),
    ("post", "/api/v1/records/{id}/revisions"),
    ("post", "/api/v1/records/{id}/withdrawal"),
    ("get", "/api/v1/users"), ("post", "/api/v1/users"),
    ("post", "/api/v1/users/{name}/disable"),
    ("post", "/api/v1/tokens"), ("delete", "/api/v1/tokens/{id}"),
    ("get", "/api/v1/audit"), ("get", "/"),
]


@pytest.fixture(scope="module")
def spec():
    with open(OPENAPI, encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def data(world):
    t = world.tokens["north"]
    place = filed(t.post("/api/v1/records", place_body("Riverton")))
    event = filed(t.post("/api/v1/records", event_body(place["id"])))
    acc_n = filed(t.post("/api/v1/records", account_body(event["id"])))
    acc_s = filed(world.tokens["south"].post(
        "/api/v1/records", account_body(event["id"], "Nothing fell.", 40)))
    return {"place": place, "event": event, "north": acc_n, "south": acc_s}


def test_openapi_lists_exactly_the_routes(spec):
    described = set()
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "delete", "patch"):
                described.add((method, path))
    assert set(ROUTES) - described == set(), "routes missing from OpenAPI"
    assert described - set(ROUTES) == set(), "OpenAPI routes not served"


def test_openapi_is_served_and_equal(world, spec):
    r = world.server.client().get("/api/v1/openapi.yaml")
    assert r.status == 200
    assert yaml.safe_load(r.body) == spec


def test_openapi_is_part_of_the_binary(tmp_root, spec):
    """The description is built into the binary (its bytes are in it), so
    a copy of the binary run from another directory serves the same
    file: nothing depends on the source tree or the current directory."""
    from conftest import PX, Server, make_datadir
    import shutil
    import subprocess
    bindir = os.path.join(tmp_root, "bin")
    os.makedirs(bindir, exist_ok=True)
    exe = os.path.join(bindir, "parallax")
    shutil.copy(PX, exe)
    with open(OPENAPI, "rb") as f:
        text = f.read()
    with open(exe, "rb") as f:
        assert text in f.read()
    datadir = os.path.join(tmp_root, "moved")
    make_datadir(datadir)
    with open(datadir + ".stderr", "wb") as err:
        p = subprocess.Popen([exe, "serve", datadir, "--listen",
                              "127.0.0.1:0", "--threads", "1"], cwd="/",
                             stdout=subprocess.PIPE, stderr=err)
        try:
            line = p.stdout.readline().decode()
            srv = Server(datadir)
            srv.port = int(line.split("127.0.0.1:")[1].split("/")[0])
            r = srv.client().get("/api/v1/openapi.yaml")
            assert r.status == 200 and r.body == text
        finally:
            p.terminate()
            rc = p.wait(60)
            p.stdout.close()
    with open(datadir + ".stderr", "rb") as f:
        log = f.read().decode("utf-8", "replace")
    assert rc == 0 and "Sanitizer" not in log, (rc, log[-3000:])


def concrete(template, data, world):
    """A path for a route template, with real ids."""
    return (template.replace("{id}", data["event"]["id"])
            .replace("{index}", "0").replace("{name}", "nobody")
            .replace("{path}", "0/000.p/1"))


def test_every_route_is_answered(world, data):
    anon = world.server.client()
    for method, template in ROUTES:
        path = concrete(template, data, world)
        if template == "/log/tile/{path}":
            continue  # tested with real tiles below
        r = anon.request(method.upper(), path,
                         body={} if method == "post" else None)
        # Whatever the status, it is not "no such route".
        if r.status == 404:
            assert b"no route" not in r.body, (method, path, r)
        assert r.status != 405, (method, path, r)
        if path.startswith("/api/"):
            assert r.header("Content-Type") in (
                "application/json", "application/yaml; charset=utf-8",
                "application/octet-stream"), (method, path, r.headers)


def test_unknown_routes_are_json_404(world):
    anon = world.server.client()
    for path in ("/api/v1/nothing", "/api/v1/events/x/y", "/api/v2/events",
                 "/api/v1/records/party-00/revisions"):
        r = anon.get(path)
        assert r.status == 404, (path, r)
        assert r.json()["error"]["code"] == "not_found"
    r = anon.request("PATCH", "/api/v1/events")
    assert r.status == 405
    assert r.json()["error"]["code"] == "bad_request"


def assert_record(rec):
    for k in ("id", "kind", "revision", "index", "created_index", "owner",
              "filed_at", "withdrawn", "record"):
        assert k in rec, (k, rec)
    assert isinstance(rec["index"], int) and rec["index"] >= 0


def test_lists_carry_log_indexes(world, data):
    anon = world.server.client()
    for path, kind in (("/api/v1/events", "event"),
                       ("/api/v1/parties", "party"),
                       ("/api/v1/places", "place"),
                       ("/api/v1/accounts", "account")):
        r = anon.get(path)
        assert r.status == 200, r
        body = r.json()
        assert "next" in body and body["items"], (path, body)
        for rec in body["items"]:
            assert rec["kind"] == kind
            assert_record(rec)
    for path in ("/api/v1/sources", "/api/v1/persons", "/api/v1/relations",
                 "/api/v1/evidence"):
        r = anon.get(path)
        assert r.status == 200 and r.json()["items"] == [], (path, r)


def test_event_detail(world, data):
    r = world.server.client().get("/api/v1/events/" + data["event"]["id"])
    assert r.status == 200, r
    d = r.json()
    assert d["event"]["id"] == data["event"]["id"]
    assert d["event"]["index"] == data["event"]["index"]
    assert {a["id"] for a in d["accounts"]} == {data["north"]["id"],
                                                data["south"]["id"]}
    for a in d["accounts"]:
        assert_record(a)
    assert d["comparison"]["disputed"] is True
    assert "casualties.civilians" in d["comparison"]["fields"]
    assert d["comparison"]["fields"]["casualties.civilians"]["status"] == \
        "disputed"
    assert list(d["places"]) == [data["place"]["id"]]
    assert d["relations"] == []
    r = world.server.client().get("/api/v1/events/event-" + "0" * 64)
    assert r.status == 404 and r.json()["error"]["code"] == "not_found"


def test_filters_and_pagination(world, data):
    anon = world.server.client()
    r = anon.get("/api/v1/accounts?event=" + data["event"]["id"] +
                 "&limit=1")
    assert r.status == 200
    page1 = r.json()
    assert len(page1["items"]) == 1 and page1["next"]
    r = anon.get("/api/v1/accounts?event=%s&limit=1&cursor=%s" % (
        data["event"]["id"], page1["next"]))
    page2 = r.json()
    assert len(page2["items"]) == 1
    assert page2["items"][0]["id"] != page1["items"][0]["id"]
    r = anon.get("/api/v1/accounts?party=" + world.parties["south"])
    ids = [a["id"] for a in r.json()["items"]]
    assert data["south"]["id"] in ids and data["north"]["id"] not in ids
    assert {a["owner"] for a in r.json()["items"]} == {world.parties["south"]}
    r = anon.get("/api/v1/events?from=2026-01-01&to=2026-01-31&disputed=1")
    assert data["event"]["id"] in [e["id"] for e in r.json()["items"]]
    r = anon.get("/api/v1/events?from=2027-01-01")
    assert r.json()["items"] == []
    for bad in ("limit=0", "limit=1001", "limit=x", "from=2026-02-30",
                "place=event-" + "0" * 64, "disputed=maybe"):
        r = anon.get("/api/v1/events?" + bad)
        assert r.status == 400, (bad, r)
        assert r.json()["error"]["field"] == bad.split("=")[0]


def test_record_and_history(world, data):
    anon = world.server.client()
    r = anon.get("/api/v1/records/%s?history=1" % data["north"]["id"])
    assert r.status == 200
    rec = r.json()
    assert_record(rec)
    assert [h["index"] for h in rec["history"]] == [data["north"]["index"]]
    r = anon.get("/api/v1/records/account-" + "1" * 64)
    assert r.status == 404


def test_place_and_party_detail(world, data):
    anon = world.server.client()
    r = anon.get("/api/v1/places/" + data["place"]["id"])
    assert r.status == 200
    d = r.json()
    assert d["place"]["id"] == data["place"]["id"]
    assert data["event"]["id"] in [e["id"] for e in d["events"]]
    assert d["children"] == []
    r = anon.get("/api/v1/parties/" + world.parties["north"])
    assert r.status == 200
    d = r.json()
    assert d["party"]["id"] == world.parties["north"]
    assert data["north"]["id"] in [a["id"] for a in d["accounts"]]


def test_search_and_stats(world, data):
    anon = world.server.client()
    r = anon.get("/api/v1/search?q=Riverton")
    assert r.status == 200
    ids = [i["id"] for i in r.json()["items"]]
    assert data["place"]["id"] in ids
    for item in r.json()["items"]:
        assert_record(item)
    assert anon.get("/api/v1/search").status == 400
    r = anon.get("/api/v1/stats")
    assert r.status == 200
    assert r.json()["records"]["account"] >= 2


# ---- the log: RFC 9162 §2.1, checked independently here

def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def root_from_inclusion(index, size, leaf, proof):
    """RFC 9162 §2.1.3.2."""
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def checkpoint_root(text):
    lines = text.split("\n")
    return int(lines[1]), base64.b64decode(lines[2])


def test_log_and_inclusion_proofs(world, data):
    anon = world.server.client()
    log = anon.get("/api/v1/log").json()
    size, root = checkpoint_root(log["checkpoint"])
    assert log["size"] == size and base64.b64decode(log["root"]) == root
    assert log["origin"] == "example.org/api-test"
    assert log["key"].startswith("example.org/api-test+")
    cp = anon.get("/log/checkpoint")
    assert cp.status == 200 and cp.header("Cache-Control") == "no-store"
    for rec in (data["place"], data["event"], data["north"]):
        i = rec["index"]
        entry = anon.get("/api/v1/entries/%d" % i)
        assert entry.status == 200
        pr = anon.get("/api/v1/proof/inclusion?index=%d&size=%d" % (i, size))
        assert pr.status == 200, pr
        p = pr.json()
        assert base64.b64decode(p["leaf_hash"]) == leaf_hash(entry.body)
        got = root_from_inclusion(i, size, leaf_hash(entry.body),
                                  [base64.b64decode(h) for h in p["proof"]])
        assert got == root
    assert anon.get("/api/v1/proof/inclusion?index=%d" % size).status == 400
    assert anon.get("/api/v1/proof/inclusion").status == 400
    assert anon.get("/api/v1/entries/999999").status == 404
    r = anon.get("/api/v1/proof/consistency?from=1&to=%d" % size)
    assert r.status == 200 and r.json()["to"] == size
    assert anon.get("/api/v1/proof/consistency?from=%d&to=1" %
                    size).status == 400


def test_log_tiles_static_with_cache_headers(world, data):
    anon = world.server.client()
    size = anon.get("/api/v1/log").json()["size"]
    tiledir = os.path.join(world.datadir, "log", "tile")
    seen = 0
    for dirpath, _, files in os.walk(tiledir):
        for f in files:
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, os.path.join(world.datadir, "log"))
            if ".tmp" in rel or not re.match(r"^tile/", rel):
                continue
            r = anon.get("/log/" + rel)
            if r.status == 404:
                continue  # replaced since listed
            with open(full, "rb") as fh:
                assert r.body == fh.read()
            partial = "/.p/" in "/" + rel or ".p/" in rel
            cc = r.header("Cache-Control")
            if partial:
                assert cc == "no-store", rel
            else:
                assert cc == "public, max-age=31536000, immutable", rel
            seen += 1
    assert seen > 0 and size > 0
    for bad in ("/log/tile/0/abc", "/log/../store.db", "/log/keys/log.key",
                "/log/tile/0/000.tmp"):
        assert anon.get(bad).status == 404, bad


def test_web_ui_history_routing(world):
    anon = world.server.client()
    r = anon.get("/")
    if r.status == 404:
        pytest.skip("no web UI directory in this build")
    assert r.status == 200 and b"<html" in r.body.lower()
    r2 = anon.get("/events/event-abc")
    assert r2.status == 200 and r2.body == r.body
    assert anon.get("/../../etc/passwd").status in (200, 400, 404)
    assert b"root:" not in anon.get("/../../etc/passwd").body
