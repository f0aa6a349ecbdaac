// newcomer.test.mjs - a newcomer's path through the parallax web UI, in
// Debian's Chromium driven by playwright-core: home page, search in another
// name, an event with two accounts and the disputed figures highlighted,
// name and language preferences, "verify in this browser", filing an account
// as a party member and seeing its inclusion badge, a validation error at its
// field, and a tampered tile that makes verification fail.
//
// The server: PARALLAX_URL if set (it must hold the demo record and the
// party users hrw and gov-az with the passwords below); otherwise a fresh
// data directory is loaded with the demo record and served by
// `parallax serve` (the binary PARALLAX, default ../../build/parallax).
// Screenshots go to SCREENSHOT_DIR (default: a new directory under /tmp).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = process.env.SCREENSHOT_DIR || mkdtempSync(path.join(tmpdir(), 'parallax-shots-'));
mkdirSync(shots, { recursive: true });
let server, browser, base, dataDir;
const PASSWORDS = { hrw: 'hrw-pass', 'gov-az': 'gov-az-pass' };

const repo = path.join(here, '..', '..');
function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

/*
 * A fresh data directory with the demo record (tools/load-demo.sh), two
 * party users, and `parallax serve` on a free port serving web/.
 */
async function startServer() {
  const px = path.resolve(process.env.PARALLAX || path.join(repo, 'build', 'parallax'));
  dataDir = mkdtempSync(path.join(tmpdir(), 'parallax-browser-'));
  const data = path.join(dataDir, 'data');
  run('sh', [path.join(repo, 'tools', 'load-demo.sh'), path.dirname(px), data]);
  const ids = Object.fromEntries(readFileSync(path.join(repo, 'data', 'demo', 'ids.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t')));
  // The two test users' parties file through the server, so the operator
  // holds their demo signer keys (data/demo/demo-keys.txt; public keys for the demo only).
  const keys = Object.fromEntries(readFileSync(path.join(repo, 'data', 'demo', 'demo-keys.txt'), 'utf8').split('\n')
    .filter((l) => /^\S+\s+PRIVATE\+KEY\+/.test(l)).map((l) => l.split(/\s+/)));
  for (const [user, pass] of Object.entries(PASSWORDS)) {
    writeFileSync(path.join(data, 'keys', 'parties', ids[user] + '.key'), keys[user] + '\n', { mode: 0o600 });
    run(px, ['user', 'add', user, '--role', 'party', '--party', ids[user], '--dir', data], pass + '\n');
  }
  server = spawn(px, ['serve', data, '--listen', '127.0.0.1:0', '--web', path.join(repo, 'web')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('parallax serve did not start in 30 s')), 30000);
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/[0-9.]+:[0-9]+/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`parallax serve exited ${code}`)); });
  });
}

