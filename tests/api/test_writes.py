"""test_writes.py - writing under contention and across a shutdown:
concurrent revisions of one record (exactly one wins, the others get 409
"conflict"), a stale expected_revision, and SIGTERM during a burst of
writes: every write the server acknowledged (201) is in the record after a
restart, and every other request was refused cleanly, never half done."""
import base64
import signal
import threading
import time

from conftest import (Server, account_body, build_world, event_body, filed,
                      place_body)
from test_routes import checkpoint_root, leaf_hash, root_from_inclusion


COUNT = [0]


def base(world, owner="north"):
    t = world.tokens[owner]
    COUNT[0] += 1
    place = filed(t.post("/api/v1/records",
                         place_body("Concurrency %d" % COUNT[0])))
    event = filed(t.post("/api/v1/records", event_body(place["id"])))
    return filed(t.post("/api/v1/records", account_body(event["id"]))), event


def test_concurrent_revisions_one_wins(world):
    acc, event = base(world)
    n = 8
    results = [None] * n
    barrier = threading.Barrier(n)

    def go(i):
        body = {"expected_revision": acc["revision"],
                "record": {"event": event["id"],
                           "narrative": {"text": "Version %d." % i,
                                         "lang": "en"}}}
        c = world.tokens["north"] if i % 2 else world.sessions["north"]
        barrier.wait()
        results[i] = c.post("/api/v1/records/%s/revisions" % acc["id"], body)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status for r in results)
    assert statuses == [201] + [409] * (n - 1), [str(r) for r in results]
    for r in results:
        if r.status == 409:
            assert r.json()["error"]["code"] == "conflict"
    winner = [r for r in results if r.status == 201][0].json()
    rec = world.server.client().get("/api/v1/records/" + acc["id"]).json()
    assert rec["revision"] == winner["revision"]
    assert rec["index"] == winner["index"]


def test_stale_revision_is_conflict(world):
    acc, event = base(world)
    t = world.tokens["north"]
    body = {"expected_revision": acc["revision"],
            "record": {"event": event["id"],
                       "narrative": {"text": "First edit.", "lang": "en"}}}
    assert t.post("/api/v1/records/%s/revisions" % acc["id"],
                  body).status == 201
    body["record"]["narrative"]["text"] = "Second edit from a stale copy."
    r = t.post("/api/v1/records/%s/revisions" % acc["id"], body)
    assert r.status == 409 and r.json()["error"]["code"] == "conflict"
    r = t.post("/api/v1/records/%s/withdrawal" % acc["id"],
               {"reason": "stale", "expected_revision": acc["revision"]})
    assert r.status == 409


def test_duplicate_entry_is_conflict(world):
    t = world.tokens["north"]
    r = world.server.client().get("/api/v1/log").json()
    # Re-submitting an entry already in the log (same bytes) is refused.
    acc, _ = base(world)
    entry = world.server.client().get("/api/v1/entries/%d" % acc["index"])
    r = t.post("/api/v1/entries", entry.body)
    assert r.status == 409, r


def test_sigterm_during_writes_loses_nothing(tmp_root):
    w = build_world(tmp_root, "sigterm")
    t = w.tokens["north"]
    place = filed(t.post("/api/v1/records", place_body("Burst")))
    acked = []
    other = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(k):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = t.post("/api/v1/records",
                           event_body(place["id"], "Burst %d-%d" % (k, i)))
            except OSError as e:
                with lock:
                    other.append(repr(e))
                if stop.is_set():
                    return
                time.sleep(0.01)
                continue
            with lock:
                if r.status == 201:
                    acked.append(r.json())
                else:
                    other.append(r.status)
                    assert r.status == 503, r
                    assert r.json()["error"]["code"] == "unavailable"

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for th in threads:
        th.start()
    time.sleep(1.5)
    n_before = len(acked)
    rc = w.server.stop(signal.SIGTERM)
    stop.set()
    assert "Sanitizer" not in w.server.stderr()
    for th in threads:
        th.join()
    assert rc == 0, rc
    print("sigterm: %d acknowledged, %d refused or cut off" % (len(acked),
                                                              len(other)))
    assert n_before > 0 and len(acked) >= n_before
    # Restart on the same directory: every acknowledged write is there.
    srv = Server(w.datadir).start()
    try:
        c = srv.client()
        for a in acked:
            r = c.get("/api/v1/records/" + a["id"])
            assert r.status == 200, (a, r)
            assert r.json()["index"] == a["index"]
        size = c.get("/api/v1/log").json()["size"]
        assert size >= max(a["index"] for a in acked) + 1
    finally:
        srv.stop_clean()


def test_reads_see_every_acknowledged_write(world):
    """Public reads are cached; an acknowledged write is visible at once."""
    acc, event = base(world)
    anon = world.server.client()
    path = "/api/v1/events/" + event["id"]
    first = anon.get(path)
    assert first.status == 200 and anon.get(path).body == first.body
    new = filed(world.tokens["south"].post(
        "/api/v1/records", account_body(event["id"], "Another view.", 9)))
    after = anon.get(path).json()
    assert new["id"] in [a["id"] for a in after["accounts"]]
    assert after["comparison"]["fields"]["casualties.civilians"][
        "status"] == "disputed"


def test_proofs_while_the_log_grows(world):
    """Proofs against the checkpoint of the moment verify while writes keep
    appending (partial tiles are replaced under the reader)."""
    t = world.tokens["north"]
    place = filed(t.post("/api/v1/records", place_body("Growing")))
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            i += 1
            t.post("/api/v1/records", event_body(place["id"], "Grow %d" % i))

    th = [threading.Thread(target=writer) for _ in range(3)]
    for x in th:
        x.start()
    anon = world.server.client()
    checked = 0
    try:
        deadline = time.time() + 3
        while time.time() < deadline:
            log = anon.get("/api/v1/log").json()
            size, root = checkpoint_root(log["checkpoint"])
            i = size - 1 - (checked % 7) if size > 7 else size - 1
            pr = anon.get("/api/v1/proof/inclusion?index=%d&size=%d" %
                          (i, size))
            assert pr.status == 200, pr
            p = pr.json()
            entry = anon.get("/api/v1/entries/%d" % i).body
            assert base64.b64decode(p["leaf_hash"]) == leaf_hash(entry)
            assert root_from_inclusion(
                i, size, leaf_hash(entry),
                [base64.b64decode(h) for h in p["proof"]]) == root
            checked += 1
    finally:
        stop.set()
        for x in th:
            x.join()
    assert checked > 5
