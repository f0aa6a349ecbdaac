// pages.js - the reading pages: timeline (home), search, places and place,
// parties and party, person, source, and a generic record page that sends
// each id to its kind's page.
import { get, all, index, qs } from './api.js';
import { h, s, link, marked, interval, clear } from './util.js';
import { t } from './i18n.js';
import { placeName, placeText, partyName, personName } from './names.js';
import { badge } from './badge.js';
import { drawMap } from './map.js';

export const EVENT_TYPES = {
  'battle': ['armed-clash', 'government-regains-territory', 'non-state-actor-overtakes-territory'],
  'explosion-remote-violence': ['chemical-weapon', 'air-drone-strike', 'suicide-bomb', 'shelling-artillery-missile-attack', 'remote-explosive-landmine-ied', 'grenade'],
  'violence-against-civilians': ['sexual-violence', 'attack', 'abduction-forced-disappearance'],
  'protest': ['peaceful-protest', 'protest-with-intervention', 'excessive-force-against-protesters'],
  'riot': ['violent-demonstration', 'mob-violence'],
  'strategic-development': ['agreement', 'arrests', 'change-to-group-activity', 'disrupted-weapons-use', 'headquarters-or-base-established', 'looting-property-destruction', 'non-violent-transfer-of-territory', 'other'],
};
export const typeLabel = (code) => t('type.' + code) !== 'type.' + code ? t('type.' + code) : code;

function params() { return new URLSearchParams(location.search); }
function go(path, p) { window.parallax.navigate(path + qs(Object.fromEntries(p)), true); }

function select(id, label, options, value) {
  return h('label', { for: id }, label,
    h('select', { id, name: id }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l))));
}

function placeOptions(places) {
  return [['', t('filter.any')]].concat([...places.values()].map((p) => [p.id, placeText(p, 2)]).sort((a, b) => a[1].localeCompare(b[1])));
}
function partyOptions(parties) {
  return [['', t('filter.any')]].concat([...parties.values()].map((p) => [p.id, partyName(p)]).sort((a, b) => a[1].localeCompare(b[1])));
}
const typeOptions = () => [['', t('filter.any')]].concat(Object.keys(EVENT_TYPES).map((k) => [k, typeLabel(k)]));

let disputedIds = null;
/* Events with a disputed field carry .disputed (from /events?disputed=1). */
export async function markDisputed(records) {
  if (!disputedIds) disputedIds = all('/api/v1/events', { disputed: true }).then((l) => new Set(l.map((e) => e.id)));
  let set;
  try { set = await disputedIds; } catch (e) { disputedIds = null; throw e; }
  for (const r of records) if (r.kind === 'event' && r.disputed === undefined) r.disputed = set.has(r.id);
  return records;
}
export function forgetDisputed() { disputedIds = null; }

export function disputedPill(rec) {
  return rec.disputed ? h('span', { class: 'pill disputed' }, t('event.disputed')) : null;
}

export function eventLine(ev, places) {
  const r = ev.record;
  return h('li', null,
    h('div', null, link('/events/' + ev.id, r.title), ' ', disputedPill(ev)),
    h('div', { class: 'meta' }, interval(r.time), ' · ', placeName(places.get(r.place.place)), ' · ', typeLabel(r.type)));
}

/* ---------------------------------------------------------------- timeline */