before(async () => {
  if (process.env.PARALLAX_URL) {
    base = process.env.PARALLAX_URL.replace(/\/$/, '');
  } else {
    base = await startServer();
  }
  // playwright-core gives every launch a new, empty profile (--user-data-dir).
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const done = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    await done;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const DESKTOP = { width: 1280, height: 900 }, PHONE = { width: 390, height: 844 };
async function newPage(viewport = DESKTOP) {
  const ctx = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  return page;
}
async function shot(page, name, fullPage = true) { await page.screenshot({ path: path.join(shots, name + '.png'), fullPage }); }

async function api(ctx, method, url, data) {
  const r = await ctx.request.fetch(base + url, { method, data, headers: ctx.csrf ? { 'X-CSRF-Token': ctx.csrf } : {} });
  const body = await r.json();
  return { status: r.status(), body };
}
async function apiLogin(username, password) {
  const ctx = await browser.newContext();
  const { status, body } = await api(ctx, 'POST', '/api/v1/session', { username, password });
  assert.equal(status, 200, `log in as ${username}`);
  ctx.csrf = body.csrf;
  return ctx;
}
async function uiLogin(page, username, password) {
  await page.goto(base + '/login');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/submit/);
}
async function eventIdByTitle(part) {
  const r = await (await fetch(base + '/api/v1/events?limit=1000')).json();
  const e = r.items.find((x) => x.record.title.includes(part));
  assert.ok(e, `an event titled with "${part}"`);
  return e;
}
async function placeId(name) {
  const r = await (await fetch(base + '/api/v1/places?limit=1000')).json();
  const p = r.items.find((x) => x.record.names.some((n) => n.name === name));
  assert.ok(p, `a place named ${name}`);
  return p.id;
}

test('home page shows the timeline of the demo record', async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Events over time' }).waitFor());
  const marks = await page.locator('.timeline svg a').count();
  assert.ok(marks >= 25, `at least 25 events on the timeline, saw ${marks}`);
  assert.ok(await page.locator('.timeline .mark.disputed').count() >= 1, 'disputed events are marked');
  await shot(page, 'home-desktop', false);
  // Zoom in: the period shown halves.
  const span = async () => (await page.locator('.tl-controls .meta').innerText()).split(' – ').map((d) => Date.parse(d));
  const [a0, b0] = await span();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.waitForFunction((w) => { const [a, b] = document.querySelector('.tl-controls .meta').textContent.split(' – ').map((d) => Date.parse(d)); return b - a < w * 0.6; }, b0 - a0);
  await page.getByRole('button', { name: 'Whole period' }).click();
  await page.waitForFunction(() => !location.search.includes('from='));
  // The timeline is drawn again for the whole period once its events arrive.
  await page.waitForFunction((w) => { const [a, b] = document.querySelector('.tl-controls .meta').textContent.split(' – ').map((d) => Date.parse(d)); return b - a > w * 0.9; }, b0 - a0);
  // Keyboard: the events on the timeline are links reached with Tab and opened with Enter.
  const first = page.locator('.timeline svg a').first();
  const label = await first.getAttribute('aria-label');
  await first.focus();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), label, 'the timeline link has the focus');
  await first.press('Enter');
  await page.waitForURL(/\/events\/event-/);
  const title = label.slice(0, label.lastIndexOf(' (2'));
  await page.locator('h1', { hasText: title }).waitFor();
  assert.equal(await page.locator('h1').innerText(), title, `Enter on "${label}" opens that event`);
  await page.goBack();
  await page.locator('.timeline svg a').first().waitFor();
  await page.getByLabel('One lane per party').check();
  await page.locator('.timeline .lane-label').first().waitFor();
  assert.ok(await page.locator('.timeline .lane-label').count() >= 5, 'one lane per party');
  await shot(page, 'home-lanes', false);
  const phone = await newPage(PHONE);
  await phone.goto(base + '/');
  await phone.locator('.timeline svg a').first().waitFor();
  await shot(phone, 'home-phone', false);
  assert.deepEqual(page.errors.concat(phone.errors), []);
});

test('searching "Stepanakert" finds events recorded at Khankendi', async () => {
  const page = await newPage();
  await page.goto(base + '/search');
  await page.getByLabel('Words').fill('Stepanakert');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#results .search-item').first().waitFor();
  const events = page.locator('#results .search-item', { has: page.locator('.pill', { hasText: 'event' }) });
  assert.ok(await events.count() >= 1, 'at least one event found');
  const text = await events.allInnerTexts();
  assert.ok(text.some((t) => /Khankendi|Xankəndi/.test(t)), 'an event found is shown at Khankendi: ' + text.join(' | '));
  await shot(page, 'search-stepanakert');
  for (const q of ['Степанакерт', 'Ստեփանակերտ', 'Xankəndi']) {
    await page.goto(base + '/search?q=' + encodeURIComponent(q));
    await page.locator('#results .search-item').first().waitFor();
    const found = await page.locator('#results .search-item').allInnerTexts();
    assert.ok(found.some((t) => /^event/.test(t) && /Khankendi/.test(t)), `"${q}" finds the events at Khankendi`);
  }
  assert.deepEqual(page.errors, []);
});

