"""test_inflight.py - many writes in flight at once on a server with a
single worker thread: a write waits for its group commit suspended, not in
the worker, so reads go on being answered meanwhile; filings of different
parties, refused filings and non-custodial entries mixed in one burst are
each answered on their own (a refusal in a shared group commit does not
touch its neighbours); every 201 names a distinct log index at which the
record is found afterwards; and a SIGTERM while more writes are in
flight than there are workers loses no acknowledged write."""
import signal
import threading

from conftest import (Server, account_body, build_world, event_body, filed,
                      place_body)


def test_burst_of_mixed_writes_on_one_worker(tmp_root):
    w = build_world(tmp_root, "inflight", "--threads", "1")
    try:
        north, editor = w.tokens["north"], w.tokens["editor"]
        place = filed(north.post("/api/v1/records", place_body("Burst")))
        event = filed(north.post("/api/v1/records", event_body(place["id"])))
        old = filed(north.post("/api/v1/records", account_body(event["id"])))
        entry = w.server.client().get("/api/v1/entries/%d" % old["index"])
        assert entry.status == 200
        missing = "event-" + "a" * 52

        n = 48
        results = [None] * n
        barrier = threading.Barrier(n + 1)

        def go(i):
            barrier.wait()
            k = i % 4
            if k == 0:  # a filing of north
                results[i] = ("ok", north.post(
                    "/api/v1/records", account_body(
                        event["id"], "North account %d." % i)))
            elif k == 1:  # an editor acting for south: another filer
                body = account_body(event["id"], "South account %d." % i)
                body["acting_for"] = w.parties["south"]
                results[i] = ("ok", editor.post("/api/v1/records", body))
            elif k == 2:  # refused by the store: no such event
                results[i] = ("refused", north.post(
                    "/api/v1/records", account_body(missing)))
            else:  # an entry already in the log: a conflict
                results[i] = ("dup", north.post("/api/v1/entries",
                                                 entry.body))

        threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        barrier.wait()
        # The single worker still answers reads while the writes wait.
        reads = [w.server.client().get("/api/v1/stats") for _ in range(5)]
        for t in threads:
            t.join()
        assert all(r.status == 200 for r in reads), reads

        indexes = set()
        for want, r in results:
            if want == "ok":
                assert r.status == 201, r
                got = r.json()
                assert got["kind"] == "account"
                assert got["index"] not in indexes
                indexes.add(got["index"])
                rec = w.server.client().get("/api/v1/records/" + got["id"])
                assert rec.status == 200, rec
                assert rec.json()["index"] == got["index"]
                assert rec.json()["revision"] == got["revision"]
            elif want == "refused":
                assert r.status == 422, r
                assert r.json()["error"]["code"] == "invalid_record"
            else:
                assert r.status == 409, r
                assert r.json()["error"]["code"] == "conflict"
        assert len(indexes) == n // 2
        # Both filers are recorded as such.
        accounts = w.server.client().get(
            "/api/v1/accounts?event=%s&limit=1000" % event["id"]).json()
        owners = {a["owner"] for a in accounts["items"]}
        assert owners == {w.parties["north"], w.parties["south"]}
        assert len(accounts["items"]) == n // 2 + 1
    finally:
        w.server.stop_clean()


def test_sigterm_with_more_writes_in_flight_than_workers(tmp_root):
    w = build_world(tmp_root, "inflight-term", "--threads", "1")
    north = w.tokens["north"]
    place = filed(north.post("/api/v1/records", place_body("Term")))
    n = 32
    results = [None] * n
    barrier = threading.Barrier(n + 1)

    def go(i):
        barrier.wait()
        try:
            results[i] = north.post("/api/v1/records", event_body(
                place["id"], "Term %d" % i))
        except OSError as e:
            results[i] = e

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    rc = w.server.stop(signal.SIGTERM)
    for t in threads:
        t.join()
    assert rc == 0, rc
    err = w.server.stderr()
    assert "Sanitizer" not in err and "runtime error" not in err, err[-3000:]
    acked = []
    for r in results:
        if isinstance(r, OSError):
            continue  # cut off before it was received: never answered
        if r.status == 201:
            acked.append(r.json())
        else:
            assert r.status == 503, r
            assert r.json()["error"]["code"] == "unavailable"
    # Every acknowledged write survives the restart, at its index.
    srv = Server(w.datadir).start()
    try:
        c = srv.client()
        for a in acked:
            r = c.get("/api/v1/records/" + a["id"])
            assert r.status == 200, r
            assert r.json()["index"] == a["index"]
    finally:
        srv.stop_clean()
