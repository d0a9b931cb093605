// camroll web app: sign-in, hash routes and the page shell. Plain ES modules, no build step.
import { api, get, del, post, setCsrf, onUnauthorized, isAbort } from './js/api.js';
import { h, clear, sentence } from './js/dom.js';
import { icon } from './js/icons.js';
import { toast, errorState } from './js/ui.js';
import { storyView } from './js/views/story.js';
import { browseView } from './js/views/browse.js';
import { photosView } from './js/views/photos.js';
import { peopleView } from './js/views/people.js';
import { statusView } from './js/views/status.js';
import { settingsView } from './js/views/settings.js';

const ROUTES = [
  { path: 'story', label: 'Story', icon: 'story', view: storyView },
  { path: 'browse', label: 'Browse', icon: 'browse', view: browseView },
  { path: 'photos', label: 'Photos', icon: 'photos', view: photosView },
  { path: 'people', label: 'People', icon: 'people', view: peopleView },
  { path: 'status', label: 'Status', icon: 'status', view: statusView },
  { path: 'settings', label: 'Settings', icon: 'settings', view: settingsView },
];

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const nav = document.getElementById('nav');
const account = document.getElementById('account');

let session = null;          // {user, csrf}
let current = null;          // {controller, cleanups}
let notices = null;          // cached GET /v1/notices
let firstRender = true;

function currentPath() {
  const m = location.hash.match(/^#\/([a-z]+)/);
  return m ? m[1] : '';
}

function teardown() {
  if (!current) return;
  current.controller.abort();
  for (const fn of current.cleanups) { try { fn(); } catch { /* ignore */ } }
  current = null;
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
}

function buildShell() {
  clear(nav);
  nav.append(h('ul', { class: 'nav-list' }, ROUTES.map((r) => h('li', {},
    h('a', { href: `#/${r.path}`, class: 'nav-link', dataset: { route: r.path } },
      icon(r.icon, { size: 20 }), h('span', { class: 'nav-label' }, r.label))))));
  clear(account);
  account.append(
    h('span', { class: 'account-name', title: `Signed in as ${session.user}` },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, session.user.slice(0, 1).toUpperCase()),
      h('span', { class: 'account-user' }, h('span', { class: 'visually-hidden' }, 'Signed in as '), session.user)),
    h('button', { type: 'button', class: 'btn ghost small', id: 'sign-out', onclick: signOut },
      icon('signout', { size: 18 }), h('span', { class: 'signout-label' }, 'Sign out')));
  topbar.hidden = false;
  document.body.classList.remove('signed-out');
  document.body.classList.add('signed-in');
}

function markNav(path) {
  for (const a of nav.querySelectorAll('.nav-link')) {
    if (a.dataset.route === path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function getNotices(signal) {
  if (!notices) notices = await get('/v1/notices', { signal });
  return notices;
}

export async function route() {
  if (!session) return;
  const path = currentPath();
  const r = ROUTES.find((x) => x.path === path);
  if (!r) { location.replace('#/story'); if (!path) route(); return; }
  teardown();
  const controller = new AbortController();
  current = { controller, cleanups: [] };
  const ctx = {
    signal: controller.signal,
    session,
    onCleanup: (fn) => current && current.controller === controller && current.cleanups.push(fn),
    notices: () => getNotices(controller.signal),
    rerender: () => { if (current && current.controller === controller) route(); },
  };
  markNav(r.path);
  document.title = `${r.label} · camroll`;
  clear(main);
  main.className = `page page-${r.path}`;
  const focusHeading = !firstRender;
  firstRender = false;
  try {
    await r.view(main, ctx);
  } catch (e) {
    if (isAbort(e) || controller.signal.aborted) return;
    if (e && e.status === 401) return;  // handled by onUnauthorized
    main.append(errorState(e, () => route()));
  }
  if (focusHeading && !controller.signal.aborted) {
    const h1 = main.querySelector('h1');
    if (h1) h1.focus({ preventScroll: false });
  }
}

// ---- sign-in ----

function showSignIn({ message = '', tone = 'error' } = {}) {
  teardown();
  session = null;
  setCsrf('');
  topbar.hidden = true;
  document.body.classList.add('signed-out');
  document.body.classList.remove('signed-in');
  document.title = 'Sign in · camroll';
  clear(main);
  main.className = 'page page-signin';

  const errorBox = h('div', { class: 'signin-message', id: 'signin-message', role: tone === 'error' ? 'alert' : 'status' });
  const setMessage = (text, t = 'error') => {
    clear(errorBox);
    errorBox.className = `signin-message ${text ? `callout tone-${t}` : ''}`;
    if (text) errorBox.append(icon(t === 'error' ? 'alert' : 'info'), h('p', {}, text));
  };
  const userInput = h('input', { id: 'signin-user', name: 'user', type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
  const passInput = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn primary block' }, 'Sign in');
  const form = h('form', {
    class: 'signin-form', novalidate: true, 'aria-describedby': 'signin-message',
    onsubmit: async (e) => {
      e.preventDefault();
      const user = userInput.value.trim();
      const password = passInput.value;
      if (!user || !password) {
        setMessage('Enter your user name and password.');
        (user ? passInput : userInput).focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Signing in…';
      try {
        const s = await post('/v1/session', { user, password }, { quiet401: true });
        await startSession(s);
      } catch (err) {
        submit.disabled = false;
        submit.textContent = 'Sign in';
        if (err.status === 401) {
          setMessage(`${sentence(err.message)} Check them and try again.`);
          passInput.value = '';
          passInput.focus();
        } else {
          setMessage(sentence(err.message));
        }
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'signin-user' }, 'User name'), userInput),
  h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), passInput),
  submit);

  main.append(h('div', { class: 'signin' },
    h('div', { class: 'signin-card' },
      h('div', { class: 'signin-brand' },
        h('img', { src: 'icon.svg', alt: '', width: 48, height: 48 }),
        h('span', { class: 'brand-name' }, 'camroll')),
      h('h1', { tabindex: '-1' }, 'Sign in'),
      h('p', { class: 'lede' }, 'Ideas from your camera roll — collages, recap videos and more, made privately for you.'),
      errorBox,
      form),
    h('p', { class: 'signin-foot' }, icon('shield', { size: 16 }), 'Your photos are processed only after you switch cloud processing on, and you can delete everything at any time.')));
  if (message) setMessage(message, tone);
  userInput.focus();
}

async function startSession(s) {
  session = { user: s.user, csrf: s.csrf };
  setCsrf(s.csrf);
  buildShell();
  firstRender = true;
  if (!currentPath() || !ROUTES.some((r) => r.path === currentPath())) {
    history.replaceState(null, '', '#/story');
  }
  await route();
}

async function signOut() {
  try {
    await del('/v1/session');
  } catch (e) {
    if (e.status !== 401) { toast(`Could not sign out: ${e.message}`, { tone: 'error' }); return; }
  }
  showSignIn({ message: 'You have signed out.', tone: 'info' });
}

onUnauthorized((err) => {
  if (!session) return;
  const expired = /expired/i.test(err.message);
  showSignIn({ message: expired ? sentence(err.message) : 'You are signed out. Sign in again to carry on.' });
});

window.addEventListener('hashchange', () => { if (session) route(); });

async function boot() {
  try {
    const s = await api('/v1/session', { quiet401: true });
    await startSession(s);
  } catch (e) {
    if (e.status === 401) {
      showSignIn({ message: /expired/i.test(e.message) ? sentence(e.message) : '' });
    } else {
      clear(main);
      main.append(errorState(e, boot));
    }
  }
}

boot();
