// camroll's web app in a real browser (Debian's chromium, driven by playwright-core).
//
//   node tests/js/browser_test.mjs --server URL --user NAME --password PW \
//        --camroll PATH_TO_BINARY --roll ROLL_DIR --token TOKEN --out SCREENSHOT_DIR
//        [--timeout SECONDS]   how long to wait for ideas after the sync (default 180)
//        [--upload tus]        upload with tus-js-client instead of `camroll sync`
//        [--people on]         the server has models: walk through People with real faces
//
// Needs a fresh server (cloud processing off) and its user's API token, e.g.
//   camroll serve --data /tmp/x --listen 127.0.0.1:8123 --process-delay 0 --models /nonexistent
//   echo 'pw pw pw pw' | camroll admin --data /tmp/x create-user ana --password-stdin
// tests/js/run_browser_test.sh does all of that.
//
// Walks through what a person does: a wrong password, then signing in; switching cloud
// processing on through its notice; syncing a roll; waiting for ideas; accepting (a download),
// dismissing and editing ideas; with --people on, face grouping on through its notice, then
// People: renaming, merging, splitting and hiding people, and face grouping off again; a photo's
// transparency panel; switching cloud processing off and checking that everything is gone. Takes full-page screenshots of every page and state at
// 1280 px and at 390 px. Exits non-zero with a message on the first failure.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { uploadFolder } from './tus_upload.mjs';

// ---------- arguments ----------

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`--${key} needs a value`);
    out[key] = value;
    i += 1;
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
for (const need of ['server', 'user', 'password', 'camroll', 'roll', 'token', 'out']) {
  if (!args[need]) {
    console.error(`usage: node browser_test.mjs --server URL --user NAME --password PW --camroll BIN --roll DIR --token TOKEN --out DIR\nmissing --${need}`);
    process.exit(2);
  }
}
const SERVER = args.server.replace(/\/+$/, '');
const OUT = path.resolve(args.out);
const IDEAS_TIMEOUT_S = Number(args.timeout || 180);
const PEOPLE = args.people === 'on';
const FACES_TIMEOUT_S = 300;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const started = Date.now();
const log = (...m) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...m);
const warnings = [];
const warn = (m) => { warnings.push(m); console.log(`WARNING: ${m}`); };
const passed = [];
const pass = (m) => { passed.push(m); log(`ok  ${m}`); };

class TestFailure extends Error {}
function check(cond, message) { if (!cond) throw new TestFailure(message); }

fs.mkdirSync(OUT, { recursive: true });

// ---------- helpers ----------

let page;
let shotIndex = 0;

// Waits until the page's images and videos have loaded (or failed) and fonts are ready.
async function settle() {
  await page.waitForLoadState('domcontentloaded');
  await page.evaluate(async () => {
    const imgs = [...document.images].filter((i) => i.getAttribute('loading') !== 'lazy' || i.getBoundingClientRect().top < innerHeight * 3);
    const videos = [...document.querySelectorAll('video')];
    await Promise.race([
      Promise.all([
        ...imgs.map((i) => (i.complete ? null : new Promise((r) => { i.addEventListener('load', r, { once: true }); i.addEventListener('error', r, { once: true }); }))),
        ...videos.map((v) => (v.readyState >= 2 ? null : new Promise((r) => { v.addEventListener('loadeddata', r, { once: true }); v.addEventListener('error', r, { once: true }); }))),
      ]),
      new Promise((r) => setTimeout(r, 6000)),
    ]);
    // Decoded too: an image decoded off the main thread can miss the frame a screenshot takes.
    await Promise.race([
      Promise.all([...document.images].map((i) => (i.naturalWidth ? i.decode().catch(() => null) : null))),
      new Promise((r) => setTimeout(r, 5000)),
    ]);
    await document.fonts.ready;
  });
  await page.waitForTimeout(350);  // dialogs and toasts finish their entrance
}

// A screenshot at desktop and at phone width: of the full page, or of the viewport while a
// modal dialog is open (the dialog and its backdrop belong to the viewport).
// The whole page is shot with a viewport as tall as the page, so that the sticky header stays at
// the top and the phone's tab bar at the bottom (as a person scrolling would see them).
async function shot(name) {
  shotIndex += 1;
  const base = `${String(shotIndex).padStart(2, '0')}-${name}`;
  const dialogOpen = await page.evaluate(() => !!document.querySelector('dialog[open]'));
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await settle();
    if (!dialogOpen) {
      const height = await page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));
      if (height > size.height) {
        await page.setViewportSize({ width: size.width, height: Math.min(height, 16000) });
        await page.waitForTimeout(200);
        await settle();
      }
    }
    await page.screenshot({ path: path.join(OUT, `${base}-${size.width}.png`) });
  }
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(150);
  log(`screenshot ${base}-{1280,390}.png`);
}

// fetch() from the page, with the page's session cookie and CSRF token.
async function apiFromPage(p, method = 'GET', body) {
  return page.evaluate(async ({ p, method, body }) => {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      const s = await fetch('/v1/session').then((r) => r.json());
      headers['X-CSRF-Token'] = s.csrf;
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, json, text: text.slice(0, 500) };
  }, { p, method, body });
}

async function getJson(p) {
  const r = await apiFromPage(p);
  check(r.status === 200, `GET ${p} answered ${r.status}: ${r.text}`);
  return r.json;
}

async function go(route) {
  await page.evaluate((r) => { location.hash = r; }, route);
  await page.waitForFunction((r) => document.querySelector(`.nav-link[data-route="${r}"][aria-current="page"]`), route.replace('#/', ''));
  await page.waitForSelector('main .loading', { state: 'detached', timeout: 30000 }).catch(() => {});
}