export async function timelinePage() {
  const p = params();
  const [places, parties] = await Promise.all([index('places'), index('parties')]);
  const filt = { place: p.get('place') || '', party: p.get('party') || '', type: p.get('type') || '', disputed: p.get('disputed') === '1' };
  const events = await all('/api/v1/events', { place: filt.place, party: filt.party, type: filt.type, disputed: filt.disputed });
  await markDisputed(events);
  const lanes = p.get('lanes') === '1';

  const years = events.map((e) => e.record.time);
  let from = p.get('from') || (years.length ? years.reduce((m, x) => (x.start < m ? x.start : m), '9999').slice(0, 4) + '-01-01' : '2016-01-01');
  let to = p.get('to') || (years.length ? years.reduce((m, x) => (x.end > m ? x.end : m), '0000').slice(0, 4) + '-12-31' : '2024-12-31');

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('timeline.filters') },
    select('f-place', t('filter.place'), placeOptions(places), filt.place),
    select('f-party', t('filter.party'), partyOptions(parties), filt.party),
    select('f-type', t('filter.type'), typeOptions(), filt.type),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'f-disputed', checked: filt.disputed }), t('filter.disputed')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'f-lanes', checked: lanes }), t('timeline.lanes')));
  form.addEventListener('change', () => {
    const q = new URLSearchParams(location.search);
    const set = (k, v) => (v ? q.set(k, v) : q.delete(k));
    set('place', form.querySelector('#f-place').value);
    set('party', form.querySelector('#f-party').value);
    set('type', form.querySelector('#f-type').value);
    set('disputed', form.querySelector('#f-disputed').checked ? '1' : '');
    set('lanes', form.querySelector('#f-lanes').checked ? '1' : '');
    go('/', q);
  });

  const day = (d) => Date.parse(d + 'T00:00:00Z') / 86400000;
  const zoom = (factor, shift = 0) => {
    const a = day(from), b = day(to), mid = (a + b) / 2 + shift * (b - a), half = Math.max(15, ((b - a) / 2) * factor);
    const iso = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
    const q = new URLSearchParams(location.search);
    q.set('from', iso(mid - half)); q.set('to', iso(mid + half));
    go('/', q);
  };
  const resetZoom = () => { const q = new URLSearchParams(location.search); q.delete('from'); q.delete('to'); go('/', q); };
  const controls = h('div', { class: 'tl-controls' },
    h('button', { type: 'button', class: 'secondary', onclick: () => zoom(0.5), 'aria-label': t('timeline.zoomin') }, '+'),
    h('button', { type: 'button', class: 'secondary', onclick: () => zoom(2), 'aria-label': t('timeline.zoomout') }, '−'),
    h('button', { type: 'button', class: 'secondary', onclick: () => zoom(1, -0.5), 'aria-label': t('timeline.earlier') }, '←'),
    h('button', { type: 'button', class: 'secondary', onclick: () => zoom(1, 0.5), 'aria-label': t('timeline.later') }, '→'),
    h('button', { type: 'button', class: 'secondary', onclick: resetZoom }, t('timeline.all')),
    h('span', { class: 'meta' }, `${from} – ${to}`));

  let accounts = [];
  if (lanes) accounts = await all('/api/v1/accounts', { party: filt.party });
  const chart = h('div', { class: 'timeline' }, timelineSvg(events, accounts, parties, day(from), day(to) + 1, lanes));

  const shown = events.filter((e) => day(e.record.time.end) + 1 >= day(from) && day(e.record.time.start) <= day(to));
  const byYear = new Map();
  for (const e of shown) {
    const y = e.record.time.start.slice(0, 4);
    if (!byYear.has(y)) byYear.set(y, []);
    byYear.get(y).push(e);
  }
  return h('div', null,
    h('h1', null, t('timeline.title')),
    h('p', { class: 'muted' }, t('timeline.intro')),
    form, controls, chart,
    h('div', { class: 'legend' }, h('span', null, h('span', { class: 'sw' }), t('timeline.event')), h('span', null, h('span', { class: 'sw disputed' }), t('event.disputed'))),
    h('p', { class: 'meta' }, t('timeline.count', { n: shown.length })),
    h('div', { class: 'events-by-year' }, [...byYear].map(([y, list]) => [h('h2', null, y), h('ul', { class: 'list' }, list.map((e) => eventLine(e, places)))])));
}

