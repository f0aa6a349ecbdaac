// verify.js - checking the log in the browser, with WebCrypto only.
//   - the checkpoint: a C2SP signed note (c2sp.org/signed-note) whose body
//     is "origin\nsize\nbase64(root)\n" (c2sp.org/tlog-checkpoint), signed
//     with Ed25519 by the log's verifier key "name+keyid+base64(0x01||key)";
//   - the tiles (c2sp.org/tlog-tiles): every level-0 tile, checked against
//     the entry bundles, every higher tile against the tiles below it, and
//     the root recomputed from the leaves (RFC 9162 §2.1.1);
//   - a record's inclusion proof (RFC 9162 §2.1.3.2) against the verified
//     checkpoint, and the entry's text against the record's revision id.
import { get } from './api.js';

const enc = new TextEncoder();
const subtle = globalThis.crypto && globalThis.crypto.subtle;

export class VerifyError extends Error {}

export function b64decode(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
export function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''); }
function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
function concat(...parts) {
  const n = parts.reduce((k, p) => k + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
export async function sha256(bytes) { return new Uint8Array(await subtle.digest('SHA-256', bytes)); }
const LEAF = new Uint8Array([0]), NODE = new Uint8Array([1]);
export const leafHash = (entry) => sha256(concat(LEAF, entry));        // RFC 9162 §2.1.1
export const nodeHash = (l, r) => sha256(concat(NODE, l, r));

/* A signed-note verifier key: "name+hexkeyid+base64(0x01 || 32-byte key)". */
export async function parseVerifierKey(text) {
  // The name holds no '+'; the base64 key may (c2sp.org/signed-note).
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
  if (!m) throw new VerifyError('malformed verifier key');
  const [, name, idhex, b64] = m;
  const raw = b64decode(b64);
  if (raw.length !== 33 || raw[0] !== 1) throw new VerifyError('verifier key is not an Ed25519 key (type 0x01)');
  // key ID = first 4 bytes of SHA-256(name || "\n" || 0x01 || key) (c2sp.org/signed-note)
  const id = (await sha256(concat(enc.encode(name + '\n'), raw))).slice(0, 4);
  if (hex(id) !== idhex) throw new VerifyError('verifier key ID does not match its key');
  return { name, id, pub: raw.slice(1), text: text.trim() };
}

/* Split a signed note into its text (ending in "\n") and signature lines. */
export function parseNote(bytes) {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const cut = text.lastIndexOf('\n\n');
  if (cut < 0) throw new VerifyError('not a signed note: no blank line before the signatures');
  const body = text.slice(0, cut + 1);
  const sigs = [];
  for (const line of text.slice(cut + 2).split('\n')) {
    if (line === '') continue;
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new VerifyError('not a signed note: malformed signature line');
    sigs.push({ name: m[1], sig: b64decode(m[2]) });
  }
  return { body, sigs };
}

let ed25519Checked = null;
/* Does this browser's WebCrypto have Ed25519?  (Chromium does since 137.) */
export function ed25519Supported() {
  if (!ed25519Checked) {
    ed25519Checked = subtle
      ? subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'Ed25519' }, false, ['verify']).then(() => true, () => false)
      : Promise.resolve(false);
  }
  return ed25519Checked;
}

export async function verifyNote(noteText, key) {
  const { body, sigs } = parseNote(noteText);
  const mine = sigs.filter((s) => s.name === key.name && equal(s.sig.slice(0, 4), key.id));
  if (!mine.length) throw new VerifyError(`the checkpoint carries no signature by ${key.name}`);
  if (!(await ed25519Supported())) throw new VerifyError('this browser cannot check Ed25519 signatures (WebCrypto has no Ed25519)');
  const k = await subtle.importKey('raw', key.pub, { name: 'Ed25519' }, false, ['verify']);
  for (const s of mine) {
    if (s.sig.length === 68 && await subtle.verify({ name: 'Ed25519' }, k, s.sig.slice(4), enc.encode(body))) return body;
  }
  throw new VerifyError('the checkpoint signature is invalid');
}