test('an event shows two accounts side by side with the disputed casualty figures highlighted', async () => {
  // Two parties file opposing figures for an event of their own.
  const a = await apiLogin('hrw', 'hrw-pass');
  const where = await placeId('Khankendi');
  const ev = await api(a, 'POST', '/api/v1/records', { v: 1, kind: 'event', title: 'Test event: shelling reported in Khankendi', type: 'explosion-remote-violence',
    time: { start: '2023-09-19', end: '2023-09-19', precision: 'day' }, place: { place: where, precision: 'exact' } });
  assert.equal(ev.status, 201, JSON.stringify(ev.body));
  const r1 = await api(a, 'POST', '/api/v1/records', { v: 1, kind: 'account', event: ev.body.id, narrative: { text: 'Test narrative of the first party.', lang: 'en' },
    claims: { characterization: { text: 'first party words', lang: 'en' }, casualties: { civilians: { low: 3, best: 4, high: 6 } } } });
  assert.equal(r1.status, 201, JSON.stringify(r1.body));
  const b = await apiLogin('gov-az', 'gov-az-pass');
  const r2 = await api(b, 'POST', '/api/v1/records', { v: 1, kind: 'account', event: ev.body.id, narrative: { text: 'İkinci tərəfin test mətni.', lang: 'az' },
    claims: { characterization: { text: 'ikinci tərəfin sözləri', lang: 'az' }, casualties: { civilians: { low: 20 } } } });
  assert.equal(r2.status, 201, JSON.stringify(r2.body));

  const page = await newPage();
  await page.goto(base + '/events/' + ev.body.id);
  await page.locator('.account').nth(1).waitFor();
  assert.equal(await page.locator('.account').count(), 2);
  const boxes = await Promise.all([0, 1].map((i) => page.locator('.account').nth(i).boundingBox()));
  assert.ok(Math.abs(boxes[0].y - boxes[1].y) < 2 && boxes[1].x > boxes[0].x + boxes[0].width - 1, 'the accounts stand side by side');
  const disputed = page.locator('.account .claim.disputed[data-field="casualties.civilians"]');
  assert.equal(await disputed.count(), 2, 'the civilian figures are highlighted in both accounts');
  assert.equal(await page.locator('.chart[data-field="casualties.civilians"] svg .range').count(), 2, 'a low–high range per party');
  assert.match(await page.locator('.chart[data-field="casualties.civilians"] figcaption').innerText(), /disputed/);
  await shot(page, 'event-disputed-desktop');
  const first = page.locator('.account').first();
  await first.locator('.history summary').click();
  await first.locator('.history ol li').first().waitFor();
  assert.match(await first.locator('.history ol').innerText(), /#\d+ 20\d\d-\d\d-\d\dT.* Human Rights Watch/, 'the account history lists its revision');
  const phone = await newPage(PHONE);
  await phone.goto(base + '/events/' + ev.body.id);
  await phone.locator('.account').nth(1).waitFor();
  await shot(phone, 'event-disputed-phone');
  // A demo event with several accounts, for a look.
  const demo = await eventIdByTitle('19-20 September 2023');
  await page.goto(base + '/events/' + demo.id);
  await page.locator('.account').first().waitFor();
  await shot(page, 'event-demo-desktop');
  assert.deepEqual(page.errors.concat(phone.errors), []);
});

test('the reader switches the name preference and the interface language, and both persist', async () => {
  const page = await newPage();
  const khankendi = await placeId('Khankendi');
  await page.goto(base + '/places/' + khankendi);
  await page.locator('h1 .pname').waitFor();
  assert.equal(await page.locator('h1 .pname .alt').count() >= 2, true, 'all names are shown');
  await page.getByLabel('Place names').selectOption('hy');
  await page.waitForFunction(() => document.querySelector('h1 .pname .lead')?.getAttribute('lang')?.startsWith('hy'));
  assert.equal(await page.locator('h1 .pname .lead').innerText(), 'Ստեփանակերտ');
  assert.ok(await page.locator('h1 .pname .alt').count() >= 1, 'the other names stay on the page');
  await page.getByLabel('Interface').selectOption('ru');
  await page.getByRole('link', { name: 'Поиск' }).waitFor();
  await page.locator('.map svg .here').waitFor();
  await shot(page, 'place-hy-names-ru-ui');
  await page.reload();
  await page.getByRole('link', { name: 'Поиск' }).waitFor();
  assert.equal(await page.locator('h1 .pname .lead').innerText(), 'Ստեփանակերտ', 'the name preference persists');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru', 'the interface language persists');
  await page.getByLabel('Интерфейс').selectOption('hy');
  await page.getByRole('link', { name: 'Որոնում' }).waitFor();
  await page.getByLabel('Ինտերֆեյս').selectOption('az');
  await page.getByRole('link', { name: 'Axtarış' }).waitFor();
  const phone = await newPage(PHONE);
  await phone.goto(base + '/places/' + khankendi);
  await phone.locator('.map svg .here').waitFor();
  await shot(phone, 'place-phone');
  await phone.getByLabel('Interface').selectOption('hy');
  await phone.getByRole('link', { name: 'Որոնում' }).waitFor();
  await phone.goto(base + '/log');
  await phone.locator('#verify-button').waitFor();
  await shot(phone, 'log-phone-hy');
  assert.deepEqual(page.errors.concat(phone.errors), []);
});

test('"verify in this browser" checks the signature and the root', async () => {
  const page = await newPage();
  await page.goto(base + '/log');
  assert.match(await page.locator('#ed25519-support').innerText(), /checks Ed25519 signatures itself/, 'Chromium has Ed25519 in WebCrypto');
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  await page.locator('#verify-result.result').waitFor({ timeout: 60000 });
  const text = await page.locator('#verify-result').innerText();
  assert.match(text, /^✓ Verified: the signature is valid/, text);
  assert.equal(await page.locator('#verify-progress').evaluate((p) => p.value === p.max), true, 'the progress bar is full');
  await shot(page, 'log-verified');
  assert.deepEqual(page.errors, []);
});

test('a party member files an account, and it appears with its inclusion badge', async () => {
  const page = await newPage();
  await uiLogin(page, 'hrw', 'hrw-pass');
  const demo = await eventIdByTitle('19-20 September 2023');
  await page.goto(base + '/submit?event=' + demo.id);
  await page.locator('#account-form').waitFor();
  await page.locator('#account-form [data-field="narrative.text"]').fill('Test account filed from the browser.');
  await page.locator('#account-form [data-field="claims.characterization.text"]').fill('test words of this party');
  await shot(page, 'submit-form');
  await page.locator('#account-form button[type=submit]').click();
  await page.waitForURL(new RegExp('/events/' + demo.id));
  const card = page.locator('.account', { hasText: 'Test account filed from the browser.' });
  await card.waitFor();
  await card.locator('.badge[data-state="ok"]').waitFor({ timeout: 30000 });
  assert.match(await card.locator('.badge').innerText(), /in the log, entry \d+ of \d+/);
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'account-filed-badge', false);
  assert.deepEqual(page.errors, []);
});

