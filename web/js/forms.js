// forms.js - logging in and filing records.  The forms send exactly what
// the reader typed; the server validates (docs/MODEL.md), and its error is
// shown at the field it names (error.field, a JSON path such as
// "claims.casualties.civilians.low"), with the message and focus there.
import { post, index, forget, currentSession, login, logout, all, ApiError } from './api.js';
import { h, link, clear } from './util.js';
import { t } from './i18n.js';
import { placeText, partyName } from './names.js';
import { EVENT_TYPES, typeLabel, forgetDisputed } from './pages.js';

export async function loginPage() {
  const { user } = currentSession();
  if (user) {
    const out = h('button', { type: 'button', onclick: async () => { await logout(); window.parallax.showSession(); window.parallax.navigate('/login', true); } }, t('login.out'));
    const parties = await index('parties');
    return h('div', null, h('h1', null, t('login.as', { user: user.username })),
      h('p', null, t('login.role', { role: t('role.' + user.role) }), user.party ? [' · ', link('/parties/' + user.party, partyName(parties.get(user.party)))] : null),
      h('p', null, link('/submit', t('nav.submit'))), out);
  }
  const err = h('p', { class: 'form-error', role: 'alert', id: 'login-error' });
  const form = h('form', { class: 'card', novalidate: true },
    h('label', { class: 'block', for: 'username' }, t('login.username')),
    h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    h('label', { class: 'block', for: 'password' }, t('login.password')),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('p', null, h('button', { type: 'submit' }, t('login.submit'))), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      await login(form.username.value, form.password.value);
      window.parallax.showSession();
      window.parallax.navigate(new URLSearchParams(location.search).get('next') || '/submit');
    } catch (e) {
      err.textContent = e.code === 'unauthorized' ? t('login.failed') : e.message;
    }
  });
  return h('div', null, h('h1', null, t('login.title')), h('p', { class: 'muted' }, t('login.intro')), form);
}

/* An input with its label and a slot for the server's error about it. */
function field(path, label, input, hint) {
  const id = 'f-' + path.replace(/[^a-z0-9]+/gi, '-');
  input.id = id;
  input.dataset.field = path;
  const errId = id + '-err';
  input.setAttribute('aria-describedby', errId);
  return h('div', { class: 'field' }, h('label', { class: 'block', for: id }, label),
    hint ? h('div', { class: 'meta small' }, hint) : null, input, h('p', { class: 'field-error', id: errId, role: 'alert', hidden: true }));
}
const num = () => h('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', size: 8 });
const opts = (list, value) => list.map(([v, l]) => h('option', { value: v, selected: v === value }, l));

function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error')) { e.textContent = ''; e.hidden = true; }
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  const g = form.querySelector('.form-error');
  if (g) g.textContent = '';
}

/* Show an ApiError at the input whose data-field is the error's path (or its nearest ancestor path). */
export function showError(form, e) {
  const parent = (p) => { const m = /^(.*?)(\.[^.[\]]+|\[\d+\])$/.exec(p); return m ? m[1] : ''; };
  let path = e.field || '';
  let input = null;
  while (path && !input) {
    input = [...form.querySelectorAll('[data-field]')].find((el) => el.dataset.field === path);
    if (!input) path = parent(path);
  }
  const msg = e.message || String(e);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const slot = document.getElementById(input.getAttribute('aria-describedby'));
    slot.textContent = msg;
    slot.hidden = false;
    input.focus();
  } else {
    const g = form.querySelector('.form-error');
    g.textContent = e.code === 'unauthorized' ? t('submit.needlogin') : msg;
    g.focus();
  }
}

function figure(prefix, form) {
  const f = {};
  for (const k of ['low', 'best', 'high']) {
    const v = form.querySelector(`[data-field="${prefix}.${k}"]`).value.trim();
    if (v !== '') f[k] = Number(v);
  }
  return Object.keys(f).length ? f : null;
}
const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);

