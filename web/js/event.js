// event.js - the event page: the neutral title and the time and place
// bounds, then every account side by side.  Each account keeps its party's
// own words (characterization, narrative) in their language; claims that
// the comparison finds disputed are highlighted in every account that makes
// them; casualty ranges are drawn per party.  Colours go by column
// position, never by side.
import { get, index } from './api.js';
import { h, s, link, interval, clear } from './util.js';
import { t } from './i18n.js';
import { placeName, partyName } from './names.js';
import { badge } from './badge.js';
import { typeLabel } from './pages.js';

const pos = (i) => 'p' + (i % 6);

/* A link to another event, labelled with its neutral title once fetched. */
function eventLink(id) {
  const a = link('/events/' + id, t('event.other'));
  get('/api/v1/records/' + encodeURIComponent(id)).then((r) => { if (r.record && r.record.title) a.textContent = r.record.title; }).catch(() => {});
  return a;
}

export async function eventPage(id) {
  const [data, places, parties, sources] = await Promise.all([
    get('/api/v1/events/' + encodeURIComponent(id)), index('places'), index('parties'), index('sources')]);
  const ev = data.event, r = ev.record;
  const placeOf = (pid) => (data.places && data.places[pid]) || places.get(pid);
  const cmp = (data.comparison && data.comparison.fields) || {};
  const disputed = !!(data.comparison && data.comparison.disputed);
  const accounts = data.accounts || [];
  const posOf = new Map(accounts.map((a, i) => [a.id, i]));
  const ctx = { placeOf, parties, sources, cmp, posOf };

  const casualtyFields = Object.keys(cmp).filter((f) => f.startsWith('casualties.'));
  return h('article', { class: 'event' },
    h('p', { class: 'meta' }, t('kind.event'), ' ', badge(ev)),
    h('h1', null, r.title),
    h('div', { class: 'bounds' },
      h('span', null, h('strong', null, t('event.when')), ' ', interval(r.time)),
      h('span', null, h('strong', null, t('event.where')), ' ', link('/places/' + r.place.place, placeName(placeOf(r.place.place))), ` (${t('precision.' + r.place.precision)})`),
      h('span', null, h('strong', null, t('event.type')), ' ', typeLabel(r.type), r.subtype ? ' · ' + typeLabel(r.subtype) : '')),
    h('p', { class: 'muted small' }, t('event.neutral')),
    disputed ? h('p', null, h('span', { class: 'pill disputed' }, t('event.disputed')), ' ', t('event.disputed.note')) : null,
    compareTable(cmp, accounts, parties),
    casualtyFields.length ? [h('h2', null, t('event.casualties')), h('p', { class: 'muted small' }, t('event.casualties.note')),
      casualtyFields.map((f) => casualtyChart(f, cmp[f], parties, posOf))] : null,
    h('h2', { id: 'accounts' }, t('event.accounts', { n: accounts.length })),
    accounts.length ? h('div', { class: 'accounts' }, accounts.map((a, i) => accountCard(a, i, ctx)))
      : h('p', { class: 'muted' }, t('event.noaccounts')),
    data.relations && data.relations.length ? [h('h2', null, t('event.relations')), h('ul', { class: 'list' }, data.relations.map((rel) => h('li', null,
      // Read as "from <type> to" (docs/MODEL.md, relation).
      rel.record.from === ev.id
        ? [h('em', null, t('event.this')), ' ', t('relation.' + rel.record.type), ' ', eventLink(rel.record.to)]
        : [rel.record.from.startsWith('event-') ? eventLink(rel.record.from) : link('/records/' + rel.record.from, t('kind.' + rel.record.from.split('-')[0])),
          ' ', t('relation.' + rel.record.type), ' ', h('em', null, t('event.this'))],
      h('span', { class: 'meta' }, ' · ', t('event.filedby', { party: partyName(parties.get(rel.owner)) })))))] : null,
    h('p', null, link('/submit?event=' + encodeURIComponent(ev.id), t('event.addaccount'))));
}

const FIELD_ORDER = ['time', 'place', 'type', 'initiators', 'targets', 'characterization'];
function fieldLabel(f) {
  if (f.startsWith('casualties.military.')) return t('claim.casualties.military') + ': ' + f.slice('casualties.military.'.length);
  if (f.startsWith('relations.')) return t('claim.relations');
  return t('claim.' + f);
}

