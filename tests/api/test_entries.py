"""test_entries.py - non-custodial filing (POST /api/v1/entries): a party
that keeps its own Ed25519 key signs its entries itself (a C2SP signed
note over the record's canonical JSON) and the server never holds the key.
Ed25519 signing is written out here from RFC 8032 §5.1 (standard library
only), so the server's libsodium check is tested against an independent
signer."""
import base64
import hashlib
import json
import os

from conftest import PASSWORD, filed, place_body

# ---- Ed25519 (RFC 8032 §5.1), affine coordinates: slow, small, plain.
P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def inv(x):
    return pow(x, P - 2, P)


def recover_x(y):
    xx = (y * y - 1) * inv(D * y * y + 1)
    x = pow(xx, (P + 3) // 8, P)
    if (x * x - xx) % P:
        x = x * SQRT_M1 % P
    return P - x if x & 1 else x


BY = 4 * inv(5) % P
BASE = (recover_x(BY), BY)


def add(p1, p2):
    (x1, y1), (x2, y2) = p1, p2
    t = D * x1 * x2 * y1 * y2
    return ((x1 * y2 + x2 * y1) * inv(1 + t) % P,
            (y1 * y2 + x1 * x2) * inv(1 - t) % P)


def mul(pt, e):
    q = (0, 1)
    while e:
        if e & 1:
            q = add(q, pt)
        pt = add(pt, pt)
        e >>= 1
    return q


def encode(pt):
    return (pt[1] | (pt[0] & 1) << 255).to_bytes(32, "little")


def secret(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a = (a & ((1 << 254) - 8)) | (1 << 254)
    return a, h[32:], encode(mul(BASE, a))


def sign(seed, msg):
    a, prefix, pub = secret(seed)
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), "little") % L
    rb = encode(mul(BASE, r))
    k = int.from_bytes(hashlib.sha512(rb + pub + msg).digest(),
                       "little") % L
    return rb + ((r + k * a) % L).to_bytes(32, "little")


# ---- C2SP signed-note keys and notes.

def key_id(name, pub):
    return hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]


def verifier_key(name, pub):
    return "%s+%s+%s" % (name, key_id(name, pub).hex(),
                         base64.b64encode(b"\x01" + pub).decode())


def signed_note(name, seed, text):
    _, _, pub = secret(seed)
    sig = sign(seed, text.encode())
    return (text + "\n\u2014 %s %s\n" % (
        name, base64.b64encode(key_id(name, pub) + sig).decode())).encode()


def canonical(rec):
    """RFC 8785 for records with ASCII member names and integers."""
    return json.dumps(rec, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def test_non_custodial_filing(world):
    seed = os.urandom(32)
    name = "field-office.example"
    pub = secret(seed)[2]
    admin = world.tokens["admin"]
    party = filed(admin.post("/api/v1/records", {
        "kind": "party", "name": "Field office", "type": "ngo",
        "key": verifier_key(name, pub)}))["id"]
    assert admin.post("/api/v1/users", {
        "username": "field", "password": PASSWORD, "role": "party",
        "party": party}).status == 201
    c = world.server.client(admin.post("/api/v1/tokens", {
        "username": "field", "label": "own key"}).json()["token"])

    rec = place_body("Self-signed village")
    rec.update({"v": 1, "filed_by": party,
                "filed_at": "2026-03-01T10:00:00Z"})
    text = canonical(rec) + "\n"
    note = signed_note(name, seed, text)
    r = c.post("/api/v1/entries", note)
    assert r.status == 201, r
    got = r.json()
    want_id = "place-" + hashlib.sha256(text[:-1].encode()).hexdigest()
    assert got["id"] == want_id and got["kind"] == "place"
    # The log holds exactly the bytes the party signed.
    assert world.server.client().get(
        "/api/v1/entries/%d" % got["index"]).body == note
    rec_out = world.server.client().get("/api/v1/records/" + want_id).json()
    assert rec_out["owner"] == party and rec_out["index"] == got["index"]

    # The operator holds no key for it: custodial filing is refused.
    r = c.post("/api/v1/records", place_body("Not signed by us"))
    assert r.status == 422, r
    # A signature that does not verify, or by another key, is refused.
    rec["filed_at"] = "2026-03-01T10:00:01Z"
    bad = bytearray(signed_note(name, seed, canonical(rec) + "\n"))
    bad[-10] ^= 1
    r = c.post("/api/v1/entries", bytes(bad))
    assert r.status == 422 and r.json()["error"]["code"] == "invalid_record"
    other = signed_note(name, os.urandom(32), canonical(rec) + "\n")
    assert c.post("/api/v1/entries", other).status == 422
    # Non-canonical JSON is refused even when well signed.
    loose = json.dumps(rec, indent=1) + "\n"
    r = c.post("/api/v1/entries", signed_note(name, seed, loose))
    assert r.status in (400, 422), r
    # The same entry twice is a conflict.
    assert c.post("/api/v1/entries", note).status == 409
