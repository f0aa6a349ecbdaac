// logpage.js - the log page: its size, checkpoint, key and witnesses, and
// "verify in this browser": the page fetches the checkpoint and every tile
// and checks the signature and the root itself (verify.js).
import { get } from './api.js';
import { h } from './util.js';
import { t } from './i18n.js';
import { verifyLog, ed25519Supported, VerifyError } from './verify.js';

export async function logPage() {
  const [info, stats] = await Promise.all([get('/api/v1/log'), get('/api/v1/stats').catch(() => null)]);
  const bar = h('progress', { id: 'verify-progress', max: 1, value: 0, 'aria-label': t('log.progress') });
  const step = h('p', { class: 'vsteps meta', id: 'verify-step', 'aria-live': 'polite' });
  const result = h('div', { id: 'verify-result', role: 'status' });
  const btn = h('button', { type: 'button', id: 'verify-button' }, t('log.verify'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    result.className = ''; result.textContent = '';
    bar.value = 0;
    const t0 = performance.now();
    try {
      const cp = await verifyLog((done, total, what) => { bar.max = total || 1; bar.value = done; step.textContent = t('log.step', { done, total, what }); });
      result.className = 'result ok';
      result.textContent = '\u2713 ' + t('log.ok', { size: cp.size, origin: cp.origin, ms: Math.round(performance.now() - t0) });
    } catch (e) {
      result.className = 'result bad';
      result.textContent = '\u2717 ' + t('log.bad') + ' ' + (e instanceof VerifyError ? e.message : t('log.error', { message: e.message }));
    } finally {
      btn.disabled = false;
    }
  });
  const support = h('p', { class: 'meta small', id: 'ed25519-support' });
  ed25519Supported().then((ok) => { support.textContent = ok ? t('log.ed25519.ok') : t('log.ed25519.no'); });
  return h('div', null,
    h('h1', null, t('log.title')),
    h('p', { class: 'muted' }, t('log.intro')),
    h('dl', { class: 'kv' },
      h('dt', null, t('log.origin')), h('dd', null, h('code', null, info.origin)),
      h('dt', null, t('log.size')), h('dd', { id: 'log-size' }, String(info.size)),
      h('dt', null, t('log.root')), h('dd', null, h('code', null, info.root)),
      h('dt', null, t('log.key')), h('dd', null, h('code', null, info.key)),
      h('dt', null, t('log.witnesses')), h('dd', null, info.witnesses && info.witnesses.length
        ? h('ul', { class: 'list' }, info.witnesses.map((w) => h('li', null, h('code', null, w)))) : t('log.nowitnesses')),
      stats ? [h('dt', null, t('log.records')), h('dd', null, Object.entries(stats.records || {}).map(([k, n]) => `${t('kind.' + k)} ${n}`).join(' · '))] : null),
    h('h2', null, t('log.checkpoint')),
    h('pre', { id: 'checkpoint' }, info.checkpoint),
    h('section', { class: 'verify-box card', 'aria-labelledby': 'vh' },
      h('h2', { id: 'vh' }, t('log.verify.title')),
      h('p', { class: 'small' }, t('log.verify.intro')), support,
      btn, h('div', null, bar), step, result));
}
