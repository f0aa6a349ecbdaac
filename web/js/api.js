// api.js - the HTTP API v1 as the UI uses it: JSON reads, writes with the
// session's CSRF token, errors as {code, message, field}, and caches of the
// small lists (parties, places, sources) that pages resolve ids against.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'internal';
    this.field = e.field || null;
  }
}

let session = { user: null, csrf: null };
export function currentSession() { return session; }

async function request(method, path, body, headers = {}) {
  const opts = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (method !== 'GET' && session.csrf) opts.headers['X-CSRF-Token'] = session.csrf;
  if (body !== undefined) {
    if (typeof body === 'string') { opts.body = body; opts.headers['Content-Type'] = 'text/plain; charset=utf-8'; }
    else { opts.body = JSON.stringify(body); opts.headers['Content-Type'] = 'application/json'; }
  }
  const res = await fetch(path, opts);
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const del = (path) => request('DELETE', path);

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) u.set(k, v === true ? '1' : v);
  const s = u.toString();
  return s ? '?' + s : '';
}

/* Every page of a list (the demo lists are small; limit 1000 per page). */
export async function all(path, params = {}) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 50; i++) {
    const r = await get(path + qs({ ...params, limit: 1000, cursor }));
    items.push(...r.items);
    if (!r.next) break;
    cursor = r.next;
  }
  return items;
}

const caches = {};
/* Map id -> record for a kind's list endpoint ('parties', 'places', 'sources', 'persons'). */
export async function index(kind, refresh = false) {
  if (!caches[kind] || refresh) {
    caches[kind] = all('/api/v1/' + kind).then((items) => new Map(items.map((r) => [r.id, r])));
  }
  try { return await caches[kind]; } catch (e) { delete caches[kind]; throw e; }
}
export function forget(kind) { delete caches[kind]; }

export async function loadSession() {
  try { session = await get('/api/v1/session'); } catch { session = { user: null, csrf: null }; }
  if (!session) session = { user: null, csrf: null };
  return session;
}
export async function login(username, password) {
  session = await post('/api/v1/session', { username, password });
  return session;
}
export async function logout() {
  try { await del('/api/v1/session'); } finally { session = { user: null, csrf: null }; }
}
