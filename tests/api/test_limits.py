"""test_limits.py - hostile and broken requests: malformed bodies, bodies
over the limit (413 with the JSON error, declared or chunked), headers over
the per-connection memory limit, slow requests cut off by the timeout, and
validation errors naming the JSON path (422)."""
import socket
import time

import pytest

from conftest import build_world, place_body


@pytest.fixture(scope="module")
def small(tmp_root):
    """A server with small limits: 4 KiB bodies, a 2 s idle timeout."""
    w = build_world(tmp_root, "limits", "--body-max", "4096",
                    "--timeout", "2")
    yield w
    w.server.stop_clean()


def raw(port, data, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                b = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not b:
                break
            out += b
        return out
    finally:
        s.close()


@pytest.mark.parametrize("body,field", [
    (b"{", "$"), (b"[]", "$"), (b"", "$"), (b"null", "$"),
    (b'{"kind":"place","kind":"event"}', "$"),
    (b"{" * 100 + b"}" * 100, "$"),
])
def test_malformed_json_is_400(world, body, field):
    r = world.tokens["north"].post("/api/v1/records", body,
                                   ctype="application/json")
    assert r.status == 400, (body, r)
    e = r.json()["error"]
    assert e["code"] == "bad_request" and e["field"] == field


def test_invalid_record_is_422_with_path(world):
    body = place_body("Bad")
    body["names"][0]["script"] = "latn"
    r = world.tokens["north"].post("/api/v1/records", body)
    assert r.status == 422, r
    e = r.json()["error"]
    assert e["code"] == "invalid_record"
    assert e["field"] == "names[0].script", e
    assert e["message"].startswith("names[0].script: ")
    body = place_body("Bad")
    body["colour"] = "red"
    r = world.tokens["north"].post("/api/v1/records", body)
    assert r.status == 422 and r.json()["error"]["field"] == "colour"
    r = world.tokens["north"].post("/api/v1/records", {"kind": "spaceship"})
    assert r.status == 422 and r.json()["error"]["field"] == "kind"


def test_bad_revision_bodies(world):
    t = world.tokens["north"]
    acc = "account-" + "a" * 64
    for body, field in (({"record": {}}, "expected_revision"),
                        ({"expected_revision": "x", "record": {}},
                         "expected_revision"),
                        ({"expected_revision": acc}, "record"),
                        ({"expected_revision": acc, "record": {},
                          "extra": 1}, "extra")):
        r = t.post("/api/v1/records/%s/revisions" % acc, body)
        assert r.status == 400 and r.json()["error"]["field"] == field, r
    r = t.post("/api/v1/records/%s/revisions" % acc,
               {"expected_revision": acc, "record": {}})
    assert r.status == 404


def test_oversized_body_declared(small):
    t = small.tokens["north"]
    r = t.post("/api/v1/records", b"{" + b" " * 5000 + b"}",
               ctype="application/json")
    assert r.status == 413, r
    assert r.json()["error"]["code"] == "too_large"
    # The server still works for the next request.
    assert t.post("/api/v1/records", place_body("Small")).status == 201


def test_oversized_body_chunked(small):
    tok = small.tokens["north"].token
    chunk = b" " * 1000
    req = (b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\n"
           b"Authorization: Bearer " + tok.encode() + b"\r\n"
           b"Content-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    for _ in range(8):
        req += b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    req += b"0\r\n\r\n"
    out = raw(small.server.port, req)
    assert out.startswith(b"HTTP/1.1 413"), out[:200]
    assert b'"too_large"' in out


def test_oversized_headers(small):
    req = (b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nX-Big: " +
           b"a" * 100000 + b"\r\nConnection: close\r\n\r\n")
    out = raw(small.server.port, req)
    # microhttpd refuses what does not fit its per-connection memory
    # (with its own short HTML body), or resets the connection.
    assert out == b"" or out.startswith(b"HTTP/1.1 431 "), out[:200]
    r = small.server.client().get("/api/v1/stats")
    assert r.status == 200


def test_slow_request_is_cut_off(small):
    s = socket.create_connection(("127.0.0.1", small.server.port),
                                 timeout=10)
    try:
        s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n")
        t0 = time.time()
        got = s.recv(100)  # the server closes the idle connection
        waited = time.time() - t0
    finally:
        s.close()
    assert got == b"" or got.startswith(b"HTTP/1.1 4"), got
    assert 1.0 <= waited < 9, waited
    assert small.server.client().get("/api/v1/stats").status == 200


def test_garbage_request_line(small):
    out = raw(small.server.port, b"\x00\x01\x02 nonsense\r\n\r\n")
    assert out == b"" or out.startswith(b"HTTP/1.1 400"), out[:100]
    assert small.server.client().get("/api/v1/stats").status == 200


def test_bad_query_values(world):
    anon = world.server.client()
    for q in ("/api/v1/proof/inclusion?index=-1",
              "/api/v1/proof/inclusion?index=01",
              "/api/v1/proof/inclusion?index=99999999999999999999999",
              "/api/v1/search?q=x&kind=spaceship",
              "/api/v1/records/x?history=2"):
        r = anon.get(q)
        assert r.status in (400, 404), (q, r)
        assert "error" in r.json()
