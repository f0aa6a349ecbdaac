"""test_cli_accounts.py - `parallax user` and `parallax token` on the
command line, against a running server: an account made or changed there
takes effect in the server at once (they share DIR/auth.db)."""
import os

from conftest import PASSWORD, run


def test_user_and_token_commands(world, tmp_root):
    d = world.datadir
    pw = os.path.join(tmp_root, "pw")
    with open(pw, "w") as f:
        f.write("a file password\n")
    run("user", "add", "clerk", "--role", "editor", "--party",
        world.parties["desk"], "--password-file", pw, "--dir", d)
    assert world.server.client().login("clerk", "a file password"
                                       ).status == 200
    p = run("user", "add", "clerk", "--role", "reader", "--dir", d,
            stdin=(PASSWORD + "\n").encode(), check=False)
    assert p.returncode == 1 and b"already exists" in p.stderr
    p = run("user", "add", "bad name", "--role", "reader", "--dir", d,
            stdin=b"whatever1\n", check=False)
    assert p.returncode == 1
    p = run("user", "add", "short", "--role", "reader", "--dir", d,
            stdin=b"short\n", check=False)
    assert p.returncode == 1 and b"password" in p.stderr
    p = run("user", "add", "x", "--role", "king", "--dir", d,
            stdin=b"whatever1\n", check=False)
    assert p.returncode == 2
    p = run("user", "add", "orphan", "--role", "party", "--party",
            "party-" + "f" * 64, "--dir", d, stdin=b"whatever1\n",
            check=False)
    assert p.returncode == 1 and b"no party record" in p.stderr
    out = run("user", "list", "--dir", d).stdout.decode()
    assert "clerk" in out and "editor" in out and "admin" in out

    lines = run("token", "add", "clerk", "--label", "nightly", "--days",
                "1", "--dir", d).stdout.decode().split("\n")
    tid = lines[0].split(" ")[1]
    tok = lines[1].split(" ")[1]
    c = world.server.client(tok)
    assert c.get("/api/v1/session").json()["user"]["username"] == "clerk"
    assert "nightly" in run("token", "list", "--dir", d).stdout.decode()
    run("token", "revoke", tid, "--dir", d)
    assert c.get("/api/v1/session").status == 401
    p = run("token", "revoke", "0000000000000000", "--dir", d, check=False)
    assert p.returncode == 1

    run("user", "disable", "clerk", "--dir", d)
    assert world.server.client().login("clerk", "a file password"
                                       ).status == 401
    assert "(disabled)" in run("user", "list", "--dir", d).stdout.decode()