export function parseCheckpoint(body) {
  const lines = body.split('\n');
  if (lines.length < 4 || !/^[0-9]+$/.test(lines[1])) throw new VerifyError('malformed checkpoint');
  const root = b64decode(lines[2]);
  if (root.length !== 32) throw new VerifyError('malformed checkpoint root');
  return { origin: lines[0], size: Number(lines[1]), root, extensions: lines.slice(3, -1) };
}

const PIN = 'parallax.log-key';
/*
 * The log's key, as the server states it.  The first key seen is pinned in
 * localStorage (trust on first use); a different key later is an error the
 * reader must see.
 */
export async function logKey() {
  const info = await get('/api/v1/log');
  const key = await parseVerifierKey(info.key);
  let pinned = null;
  try { pinned = localStorage.getItem(PIN); } catch { /* ignore */ }
  if (pinned && pinned !== key.text) throw new VerifyError(`the log's key changed: this browser first saw ${pinned}, the server now states ${key.text}`);
  if (!pinned) { try { localStorage.setItem(PIN, key.text); } catch { /* ignore */ } }
  return { key, info };
}

let cpPromise = null;
/* The current checkpoint, signature verified.  Cached until refresh. */
export function verifiedCheckpoint(refresh = false) {
  if (!cpPromise || refresh) {
    cpPromise = (async () => {
      const { key } = await logKey();
      const res = await fetch('/log/checkpoint', { cache: 'no-store' });
      if (!res.ok) throw new VerifyError(`could not fetch the checkpoint (HTTP ${res.status})`);
      const body = await verifyNote(await res.text(), key);
      return { ...parseCheckpoint(body), key };
    })();
    cpPromise.catch(() => { cpPromise = null; });
  }
  return cpPromise;
}

/* tlog-tiles paths: N in 3-digit groups, all but the last prefixed 'x'. */
export function tilePath(level, n, width) {
  let s = String(n % 1000).padStart(3, '0');
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) s = 'x' + String(n % 1000).padStart(3, '0') + '/' + s;
  return `tile/${level < 0 ? 'entries' : level}/${s}${width < 256 ? '.p/' + width : ''}`;
}