function timelineSvg(events, accounts, parties, a, b, lanes) {
  const W = 1000, axisH = 28, rowH = 22, left = lanes ? 190 : 10, right = 10;
  const x = (d) => left + ((d - a) / (b - a)) * (W - left - right);
  const day = (d) => Date.parse(d + 'T00:00:00Z') / 86400000;
  const visible = events.filter((e) => day(e.record.time.end) + 1 >= a && day(e.record.time.start) <= b);
  // Stack marks in rows so overlapping events stay clickable.
  const rows = [];
  const place = (e) => {
    const x0 = x(Math.max(a, day(e.record.time.start))), x1 = Math.max(x0 + 10, x(Math.min(b, day(e.record.time.end) + 1)));
    let r = rows.findIndex((end) => end < x0 - 2);
    if (r < 0) { r = rows.length; rows.push(0); }
    rows[r] = x1;
    return { x0, x1, r };
  };
  const laid = visible.map((e) => ({ e, ...place(e) }));
  const evH = Math.max(1, rows.length) * rowH;
  const laneParties = [];
  if (lanes) {
    const seen = new Map();
    for (const ac of accounts) if (!seen.has(ac.owner)) seen.set(ac.owner, []);
    for (const ac of accounts) seen.get(ac.owner).push(ac);
    for (const [pid, list] of seen) laneParties.push([pid, list]);
    laneParties.sort((p, q) => partyName(parties.get(p[0])).localeCompare(partyName(parties.get(q[0]))));
  }
  const H = axisH + evH + 8 + laneParties.length * rowH + 4;
  const ticks = [];
  const y0 = new Date(a * 86400000).getUTCFullYear(), y1 = new Date(b * 86400000).getUTCFullYear();
  const span = b - a;
  for (let y = y0; y <= y1 + 1; y++) {
    const months = span < 800 ? (span < 200 ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : [0, 3, 6, 9]) : [0];
    for (const m of months) {
      const d = Date.UTC(y, m, 1) / 86400000;
      if (d >= a && d <= b && x(d) < W - 40) ticks.push([d, m === 0 ? String(y) : `${y}-${String(m + 1).padStart(2, '0')}`]);
    }
  }
  const evById = new Map(events.map((e) => [e.id, e]));
  const mark = (e, x0, x1, y, extra = '') => s('a', { href: '/events/' + e.id, 'data-nav': 'true', 'aria-label': `${e.record.title} (${interval(e.record.time)})${e.disputed ? ', ' + t('event.disputed') : ''}${extra}` },
    s('title', null, `${e.record.title} — ${interval(e.record.time)}`),
    x1 - x0 > 12 ? s('rect', { class: 'mark' + (e.disputed ? ' disputed' : ''), x: x0, y: y + 4, width: x1 - x0, height: rowH - 8, rx: 4 })
      : s('circle', { class: 'mark' + (e.disputed ? ' disputed' : ''), cx: (x0 + x1) / 2, cy: y + rowH / 2, r: 6 }));
  return s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-label': t('timeline.chart') },
    s('g', { class: 'axis' }, ticks.map(([d, label]) => [s('line', { x1: x(d), x2: x(d), y1: axisH - 6, y2: H }), s('text', { x: x(d) + 3, y: axisH - 10 }, label)])),
    laid.map(({ e, x0, x1, r }) => mark(e, x0, x1, axisH + r * rowH)),
    laneParties.map(([pid, list], i) => {
      const y = axisH + evH + 8 + i * rowH;
      return s('g', null,
        s('line', { class: 'lane', x1: 0, x2: W, y1: y, y2: y }),
        s('text', { class: 'lane-label', x: 4, y: y + 15 }, (() => { const n = partyName(parties.get(pid)); return n.length > 28 ? n.slice(0, 27) + '…' : n; })(), s('title', null, partyName(parties.get(pid)))),
        list.map((ac) => {
          const e = evById.get(ac.record.event);
          if (!e || day(e.record.time.end) + 1 < a || day(e.record.time.start) > b) return null;
          const x0 = x(Math.max(a, day(e.record.time.start))), x1 = Math.max(x0 + 10, x(Math.min(b, day(e.record.time.end) + 1)));
          return mark(e, x0, x1, y, ' — ' + partyName(parties.get(pid)));
        }));
    }));
}