async function text(selector) {
  return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
}

function syncAvailable(bin) {
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  if (r.error) throw new TestFailure(`cannot run ${bin}: ${r.error.message}`);
  return /^\s+sync\s/m.test(r.stdout || '');
}

function runSync(bin) {
  return new Promise((resolve, reject) => {
    const argv = ['sync', args.roll, '--server', SERVER, '--token', args.token, '--window-days', '0'];
    log(`running ${bin} ${argv.map((a) => (a === args.token ? 'TOKEN' : a)).join(' ')}`);
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new TestFailure(`camroll sync did not finish within 180 s:\n${output}`)); }, 180000);
    child.on('error', (e) => { clearTimeout(timer); reject(new TestFailure(`camroll sync could not start: ${e.message}`)); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output.trim());
      else reject(new TestFailure(`camroll sync exited with ${code ?? signal}:\n${output}`));
    });
  });
}

// Clicks a switch on the Settings page, checks the notice in the dialog and answers it.
async function flipSwitch(name, { expectOn, noticeText, confirm = true, screenshot }) {
  const toggle = page.locator(`#switch-${name}`);
  await toggle.click();
  const dialog = page.locator('dialog.consent-dialog[open]');
  await dialog.waitFor({ timeout: 5000 });
  const shown = (await dialog.innerText()).replace(/\s+/g, ' ');
  check(shown.includes(noticeText.replace(/\s+/g, ' ').slice(0, 120)), `the ${name} dialog does not show its notice; it shows: ${shown.slice(0, 300)}`);
  if (screenshot) await shot(screenshot);
  if (!confirm) {
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    return;
  }
  await dialog.locator('[data-confirm]').click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction(({ name, v }) => {
    const t = document.getElementById(`switch-${name}`);
    return t && t.getAttribute('aria-checked') === v && !t.disabled;
  }, { name, v: expectOn ? 'true' : 'false' }, { timeout: 60000 });
}

// ---------- the walk-through ----------