async function fetchTile(path) {
  const res = await fetch('/log/' + path);
  if (!res.ok) throw new VerifyError(`could not fetch ${path} (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

function splitBundle(bytes, width, path) {
  const out = [];
  let o = 0;
  for (let i = 0; i < width; i++) {
    if (o + 2 > bytes.length) throw new VerifyError(`${path} is cut short: entry ${i} of ${width} is missing`);
    const len = (bytes[o] << 8) | bytes[o + 1];
    if (o + 2 + len > bytes.length) throw new VerifyError(`${path} is cut short inside entry ${i}`);
    out.push(bytes.subarray(o + 2, o + 2 + len));
    o += 2 + len;
  }
  if (o !== bytes.length) throw new VerifyError(`${path} has ${bytes.length - o} bytes after its ${width} entries`);
  return out;
}

/* RFC 9162 §2.1.1 Merkle Tree Hash of hashes[lo, hi). */
async function mth(hashes, lo, hi) {
  if (hi - lo === 1) return hashes[lo];
  let k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return nodeHash(await mth(hashes, lo, lo + k), await mth(hashes, lo + k, hi));
}

/*
 * Verify the whole log against the signed checkpoint.  progress(done, total,
 * what) is called as tiles arrive.  Returns the checkpoint; throws
 * VerifyError with a message naming what failed.
 */
export async function verifyLog(progress = () => {}) {
  const cp = await verifiedCheckpoint(true);
  const size = cp.size;
  if (size === 0) {
    const empty = await sha256(new Uint8Array(0));
    if (!equal(empty, cp.root)) throw new VerifyError('the empty log has the wrong root');
    return cp;
  }
  const tiles0 = Math.ceil(size / 256);
  let levels = 0;
  for (let n = size; n > 0; n = Math.floor(n / 256)) levels++;
  let total = tiles0 * 2, done = 0;
  for (let l = 1, n = Math.floor(size / 256); l < levels; l++, n = Math.floor(n / 256)) total += Math.ceil(n / 256);
  progress(done, total, 'checkpoint');

  let below = [];
  for (let t = 0; t < tiles0; t++) {
    const width = Math.min(256, size - t * 256);
    const tpath = tilePath(0, t, width), epath = tilePath(-1, t, width);
    const tile = await fetchTile(tpath);
    progress(++done, total, tpath);
    if (tile.length !== width * 32) throw new VerifyError(`${tpath} has ${tile.length} bytes, expected ${width * 32}`);
    const entries = splitBundle(await fetchTile(epath), width, epath);
    progress(++done, total, epath);
    for (let i = 0; i < width; i++) {
      const want = tile.subarray(i * 32, i * 32 + 32);
      const got = await leafHash(entries[i]);
      if (!equal(want, got)) {
        throw new VerifyError(`entry ${t * 256 + i} does not match its hash in ${tpath}: ${epath} or ${tpath} was altered`);
      }
      below.push(got);
    }
  }
  const leaves = below;
  // Each higher tile holds the roots of full 256-wide tiles of the level below.
  for (let l = 1, count = Math.floor(size / 256); l < levels; l++, count = Math.floor(count / 256)) {
    const next = [];
    for (let t = 0; t * 256 < count; t++) {
      const width = Math.min(256, count - t * 256);
      const tpath = tilePath(l, t, width);
      const tile = await fetchTile(tpath);
      progress(++done, total, tpath);
      if (tile.length !== width * 32) throw new VerifyError(`${tpath} has ${tile.length} bytes, expected ${width * 32}`);
      for (let i = 0; i < width; i++) {
        const j = (t * 256 + i) * 256;
        const got = await mth(below, j, j + 256);
        if (!equal(tile.subarray(i * 32, i * 32 + 32), got)) throw new VerifyError(`hash ${i} of ${tpath} does not match the tiles below it: ${tpath} was altered`);
        next.push(got);
      }
    }
    below = next;
  }
  const root = await mth(leaves, 0, leaves.length);
  if (!equal(root, cp.root)) {
    throw new VerifyError(`the root computed from the tiles (${hex(root).slice(0, 16)}…) is not the root the checkpoint signs (${hex(cp.root).slice(0, 16)}…): a tile was altered`);
  }
  progress(total, total, 'root');
  return cp;
}

/* RFC 9162 §2.1.3.2: root from a leaf hash and its inclusion proof. */
export async function rootFromInclusion(index, size, leaf, proof) {
  if (index >= size) throw new VerifyError('index is beyond the tree');
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new VerifyError('inclusion proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new VerifyError('inclusion proof is too short');
  return r;
}

/*
 * Check that record rec (as the store returns it) is in the log: its entry
 * hashes to a leaf whose inclusion proof leads to the verified checkpoint's
 * root, and the entry's text is the revision rec.revision names.
 * Returns {index, size}; throws VerifyError, or {pending: true} errors
 * when the checkpoint does not yet cover the entry.
 */
export async function verifyInclusion(rec) {
  let cp = await verifiedCheckpoint();
  if (rec.index >= cp.size) cp = await verifiedCheckpoint(true);
  if (rec.index >= cp.size) { const e = new VerifyError('not yet in the latest checkpoint'); e.pending = true; throw e; }
  const pr = await get(`/api/v1/proof/inclusion?index=${rec.index}&size=${cp.size}`);
  const res = await fetch(`/api/v1/entries/${rec.index}`);
  if (!res.ok) throw new VerifyError(`could not fetch entry ${rec.index}`);
  const entry = new Uint8Array(await res.arrayBuffer());
  const leaf = await leafHash(entry);
  if (!equal(leaf, b64decode(pr.leaf_hash))) throw new VerifyError(`entry ${rec.index} does not hash to the proof's leaf`);
  const root = await rootFromInclusion(rec.index, cp.size, leaf, pr.proof.map(b64decode));
  if (!equal(root, cp.root)) throw new VerifyError(`the inclusion proof of entry ${rec.index} does not lead to the checkpoint's root`);
  // The entry's text (without its final newline) hashes to the revision id.
  const { body } = parseNote(entry);
  const id = rec.kind + '-' + hex(await sha256(enc.encode(body.slice(0, -1))));
  if (rec.revision && id !== rec.revision) throw new VerifyError(`entry ${rec.index} is not revision ${rec.revision}`);
  return { index: rec.index, size: cp.size };
}
