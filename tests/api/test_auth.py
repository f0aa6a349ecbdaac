"""test_auth.py - who may do what: the authorization matrix (every role and
the public, on every state-changing route), CSRF on session requests,
expired, revoked and disabled tokens, login rate limiting, and the audit
trail of logins, filings and refusals."""
import time

import pytest

from conftest import (PASSWORD, account_body, build_world, event_body, filed,
                      place_body)

ROLES = ["public", "reader", "north", "editor", "admin"]


@pytest.fixture(scope="module")
def setup(world):
    t = world.tokens["north"]
    place = filed(t.post("/api/v1/records", place_body("Matrixville")))
    event = filed(t.post("/api/v1/records", event_body(place["id"],
                                                       "Matrix event")))
    return {"place": place["id"], "event": event["id"]}


def who(world, role, via):
    if role == "public":
        return world.server.client()
    return world.tokens[role] if via == "token" else world.sessions[role]


def fresh_account(world, owner="north", text="An account."):
    """A new account of `owner` (filed by its own token), for revising."""
    t = world.tokens[owner]
    place = filed(t.post("/api/v1/records", place_body("P%f" % time.time())))
    event = filed(t.post("/api/v1/records", event_body(place["id"])))
    return filed(t.post("/api/v1/records", account_body(event["id"], text)))


# Expected status per (route, role): the matrix in routes_write.c.
EXPECT_FILE = {"public": 401, "reader": 403, "north": 201, "editor": 201,
               "admin": 403}