async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'Europe/Lisbon' });
  page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (401|403|404)/.test(m.text())) pageErrors.push(m.text()); });
  const requestsOutside = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== new URL(SERVER).origin) requestsOutside.push(r.url());
  });

  try {
    const notices = await (await fetch(`${SERVER}/v1/notices`)).json();
    const notice = Object.fromEntries(notices.map((n) => [n.switch, n]));
    check(notice.cloud_processing && notice.face_grouping && notice.browse_suggestions, 'GET /v1/notices lacks a switch');

    // 1. An expired session gets its own message.
    await context.addCookies([{ name: 'camroll_session', value: 'crs_this_session_has_expired', url: SERVER }]);
    await page.goto(`${SERVER}/`);
    await page.waitForSelector('#signin-user');
    const expiredMsg = await text('#signin-message');
    check(/session has expired/i.test(expiredMsg), `an expired session should say so; the sign-in page says: "${expiredMsg}"`);
    pass(`expired session: "${expiredMsg}"`);
    await context.clearCookies();

    // 2. Sign-in: a wrong password first.
    await page.goto(`${SERVER}/`);
    await page.waitForSelector('#signin-user');
    await shot('sign-in');
    await page.fill('#signin-user', args.user);
    await page.fill('#signin-password', `${args.password}-wrong`);
    await page.click('.signin-form button[type=submit]');
    await page.waitForSelector('#signin-message.tone-error');
    const wrongMsg = await text('#signin-message');
    check(/wrong user name or password/i.test(wrongMsg), `wrong password: expected "wrong user name or password", got "${wrongMsg}"`);
    check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'signin-password'), 'after a wrong password the focus should be in the password field');
    pass(`wrong password: "${wrongMsg}"`);
    await shot('sign-in-wrong-password');
    await page.fill('#signin-password', args.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#topbar:not([hidden])', { timeout: 15000 });
    await page.waitForFunction(() => location.hash === '#/story');
    pass('signed in (Enter in the password field)');

    // 3. The pages before any consent.
    let settings = await getJson('/v1/settings');
    await page.waitForSelector('.story-empty, .idea-card', { timeout: 15000 });
    if (!settings.cloud_processing) {
      const emptyText = await text('.story-empty');
      check(/switch on cloud processing and sync your camera roll/i.test(emptyText), `the Story empty state should invite to switch on cloud processing; it says "${emptyText}"`);
      pass('Story shows the empty state before consent');
      await shot('story-empty-before-consent');
    } else {
      warn('cloud processing was already on: this is not a fresh server');
    }

    await go('#/browse');
    await page.waitForSelector('.browse-off, .feed, .empty');
    if (!settings.browse_suggestions) {
      check(await page.locator('.browse-off a[href="#/settings"]').count() === 1, 'Browse with suggestions off should explain and link to Settings');
      pass('Browse explains that suggestions are off, with a link to Settings');
      await shot('browse-off');
    }

    await go('#/people');
    await page.waitForSelector('.people-off, .people-grid, .empty');
    const peopleText = await text('.people-content');
    if (/face grouping is off/i.test(peopleText)) pass('People explains that face grouping is off');
    else if (/not available/i.test(peopleText)) warn('GET /v1/people is not served yet (404): People shows "not available"');
    await shot('people-off');

    // 4. Settings: switch cloud processing on through its notice.
    await go('#/settings');
    await page.waitForSelector('#switch-cloud_processing');
    if (settings.cloud_processing) {
      await flipSwitch('cloud_processing', { expectOn: false, noticeText: notice.cloud_processing.turn_off });
    }
    const ledgerBefore = await getJson('/v1/ledger');
    await flipSwitch('cloud_processing', { expectOn: true, noticeText: notice.cloud_processing.turn_on, screenshot: 'settings-consent-dialog-on' });
    const ledger = await getJson('/v1/ledger');
    const entry = ledger.find((e) => e.seq > Math.max(0, ...ledgerBefore.map((x) => x.seq)) && e.switch === 'cloud_processing' && e.value === true);
    check(entry, `GET /v1/ledger has no new cloud_processing=true entry: ${JSON.stringify(ledger).slice(0, 400)}`);
    check(entry.notice_version === notice.cloud_processing.version, `ledger notice_version ${entry.notice_version}, expected ${notice.cloud_processing.version}`);
    check(entry.notice_text === notice.cloud_processing.turn_on, 'the ledger entry does not hold the notice text that was shown');
    check(entry.method === 'web', `the ledger entry's method is "${entry.method}", expected "web"`);
    await page.waitForSelector(`.ledger-entry[data-seq="${entry.seq}"]`);
    pass(`consent recorded: ledger entry ${entry.seq} (${entry.notice_version}, via ${entry.method}), shown in the consent log`);

    // Keyboard only: reach the face-grouping switch with Tab, open its dialog with Space,
    // cancel with Escape; the focus comes back and nothing changed.
    await page.locator('h1').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'switch-face_grouping');
    }
    check(reached, 'the face-grouping switch cannot be reached with Tab');
    await page.keyboard.press('Space');
    await page.locator('dialog.consent-dialog[open]').waitFor();
    const focusInDialog = await page.evaluate(() => !!document.activeElement.closest('dialog[open]'));
    check(focusInDialog, 'the consent dialog does not take the focus');
    await page.keyboard.press('Escape');
    await page.locator('dialog.consent-dialog').waitFor({ state: 'detached' });
    const back = await page.evaluate(() => ({ id: document.activeElement.id, on: document.getElementById('switch-face_grouping').getAttribute('aria-checked') }));
    check(back.id === 'switch-face_grouping', `after Escape the focus should return to the switch, it is on #${back.id}`);
    check(back.on === 'false', 'cancelling the dialog must not switch face grouping on');
    pass('keyboard: Tab to a switch, Space opens its notice, Escape cancels and returns the focus');

    await flipSwitch('browse_suggestions', { expectOn: true, noticeText: notice.browse_suggestions.turn_on });
    pass('browse suggestions switched on through their notice');
    await page.locator('.switch-row[data-switch="cloud_processing"] .notice-details summary').click();
    await shot('settings-switched-on');

    // 5. Sync the roll.
    const useTus = args.upload === 'tus';
    if (!useTus && syncAvailable(args.camroll)) {
      const out = await runSync(args.camroll);
      pass(`camroll sync exited 0: ${out.split('\n').pop()}`);
    } else {
      if (!useTus) warn(`${args.camroll} has no "sync" command yet: uploading with tus-js-client instead`);
      const n = await uploadFolder(SERVER, args.token, args.roll);
      pass(`uploaded ${n} files with tus-js-client`);
    }

    // 6. Wait for processing and ideas.
    await go('#/status');
    await page.waitForSelector('.stats');
    let status = await getJson('/v1/status');
    check(status.uploaded > 0, `nothing arrived on the server after the sync: ${JSON.stringify(status)}`);
    if (status.processing) await shot('status-processing');
    const deadline = Date.now() + IDEAS_TIMEOUT_S * 1000;
    let ideas = [];
    for (;;) {
      status = await getJson('/v1/status');
      if (!status.processing && status.uploading === 0) {
        ideas = await getJson('/v1/ideas?surface=story');
        if (ideas.length) break;
      }
      if (Date.now() > deadline) {
        throw new TestFailure(`no ideas within ${IDEAS_TIMEOUT_S} s; status: ${JSON.stringify(status)}`);
      }
      await page.waitForTimeout(2000);
    }
    pass(`processing done: ${status.analysed} of ${status.uploaded} analysed, ${status.failed.length} failed, ${ideas.length} ideas`);
    await go('#/status');
    await page.waitForSelector('.state-banner.is-idle');
    const analysedShown = await text('.stat[data-stat="analysed"]');
    check(analysedShown.includes(String(status.analysed)) && analysedShown.includes(String(status.uploaded)), `the Status page shows "${analysedShown}", the API ${status.analysed} of ${status.uploaded}`);
    await shot('status');

    await go('#/story');
    await page.waitForSelector('.idea-card', { timeout: 30000 });
    const cards = await page.locator('.idea-card').count();
    check(cards === ideas.length, `the Story tray shows ${cards} cards, the API ${ideas.length} ideas`);
    pass(`Story tray shows ${cards} ideas`);
    if (ideas.some((i) => i.type === 'recap' && i.files.length)) {
      const v = await page.locator('.idea-card[data-idea-type="recap"] video').first().evaluate((el) => ({ muted: el.muted, loop: el.loop, playsinline: el.hasAttribute('playsinline'), controls: el.controls, src: el.currentSrc || el.src }));
      check(v.muted && v.loop && v.playsinline && v.controls && v.src.includes('/files/'), `a recap preview should be a muted, looping, inline <video> with controls: ${JSON.stringify(v)}`);
      pass('recap previews are muted, looping, inline videos with controls');
    }
    if (ideas.some((i) => (i.type === 'restyle' || i.type === 'enhance') && i.files.length >= 2)) {
      check(await page.locator('.idea-card .compare input[type=range]').count() > 0, 'restyle/enhance previews should compare before and after with a slider');
      pass('restyle/enhance previews have a before/after slider');
    }
    const missingNames = ideas.flatMap((i) => i.files).filter((f) => !f.name).length;
    if (missingNames) warn(`${missingNames} idea files come without "name" in GET /v1/ideas (the app falls back to names by position)`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('story');
    const broken = await page.evaluate(() => [...document.querySelectorAll('.idea-card img.preview-media, .idea-card img.compare-img')]
      .filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.getAttribute('src')));
    check(broken.length === 0, `idea previews that did not load: ${broken.join(', ')}`);
    pass('every idea preview image loaded');

    // 7. Accept one: its file downloads.
    const acceptIdea = ideas.find((i) => i.type === 'collage' && !i.accepted && i.files.length) || ideas.find((i) => !i.accepted && i.files.length);
    check(acceptIdea, 'no idea with a rendered file to accept');
    const acceptCard = page.locator(`.idea-card[data-idea-id="${acceptIdea.id}"]`);
    await acceptCard.scrollIntoViewIfNeeded();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30000 }),
      acceptCard.locator('[data-action="accept"]').click(),
    ]);
    const saved = path.join(OUT, `accepted-${download.suggestedFilename()}`);
    await download.saveAs(saved);
    const bytes = fs.readFileSync(saved);
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    const isMp4 = bytes.subarray(0, 64).includes(Buffer.from('ftyp'));
    check(bytes.length > 1000 && (isJpeg || isMp4), `the download ${saved} (${bytes.length} bytes) is neither a JPEG nor an MP4`);
    await acceptCard.locator('.accepted-badge').waitFor();
    const afterAccept = (await getJson('/v1/ideas?surface=story')).find((i) => i.id === acceptIdea.id);
    check(afterAccept && afterAccept.accepted, `after accepting, GET /v1/ideas does not mark ${acceptIdea.id} accepted`);
    const assetsNow = await getJson('/v1/assets');
    const notPosted = acceptIdea.members.filter((m) => !(assetsNow.find((a) => a.id === m) || {}).posted);
    check(notPosted.length === 0, `the accepted idea's photos ${notPosted.join(', ')} are not marked posted`);
    pass(`accepted ${acceptIdea.id}: downloaded ${path.basename(saved)} (${bytes.length} bytes, ${isJpeg ? 'JPEG' : 'MP4'}), its ${acceptIdea.members.length} photos count as posted`);

    // 8. Dismiss one: it disappears and stays gone after a reload.
    const dismissIdea = ideas.find((i) => i.id !== acceptIdea.id && !i.accepted && i.type !== 'collage') || ideas.find((i) => i.id !== acceptIdea.id && !i.accepted);
    check(dismissIdea, 'no second idea to dismiss');
    const dismissCard = page.locator(`.idea-card[data-idea-id="${dismissIdea.id}"]`);
    await dismissCard.scrollIntoViewIfNeeded();
    await dismissCard.locator('[data-action="dismiss"]').click();
    await dismissCard.waitFor({ state: 'detached', timeout: 10000 });
    const focusAfterDismiss = await page.evaluate(() => document.activeElement && document.activeElement.className);
    check(/idea-title/.test(focusAfterDismiss), `after a dismiss the focus should move to the next idea, it is on "${focusAfterDismiss}"`);
    await page.reload();
    await page.waitForSelector('.idea-card');
    check(await page.locator(`.idea-card[data-idea-id="${dismissIdea.id}"]`).count() === 0, `dismissed idea ${dismissIdea.id} came back after a reload`);
    check(!(await getJson('/v1/ideas?surface=story')).some((i) => i.id === dismissIdea.id), `GET /v1/ideas still lists dismissed ${dismissIdea.id}`);
    pass(`dismissed ${dismissIdea.id}: gone, and still gone after a reload`);

    // 9. Edit a collage: another layout and caption.
    const editIdea = ideas.find((i) => i.type === 'collage' && i.id !== acceptIdea.id) || ideas.find((i) => i.type === 'collage');
    if (!editIdea) {
      warn('no collage idea to edit');
    } else {
      const opt = await apiFromPage(`/v1/ideas/${editIdea.id}/options`);
      if (opt.status === 404 && /route/i.test(opt.text)) {
        warn(`GET /v1/ideas/{id}/options answers 404 (${opt.text}): the edit step is skipped`);
      } else {
        check(opt.status === 200, `GET /v1/ideas/${editIdea.id}/options answered ${opt.status}: ${opt.text}`);
        const editCard = page.locator(`.idea-card[data-idea-id="${editIdea.id}"]`);
        await editCard.scrollIntoViewIfNeeded();
        const editButton = editCard.locator('[data-action="edit"]');
        await editButton.click();
        const dialog = page.locator('dialog.edit-dialog[open]');
        await dialog.waitFor();
        await dialog.locator('.variant-option input').first().waitFor({ timeout: 15000 });
        const layouts = opt.json.variants.filter((v) => v !== editIdea.variant && v !== 'auto');
        check(layouts.length > 0, `no other layout offered: ${JSON.stringify(opt.json.variants)}`);
        const layout = layouts[0];
        await dialog.locator(`.variant-option input[value="${layout}"]`).check();
        const caption = `Sunny days ${new Date().getSeconds()}`;
        await dialog.locator('input[name="title"]').fill(caption);
        // Swap the first photo for a candidate when there is one.
        let swapped = null;
        const candidates = (opt.json.candidates || []).filter((c) => !editIdea.members.includes(c));
        if (candidates.length) {
          await dialog.locator('.member-strip .thumb-btn').first().click();
          await dialog.locator('.candidate-grid .thumb-btn').first().click();
          swapped = candidates[0];
        }
        await shot('edit-dialog');
        const oldSrc = await dialog.locator('.edit-preview .preview-media').getAttribute('src');
        const editResponse = page.waitForResponse((r) => r.url().endsWith(`/v1/ideas/${editIdea.id}/edit`), { timeout: 120000 });
        await dialog.locator('[data-action="save"]').click();
        const resp = await editResponse;
        const edited = await resp.json().catch(() => null);
        check(resp.status() === 200, `POST /v1/ideas/${editIdea.id}/edit answered ${resp.status()}: ${JSON.stringify(edited)}`);
        await dialog.locator('.edit-status.is-success').waitFor({ timeout: 30000 });
        check(edited.title === caption, `the edited idea's title is "${edited.title}", expected "${caption}"`);
        check(edited.variant === layout, `the edited idea's variant is "${edited.variant}", expected "${layout}"`);
        if (swapped) check(edited.members[0] === swapped, `the edited idea's first photo is ${edited.members[0]}, expected ${swapped}`);
        const newSrc = await dialog.locator('.edit-preview .preview-media').getAttribute('src');
        const cardTitle = await editCard.locator('.idea-title').innerText();
        check(cardTitle === caption, `the card's title is "${cardTitle}" after the edit, expected "${caption}"`);
        const fileOld = editIdea.files.map((f) => f.url).join();
        const fileNew = edited.files.map((f) => f.url).join();
        if (fileOld === fileNew) warn(`POST /v1/ideas/{id}/edit returns the same file URLs as before (${fileNew}); they are served with Cache-Control max-age=60, so a browser may show the old render`);
        await shot('edit-dialog-saved');
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        const focusBack = await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.action === 'edit', null, { timeout: 2000 }).then(() => 'edit', () => page.evaluate(() => document.activeElement && document.activeElement.outerHTML.slice(0, 80)));
        check(focusBack === 'edit', `after closing the edit dialog the focus should be on its Edit button, it is on ${focusBack}`);
        pass(`edited ${editIdea.id}: layout ${editIdea.variant} → ${layout}, caption "${caption}"${swapped ? `, photo 1 swapped for ${swapped}` : ''}; preview ${oldSrc === newSrc ? 'URL unchanged' : 'URL changed'}`);
        const listed = (await getJson('/v1/ideas?surface=story')).find((i) => i.id === editIdea.id);
        check(listed && listed.title === caption && listed.variant === layout, `GET /v1/ideas does not show the edit of ${editIdea.id}`);
        pass('the edit is kept in GET /v1/ideas');
      }
    }

    // 10. Browse with suggestions on.
    await go('#/browse');
    await page.waitForSelector('.feed, .empty');
    const browseIdeas = await getJson('/v1/ideas?surface=browse');
    const feedCards = await page.locator('.feed .idea-card').count();
    check(feedCards === browseIdeas.length, `Browse shows ${feedCards} cards, the API ${browseIdeas.length}`);
    check(browseIdeas.every((i) => i.type === 'collage' || i.type === 'recap') && browseIdeas.length <= 5, 'browse ideas should be at most 5 collages or recaps');
    pass(`Browse shows ${feedCards} recent-moment cards`);
    await shot('browse');

    // 11. People with real faces: face grouping on through its notice, then rename, merge, split
    //     and hide through the People page, and face grouping off again.
    if (!PEOPLE) {
      log('note: no models on the server (run_browser_test.sh without CAMROLL_MODELS_DIR): the People steps are skipped');
    } else {
      await go('#/settings');
      await page.waitForSelector('#switch-face_grouping[aria-checked="false"]');
      const ledgerBeforeFaces = await getJson('/v1/ledger');
      await flipSwitch('face_grouping', { expectOn: true, noticeText: notice.face_grouping.turn_on, screenshot: 'settings-face-grouping-dialog-on' });
      const facesLedger = await getJson('/v1/ledger');
      const facesEntry = facesLedger.find((e) => e.seq > Math.max(0, ...ledgerBeforeFaces.map((x) => x.seq)) && e.switch === 'face_grouping' && e.value === true);
      check(facesEntry, `GET /v1/ledger has no new face_grouping=true entry: ${JSON.stringify(facesLedger).slice(-400)}`);
      check(facesEntry.notice_version === notice.face_grouping.version, `ledger notice_version ${facesEntry.notice_version}, expected ${notice.face_grouping.version}`);
      check(facesEntry.notice_text === notice.face_grouping.turn_on, 'the face_grouping ledger entry does not hold the notice text that was shown');
      check(facesEntry.method === 'web', `the face_grouping ledger entry's method is "${facesEntry.method}", expected "web"`);
      await page.waitForSelector(`.ledger-entry[data-seq="${facesEntry.seq}"]`);
      pass(`face grouping consent recorded: ledger entry ${facesEntry.seq} (${facesEntry.notice_version}, via ${facesEntry.method})`);

      // Switching on queues a processing job at once; wait until it (and any follow-up) is done.
      const facesStarted = Date.now();
      for (;;) {
        status = await getJson('/v1/status');
        if (!status.processing) break;
        if (Date.now() - facesStarted > FACES_TIMEOUT_S * 1000) {
          throw new TestFailure(`face grouping still processing after ${FACES_TIMEOUT_S} s; status: ${JSON.stringify(status)}`);
        }
        await page.waitForTimeout(2000);
      }
      let people = await getJson('/v1/people');
      check(Array.isArray(people) && people.length > 0, `no people after face grouping (the birthday photos have the same faces many times); status: ${JSON.stringify(status)}`);
      const faceCount = (list) => list.reduce((n, p) => n + p.faces.length, 0);
      pass(`face grouping done in ${((Date.now() - facesStarted) / 1000).toFixed(0)} s: ${people.length} person(s) with ${faceCount(people)} faces (${people.map((p) => p.faces.length).join(', ')})`);
      const personOf = async (id) => (await getJson('/v1/people')).find((p) => p.id === id);

      await go('#/people');
      await page.waitForSelector('.people-grid .person-tile', { timeout: 15000 });
      const tilesShown = await page.locator('.people-grid .person-tile').count();
      check(tilesShown === people.filter((p) => !p.hidden).length, `People shows ${tilesShown} cards, the API ${people.filter((p) => !p.hidden).length} visible people`);
      const firstCover = page.locator(`.person-tile[data-person="${people[0].id}"] img.person-cover`);
      const coverWidth = await firstCover.evaluate((i) => (i.complete ? i.naturalWidth
        : new Promise((r) => { i.addEventListener('load', () => r(i.naturalWidth), { once: true }); i.addEventListener('error', () => r(0), { once: true }); })));
      check(coverWidth > 0, `the cover face of person ${people[0].id} (${people[0].cover}) did not load`);
      await shot('people');
      const covers = await page.evaluate(() => [...document.querySelectorAll('img.person-cover')].map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })));
      const brokenCovers = covers.filter((c) => !c.ok).map((c) => c.src);
      check(brokenCovers.length === 0, `cover faces that did not load: ${brokenCovers.join(', ')}`);
      pass(`People shows ${tilesShown} person card(s); all ${covers.length} cover faces loaded (the first ${coverWidth} px wide)`);

      // Rename the person with the most faces.
      const renamed = people[0];
      const newName = 'Rita';
      const openPersonDialog = async (id) => {
        const tile = page.locator(`.person-tile[data-person="${id}"]`);
        await tile.scrollIntoViewIfNeeded();
        await tile.click();
        const dlg = page.locator('dialog.person-dialog[open]');
        await dlg.waitFor({ timeout: 5000 });
        return dlg;
      };
      let dialog = await openPersonDialog(renamed.id);
      const renameForm = dialog.locator('form.inline-form').first();
      await renameForm.locator('input[type=text]').fill(newName);
      await shot('person-rename-dialog');
      await renameForm.locator('button[type=submit]').click();
      await dialog.waitFor({ state: 'detached', timeout: 15000 });
      await page.waitForFunction(({ id, name }) => {
        const t = document.querySelector(`.person-tile[data-person="${id}"] .person-name`);
        return t && t.textContent === name;
      }, { id: renamed.id, name: newName }, { timeout: 15000 });
      const afterRename = await personOf(renamed.id);
      check(afterRename && afterRename.name === newName, `after renaming, GET /v1/people shows person ${renamed.id} as ${JSON.stringify(afterRename && afterRename.name)}, expected "${newName}"`);
      const focusAfterRename = await page.waitForFunction((id) => document.activeElement && document.activeElement.dataset.person === String(id), renamed.id, { timeout: 5000 })
        .then(() => String(renamed.id), () => page.evaluate(() => document.activeElement && (document.activeElement.dataset.person || document.activeElement.outerHTML.slice(0, 80))));
      check(focusAfterRename === String(renamed.id), `after renaming the focus should be on the person's card, it is on ${focusAfterRename}`);
      pass(`renamed person ${renamed.id} to "${newName}" in the dialog; GET /v1/people shows the name`);
      people = await getJson('/v1/people');

      // Merge and split through the person dialog. Two people: merge the second into the first,
      // then split its faces back out. One person with several faces: split one face out, then
      // merge it back.
      const mergeInto = async (into, from) => {
        const d = await openPersonDialog(into.id);
        await d.locator('select').selectOption(String(from.id));
        await d.locator('form.inline-form', { has: page.locator('select') }).locator('button[type=submit]').click();
        await d.waitFor({ state: 'detached', timeout: 15000 });
        await page.locator(`.person-tile[data-person="${from.id}"]`).waitFor({ state: 'detached', timeout: 15000 });
        people = await getJson('/v1/people');
        const merged = people.find((p) => p.id === into.id);
        check(!people.some((p) => p.id === from.id), `after merging, GET /v1/people still lists person ${from.id}`);
        check(merged && merged.faces.length === into.faces.length + from.faces.length,
          `after merging, person ${into.id} has ${merged && merged.faces.length} faces, expected ${into.faces.length} + ${from.faces.length}`);
        check(from.faces.every((f) => merged.faces.some((m) => m.id === f.id)), `after merging, person ${into.id} lacks faces of ${from.id}`);
        pass(`merged person ${from.id} (${from.faces.length} face(s)) into person ${into.id} (now ${merged.faces.length} faces) in the dialog`);
        return merged;
      };
      const splitOut = async (person, faceIds) => {
        const d = await openPersonDialog(person.id);
        for (const f of faceIds) {
          const boxId = await d.locator(`.face-check[value="${f}"]`).getAttribute('id');
          await d.locator(`label[for="${boxId}"]`).click();
        }
        const ticked = await d.locator('.face-check:checked').count();
        check(ticked === faceIds.length, `${ticked} faces are ticked in the split dialog, expected ${faceIds.length}`);
        const splitButton = d.getByRole('button', { name: 'Move selected to a new person' });
        check(await splitButton.isEnabled(), 'the split button stays disabled with faces ticked');
        await d.locator(`.face-check[value="${faceIds[0]}"]`).evaluate((el) => el.closest('li').scrollIntoView({ block: 'center' }));
        await shot('person-split-dialog');
        await splitButton.click();
        await d.waitFor({ state: 'detached', timeout: 15000 });
        people = await getJson('/v1/people');
        const kept = people.find((p) => p.id === person.id);
        const fresh = people.find((p) => p.id !== person.id && p.faces.some((x) => x.id === faceIds[0]));
        check(kept && kept.faces.length === person.faces.length - faceIds.length && kept.name === person.name,
          `after splitting, person ${person.id} has ${kept && kept.faces.length} faces and name ${JSON.stringify(kept && kept.name)}, expected ${person.faces.length - faceIds.length} and ${JSON.stringify(person.name)}`);
        check(fresh && fresh.faces.length === faceIds.length && faceIds.every((f) => fresh.faces.some((x) => x.id === f)),
          `after splitting, the ${faceIds.length} faces are not together in a new person: ${JSON.stringify(fresh && fresh.faces.map((x) => x.id))}`);
        await page.locator(`.person-tile[data-person="${fresh.id}"]`).waitFor({ timeout: 15000 });
        const focused = await page.waitForFunction((id) => document.activeElement && document.activeElement.dataset.person === String(id), fresh.id, { timeout: 5000 })
          .then(() => String(fresh.id), () => page.evaluate(() => document.activeElement && (document.activeElement.dataset.person || document.activeElement.outerHTML.slice(0, 80))));
        check(focused === String(fresh.id), `after splitting the focus should be on the new person's card, it is on ${focused}`);
        pass(`split ${faceIds.length} face(s) out of person ${person.id} into new person ${fresh.id} in the dialog`);
        return { kept, fresh };
      };
      const named = people.find((p) => p.id === renamed.id);
      if (people.length >= 2) {
        const other = people.find((p) => p.id !== renamed.id);
        const merged = await mergeInto(named, other);
        await splitOut(merged, other.faces.map((f) => f.id));
      } else if (named.faces.length >= 2) {
        log(`note: face grouping found one person (${named.faces.length} faces): splitting a face out, then merging it back`);
        const { kept, fresh } = await splitOut(named, [named.faces[named.faces.length - 1].id]);
        await mergeInto(kept, fresh);
      } else {
        log('note: face grouping found one person with one face: merging and splitting are skipped');
      }

      // Hide one: it leaves the grid for the folded "Hidden" section.
      const hideTarget = people.find((p) => p.id !== renamed.id && !p.hidden) || people[0];
      dialog = await openPersonDialog(hideTarget.id);
      await dialog.getByRole('button', { name: 'Hide this person' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 15000 });
      await page.locator(`.people-grid .person-tile[data-person="${hideTarget.id}"]`).waitFor({ state: 'detached', timeout: 15000 });
      const afterHide = await personOf(hideTarget.id);
      check(afterHide && afterHide.hidden === true, `after hiding, GET /v1/people shows person ${hideTarget.id} with hidden ${JSON.stringify(afterHide && afterHide.hidden)}`);
      const showHidden = page.locator('.hidden-people button[aria-expanded]');
      const focusAfterHide = await page.waitForFunction(() => document.activeElement && document.activeElement.matches('.hidden-people button[aria-expanded]'), null, { timeout: 5000 })
        .then(() => 'ok', () => page.evaluate(() => document.activeElement && document.activeElement.outerHTML.slice(0, 80)));
      check(focusAfterHide === 'ok', `after hiding, the focus should be on the "Show hidden" button, it is on ${focusAfterHide}`);
      check(/show 1 hidden person/i.test(await showHidden.innerText()), `the Hidden section should offer "Show 1 hidden person", it says "${await showHidden.innerText()}"`);
      await showHidden.click();
      await page.locator(`.hidden-people .person-tile.is-hidden[data-person="${hideTarget.id}"]`).waitFor({ timeout: 5000 });
      pass(`hid person ${hideTarget.id}: GET /v1/people has hidden=true, People lists them under Hidden`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('people-after-changes');

      // Face grouping off: the notice says what goes, and it goes.
      await go('#/settings');
      await page.waitForSelector('#switch-face_grouping[aria-checked="true"]');
      check(/deletes/i.test(notice.face_grouping.turn_off) && /person/i.test(notice.face_grouping.turn_off), `the face_grouping turn-off notice does not say what is deleted: "${notice.face_grouping.turn_off}"`);
      await flipSwitch('face_grouping', { expectOn: false, noticeText: notice.face_grouping.turn_off, screenshot: 'settings-face-grouping-dialog-off' });
      const facesResult = await text('.switch-row[data-switch="face_grouping"] .switch-result');
      check(/deleted/i.test(facesResult), `after switching face grouping off, Settings should say what was deleted; it says "${facesResult}"`);
      const facesLedgerAfter = await getJson('/v1/ledger');
      check(facesLedgerAfter.some((e) => e.switch === 'face_grouping' && e.value === false && e.seq > facesEntry.seq), 'the ledger has no face_grouping=false entry after switching off');
      const peopleOff = await apiFromPage('/v1/people');
      check(peopleOff.status === 403, `GET /v1/people with face grouping off answered ${peopleOff.status}: ${peopleOff.text}`);
      // Not from the browser's cache: crops are served with Cache-Control max-age=60.
      const cropOff = await page.evaluate((u) => fetch(u, { cache: 'no-store' }).then((r) => r.status), renamed.cover);
      check(cropOff === 403, `GET ${renamed.cover} with face grouping off answered ${cropOff}`);
      pass(`face grouping off: "${facesResult}"; recorded in the ledger; GET /v1/people and face crops answer 403`);
      await go('#/people');
      await page.waitForSelector('.people-off');
      const offText = await text('.people-content');
      check(/face grouping is off/i.test(offText), `with face grouping off, People should say so; it says "${offText}"`);
      pass('People shows its off state again');
      await shot('people-off-after-opt-out');
    }

    // 12. Photos and a photo's transparency panel.
    await go('#/photos');
    await page.waitForSelector('.photo-tile');
    const tiles = await page.locator('.photo-tile').count();
    check(tiles === status.uploaded, `Photos shows ${tiles} tiles, the server has ${status.uploaded} files`);
    await shot('photos');
    const memberId = acceptIdea.members[0];
    const tile = page.locator(`.photo-tile[data-asset="${memberId}"]`);
    await tile.click();
    const panel = page.locator('dialog.side-panel[open]');
    await panel.locator('.purpose').first().waitFor({ timeout: 15000 });
    const panelText = (await panel.innerText()).replace(/\s+/g, ' ');
    for (const want of ['At a glance', 'Organise', 'Suggest', 'Display', 'Time, camera and position', 'Taken']) {
      check(panelText.includes(want), `the transparency panel lacks "${want}"`);
    }
    const derived = await getJson(`/v1/assets/${memberId}/derived`);
    const shownFacts = await panel.locator('.fact').count();
    check(shownFacts === derived.facts.length, `the panel shows ${shownFacts} facts, GET /v1/assets/${memberId}/derived has ${derived.facts.length}`);
    pass(`transparency panel of asset ${memberId}: ${shownFacts} facts grouped by purpose`);
    await shot('photo-transparency');
    await panel.locator('.purpose[data-purpose="organize"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('photo-transparency-by-purpose');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    check(await page.waitForFunction((id) => document.activeElement && document.activeElement.dataset.asset === String(id), memberId, { timeout: 2000 }).then(() => true, () => false), 'closing the panel should return the focus to its photo');
    pass('closing the panel returns the focus to the photo');

    // 13. Switch cloud processing off: the notice says what goes, and it goes.
    await go('#/settings');
    await page.waitForSelector('#switch-cloud_processing[aria-checked="true"]');
    await flipSwitch('cloud_processing', { expectOn: false, noticeText: notice.cloud_processing.turn_off, screenshot: 'settings-consent-dialog-off' });
    const result = await text('.switch-row[data-switch="cloud_processing"] .switch-result');
    check(/deleted/i.test(result), `after switching off, Settings should say what was deleted; it says "${result}"`);
    pass(`switched off: "${result}"`);
    await shot('settings-after-opt-out');
    const ledgerAfter = await getJson('/v1/ledger');
    check(ledgerAfter.some((e) => e.switch === 'cloud_processing' && e.value === false && e.seq > entry.seq), 'the ledger has no cloud_processing=false entry after switching off');
    pass('withdrawal recorded in the ledger');

    await go('#/story');
    await page.waitForSelector('.story-empty');
    const emptyAfter = await text('.story-empty');
    check(/switch on cloud processing and sync your camera roll/i.test(emptyAfter), `after opting out the Story tray should show the empty state, it shows "${emptyAfter}"`);
    const assetsAfter = await getJson('/v1/assets');
    check(Array.isArray(assetsAfter) && assetsAfter.length === 0, `GET /v1/assets after opting out: ${JSON.stringify(assetsAfter).slice(0, 200)}`);
    const ideasAfter = await getJson('/v1/ideas?surface=story');
    check(ideasAfter.length === 0, `GET /v1/ideas after opting out lists ${ideasAfter.length} ideas`);
    pass('after opting out: Story shows its empty state, GET /v1/assets is [] and there are no ideas');
    await shot('story-after-opt-out');
    await go('#/photos');
    await page.waitForSelector('.empty');
    await shot('photos-after-opt-out');

    // 14. Sign out.
    await page.click('#sign-out');
    await page.waitForSelector('#signin-user');
    check(/signed out/i.test(await text('#signin-message')), 'signing out should say so');
    const after = await apiFromPage('/v1/settings');
    check(after.status === 401, `after signing out GET /v1/settings answered ${after.status}`);
    pass('signed out; the session no longer works');
    await shot('signed-out');

    check(requestsOutside.length === 0, `the page loaded from outside its origin: ${requestsOutside.join(', ')}`);
    pass('nothing was loaded from outside the origin');
    check(pageErrors.length === 0, `the page logged errors: ${pageErrors.join(' | ')}`);
    pass('no script errors');
  } catch (e) {
    try { await page.screenshot({ path: path.join(OUT, 'FAILURE.png'), fullPage: true }); } catch { /* ignore */ }
    await browser.close();
    throw e;
  }
  await browser.close();
}

main().then(() => {
  console.log(`\nPASS: ${passed.length} checks in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in ${OUT}`);
  if (warnings.length) console.log(`${warnings.length} warning(s):\n  - ${warnings.join('\n  - ')}`);
  process.exit(0);
}, (e) => {
  console.error(`\nFAIL: ${e instanceof TestFailure ? e.message : e.stack || e}`);
  console.error(`(screenshot of the failure: ${path.join(OUT, 'FAILURE.png')})`);
  if (warnings.length) console.error(`warnings:\n  - ${warnings.join('\n  - ')}`);
  process.exit(1);
});