/* ---------------------------------------------------------------- search */

export async function searchPage() {
  const p = params();
  const q = p.get('q') || '';
  const kind = p.get('kind') || '';
  const disputed = p.get('disputed') === '1';
  const from = p.get('from') || '', to = p.get('to') || '';
  const input = h('input', { type: 'search', id: 'q', name: 'q', value: q, autocomplete: 'off', size: 30 });
  const kinds = ['', 'event', 'account', 'place', 'party', 'person', 'source'];
  const form = h('form', { class: 'filters', role: 'search' },
    h('label', { for: 'q' }, t('search.label'), input),
    select('s-kind', t('search.kind'), kinds.map((k) => [k, k ? t('kind.' + k) : t('filter.any')]), kind),
    h('label', { for: 's-from' }, t('filter.from'), h('input', { type: 'date', id: 's-from', value: from })),
    h('label', { for: 's-to' }, t('filter.to'), h('input', { type: 'date', id: 's-to', value: to })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 's-disputed', checked: disputed }), t('filter.disputed')),
    h('button', { type: 'submit' }, t('search.go')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = new URLSearchParams();
    const v = (id) => form.querySelector(id).value;
    if (v('#q')) n.set('q', v('#q'));
    if (v('#s-kind')) n.set('kind', v('#s-kind'));
    if (v('#s-from')) n.set('from', v('#s-from'));
    if (v('#s-to')) n.set('to', v('#s-to'));
    if (form.querySelector('#s-disputed').checked) n.set('disputed', '1');
    window.parallax.navigate('/search' + qs(Object.fromEntries(n)));
  });
  const out = h('div', { id: 'results' });
  if (q) {
    const [res, places] = await Promise.all([get('/api/v1/search' + qs({ q, kind, from, to, disputed, limit: 100 })), index('places')]);
    await markDisputed(res.items);
    out.append(h('p', { class: 'meta', role: 'status' }, t('search.count', { n: res.items.length, q })),
      h('ul', { class: 'list' }, res.items.map((r) => searchItem(r, places))));
  }
  return h('div', null, h('h1', null, t('search.title')), h('p', { class: 'muted' }, t('search.intro')), form, out);
}

function recordHref(r) {
  switch (r.kind) {
    case 'event': return '/events/' + r.id;
    case 'account': return '/events/' + r.record.event + '#' + r.id;
    case 'place': return '/places/' + r.id;
    case 'party': return '/parties/' + r.id;
    case 'person': return '/persons/' + r.id;
    case 'source': return '/sources/' + r.id;
    default: return '/records/' + r.id;
  }
}
export function recordTitle(r, places) {
  const x = r.record;
  switch (r.kind) {
    case 'event': return x.title;
    case 'place': return placeText(r, 4);
    case 'party': return x.name;
    case 'person': return personName(r);
    case 'source': return x.title;
    case 'account': return t('account.of', { event: '' }) + (x.narrative ? x.narrative.text.slice(0, 80) + '…' : '');
    default: return r.id;
  }
}

function searchItem(r, places) {
  return h('li', { class: 'search-item' },
    h('div', null, h('span', { class: 'pill' }, t('kind.' + r.kind)), ' ', link(recordHref(r), recordTitle(r, places)), ' ', disputedPill(r)),
    r.kind === 'event' ? h('div', { class: 'meta' }, interval(r.record.time), ' · ', placeName(places.get(r.record.place.place))) : null,
    r.snippet ? h('div', { class: 'snippet' }, marked(r.snippet)) : null,
    r.match ? h('div', { class: 'meta small' }, t('search.match', { field: r.match })) : null);
}

/* ---------------------------------------------------------------- places */

