// i18n.js - the interface language (English, Armenian, Azerbaijani,
// Russian) and the place-name preference, both kept in localStorage.
// Only the interface's own words are translated; records are always shown
// in the words and language their party filed them in.

export const UI_LANGS = ['en', 'hy', 'az', 'ru'];
export const NAME_PREFS = ['all', 'en', 'hy', 'az', 'ru'];
const KEY_UI = 'parallax.ui-lang';
const KEY_NAMES = 'parallax.place-names';

let strings = {};
let fallback = {};
let uiLang = 'en';

function stored(key, allowed, dflt) {
  try {
    const v = localStorage.getItem(key);
    if (allowed.includes(v)) return v;
  } catch { /* storage may be disabled */ }
  return dflt;
}

export function uiLanguage() { return uiLang; }
export function namePref() { return stored(KEY_NAMES, NAME_PREFS, 'all'); }
export function setNamePref(v) { try { localStorage.setItem(KEY_NAMES, v); } catch { /* ignore */ } }

async function load(lang) {
  const r = await fetch(`/i18n/${lang}.json`);
  if (!r.ok) throw new Error(`i18n ${lang}: HTTP ${r.status}`);
  return r.json();
}

export async function setUiLanguage(lang, persist = true) {
  if (!UI_LANGS.includes(lang)) lang = 'en';
  if (!fallback.nav) fallback = await load('en');
  strings = lang === 'en' ? fallback : await load(lang);
  uiLang = lang;
  if (persist) { try { localStorage.setItem(KEY_UI, lang); } catch { /* ignore */ } }
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}

export async function initI18n() {
  let guess = 'en';
  for (const l of navigator.languages || []) {
    const p = l.slice(0, 2);
    if (UI_LANGS.includes(p)) { guess = p; break; }
  }
  await setUiLanguage(stored(KEY_UI, UI_LANGS, guess), false);
}

/* t('key', {n: 3}) -> the string in the interface language, {n} filled in. */
export function t(key, vars) {
  let s = lookup(strings, key) ?? lookup(fallback, key) ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}
function lookup(obj, key) {
  const v = obj[key];
  return typeof v === 'string' ? v : undefined;
}
