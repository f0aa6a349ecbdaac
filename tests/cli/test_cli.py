#!/usr/bin/env python3
"""test_cli.py PARALLAX - the `parallax log ...` and `parallax verify` commands
as a user runs them: create a log, append from files and standard input, print
checkpoints and proofs, verify a directory and a URL, and catch every kind of
tampering with a precise message.  Proofs are checked here by an independent
implementation of RFC 9162 §2.1.3.2 and §2.1.4.2 (Python's hashlib), and
roots against the signed checkpoint.  Ends with "N passed, N failed".

Python standard library only.
"""
import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PX = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "parallax"
ORIGIN = "example.org/cli-test"
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


def run(*args, stdin=None, timeout=120):
    p = subprocess.run([PX] + [str(a) for a in args], input=stdin,
                       capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def desc(rc, out, err):
    return "rc=%d stdout=%r stderr=%r" % (rc, out[-400:], err[-400:])


# ---- RFC 9162 §2.1, independently of the C code.

def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, root1, root2, proof):
    """RFC 9162 §2.1.4.2 (with the trivial cases m = 0 and m = n)."""
    if first > second:
        return False
    if first == second:
        return not proof and root1 == root2
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, root1)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


def parse_kv(text):
    """The proof text output: 'key value' lines, proof lines repeated."""
    kv, proof = {}, []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        k, _, v = line.partition(" ")
        if k == "proof":
            proof.append(bytes.fromhex(v))
        else:
            kv[k] = v
    return kv, proof


def checkpoint_of(text):
    lines = text.split("\n")
    return lines[0], int(lines[1]), base64.b64decode(lines[2])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def flip(path, off):
    with open(path, "r+b") as f:
        f.seek(off)
        b = f.read(1)
        f.seek(off)
        f.write(bytes([b[0] ^ 0x01]))