export async function placesPage() {
  const places = await index('places');
  const list = [...places.values()].sort((a, b) => placeText(a).localeCompare(placeText(b)));
  return h('div', null, h('h1', null, t('places.title')), h('p', { class: 'muted' }, t('places.intro')),
    h('ul', { class: 'list' }, list.map((p) => h('li', null, link('/places/' + p.id, placeName(p, { max: 4 })), ' ', h('span', { class: 'pill' }, t('placetype.' + p.record.type))))));
}

export async function placePage(id) {
  const [data, places] = await Promise.all([get('/api/v1/places/' + encodeURIComponent(id)), index('places')]);
  const p = data.place, r = p.record;
  const c = r.coordinates;
  const lat = c ? c.lat / 1e6 : null, lon = c ? c.lon / 1e6 : null;
  const mapBox = h('figure', { class: 'map' });
  drawMap(lat, lon, placeText(p, 2)).then((svg) => mapBox.append(svg,
    h('figcaption', { class: 'meta small' }, c ? `${lat.toFixed(4)}°, ${lon.toFixed(4)}° · ` : t('place.nocoords') + ' · ', t('map.credit'))))
    .catch(() => mapBox.append(h('p', { class: 'meta' }, t('map.failed'))));
  const parent = r.parent ? places.get(r.parent) : null;
  if (data.events) await markDisputed(data.events);
  return h('div', null,
    h('h1', null, placeName(p, { max: 4 })),
    h('p', { class: 'meta' }, t('placetype.' + r.type), parent ? [' · ', t('place.in'), ' ', link('/places/' + parent.id, placeName(parent))] : null, ' ', badge(p)),
    h('h2', null, t('place.names')),
    h('p', { class: 'muted small' }, t('place.names.note')),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, t('place.name')), h('th', null, t('place.lang')), h('th', null, t('place.script')), h('th', null, t('place.usedby')))),
      h('tbody', null, (r.names || []).map((n) => h('tr', null, h('td', { lang: n.lang }, n.name), h('td', null, n.lang), h('td', null, n.script || ''), h('td', null, (n.used_by || []).join('; '))))))),
    r.comment ? h('p', { class: 'meta small' }, r.comment) : null,
    h('h2', null, t('place.map')), mapBox,
    data.children && data.children.length ? [h('h2', null, t('place.within')), h('ul', { class: 'list' }, data.children.map((ch) => h('li', null, link('/places/' + ch.id, placeName(ch)))))] : null,
    h('h2', null, t('place.events')),
    data.events && data.events.length ? h('ul', { class: 'list' }, data.events.map((e) => eventLine(e, places))) : h('p', { class: 'muted' }, t('place.noevents')));
}

/* ---------------------------------------------------------------- parties */

export async function partiesPage() {
  const parties = await index('parties');
  const list = [...parties.values()].sort((a, b) => partyName(a).localeCompare(partyName(b)));
  return h('div', null, h('h1', null, t('parties.title')), h('p', { class: 'muted' }, t('parties.intro')),
    h('ul', { class: 'list' }, list.map((p) => h('li', null, link('/parties/' + p.id, partyName(p)), ' ', h('span', { class: 'pill' }, t('partytype.' + p.record.type)),
      p.record.affiliation ? h('div', { class: 'meta' }, p.record.affiliation) : null))));
}