test('a validation error from the server is shown at the field it names', async () => {
  const page = await newPage();
  await uiLogin(page, 'hrw', 'hrw-pass');
  const demo = await eventIdByTitle('19-20 September 2023');
  await page.goto(base + '/submit?event=' + demo.id);
  await page.locator('#account-form [data-field="narrative.text"]').fill('An account with figures in the wrong order.');
  await page.locator('#account-form [data-field="claims.casualties.civilians.low"]').fill('50');
  await page.locator('#account-form [data-field="claims.casualties.civilians.best"]').fill('10');
  await page.locator('#account-form button[type=submit]').click();
  const input = page.locator('#account-form [data-field="claims.casualties.civilians.low"]');
  await page.waitForFunction(() => document.querySelector('#account-form [data-field="claims.casualties.civilians.low"]').getAttribute('aria-invalid') === 'true');
  const errId = await input.getAttribute('aria-describedby');
  const msg = await page.locator('#' + errId).innerText();
  assert.match(msg, /claims\.casualties\.civilians\.low: must not exceed best/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'claims.casualties.civilians.low', 'focus is on the field');
  assert.match(page.url(), /\/submit/, 'nothing was filed');
  await input.scrollIntoViewIfNeeded();
  await shot(page, 'validation-error', false);
  assert.deepEqual(page.errors, []);
});

test('a tampered tile makes verification fail with a clear message', async () => {
  const page = await newPage();
  await page.route('**/log/tile/0/**', async (route) => {
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[40] ^= 0x01; // one bit of the second leaf hash
    await route.fulfill({ response: res, body });
  });
  await page.goto(base + '/log');
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  await page.locator('#verify-result.result').waitFor({ timeout: 60000 });
  const text = await page.locator('#verify-result').innerText();
  assert.match(text, /^✗ Verification failed: entry 1 does not match its hash in tile\/0\/000\.p\/\d+: .* was altered/, text);
  await shot(page, 'log-tampered');
});
