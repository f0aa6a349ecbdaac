// names.js - how a place's (or person's, or party's) names are shown.  No
// name is presented as the only correct one: every name is always on the
// page; the reader's preference only decides the order and which one leads.
import { h } from './util.js';
import { namePref } from './i18n.js';

function langOf(n) { return (n.lang || '').toLowerCase().split('-')[0]; }

/* The names in display order for the current preference. */
export function orderedNames(names) {
  const pref = namePref();
  if (!names || !names.length) return [];
  if (pref === 'all') return names.slice();
  const first = names.filter((n) => langOf(n) === pref);
  // Within the preferred language, the reader's script comes first
  // (Armenian in Armn, Russian in Cyrl, Azerbaijani and English in Latn).
  const script = { hy: 'Armn', ru: 'Cyrl', az: 'Latn', en: 'Latn' }[pref];
  first.sort((a, b) => (b.script === script) - (a.script === script));
  return first.concat(names.filter((n) => langOf(n) !== pref));
}

/* A place record -> an inline element with every name, the leading one first. */
export function placeName(place, { max = 3 } = {}) {
  if (!place) return h('span', { class: 'pname muted' }, '?');
  const names = orderedNames(place.record.names || []);
  const pref = namePref();
  const shown = pref === 'all' ? names : names.slice(0, max);
  const rest = names.length - shown.length;
  const title = names.map((n) => `${n.name} (${n.lang})`).join(' · ');
  return h('span', { class: 'pname', title },
    shown.map((n, i) => h('span', { class: i === 0 ? 'lead' : 'alt', lang: n.lang }, n.name)),
    rest > 0 ? h('span', { class: 'alt more' }, `+${rest}`) : null);
}

/* Plain-text form of placeName, for <option> labels and titles. */
export function placeText(place, max = 3) {
  if (!place) return '?';
  const names = orderedNames(place.record.names || []);
  const shown = namePref() === 'all' ? names : names.slice(0, max);
  return shown.map((n) => n.name).join(' / ') + (names.length > shown.length ? ` +${names.length - shown.length}` : '');
}

export function partyName(party) {
  if (!party) return '?';
  return party.record.name || party.id;
}

export function personName(person) {
  const names = orderedNames(person.record.names || []);
  return names.map((n) => n.name).join(' / ');
}