export async function partyPage(id) {
  const [data, events] = await Promise.all([get('/api/v1/parties/' + encodeURIComponent(id)), all('/api/v1/events')]);
  const p = data.party, r = p.record;
  const evs = new Map(events.map((e) => [e.id, e]));
  return h('div', null,
    h('h1', null, r.name), h('p', { class: 'meta' }, t('partytype.' + r.type), ' ', badge(p)),
    r.names ? h('p', null, r.names.map((n, i) => [i ? ' · ' : '', h('span', { lang: n.lang }, n.name), h('span', { class: 'meta' }, ` (${n.lang})`)])) : null,
    h('dl', { class: 'kv' },
      r.affiliation ? [h('dt', null, t('party.affiliation')), h('dd', null, r.affiliation)] : null,
      r.url ? [h('dt', null, t('party.url')), h('dd', null, h('a', { href: r.url, rel: 'noopener noreferrer' }, r.url))] : null,
      [h('dt', null, t('party.key')), h('dd', null, h('code', null, r.key))]),
    r.description ? h('p', null, r.description) : null,
    h('h2', null, t('party.accounts')),
    data.accounts.length ? h('ul', { class: 'list' }, data.accounts.map((a) => {
      const e = evs.get(a.record.event);
      return h('li', null, link('/events/' + a.record.event + '#' + a.id, e ? e.record.title : a.record.event), e ? h('div', { class: 'meta' }, interval(e.record.time)) : null,
        a.record.claims && a.record.claims.characterization ? h('div', null, '“', h('span', { lang: a.record.claims.characterization.lang }, a.record.claims.characterization.text), '”') : null);
    })) : h('p', { class: 'muted' }, t('party.noaccounts')));
}

/* ---------------------------------------------------------------- person, source */

export async function personPage(id) {
  const [p, places] = await Promise.all([get('/api/v1/records/' + encodeURIComponent(id)), index('places')]);
  const r = p.record;
  return h('div', null, h('h1', null, personName(p)), h('p', { class: 'meta' }, t('kind.person'), ' ', badge(p)),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, t('place.name')), h('th', null, t('place.script')), h('th', null, t('place.lang')), h('th', null, t('place.usedby')))),
      h('tbody', null, r.names.map((n) => h('tr', null, h('td', { lang: n.lang }, n.name), h('td', null, n.script), h('td', null, n.lang || ''), h('td', null, (n.used_by || []).join('; '))))))),
    h('dl', { class: 'kv' },
      r.birth_year ? [h('dt', null, t('person.born')), h('dd', null, r.birth_year)] : null,
      r.origin ? [h('dt', null, t('person.origin')), h('dd', null, link('/places/' + r.origin, placeName(places.get(r.origin))))] : null),
    r.status ? [h('h2', null, t('person.status')), h('ul', { class: 'list' }, r.status.map((st) => h('li', null,
      h('strong', null, t('status.' + st.status)), ' ', t('person.since', { date: st.since }),
      st.place ? [' · ', link('/places/' + st.place, placeName(places.get(st.place)))] : null,
      st.event ? [' · ', link('/events/' + st.event, t('person.event'))] : null)))] : null,
    r.comment ? h('p', { class: 'meta' }, r.comment) : null);
}

export async function sourcePage(id) {
  const sr = await get('/api/v1/records/' + encodeURIComponent(id));
  const r = sr.record;
  const row = (k, v) => (v ? [h('dt', null, t(k)), h('dd', null, v)] : null);
  return h('div', null, h('h1', null, r.title), h('p', { class: 'meta' }, t('kind.source'), ' · ', r.type, ' ', badge(sr)),
    h('dl', { class: 'kv' }, row('source.author', r.author), row('source.outlet', r.outlet), row('source.published', r.published), row('source.lang', r.lang),
      row('source.url', r.url ? h('a', { href: r.url, rel: 'noopener noreferrer' }, r.url) : null), row('source.scale', r.scale)),
    r.comment ? h('p', { class: 'meta' }, r.comment) : null);
}

export async function recordPage(id) {
  const r = await get('/api/v1/records/' + encodeURIComponent(id));
  const href = recordHref(r);
  if (!href.startsWith('/records/')) { window.parallax.navigate(href, true); return h('p', null, '…'); }
  return h('div', null, h('h1', null, r.id), h('p', null, badge(r)), h('pre', null, JSON.stringify(r.record, null, 2)));
}

/* The data the UI ships and where it comes from (web/ATTRIBUTION.md). */
export async function attributionPage() {
  const res = await fetch('/ATTRIBUTION.md');
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return h('div', null, h('h1', null, t('footer.attribution')), h('pre', { class: 'attribution' }, await res.text()));
}

export { clear };