export async function submitPage() {
  const { user } = currentSession();
  if (!user) {
    return h('div', null, h('h1', null, t('submit.title')), h('p', null, t('submit.needlogin'), ' ', link('/login?next=/submit', t('nav.login'))));
  }
  const [places, parties, sources, events] = await Promise.all([index('places'), index('parties'), index('sources'), all('/api/v1/events')]);
  const pre = new URLSearchParams(location.search).get('event') || '';
  const placeOpts = [...places.values()].map((p) => [p.id, placeText(p, 2)]).sort((a, b) => a[1].localeCompare(b[1]));
  const partyOpts = [...parties.values()].map((p) => [p.id, partyName(p)]).sort((a, b) => a[1].localeCompare(b[1]));
  const eventOpts = events.map((e) => [e.id, `${e.record.time.start} · ${e.record.title}`]);
  const srcOpts = [...sources.values()].map((s) => [s.id, s.record.title]);
  const precOpts = ['day', 'week', 'month', 'year'].map((p) => [p, t('precision.' + p)]);
  const wherePrec = ['exact', 'near', 'district', 'region', 'country'].map((p) => [p, t('precision.' + p)]);
  const editor = user.role === 'editor' || user.role === 'admin';
  const actingFor = () => editor ? field('acting_for', t('submit.actingfor'), h('select', null, opts([['', '—']].concat(partyOpts)))) : null;

  // ---- account form
  const af = h('form', { id: 'account-form', class: 'card', novalidate: true, 'aria-labelledby': 'account-h' },
    h('h2', { id: 'account-h' }, t('submit.account')),
    h('p', { class: 'meta' }, user.party ? t('submit.asparty', { party: partyName(parties.get(user.party)) }) : null),
    h('p', { class: 'form-error', role: 'alert', tabindex: '-1' }),
    actingFor(),
    field('event', t('submit.event'), h('select', null, opts([['', '—']].concat(eventOpts), pre))),
    field('narrative.text', t('account.narrative'), h('textarea', { rows: 5 })),
    field('narrative.lang', t('submit.lang'), h('input', { value: 'en', size: 8 }), t('submit.lang.hint')),
    h('fieldset', null, h('legend', null, t('claim.characterization')),
      field('claims.characterization.text', t('submit.ownwords'), h('input', { size: 40 })),
      field('claims.characterization.lang', t('submit.lang'), h('input', { value: 'en', size: 8 }))),
    h('fieldset', null, h('legend', null, t('claim.time')), h('div', { class: 'row' },
      field('claims.time.start', t('submit.start'), h('input', { type: 'date' })),
      field('claims.time.end', t('submit.end'), h('input', { type: 'date' })),
      field('claims.time.precision', t('submit.precision'), h('select', null, opts(precOpts, 'day'))))),
    h('fieldset', null, h('legend', null, t('claim.initiators') + ' / ' + t('claim.targets')),
      field('claims.initiators', t('claim.initiators'), h('textarea', { rows: 2 }), t('submit.oneperline')),
      field('claims.targets', t('claim.targets'), h('textarea', { rows: 2 }), t('submit.oneperline'))),
    h('fieldset', null, h('legend', null, t('claim.casualties.civilians')), h('div', { class: 'row' },
      field('claims.casualties.civilians.low', t('fig.low'), num()),
      field('claims.casualties.civilians.best', t('fig.best'), num()),
      field('claims.casualties.civilians.high', t('fig.high'), num()))),
    h('fieldset', null, h('legend', null, t('claim.casualties.military')),
      field('claims.casualties.military[0].side', t('submit.side'), h('input', { size: 30 })),
      h('div', { class: 'row' },
        field('claims.casualties.military[0].low', t('fig.low'), num()),
        field('claims.casualties.military[0].best', t('fig.best'), num()),
        field('claims.casualties.military[0].high', t('fig.high'), num()))),
    field('sources', t('account.sources.all'), h('select', { multiple: true, size: 4 }, opts(srcOpts)), t('submit.sources.hint')),
    field('comment', t('submit.comment'), h('input', { size: 40 })),
    h('p', null, h('button', { type: 'submit' }, t('submit.file'))));
  af.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(af);
    const v = (p) => af.querySelector(`[data-field="${p}"]`).value;
    const rec = { v: 1, kind: 'account', event: v('event'), narrative: { text: v('narrative.text'), lang: v('narrative.lang') } };
    const claims = {};
    if (v('claims.characterization.text')) claims.characterization = { text: v('claims.characterization.text'), lang: v('claims.characterization.lang') };
    if (v('claims.time.start') || v('claims.time.end')) claims.time = { start: v('claims.time.start'), end: v('claims.time.end') || v('claims.time.start'), precision: v('claims.time.precision') };
    if (lines(v('claims.initiators')).length) claims.initiators = { actors: lines(v('claims.initiators')).map((name) => ({ name })) };
    if (lines(v('claims.targets')).length) claims.targets = { actors: lines(v('claims.targets')).map((name) => ({ name })) };
    const civ = figure('claims.casualties.civilians', af), mil = figure('claims.casualties.military[0]', af);
    if (civ || mil) {
      claims.casualties = {};
      if (civ) claims.casualties.civilians = civ;
      if (mil) claims.casualties.military = [{ side: v('claims.casualties.military[0].side'), ...mil }];
    }
    if (Object.keys(claims).length) rec.claims = claims;
    const srcs = [...af.querySelector('[data-field="sources"]').selectedOptions].map((o) => o.value);
    if (srcs.length) rec.sources = srcs;
    if (v('comment')) rec.comment = v('comment');
    if (editor && v('acting_for')) rec.acting_for = v('acting_for');
    await send(af, rec, (res) => '/events/' + encodeURIComponent(rec.event) + '#' + res.id);
  });

  // ---- event form
  const types = Object.keys(EVENT_TYPES).map((k) => [k, typeLabel(k)]);
  const subSel = h('select', null);
  const typeSel = h('select', null, opts(types, 'battle'));
  const fillSub = () => { clear(subSel).append(...opts([['', '—']].concat(EVENT_TYPES[typeSel.value].map((k) => [k, typeLabel(k)])))); };
  typeSel.addEventListener('change', fillSub);
  fillSub();
  const ef = h('form', { id: 'event-form', class: 'card', novalidate: true, 'aria-labelledby': 'event-h' },
    h('h2', { id: 'event-h' }, t('submit.event.new')),
    h('p', { class: 'muted small' }, t('event.neutral')),
    h('p', { class: 'form-error', role: 'alert', tabindex: '-1' }),
    actingFor(),
    field('title', t('submit.title.neutral'), h('input', { size: 50 })),
    h('div', { class: 'row' }, field('type', t('event.type'), typeSel), field('subtype', t('submit.subtype'), subSel)),
    h('div', { class: 'row' },
      field('time.start', t('submit.start'), h('input', { type: 'date' })),
      field('time.end', t('submit.end'), h('input', { type: 'date' })),
      field('time.precision', t('submit.precision'), h('select', null, opts(precOpts, 'day')))),
    h('div', { class: 'row' },
      field('place.place', t('event.where'), h('select', null, opts([['', '—']].concat(placeOpts)))),
      field('place.precision', t('submit.precision'), h('select', null, opts(wherePrec, 'exact')))),
    h('p', null, h('button', { type: 'submit' }, t('submit.file'))));
  ef.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(ef);
    const v = (p) => ef.querySelector(`[data-field="${p}"]`).value;
    const rec = { v: 1, kind: 'event', title: v('title'), type: v('type'),
      time: { start: v('time.start'), end: v('time.end') || v('time.start'), precision: v('time.precision') },
      place: { place: v('place.place'), precision: v('place.precision') } };
    if (v('subtype')) rec.subtype = v('subtype');
    if (editor && v('acting_for')) rec.acting_for = v('acting_for');
    await send(ef, rec, (res) => '/events/' + encodeURIComponent(res.id));
  });

  return h('div', null, h('h1', null, t('submit.title')), h('p', { class: 'muted' }, t('submit.intro')), af, h('div', { style: 'height:1.5em' }), ef);
}

async function send(form, rec, where) {
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    const res = await post('/api/v1/records', rec);
    forget('parties'); forget('places'); forget('sources'); forgetDisputed();
    window.parallax.navigate(where(res));
  } catch (e) {
    showError(form, e instanceof ApiError ? e : { message: e.message });
  } finally {
    btn.disabled = false;
  }
}
