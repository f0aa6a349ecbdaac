"""test_limits.py - hostile and broken requests: malformed bodies, bodies
over the limit (413, declared or chunked), URLs over the limit (414), header
fields too large or too many (431), each answered with the JSON error; heads
too large even for microhttpd's per-connection memory; slow requests cut off
by the timeout; validation errors naming the JSON path (422)."""
import http.client
import json
import socket
import time

import pytest

from conftest import build_world, place_body


@pytest.fixture(scope="module")
def small(tmp_root):
    """A server with small limits: 4 KiB bodies, 4 KiB heads (so 4 KiB
    URLs too), a 2 s idle timeout."""
    w = build_world(tmp_root, "limits", "--body-max", "4096",
                    "--header-max", "4096", "--timeout", "2")
    yield w
    w.server.stop_clean()


def raw(port, data, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before all was sent: read what was answered
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


def parse_raw(out):
    """(status, {lower-case header: value}, body) of one raw response."""
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def json_error(status, ctype, body, want_status, want_code="too_large"):
    """Check an answer is the API's JSON error; its message."""
    assert status == want_status, (status, body[:300])
    assert ctype == "application/json", (ctype, body[:300])
    e = json.loads(body)["error"]
    assert set(e) == {"code", "message", "field"}, e
    assert e["code"] == want_code, e
    assert isinstance(e["message"], str) and e["message"], e
    return e["message"]


def get_with(port, path, headers):
    """GET with exactly these extra header fields (http.client adds Host
    and Accept-Encoding)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.putrequest("GET", path)
        for k, v in headers:
            c.putheader(k, v)
        c.endheaders()
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    finally:
        c.close()


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
    msg = json_error(r.status, r.header("Content-Type"), r.body, 413)
    assert "4096 bytes" in msg, msg
    # A body of exactly the limit is read (and judged on its content).
    r = t.post("/api/v1/records", b"{" + b" " * 4094 + b"}",
               ctype="application/json")
    assert r.status == 422, r
    # The server still works for the next request.
    assert t.post("/api/v1/records", place_body("Small")).status == 201


def recv_response(s):
    """One response read from socket s: (status, headers, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        b = s.recv(65536)
        assert b, data
        data += b
    status, headers, body = parse_raw(data)
    n = int(headers.get("content-length", "0"))
    while len(body) < n:
        b = s.recv(65536)
        assert b, body
        body += b
    return status, headers, body


def test_oversized_body_waiting_for_continue(small):
    """A client that waits for 100 Continue gets the 413 instead, before
    it sends any of the body."""
    tok = small.tokens["north"].token
    s = socket.create_connection(("127.0.0.1", small.server.port),
                                 timeout=10)
    try:
        s.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\n"
                  b"Authorization: Bearer " + tok.encode() + b"\r\n"
                  b"Content-Type: application/json\r\n"
                  b"Content-Length: 100000\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        status, headers, body = recv_response(s)
    finally:
        s.close()
    json_error(status, headers.get("content-type"), body, 413)


def test_oversized_body_read_then_refused(small):
    """A client (or a reverse proxy) that sends its body without waiting
    has it read and dropped, then gets the 413 on a connection that stays
    usable: the next request on it is answered."""
    tok = small.tokens["north"].token
    s = socket.create_connection(("127.0.0.1", small.server.port),
                                 timeout=10)
    try:
        s.sendall(b"POST /api/v1/records HTTP/1.1\r\nHost: x\r\n"
                  b"Authorization: Bearer " + tok.encode() + b"\r\n"
                  b"Content-Type: application/json\r\n"
                  b"Content-Length: 20000\r\n\r\n" + b" " * 20000)
        status, headers, body = recv_response(s)
        json_error(status, headers.get("content-type"), body, 413)
        s.sendall(b"GET /api/v1/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body = recv_response(s)
        assert status == 200, body[:300]
        assert "applied" in json.loads(body)
    finally:
        s.close()


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
    status, headers, body = parse_raw(out)
    json_error(status, headers.get("content-type"), body, 413)


def test_oversized_header_field(small):
    port = small.server.port
    status, ctype, body = get_with(port, "/api/v1/stats",
                                   [("X-Big", "a" * 5000)])
    msg = json_error(status, ctype, body, 431)
    assert "4096 bytes" in msg, msg
    # A big cookie that fits is fine.
    status, ctype, body = get_with(port, "/api/v1/stats",
                                   [("Cookie", "a=" + "b" * 3500)])
    assert status == 200, body[:300]


def test_oversized_header_default_limit(world):
    """The default limit is 16 KiB of request line and header fields."""
    port = world.server.port
    status, ctype, body = get_with(port, "/api/v1/stats",
                                   [("X-Big", "a" * 15000)])
    assert status == 200, body[:300]
    status, ctype, body = get_with(port, "/api/v1/stats",
                                   [("X-Big", "a" * 17000)])
    assert "16384 bytes" in json_error(status, ctype, body, 431)
    # Still a JSON error at three times the limit: microhttpd keeps four
    # times the limit of memory per connection.
    status, ctype, body = get_with(port, "/api/v1/stats",
                                   [("X-Big", "a" * 50000)])
    json_error(status, ctype, body, 431)


def test_too_many_header_fields(small):
    port = small.server.port
    many = [("X-H%d" % i, "v") for i in range(99)]
    status, ctype, body = get_with(port, "/api/v1/stats", many)
    msg = json_error(status, ctype, body, 431)
    assert "101 header fields" in msg and "100" in msg, msg
    status, ctype, body = get_with(port, "/api/v1/stats", many[:90])
    assert status == 200, body[:300]


def test_oversized_url(small, world):
    long_q = "/api/v1/stats?x=" + "a" * 5000
    status, ctype, body = get_with(small.server.port, long_q, [])
    assert "4096 bytes" in json_error(status, ctype, body, 414)
    # The default limit is 8 KiB.
    status, ctype, body = get_with(world.server.port, long_q, [])
    assert status == 200, body[:300]
    status, ctype, body = get_with(world.server.port,
                                   "/api/v1/stats?x=" + "a" * 9000, [])
    assert "8192 bytes" in json_error(status, ctype, body, 414)
    # A URL over the limit is refused before authentication or routing,
    # on writes too.
    r = small.tokens["north"].post("/api/v1/records?x=" + "a" * 5000,
                                   place_body("Long"))
    json_error(r.status, r.header("Content-Type"), r.body, 414)


def test_head_beyond_connection_memory(small):
    """A head too large even for microhttpd's per-connection memory (64 KiB
    here) is refused by microhttpd itself, before the server sees it: the
    status is still 431 and the connection is closed, but the body is
    microhttpd's own (docs/OPERATIONS.md, "Limits and their errors")."""
    req = (b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nX-Big: " +
           b"a" * 100000 + b"\r\n\r\n")
    out = raw(small.server.port, req)
    if out:  # or the connection is reset while the client still sends
        status, headers, _ = parse_raw(out)
        assert status == 431, out[:300]
        assert headers.get("connection") == "close", out[:300]
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
