// badge.js - the per-record inclusion badge: shown as "checking" at once,
// and as "in the log" only after the browser itself has checked the
// record's inclusion proof against the verified checkpoint.
import { h } from './util.js';
import { t } from './i18n.js';
import { verifyInclusion } from './verify.js';

export function badge(rec) {
  const el = h('span', { class: 'badge', role: 'status', 'data-badge': rec.id }, t('badge.checking'));
  run(el, rec, 0);
  return el;
}

async function run(el, rec, attempt) {
  try {
    const r = await verifyInclusion(rec);
    el.className = 'badge ok';
    el.dataset.state = 'ok';
    el.textContent = '\u2713 ' + t('badge.ok', { index: r.index, size: r.size });
    el.title = t('badge.ok.title');
  } catch (e) {
    if (e.pending && attempt < 30) {
      el.textContent = t('badge.pending');
      setTimeout(() => run(el, rec, attempt + 1), 1000);
      return;
    }
    el.className = 'badge bad';
    el.dataset.state = 'bad';
    el.textContent = '\u2717 ' + t('badge.bad');
    el.title = e.message;
  }
}
