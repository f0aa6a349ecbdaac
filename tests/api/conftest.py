"""conftest.py - fixtures for the API tests: a real `parallax serve` on a
free loopback port (the server picks it: --listen 127.0.0.1:0, and prints it
on its first line) over a fresh data directory in a temporary directory,
with an admin, two parties and one user of every role.

The parallax binary is $PARALLAX (set by tests/api/meson.build).  Python
standard library only, plus pytest.
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile

import pytest

PX = os.environ.get("PARALLAX", "parallax")
ORIGIN = "example.org/api-test"
PASSWORD = "correct horse battery"


def run(*args, stdin=None, check=True):
    p = subprocess.run([PX] + [str(a) for a in args], input=stdin,
                       capture_output=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError("parallax %s: rc=%d %s" % (
            " ".join(map(str, args)), p.returncode, p.stderr.decode()))
    return p


def make_datadir(path):
    """A new data directory (parallax init)."""
    run("init", path, "--origin", ORIGIN)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


class Client:
    """One HTTP client identity: no auth, a Bearer token, or a session
    (cookie + CSRF token)."""

    def __init__(self, server, token=None):
        self.server = server
        self.token = token
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None, headers=None, csrf=True,
                ctype=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
            else:
                data = body if isinstance(body, bytes) else body.encode()
                h.setdefault("Content-Type", ctype or "text/plain")
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.cookie:
            h["Cookie"] = self.cookie
            if csrf and self.csrf and method not in ("GET", "HEAD"):
                h.setdefault("X-CSRF-Token", self.csrf)
        c = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                       timeout=60)
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, username, password=PASSWORD):
        r = self.post("/api/v1/session",
                      {"username": username, "password": password})
        if r.status == 200:
            for k, v in r.headers:
                if k.lower() == "set-cookie" and v.startswith("px_session="):
                    self.cookie = v.split(";")[0]
            self.csrf = r.json()["csrf"]
        return r


class Server:
    def __init__(self, datadir, *extra):
        self.datadir = datadir
        self.extra = extra
        self.proc = None
        self.port = None

    def start(self):
        self.errpath = self.datadir + ".stderr"
        self.err = open(self.errpath, "ab")
        self.proc = subprocess.Popen(
            [PX, "serve", self.datadir, "--listen", "127.0.0.1:0",
             "--threads", "4"] + list(self.extra),
            stdout=subprocess.PIPE, stderr=self.err)
        line = self.proc.stdout.readline().decode()
        if "listening on" not in line:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("server did not start: %r %r" % (
                line, self.stderr()))
        self.port = int(line.split("127.0.0.1:")[1].split("/")[0])
        return self

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        if self.proc:
            self.proc.stdout.close()
            self.err.close()
        self.proc = None
        return rc

    def stderr(self):
        with open(self.errpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop_clean(self):
        """Stop with SIGTERM and check the server exited 0 and that no
        sanitizer complained."""
        rc = self.stop()
        err = self.stderr()
        assert rc == 0, (rc, err[-3000:])
        assert "Sanitizer" not in err and "runtime error" not in err, \
            err[-3000:]

    def client(self, token=None):
        return Client(self, token)


def add_user(datadir, name, role, party=None):
    args = ["user", "add", name, "--role", role, "--dir", datadir]
    if party:
        args += ["--party", party]
    run(*args, stdin=(PASSWORD + "\n").encode())


class World:
    """The server with its cast: parties north, south and desk (the
    editor's own), users admin/editor/north/south/reader with sessions
    and tokens."""


def filed(r):
    assert r.status == 201, r
    return r.json()


@pytest.fixture(scope="session")
def tmp_root():
    d = tempfile.mkdtemp(prefix="px-api-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def build_world(root, name, *extra):
    datadir = os.path.join(root, name)
    make_datadir(datadir)
    add_user(datadir, "admin", "admin")
    srv = Server(datadir, *extra).start()
    try:
        return populate(srv, datadir)
    except BaseException:
        srv.stop()
        raise


def populate(srv, datadir):
    w = World()
    w.server = srv
    w.datadir = datadir
    admin = srv.client()
    assert admin.login("admin").status == 200
    w.admin = admin
    w.parties = {}
    for pname in ("north", "south", "desk"):
        r = admin.post("/api/v1/records", {
            "kind": "party", "name": "The %s office" % pname,
            "type": "ombudsperson"})
        w.parties[pname] = filed(r)["id"]
    for uname, role, party in (("editor", "editor", w.parties["desk"]),
                               ("north", "party", w.parties["north"]),
                               ("south", "party", w.parties["south"]),
                               ("reader", "reader", None)):
        body = {"username": uname, "password": PASSWORD, "role": role}
        if party:
            body["party"] = party
        r = admin.post("/api/v1/users", body)
        assert r.status == 201, r
    w.sessions = {"admin": admin}
    w.tokens = {}
    for uname in ("admin", "editor", "north", "south", "reader"):
        if uname != "admin":
            c = srv.client()
            assert c.login(uname).status == 200
            w.sessions[uname] = c
        r = admin.post("/api/v1/tokens", {"username": uname,
                                          "label": "tests"})
        assert r.status == 201, r
        w.tokens[uname] = srv.client(r.json()["token"])
    return w


@pytest.fixture(scope="session")
def world(tmp_root):
    w = build_world(tmp_root, "main")
    yield w
    w.server.stop_clean()


# ---- records to file

def place_body(name="Riverton"):
    return {"kind": "place", "type": "settlement",
            "names": [{"name": name, "lang": "en", "script": "Latn"}]}


def event_body(place, title="Shelling near the river crossing"):
    return {"kind": "event", "title": title,
            "type": "explosion-remote-violence",
            "time": {"start": "2026-01-03", "end": "2026-01-04",
                     "precision": "day"},
            "place": {"place": place, "precision": "near"}}


def account_body(event, text="Shells fell on the east bank.", best=4):
    return {"kind": "account", "event": event,
            "narrative": {"text": text, "lang": "en"},
            "claims": {"casualties": {"civilians": {"best": best}}}}
