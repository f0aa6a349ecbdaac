// app.js - the entry point of the parallax web UI: reads the reader's
// choices, the session, and routes every path (history API) to its page.
import { initI18n, setUiLanguage, uiLanguage, namePref, setNamePref, t } from './js/i18n.js';
import { loadSession, currentSession } from './js/api.js';
import { h, clear } from './js/util.js';
import * as pages from './js/pages.js';
import { eventPage } from './js/event.js';
import { loginPage, submitPage } from './js/forms.js';
import { logPage } from './js/logpage.js';

const routes = [
  [/^\/$/, () => pages.timelinePage()],
  [/^\/events\/([^/]+)$/, (m) => eventPage(m[1])],
  [/^\/search$/, () => pages.searchPage()],
  [/^\/places$/, () => pages.placesPage()],
  [/^\/places\/([^/]+)$/, (m) => pages.placePage(m[1])],
  [/^\/parties$/, () => pages.partiesPage()],
  [/^\/parties\/([^/]+)$/, (m) => pages.partyPage(m[1])],
  [/^\/persons\/([^/]+)$/, (m) => pages.personPage(m[1])],
  [/^\/sources\/([^/]+)$/, (m) => pages.sourcePage(m[1])],
  [/^\/records\/([^/]+)$/, (m) => pages.recordPage(m[1])],
  [/^\/submit$/, () => submitPage()],
  [/^\/login$/, () => loginPage()],
  [/^\/log$/, () => logPage()],
  [/^\/attribution$/, () => pages.attributionPage()],
];

const main = document.getElementById('main');
let generation = 0;

export async function render() {
  const gen = ++generation;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  for (const a of document.querySelectorAll('header nav a')) {
    const href = a.getAttribute('href');
    if (href === path || (href !== '/' && path.startsWith(href + '/'))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  let content;
  try {
    const route = routes.find(([re]) => re.test(path));
    content = route ? await route[1](path.match(route[0])) : h('p', null, t('error.notfound'));
  } catch (e) {
    content = h('div', { class: 'result bad', role: 'alert' }, e.status === 404 ? t('error.notfound') : t('error.load', { message: e.message }));
  }
  if (gen !== generation) return;
  clear(main).append(content);
  const h1 = main.querySelector('h1');
  document.title = (h1 ? h1.textContent + ' · ' : '') + 'parallax';
}

export function navigate(href, replace = false) {
  if (replace) history.replaceState(null, '', href); else history.pushState(null, '', href);
  render().then(() => {
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    main.focus({ preventScroll: true });
    if (target) target.scrollIntoView(); else window.scrollTo(0, 0);
  });
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-nav]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
  const url = new URL(a.getAttribute('href'), location.href); // SVG links too (their .href is not a string)
  if (url.origin !== location.origin) return;
  ev.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => render());

export function showSession() {
  const li = document.getElementById('session-link');
  const { user } = currentSession();
  clear(li).append(user
    ? h('a', { href: '/login', 'data-nav': true }, t('nav.account', { user: user.username }))
    : h('a', { href: '/login', 'data-nav': true }, t('nav.login')));
}

async function start() {
  await initI18n();
  const ui = document.getElementById('pref-ui');
  const names = document.getElementById('pref-names');
  ui.value = uiLanguage();
  names.value = namePref();
  ui.addEventListener('change', async () => { await setUiLanguage(ui.value); showSession(); render(); });
  names.addEventListener('change', () => { setNamePref(names.value); render(); });
  await loadSession();
  showSession();
  await render();
}
window.parallax = { navigate, render, showSession };
start();