function compareTable(cmp, accounts, parties) {
  const fields = Object.keys(cmp).sort((a, b) => {
    const ia = FIELD_ORDER.indexOf(a), ib = FIELD_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  if (!fields.length) return null;
  return [h('h2', null, t('event.comparison')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'compare-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('compare.field')), h('th', { scope: 'col' }, t('compare.status')), h('th', { scope: 'col' }, t('compare.who')))),
      h('tbody', null, fields.map((f) => {
        const st = cmp[f].status;
        return h('tr', { 'data-field': f },
          h('th', { scope: 'row' }, fieldLabel(f)),
          h('td', { class: st === 'disputed' ? 'disputed' : '' }, h('span', { class: 'pill ' + st }, t('status.cmp.' + st))),
          h('td', null, (cmp[f].values || []).map((v, i) => [i ? ', ' : '', partyName(parties.get(v.owner))])));
      }))))];
}

function fmtFigure(fig) {
  if (!fig) return '';
  const parts = [];
  if (fig.low !== undefined) parts.push(t('fig.low') + ' ' + fig.low);
  if (fig.best !== undefined) parts.push(t('fig.best') + ' ' + fig.best);
  if (fig.high !== undefined) parts.push(t('fig.high') + ' ' + fig.high);
  return parts.join(' · ');
}

/* One category's low–best–high range per party, as inline SVG. */
function casualtyChart(field, entry, parties, posOf) {
  const vals = entry.values || [];
  const rangeOf = (v) => {
    if (v.range) return v.range;
    const f = v.value || {};
    const lo = f.low ?? f.best ?? 0, hi = f.high ?? f.best ?? null;
    return [lo, hi];
  };
  let max = 1;
  for (const v of vals) {
    const [lo, hi] = rangeOf(v);
    max = Math.max(max, hi ?? lo * 1.5, lo, (v.value && v.value.best) || 0);
  }
  max = niceMax(max);
  const narrow = window.matchMedia('(max-width: 40rem)').matches;
  const W = narrow ? 360 : 640, L = narrow ? 120 : 190, R = 30, rowH = 34, top = 10, H = top + vals.length * rowH + 26;
  const cut = narrow ? 16 : 26;
  const x = (n) => L + (Math.min(n, max) / max) * (W - L - R);
  const ticks = [0, 1, 2, 3, 4, 5].map((k) => (k * max) / 5);
  const desc = vals.map((v) => `${partyName(parties.get(v.owner))}: ${fmtFigure(v.value)}`).join('; ');
  return h('figure', { class: 'chart', 'data-field': field },
    h('figcaption', null, h('strong', null, fieldLabel(field)), ' ', h('span', { class: 'pill ' + entry.status }, t('status.cmp.' + entry.status))),
    s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${fieldLabel(field)}: ${desc}` },
      ticks.map((n) => [s('line', { class: 'grid', x1: x(n), x2: x(n), y1: top, y2: H - 20 }), s('text', { x: x(n), y: H - 6, 'text-anchor': 'middle' }, Math.round(n))]),
      vals.map((v, i) => {
        const y = top + i * rowH + rowH / 2;
        const [lo, hi] = rangeOf(v);
        const cls = pos(posOf.get(v.account) ?? i);
        const name = partyName(parties.get(v.owner));
        const f = v.value || {};
        return s('g', { class: cls },
          s('text', { x: 0, y: y + 4 }, name.length > cut ? name.slice(0, cut - 1) + '…' : name, s('title', null, name)),
          s('line', { class: 'range', x1: x(lo), x2: hi === null ? W - R + 10 : Math.max(x(hi), x(lo) + 0.01), y1: y, y2: y }),
          hi === null ? s('text', { x: W - R + 14, y: y + 4 }, '∞') : null,
          f.best !== undefined ? s('circle', { class: 'best', cx: x(f.best), cy: y, r: 6 }) : null,
          s('title', null, `${name}: ${fmtFigure(f)}`));
      })),
    h('ul', { class: 'meta small' }, vals.map((v) => h('li', null, partyName(parties.get(v.owner)), ': ', fmtFigure(v.value)))));
}
function niceMax(n) {
  const p = Math.pow(10, Math.floor(Math.log10(n)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

function sourceList(ids, sources) {
  if (!ids || !ids.length) return null;
  return h('span', { class: 'meta small sources' }, t('account.sources'), ' ', ids.map((sid, i) => {
    const src = sources.get(sid);
    return [i ? '; ' : '', link('/sources/' + sid, src ? src.record.title : sid)];
  }));
}

function actors(a) {
  return (a.actors || []).map((x) => x.name + (x.inter ? ` (${t('inter.' + x.inter)})` : '')).join('; ');
}

function claim(field, label, content, srcIds, ctx) {
  const st = ctx.cmp[field] && ctx.cmp[field].status;
  return h('div', { class: 'claim' + (st === 'disputed' ? ' disputed' : ''), 'data-field': field, 'data-status': st || '' },
    h('span', { class: 'label' }, label, st === 'disputed' ? [' · ', t('event.disputed')] : null),
    h('div', null, content), sourceList(srcIds, ctx.sources));
}

function accountCard(a, i, ctx) {
  const r = a.record, c = r.claims || {};
  const owner = ctx.parties.get(a.owner);
  const filer = a.acting_for && a.filed_by !== a.owner ? ctx.parties.get(a.filed_by) : null;
  const cas = c.casualties;
  const hist = h('details', { class: 'history' }, h('summary', null, t('account.history')));
  hist.addEventListener('toggle', () => { if (hist.open && !hist.dataset.loaded) loadHistory(hist, a, ctx); }, { once: false });
  return h('section', { class: 'account ' + pos(i), id: a.id, 'aria-label': t('account.of', { event: '' }) + partyName(owner), 'data-account': a.id },
    h('h3', null, h('span', { class: 'pos-dot', 'aria-hidden': 'true' }), link('/parties/' + a.owner, partyName(owner))),
    h('p', { class: 'meta small' }, filer ? t('account.filedfor', { filer: partyName(filer) }) : null, filer ? ' · ' : null,
      t('account.filedat', { date: a.filed_at.slice(0, 10) }), a.withdrawn ? [' · ', h('strong', null, t('account.withdrawn'))] : null, ' ', badge(a)),
    c.characterization ? claim('characterization', t('claim.characterization') + ` (${c.characterization.lang})`,
      h('blockquote', { lang: c.characterization.lang }, c.characterization.text), c.characterization.sources, ctx) : null,
    h('div', { class: 'claim' }, h('span', { class: 'label' }, t('account.narrative') + ` (${r.narrative.lang})`),
      h('div', { class: 'narrative', lang: r.narrative.lang }, r.narrative.text)),
    (r.translations || []).map((tr) => h('details', null, h('summary', null, t('account.translation', { lang: tr.lang })),
      h('div', { class: 'narrative', lang: tr.lang }, tr.text), tr.translated_by ? h('p', { class: 'meta small' }, t('account.translatedby', { who: tr.translated_by })) : null)),
    c.time ? claim('time', t('claim.time'), interval(c.time), c.time.sources, ctx) : null,
    c.place ? claim('place', t('claim.place'), [link('/places/' + c.place.place, placeName(ctx.placeOf(c.place.place))), ` (${t('precision.' + c.place.precision)})`], c.place.sources, ctx) : null,
    c.type ? claim('type', t('claim.type'), typeLabel(c.type.type) + (c.type.subtype ? ' · ' + typeLabel(c.type.subtype) : ''), c.type.sources, ctx) : null,
    c.initiators ? claim('initiators', t('claim.initiators'), actors(c.initiators), c.initiators.sources, ctx) : null,
    c.targets ? claim('targets', t('claim.targets'), actors(c.targets), c.targets.sources, ctx) : null,
    cas && cas.civilians ? claim('casualties.civilians', t('claim.casualties.civilians'), fmtFigure(cas.civilians), null, ctx) : null,
    cas && cas.military ? cas.military.map((m) => claim('casualties.military.' + m.side, t('claim.casualties.military') + ': ' + m.side, fmtFigure(m), null, ctx)) : null,
    cas && cas.unknown ? claim('casualties.unknown', t('claim.casualties.unknown'), fmtFigure(cas.unknown), null, ctx) : null,
    cas && cas.sources ? sourceList(cas.sources, ctx.sources) : null,
    c.relations ? claim('relations', t('claim.relations'), c.relations.map((rel, k) => [k ? '; ' : '', t('relation.' + rel.type), ' ', eventLink(rel.event)]), null, ctx) : null,
    r.sources ? h('div', { class: 'claim' }, h('span', { class: 'label' }, t('account.sources.all')), sourceList(r.sources, ctx.sources)) : null,
    r.comment ? h('p', { class: 'meta small' }, r.comment) : null,
    hist);
}

async function loadHistory(el, a, ctx) {
  el.dataset.loaded = '1';
  const box = h('div', null, t('loading'));
  el.append(box);
  try {
    const full = await get(`/api/v1/records/${encodeURIComponent(a.id)}?history=1`);
    clear(box).append(h('ol', { class: 'small' }, (full.history || []).map((rev) => h('li', null,
      h('span', { class: 'mono' }, `#${rev.index}`), ' ', rev.filed_at, ' · ', partyName(ctx.parties.get(rev.filed_by)),
      rev.acting_for ? ' → ' + partyName(ctx.parties.get(rev.acting_for)) : '',
      rev.withdrawn ? [' · ', h('strong', null, t('account.withdrawn'))] : null,
      rev.record && rev.record.comment ? h('div', { class: 'meta' }, rev.record.comment) : null,
      rev.record && rev.record.withdrawal ? h('div', { class: 'meta' }, rev.record.withdrawal.reason) : null))));
  } catch (e) {
    clear(box).append(h('p', { class: 'form-error' }, e.message));
  }
}
