// Settings: the three switches with their notices and consent dialogs, the consent ledger, the
// retention schedule and the export.
import { get, put, isAbort } from '../api.js';
import { h, clear, capitalize, sentence } from '../dom.js';
import { icon } from '../icons.js';
import { pageHead, confirmDialog, toast, spinner, errorState, callout } from '../ui.js';
import { fmtDateTime } from '../format.js';

const SWITCH_ICONS = { cloud_processing: 'cloud', face_grouping: 'face', browse_suggestions: 'browse' };

export async function settingsView(main, ctx) {
  main.append(pageHead('Settings', 'What camroll may do with your photos, what you agreed to and when, and how long things are kept.'));
  const content = h('div', { class: 'settings-content' }, spinner('Loading your settings…'));
  main.append(content);

  let notices, switches, ledger, retention;
  try {
    [notices, switches, ledger, retention] = await Promise.all([
      ctx.notices(),
      get('/v1/settings', { signal: ctx.signal }),
      get('/v1/ledger', { signal: ctx.signal }),
      get('/v1/retention', { signal: ctx.signal }),
    ]);
  } catch (e) {
    if (isAbort(e) || e.status === 401) throw e;
    clear(content);
    content.append(errorState(e, () => ctx.rerender()));
    return;
  }
  const titles = Object.fromEntries(notices.map((n) => [n.switch, n.title]));

  const ledgerSlot = h('div', { class: 'ledger-slot' });
  const rows = new Map();

  function switchRow(n) {
    const on = !!switches[n.switch];
    const titleId = `switch-title-${n.switch}`;
    const descId = `switch-desc-${n.switch}`;
    const result = h('div', { class: 'switch-result', id: `switch-result-${n.switch}` });
    const toggle = h('button', {
      type: 'button', role: 'switch', class: 'toggle', id: `switch-${n.switch}`,
      'aria-checked': on ? 'true' : 'false', 'aria-labelledby': titleId, 'aria-describedby': descId,
      dataset: { switch: n.switch },
      onclick: () => change(n, !switches[n.switch]),
    }, h('span', { class: 'toggle-track', 'aria-hidden': 'true' }, h('span', { class: 'toggle-thumb' })),
    h('span', { class: 'toggle-text', 'aria-hidden': 'true' }, on ? 'On' : 'Off'));
    const row = h('li', { class: ['switch-row', on ? 'is-on' : ''], dataset: { switch: n.switch } },
      h('div', { class: 'switch-icon', 'aria-hidden': 'true' }, icon(SWITCH_ICONS[n.switch] || 'shield', { size: 22 })),
      h('div', { class: 'switch-text' },
        h('h3', { id: titleId }, n.title),
        h('p', { id: descId, class: 'switch-purpose' }, sentence(capitalize(n.purpose))),
        h('details', { class: 'notice-details' },
          h('summary', {}, on ? 'What switching off deletes' : 'Read the full notice'),
          h('p', {}, on ? n.turn_off : n.turn_on),
          h('p', { class: 'meta' }, `Notice version ${n.version}`)),
        result),
      h('div', { class: 'switch-control' }, toggle));
    rows.set(n.switch, row);
    return row;
  }

  async function change(n, value) {
    const toggle = document.getElementById(`switch-${n.switch}`);
    const confirmed = await confirmDialog(value ? {
      title: `Switch on ${n.title.toLowerCase()}?`,
      eyebrow: 'Please read this before you agree.',
      body: h('div', { class: 'notice-text' }, h('p', {}, n.turn_on)),
      meta: `Notice ${n.version}. Your answer is recorded in your consent log with the time and this text.`,
      confirmLabel: `Switch on`,
      className: 'consent-dialog',
    } : {
      title: `Switch off ${n.title.toLowerCase()}?`,
      eyebrow: 'This is what will happen:',
      body: h('div', { class: 'notice-text is-warning' }, icon('alert'), h('p', {}, n.turn_off)),
      meta: `Notice ${n.version}. Your withdrawal is recorded in your consent log.`,
      confirmLabel: n.switch === 'browse_suggestions' ? 'Switch off' : 'Switch off and delete',
      danger: n.switch !== 'browse_suggestions',
      className: 'consent-dialog',
    });
    if (!confirmed) return;
    if (toggle) { toggle.disabled = true; toggle.classList.add('is-busy'); }
    try {
      const out = await put('/v1/settings', { [n.switch]: value });
      for (const k of Object.keys(switches)) if (k in out) switches[k] = out[k];
      const changeEntry = (out.changes || []).find((c) => c.switch === n.switch);
      const old = rows.get(n.switch);
      const fresh = switchRow(n);
      if (old) old.replaceWith(fresh);
      const result = fresh.querySelector('.switch-result');
      if (!value) {
        const deleted = changeEntry && changeEntry.deleted;
        result.append(callout({
          tone: deleted ? 'success' : 'info', role: 'status',
          title: `${n.title} is off.`,
          children: [h('p', {}, deleted ? `Deleted: ${deleted}.` : 'Nothing needed deleting.'),
            changeEntry ? h('p', { class: 'meta' }, `Recorded as entry ${changeEntry.ledger_seq} of your consent log.`) : null],
        }));
        toast(deleted ? `${n.title} is off. Deleted: ${deleted}.` : `${n.title} is off.`, { tone: 'success', timeout: 9000 });
      } else {
        result.append(callout({
          tone: 'success', role: 'status', title: `${n.title} is on.`,
          children: [changeEntry ? h('p', { class: 'meta' }, `Recorded as entry ${changeEntry.ledger_seq} of your consent log (notice ${changeEntry.notice_version}).`) : null],
        }));
        toast(`${n.title} is on.`, { tone: 'success' });
      }
      const t = fresh.querySelector('.toggle');
      if (t) t.focus();
      await refreshLedger();
    } catch (e) {
      if (toggle) { toggle.disabled = false; toggle.classList.remove('is-busy'); }
      if (e.status !== 401) toast(`Could not change ${n.title.toLowerCase()}: ${sentence(e.message)}`, { tone: 'error' });
    }
  }

  function renderLedger() {
    clear(ledgerSlot);
    if (!ledger.length) {
      ledgerSlot.append(h('p', { class: 'muted' }, 'No entries yet. Every time you switch something on or off, camroll records it here with the exact notice you saw.'));
      return;
    }
    const list = h('ol', { class: 'ledger', reversed: true });
    for (const e of [...ledger].reverse()) {
      list.append(h('li', { class: 'ledger-entry', dataset: { seq: e.seq } },
        h('span', { class: ['ledger-dot', e.value ? 'is-on' : 'is-off'], 'aria-hidden': 'true' }),
        h('div', { class: 'ledger-main' },
          h('p', { class: 'ledger-what' },
            h('strong', {}, titles[e.switch] || e.switch), ' ',
            h('span', { class: ['pill', e.value ? 'pill-on' : 'pill-off'] }, e.value ? 'Switched on' : 'Switched off')),
          h('p', { class: 'ledger-meta' },
            h('time', { datetime: new Date(e.time * 1000).toISOString() }, fmtDateTime(e.time)),
            ` · notice ${e.notice_version} · via ${e.method === 'web' ? 'this website' : e.method === 'api' ? 'the API' : e.method}`),
          h('details', {}, h('summary', {}, 'Notice shown'), h('p', {}, e.notice_text),
            h('p', { class: 'meta mono' }, `Entry ${e.seq} · ${e.hash.slice(0, 16)}…`)))));
    }
    ledgerSlot.append(list);
  }

  async function refreshLedger() {
    try { ledger = await get('/v1/ledger', { signal: ctx.signal }); renderLedger(); } catch { /* shown on next visit */ }
  }

  clear(content);
  const switchList = h('ul', { class: 'switch-list' }, notices.map(switchRow));
  renderLedger();
  content.append(
    h('section', { class: 'panel', 'aria-labelledby': 'sec-switches' },
      h('h2', { id: 'sec-switches' }, 'Privacy switches'),
      h('p', { class: 'section-lede' }, 'Everything is off until you switch it on. Switching off deletes what that switch allowed, within seconds.'),
      switchList),
    h('div', { class: 'settings-grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'sec-ledger' },
        h('h2', { id: 'sec-ledger' }, 'Your consent log'),
        h('p', { class: 'section-lede' }, 'Each change you made, newest first, with the notice you agreed to.'),
        ledgerSlot),
      h('div', { class: 'settings-side' },
        h('section', { class: 'panel', 'aria-labelledby': 'sec-retention' },
          h('h2', { id: 'sec-retention' }, 'How long things are kept'),
          h('dl', { class: 'retention-facts' },
            h('div', {}, h('dt', {}, 'Photos you do not post'), h('dd', {}, `${retention.unposted_uploads_days} days`)),
            h('div', {}, h('dt', {}, 'Unfinished uploads'), h('dd', {}, `${retention.unfinished_uploads_hours} hours`))),
          h('ul', { class: 'retention-list' }, (retention.schedule || []).map((s) => h('li', {}, icon('clock', { size: 16 }), h('span', {}, s))))),
        h('section', { class: 'panel', 'aria-labelledby': 'sec-export' },
          h('h2', { id: 'sec-export' }, 'Your data'),
          h('p', {}, 'Download everything camroll holds for you: your photos and videos, what was derived from them, your ideas and your consent log, as one archive.'),
          h('a', { class: 'btn', href: '/v1/export', download: 'camroll-export.tar', id: 'export-all' }, icon('archive', { size: 18 }), 'Export everything')),
        h('section', { class: 'panel', 'aria-labelledby': 'sec-account' },
          h('h2', { id: 'sec-account' }, 'Account'),
          h('p', {}, 'Signed in as ', h('strong', {}, ctx.session.user), '.'),
          h('button', { type: 'button', class: 'btn', onclick: () => document.getElementById('sign-out').click() }, icon('signout', { size: 18 }), 'Sign out')))));
}