@pytest.mark.parametrize("via", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_file_record(world, setup, role, via):
    c = who(world, role, via)
    body = place_body("Filed by %s %s" % (role, via))
    if role == "editor":
        body["acting_for"] = world.parties["north"]
    r = c.post("/api/v1/records", body)
    assert r.status == EXPECT_FILE[role], (role, via, r)
    if r.status == 201:
        rec = world.server.client().get("/api/v1/records/" +
                                        r.json()["id"]).json()
        assert rec["owner"] == world.parties["north"]
        if role == "editor":
            assert rec["filed_by"] == world.parties["desk"]
            assert rec["acting_for"] == world.parties["north"]
    else:
        assert r.json()["error"]["code"] == (
            "unauthorized" if role == "public" else "forbidden")


@pytest.mark.parametrize("role", ROLES)
def test_register_party(world, role):
    c = who(world, role, "token")
    r = c.post("/api/v1/records", {"kind": "party", "name": "P " + role,
                                   "type": "ngo"})
    assert r.status == {"public": 401, "admin": 201}.get(role, 403), r


@pytest.mark.parametrize("via", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_revise(world, role, via):
    acc = fresh_account(world)
    rec = world.server.client().get("/api/v1/records/" + acc["id"]).json()
    new = dict(rec["record"])
    for k in ("v", "kind", "filed_by", "filed_at", "acting_for"):
        new.pop(k, None)
    new["narrative"] = {"text": "Revised by %s." % role, "lang": "en"}
    r = who(world, role, via).post(
        "/api/v1/records/%s/revisions" % acc["id"],
        {"expected_revision": acc["revision"], "record": new})
    assert r.status == EXPECT_FILE[role], (role, via, r)
    if r.status == 201:
        assert r.json()["id"] == acc["id"]
        assert r.json()["revision"] != acc["revision"]


@pytest.mark.parametrize("via", ["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_withdraw(world, role, via):
    acc = fresh_account(world)
    r = who(world, role, via).post(
        "/api/v1/records/%s/withdrawal" % acc["id"],
        {"reason": "filed against the wrong event"})
    assert r.status == EXPECT_FILE[role], (role, via, r)
    rec = world.server.client().get("/api/v1/records/" + acc["id"]).json()
    assert rec["withdrawn"] is (r.status == 201)


@pytest.mark.parametrize("via", ["token", "session"])
def test_party_member_cannot_touch_another_party(world, via):
    acc = fresh_account(world, owner="south")
    c = who(world, "north", via)
    rec = world.server.client().get("/api/v1/records/" + acc["id"]).json()
    new = {k: v for k, v in rec["record"].items()
           if k not in ("v", "kind", "filed_by", "filed_at")}
    r = c.post("/api/v1/records/%s/revisions" % acc["id"],
               {"expected_revision": acc["revision"], "record": new})
    assert r.status == 403 and r.json()["error"]["code"] == "forbidden", r
    r = c.post("/api/v1/records/%s/withdrawal" % acc["id"],
               {"reason": "not mine"})
    assert r.status == 403, r
    body = place_body("Pretending")
    body["acting_for"] = world.parties["south"]
    assert c.post("/api/v1/records", body).status == 403
    body = place_body("Pretending")
    body["filed_by"] = world.parties["south"]
    assert c.post("/api/v1/records", body).status == 403
    after = world.server.client().get("/api/v1/records/" + acc["id"]).json()
    assert after["revision"] == acc["revision"] and not after["withdrawn"]


def test_user_party_must_exist(world):
    r = world.tokens["admin"].post("/api/v1/users", {
        "username": "ghost", "password": PASSWORD, "role": "party",
        "party": "party-" + "e" * 64})
    assert r.status == 422 and r.json()["error"]["field"] == "party", r
    r = world.tokens["admin"].post("/api/v1/users", {
        "username": "ghost", "password": PASSWORD, "role": "reader",
        "party": world.parties["north"]})
    assert r.status == 400 and r.json()["error"]["field"] == "party", r
    r = world.tokens["admin"].post("/api/v1/users", {
        "username": "north", "password": PASSWORD, "role": "reader"})
    assert r.status == 409 and r.json()["error"]["code"] == "conflict"


def test_editor_needs_a_party_to_act_for(world):
    r = world.tokens["editor"].post("/api/v1/records", place_body("Nowhere"))
    assert r.status == 422 and r.json()["error"]["field"] == "acting_for"
    r = world.tokens["editor"].post(
        "/api/v1/records?as=" + world.parties["south"], place_body("Southby"))
    assert r.status == 201, r


@pytest.mark.parametrize("role", ROLES)
def test_admin_routes(world, role):
    c = who(world, role, "token")
    expect = {"public": 401, "admin": None}.get(role, 403)
    name = "u%s%d" % (role, int(time.time() * 1000) % 100000)
    checks = [
        ("GET", "/api/v1/users", None, 200),
        ("GET", "/api/v1/audit", None, 200),
        ("POST", "/api/v1/users", {"username": name, "password": PASSWORD,
                                   "role": "reader"}, 201),
        ("POST", "/api/v1/users/%s/disable" % name, None, 200),
        ("POST", "/api/v1/tokens", {"username": "reader",
                                    "label": "x"}, 201),
    ]
    for method, path, body, ok in checks:
        r = c.request(method, path, body)
        assert r.status == (expect or ok), (role, method, path, r)
    r = c.delete("/api/v1/tokens/0123456789abcdef")
    assert r.status == (expect or 404), (role, r)


@pytest.mark.parametrize("role", ["reader", "north", "admin"])
def test_entries_route_matrix(world, role):
    # A signed note for another party: a party member is refused before
    # the signature is even looked at; a reader may not file at all.
    note = ('{"filed_at":"2026-01-01T00:00:00Z","filed_by":"%s",'
            '"kind":"place","names":[{"lang":"en","name":"X",'
            '"script":"Latn"}],"type":"settlement","v":1}\n\n'
            '\u2014 someone AAAA\n' % world.parties["south"])
    r = world.tokens[role].post("/api/v1/entries", note.encode())
    assert r.status == 403, r
    assert world.server.client().post("/api/v1/entries",
                                      note.encode()).status == 401


def test_entries_bad_signature_is_422(world):
    note = ('{"filed_at":"2026-01-01T00:00:00Z","filed_by":"%s",'
            '"kind":"place","names":[{"lang":"en","name":"X",'
            '"script":"Latn"}],"type":"settlement","v":1}\n\n'
            '\u2014 someone AAAAAAAAAAAAAAAAAAAA\n' % world.parties["north"])
    r = world.tokens["north"].post("/api/v1/entries", note.encode())
    assert r.status == 422 and r.json()["error"]["code"] == "invalid_record"
    r = world.tokens["north"].post("/api/v1/entries", b"not a note")
    assert r.status == 422


# ---- CSRF

def test_csrf_missing_or_wrong(world):
    s = world.sessions["north"]
    for headers in ({}, {"X-CSRF-Token": "0" * 64},
                    {"X-CSRF-Token": s.csrf[:-1]},
                    {"X-CSRF-Token": world.sessions["south"].csrf}):
        r = s.request("POST", "/api/v1/records", place_body("CSRF"),
                      headers=headers, csrf=False)
        assert r.status == 403, (headers, r)
        assert r.json()["error"]["code"] == "csrf"
    r = s.request("DELETE", "/api/v1/session", csrf=False)
    assert r.status == 403 and r.json()["error"]["code"] == "csrf"
    # Reading needs none; the right token works.
    assert s.get("/api/v1/session").json()["user"]["username"] == "north"
    assert s.post("/api/v1/records", place_body("CSRF ok")).status == 201


def test_session_cookie_and_logout(world):
    c = world.server.client()
    r = c.login("reader")
    assert r.status == 200
    cookie = [v for k, v in r.headers if k.lower() == "set-cookie"][0]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/" in cookie
    me = c.get("/api/v1/session").json()
    assert me["user"]["role"] == "reader" and me["csrf"] == c.csrf
    assert c.delete("/api/v1/session").status == 200
    assert c.get("/api/v1/session").json() == {"user": None, "csrf": None}
    assert c.get("/api/v1/users").status == 401
    assert world.server.client().get("/api/v1/session").json()["user"] is None


def test_wrong_password(world):
    c = world.server.client()
    r = c.login("reader", "not the password")
    assert r.status == 401 and r.json()["error"]["code"] == "unauthorized"
    r = c.login("nobody-at-all", "whatever1")
    assert r.status == 401
    r = c.post("/api/v1/session", {"username": "x"})
    assert r.status == 400 and r.json()["error"]["field"] == "password"


# ---- tokens

def test_expired_and_revoked_tokens(world):
    admin = world.tokens["admin"]
    r = admin.post("/api/v1/tokens", {"username": "north", "label": "old",
                                      "expires": 1})
    expired = world.server.client(r.json()["token"])
    r = expired.post("/api/v1/records", place_body("Expired"))
    assert r.status == 401 and "expired" in r.json()["error"]["message"]
    r = admin.post("/api/v1/tokens", {"username": "north", "label": "soon"})
    tok = r.json()
    c = world.server.client(tok["token"])
    assert c.post("/api/v1/records", place_body("Before")).status == 201
    assert admin.delete("/api/v1/tokens/" + tok["id"]).status == 200
    r = c.post("/api/v1/records", place_body("After"))
    assert r.status == 401 and "revoked" in r.json()["error"]["message"]
    # A revoked token is refused even for reading: no silent downgrade.
    assert c.get("/api/v1/events").status == 401
    for bad in ("pxt_" + "0" * 64, "garbage", "pxt_short"):
        r = world.server.client(bad).get("/api/v1/events")
        assert r.status == 401, bad
        assert r.header("WWW-Authenticate").startswith("Bearer")


def test_disabled_user_loses_sessions_and_tokens(world):
    admin = world.tokens["admin"]
    assert admin.post("/api/v1/users", {"username": "temp", "password":
                                        PASSWORD, "role": "reader"}
                      ).status == 201
    tok = admin.post("/api/v1/tokens", {"username": "temp",
                                        "label": "t"}).json()["token"]
    s = world.server.client()
    assert s.login("temp").status == 200
    assert admin.post("/api/v1/users/temp/disable").status == 200
    assert world.server.client(tok).get("/api/v1/events").status == 401
    assert s.get("/api/v1/session").json()["user"] is None
    assert world.server.client().login("temp").status == 401


def test_audit_records_logins_filings_refusals(world):
    r = world.tokens["admin"].get("/api/v1/audit?limit=1000")
    assert r.status == 200
    whats = {a["what"] for a in r.json()["items"]}
    assert {"login", "filing", "refused", "login-failed",
            "token-revoke"} <= whats, whats
    refused = [a for a in r.json()["items"] if a["what"] == "refused"]
    assert any("403" in (a["detail"] or "") for a in refused)
    assert all(a["ip"] for a in refused)


# ---- rate limiting, on a server of its own (it locks out 127.0.0.1)

def test_login_rate_limit(tmp_root):
    w = build_world(tmp_root, "ratelimit", "--login-limit", "3")
    try:
        c = w.server.client()
        for _ in range(3):
            assert c.login("north", "wrong password").status == 401
        r = c.login("north")  # right password, but locked out
        assert r.status == 429, r
        assert r.json()["error"]["code"] == "rate_limited"
        assert int(r.header("Retry-After")) > 0
        # Other users are limited per address only after 6x the limit.
        assert c.login("south").status == 200
        for i in range(20):
            c.login("user%d" % i, "wrong password")
        assert c.login("reader").status == 429
    finally:
        w.server.stop_clean()


# ---- behind a reverse proxy

def proxied_login(c, name, password, client):
    return c.post("/api/v1/session", {"username": name, "password": password},
                  headers={"X-Forwarded-For": client})


def audit_rows(w, what):
    r = w.tokens["admin"].get("/api/v1/audit?limit=1000")
    assert r.status == 200, r
    return [a for a in r.json()["items"] if a["what"] == what]


def test_trusted_proxy_names_the_client(tmp_root):
    """Behind the proxy given by --trusted-proxy, a client is known by the
    address the proxy put last in X-Forwarded-For: audited so, and its
    failed logins counted against it, so one client cannot lock out all
    the others (who share the proxy's address)."""
    w = build_world(tmp_root, "proxied", "--login-limit", "2",
                    "--trusted-proxy", "127.0.0.1")
    try:
        c = w.server.client()
        # The first element is the client's own claim; the last, the
        # proxy's word.  The limit per address is 6 x 2.
        for i in range(12):
            assert proxied_login(c, "user%d" % i, "wrong password",
                                 "198.51.100.1, 192.0.2.7").status == 401
        r = proxied_login(c, "reader", PASSWORD, "192.0.2.7")
        assert r.status == 429, r
        assert proxied_login(c, "reader", PASSWORD,
                             "192.0.2.8").status == 200
        assert proxied_login(c, "reader", PASSWORD,
                             "2001:DB8::0:1").status == 200
        failed = audit_rows(w, "login-failed")
        assert len([a for a in failed if a["ip"] == "192.0.2.7"]) == 12
        assert not [a for a in failed if a["ip"] == "198.51.100.1"]
        ips = {a["ip"] for a in audit_rows(w, "login")}
        assert {"192.0.2.8", "2001:db8::1"} <= ips, ips
        # A header that names no address leaves the proxy's own.
        assert proxied_login(c, "nobody", "wrong password",
                             "unknown").status == 401
        assert audit_rows(w, "login-failed")[0]["ip"] == "127.0.0.1"
    finally:
        w.server.stop_clean()


def test_untrusted_forwarded_for_is_ignored(world):
    c = world.server.client()
    assert proxied_login(c, "xff-probe", "wrong password",
                         "192.0.2.9").status == 401
    rows = [a for a in audit_rows(world, "login-failed")
            if a["user"] == "xff-probe"]
    assert rows and all(a["ip"] == "127.0.0.1" for a in rows), rows