def main():
    tmp = tempfile.mkdtemp(prefix="px-cli-")
    try:
        tests(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def tests(tmp):
    d = os.path.join(tmp, "data")
    pub = os.path.join(d, "log.pub")
    entries = {}

    # ---- help on every command and subcommand
    rc, out, err = run("--help")
    check("parallax --help lists log and verify",
          rc == 0 and "log" in out and "verify" in out, desc(rc, out, err))
    for sub in (["log"], ["log", "init"], ["log", "append"],
                ["log", "checkpoint"], ["log", "prove"],
                ["log", "consistency"], ["verify"]):
        rc, out, err = run(*(sub + ["--help"]))
        check("%s --help" % " ".join(sub),
              rc == 0 and out.startswith("usage: parallax " + sub[0])
              and err == "", desc(rc, out, err))

    # ---- init
    rc, out, err = run("log", "init", d, "--origin", ORIGIN)
    check("log init", rc == 0 and os.path.exists(pub)
          and os.path.exists(os.path.join(d, "log", "checkpoint")),
          desc(rc, out, err))
    key = open(pub).read().strip()
    check("log init prints the verifier key", key in out, out)
    rc, out, err = run("log", "init", d, "--origin", ORIGIN)
    check("log init refuses an existing log", rc == 1 and d in err,
          desc(rc, out, err))

    rc, out, err = run("verify", d, "--key", pub)
    check("verify an empty log",
          rc == 0 and out.startswith("verified: 0 entries, root "
                                     "e3b0c44298fc1c149afbf4c8996fb924"),
          desc(rc, out, err))

    # ---- append from files
    files = []
    for i, content in enumerate([b"first entry", b"", b"\x00\xff binary\n"]):
        p = os.path.join(tmp, "f%d" % i)
        with open(p, "wb") as f:
            f.write(content)
        files.append((p, content))
    rc, out, err = run("log", "append", d, *[p for p, _ in files])
    check("log append FILE... prints each index",
          rc == 0 and out.split() == ["0", "1", "2"], desc(rc, out, err))
    for i, (_, content) in enumerate(files):
        entries[i] = content

    # ---- append from standard input, one entry per line
    rc, out, err = run("log", "append", d, stdin=b"alpha\nbeta\n\ngamma")
    check("log append from stdin: one entry per line, last without newline",
          rc == 0 and out.split() == ["3", "4", "5", "6"], desc(rc, out, err))
    for i, content in zip(range(3, 7), [b"alpha", b"beta", b"", b"gamma"]):
        entries[i] = content

    lines = [("line %d of the second batch" % i).encode() for i in range(400)]
    rc, out, err = run("log", "append", d, "--batch", "50", "--delay", "1",
                       stdin=b"\n".join(lines) + b"\n")
    idx = out.split()
    check("log append --batch 50: 400 indices in order",
          rc == 0 and idx == [str(i) for i in range(7, 407)],
          desc(rc, out[:200], err))
    for i, content in enumerate(lines):
        entries[7 + i] = content
    size = 407

    # ---- checkpoint
    rc, out, err = run("log", "checkpoint", d)
    origin, cp_size, cp_root = checkpoint_of(out) if rc == 0 else ("", 0, b"")
    check("log checkpoint", rc == 0 and origin == ORIGIN and cp_size == size
          and "\n\n\u2014 " + ORIGIN + " " in out, desc(rc, out, err))
    old_checkpoint = os.path.join(tmp, "checkpoint-407")
    with open(old_checkpoint, "w") as f:
        f.write(out)

    # ---- prove: every proof verifies independently, and against the root
    ok = True
    for i in (0, 1, 2, 5, 6, 255, 256, 300, 406):
        rc, out, err = run("log", "prove", d, "--index", i)
        kv, proof = parse_kv(out)
        good = (rc == 0 and int(kv.get("index", -1)) == i
                and int(kv.get("size", -1)) == size
                and bytes.fromhex(kv.get("leaf", "")) == leaf_hash(entries[i])
                and bytes.fromhex(kv.get("root", "")) == cp_root
                and verify_inclusion(i, size, leaf_hash(entries[i]), proof,
                                     cp_root))
        if not good:
            ok = False
            print("  prove %d: %s" % (i, desc(rc, out, err)))
    check("log prove: proofs verify against the checkpoint root", ok)

    ok = True
    for i, n in ((0, 1), (3, 7), (100, 256), (255, 256), (256, 257),
                 (10, 300)):
        rc, out, err = run("log", "prove", d, "--index", i, "--size", n)
        kv, proof = parse_kv(out)
        root = bytes.fromhex(kv.get("root", "00"))
        if not (rc == 0 and verify_inclusion(i, n, leaf_hash(entries[i]),
                                             proof, root)):
            ok = False
            print("  prove %d in %d: %s" % (i, n, desc(rc, out, err)))
        # a flipped proof hash must not verify
        if proof:
            bad = [bytes([proof[0][0] ^ 1]) + proof[0][1:]] + proof[1:]
            if verify_inclusion(i, n, leaf_hash(entries[i]), bad, root):
                ok = False
    check("log prove --size: proofs verify, tampered ones do not", ok)

    rc, out, err = run("log", "prove", d, "--index", "300", "--json")
    try:
        j = json.loads(out)
        good = (j["encoding"] == "hex" and j["index"] == 300
                and j["size"] == size
                and bytes.fromhex(j["leaf_hash"]) == leaf_hash(entries[300])
                and verify_inclusion(300, size, leaf_hash(entries[300]),
                                     [bytes.fromhex(h) for h in j["proof"]],
                                     bytes.fromhex(j["root"])))
    except (ValueError, KeyError):
        good = False
    check("log prove --json", rc == 0 and good, desc(rc, out, err))

    # ---- consistency
    roots = {}
    ok = True
    for m, n in ((0, size), (1, size), (7, size), (255, 256), (256, size),
                 (300, 400), (size, size), (4, 7), (64, 300)):
        args = ["log", "consistency", d, "--from", m]
        if n != size:
            args += ["--to", n]
        rc, out, err = run(*args)
        kv, proof = parse_kv(out)
        r1 = bytes.fromhex(kv.get("from_root", "00"))
        r2 = bytes.fromhex(kv.get("to_root", "00"))
        good = (rc == 0 and int(kv["from"]) == m and int(kv["to"]) == n
                and verify_consistency(m, n, r1, r2, proof))
        if n == size:
            good = good and r2 == cp_root
        roots.setdefault(m, r1)
        if m in roots and roots[m] != r1:
            good = False
        if not good:
            ok = False
            print("  consistency %d..%d: %s" % (m, n, desc(rc, out, err)))
    check("log consistency: proofs verify (RFC 9162 §2.1.4.2)", ok)
    rc, out, err = run("log", "consistency", d, "--from", "7", "--json")
    try:
        j = json.loads(out)
        good = verify_consistency(7, size, bytes.fromhex(j["from_root"]),
                                  bytes.fromhex(j["to_root"]),
                                  [bytes.fromhex(h) for h in j["proof"]])
    except (ValueError, KeyError):
        good = False
    check("log consistency --json", rc == 0 and good, desc(rc, out, err))

    # ---- verify a directory
    rc, out, err = run("verify", d, "--key", pub)
    want = "verified: %d entries, root %s, checkpoint size %d" % (
        size, cp_root.hex(), size)
    check("verify DIR", rc == 0 and out.strip() == want,
          desc(rc, out, err))
    rc, out, err = run("verify", os.path.join(d, "log"), "--key", key)
    check("verify LOGDIR with the key given as text",
          rc == 0 and out.strip() == want, desc(rc, out, err))

    # ---- verify over http://
    port = free_port()
    srv = subprocess.Popen([sys.executable, "-m", "http.server", "--bind",
                            "127.0.0.1", str(port), "--directory",
                            os.path.join(d, "log")],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        url = "http://127.0.0.1:%d" % port
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/checkpoint", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        rc, out, err = run("verify", url + "/", "--key", pub)
        check("verify http:// URL", rc == 0 and out.strip() == want,
              desc(rc, out, err))
        local = run("log", "prove", d, "--index", 300, "--size", 350)
        rc, out, err = run("log", "prove", url, "--index", 300, "--size", 350)
        check("log prove over http:// matches the local proof",
              rc == 0 and local[0] == 0 and out == local[1],
              desc(rc, out, err))
        local = run("log", "consistency", d, "--from", 5)
        rc, out, err = run("log", "consistency", url, "--from", 5)
        check("log consistency over http:// matches the local proof",
              rc == 0 and local[0] == 0 and out == local[1],
              desc(rc, out, err))
        rc, out, err = run("verify", url + "/nothing-here", "--key", pub)
        check("verify URL: a 404 names the URL and the status",
              rc == 1 and url + "/nothing-here/checkpoint" in err
              and "404" in err, desc(rc, out, err))
    finally:
        srv.terminate()
        srv.wait()

    # ---- a misbehaving server: errors and oversized files are refused
    import http.server

    class Bad(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/err/"):
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"internal error")
            elif self.path.startswith("/big/"):
                self.send_response(200)
                self.end_headers()
                chunk = b"x" * 65536
                try:
                    for _ in range(64):  # 4 MiB, more than any checkpoint
                        self.wfile.write(chunk)
                except OSError:
                    pass
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    bad = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bad)
    threading.Thread(target=bad.serve_forever, daemon=True).start()
    burl = "http://127.0.0.1:%d" % bad.server_address[1]
    try:
        rc, out, err = run("verify", burl + "/err", "--key", pub)
        check("verify URL: HTTP 500 names the URL and the status",
              rc == 1 and burl + "/err/checkpoint" in err and "500" in err,
              desc(rc, out, err))
        rc, out, err = run("verify", burl + "/big", "--key", pub)
        check("verify URL: an oversized checkpoint is refused",
              rc == 1 and burl + "/big/checkpoint" in err
              and "bytes allowed" in err, desc(rc, out, err))
    finally:
        bad.shutdown()
        bad.server_close()

    # ---- reading needs no lock: prove while an append holds the log open
    app = subprocess.Popen([PX, "log", "append", d], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        app.stdin.write(b"held open\n")
        app.stdin.flush()
        first = app.stdout.readline().strip()
        rc, out, err = run("log", "prove", d, "--index", 1)
        kv, proof = parse_kv(out)
        check("log prove while an append is running",
              first == str(size).encode() and rc == 0
              and int(kv.get("size", 0)) == size + 1
              and verify_inclusion(1, size + 1, leaf_hash(entries[1]), proof,
                                   bytes.fromhex(kv.get("root", "00"))),
              desc(rc, out, err))
        rc, out, err = run("log", "append", d, stdin=b"second writer\n")
        check("a second writer is refused while the log is open",
              rc == 1 and "already open" in err, desc(rc, out, err))
    finally:
        app.stdin.close()
        app.wait()
    entries[size] = b"held open"
    size += 1

    # ---- --since: an older checkpoint of the same log verifies ...
    rc, out, err = run("log", "append", d, stdin=b"one more\ntwo more\n")
    entries[size], entries[size + 1] = b"one more", b"two more"
    size += 2
    rc, out, err = run("verify", d, "--key", pub, "--since", old_checkpoint)
    check("verify --since an older checkpoint",
          rc == 0 and out.startswith("verified: %d entries" % size)
          and "consistent" in out, desc(rc, out, err))

    # ... a checkpoint of a fork, signed by the same key, does not.
    fork = os.path.join(tmp, "fork")
    shutil.copytree(d, fork)
    run("log", "append", fork, stdin=b"a different history\n")
    rc, out, err = run("log", "checkpoint", fork)
    fork_cp = os.path.join(tmp, "checkpoint-fork")
    with open(fork_cp, "w") as f:
        f.write(out)
    rc, out, err = run("verify", d, "--key", pub, "--since", fork_cp)
    check("verify --since a larger (forked) checkpoint fails",
          rc == 1 and "%d" % (size + 1) in err, desc(rc, out, err))
    run("log", "append", d, stdin=b"the real history\nmore\n")
    entries[size], entries[size + 1] = b"the real history", b"more"
    size += 2
    rc, out, err = run("verify", d, "--key", pub, "--since", fork_cp)
    check("verify --since a forked checkpoint fails precisely",
          rc == 1 and "not consistent" in err, desc(rc, out, err))

    # ---- tampering, each on a fresh copy, each caught precisely
    def tampered(name, mutate, *want):
        copy = os.path.join(tmp, "tamper-" + name.replace(" ", "-"))
        shutil.copytree(d, copy)
        mutate(os.path.join(copy, "log"))
        rc, out, err = run("verify", copy, "--key", pub)
        check("tamper: " + name, rc == 1 and all(w in err for w in want),
              desc(rc, out, err))

    tampered("flip a byte in an entry bundle",
             # byte 30 is inside entry 3, "alpha"
             lambda L: flip(os.path.join(L, "tile/entries/000"), 30),
             "tile/0/000 index 3: expected ", ", found ",
             "(the hash of entry 3 in tile/entries/000)")
    tampered("flip a byte in a level-0 tile",
             lambda L: flip(os.path.join(L, "tile/0/000"), 32 * 9 + 5),
             "tile/0/000 index 9: expected ", ", found ")
    tampered("flip a byte in a level-1 tile",
             lambda L: flip(os.path.join(L, "tile/1/000.p/1"), 0),
             "tile/1/000.p/1 index 0: expected ", "(the root of tile/0/000)",
             ", found ")
    tampered("truncate a tile",
             lambda L: os.truncate(os.path.join(L, "tile/0/000"), 8190),
             "tile/0/000: 8190 bytes, expected 8192")
    last = "tile/0/001.p/%d" % (size - 256)
    tampered("delete a tile",
             lambda L: os.remove(os.path.join(L, last)), last, "not found")

    def resign(L):
        p = os.path.join(L, "checkpoint")
        text = open(p, encoding="utf-8").read()
        body, _, sig = text.rpartition("\n\u2014 ")
        name, _, b64 = sig.strip().partition(" ")
        raw = bytearray(base64.b64decode(b64))
        raw[10] ^= 0x01
        with open(p, "w", encoding="utf-8") as f:
            f.write(body + "\n\u2014 " + name + " " +
                    base64.b64encode(bytes(raw)).decode() + "\n")
    tampered("replace the checkpoint signature", resign, "signature")

    other = os.path.join(tmp, "other")
    run("log", "init", other, "--origin", ORIGIN)
    rc, out, err = run("verify", d, "--key", os.path.join(other, "log.pub"))
    check("verify with the wrong key fails", rc == 1 and err,
          desc(rc, out, err))

    # ---- bad input: clear, and a non-zero exit
    def usage(name, args, want, code=2, stdin=None):
        rc, out, err = run(*args, stdin=stdin)
        check(name, rc == code and want in err and out == "",
              desc(rc, out, err))

    usage("verify: missing argument", ["verify"], "missing")
    usage("verify: missing --key", ["verify", d], "--key")
    usage("verify: option without a value", ["verify", d, "--key"],
          "'--key' needs a value")
    usage("verify: unknown option", ["verify", d, "--key", pub, "--frob"],
          "unknown option '--frob'")
    usage("verify: --quorum without witnesses",
          ["verify", d, "--key", pub, "--quorum", "1"], "--quorum")
    usage("verify: non-numeric --quorum",
          ["verify", d, "--key", pub, "--quorum", "two"], "'two'")
    usage("verify: nonexistent directory",
          ["verify", os.path.join(tmp, "nope"), "--key", pub],
          os.path.join(tmp, "nope"), code=1)
    usage("verify: nonexistent key file",
          ["verify", d, "--key", os.path.join(tmp, "nokey.pub")],
          "nokey.pub", code=1)
    usage("log: no subcommand", ["log"], "subcommand")
    usage("log: unknown subcommand", ["log", "frobnicate"], "frobnicate")
    usage("log init: missing --origin", ["log", "init",
                                         os.path.join(tmp, "x")], "--origin")
    usage("log init: missing DIR", ["log", "init", "--origin", "x"], "DIR")
    usage("log prove: missing --index", ["log", "prove", d], "--index")
    usage("log prove: non-numeric --index",
          ["log", "prove", d, "--index", "abc"], "--index: 'abc'")
    usage("log prove: negative --index",
          ["log", "prove", d, "--index", "-1"], "--index: '-1'")
    usage("log prove: index beyond the log",
          ["log", "prove", d, "--index", "100000"], "100000", code=1)
    usage("log consistency: missing --from", ["log", "consistency", d],
          "--from")
    usage("log consistency: --from after --to",
          ["log", "consistency", d, "--from", "5", "--to", "3"],
          "larger", code=1)
    usage("log append: unknown option", ["log", "append", d, "--frob"],
          "unknown option '--frob'")
    usage("log append: non-numeric --batch",
          ["log", "append", d, "--batch", "many"], "--batch: 'many'")
    usage("log append: --batch 0", ["log", "append", d, "--batch", "0"],
          "--batch")
    usage("log append: nonexistent directory",
          ["log", "append", os.path.join(tmp, "nope")],
          os.path.join(tmp, "nope"), code=1, stdin=b"x\n")
    usage("log append: nonexistent file", ["log", "append", d,
                                           os.path.join(tmp, "nofile")],
          "nofile", code=1)
    big = os.path.join(tmp, "big")
    with open(big, "wb") as f:
        f.write(b"x" * 65536)
    usage("log append: a file over 65535 bytes", ["log", "append", d, big],
          "65535", code=1)
    usage("log append: a line over 65535 bytes", ["log", "append", d],
          "65535", code=1, stdin=b"y" * 70000 + b"\n")
    rc, out, err = run("log", "checkpoint", d)
    check("nothing was appended by the refused appends",
          rc == 0 and checkpoint_of(out)[1] == size, desc(rc, out, err))
    rc, out, err = run("verify", d, "--key", pub)
    check("the log still verifies after everything",
          rc == 0 and out.startswith("verified: %d entries" % size),
          desc(rc, out, err))


if __name__ == "__main__":
    sys.exit(main())
