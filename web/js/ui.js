// Shared pieces of the interface: dialogs with focus return, toasts, empty and error states.
import { h, uid, sentence } from './dom.js';
import { icon } from './icons.js';

// Opens a modal <dialog>. `build(dialog, close)` returns its content. Focus goes back to the
// element that had it (or to `returnFocus()` when that element is gone) when it closes.
export function openDialog({ title, description, className, build, lightDismiss = true, onClose, returnFocus, initialFocus }) {
  const opener = document.activeElement;
  const titleId = uid('dlg-title');
  const descId = description ? uid('dlg-desc') : undefined;
  const dialog = h('dialog', { class: ['dialog', className], 'aria-labelledby': titleId, 'aria-describedby': descId });
  const close = (value = '') => { if (dialog.open) dialog.close(value); };
  const head = h('div', { class: 'dialog-head' },
    h('div', { class: 'dialog-titles' },
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      description ? h('p', { id: descId, class: 'dialog-desc' }, description) : null),
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: () => close('cancel') }, icon('close')));
  dialog.append(head, h('div', { class: 'dialog-body' }, build(dialog, close)));
  dialog.addEventListener('close', () => {
    dialog.remove();
    let target = opener && opener.isConnected ? opener : null;
    if (!target && returnFocus) target = returnFocus();
    if (target && typeof target.focus === 'function') target.focus();
    if (onClose) onClose(dialog.returnValue);
  });
  if (lightDismiss) {
    dialog.addEventListener('click', (e) => {
      if (e.target !== dialog) return;
      const r = dialog.getBoundingClientRect();
      const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      if (!inside) close('cancel');
    });
  }
  document.body.append(dialog);
  dialog.showModal();
  const first = initialFocus ? dialog.querySelector(initialFocus) : null;
  if (first) first.focus();
  return { dialog, close };
}

// A yes/no question; resolves true when confirmed.
export function confirmDialog({ title, eyebrow, body, meta, confirmLabel, cancelLabel = 'Cancel', danger = false, className }) {
  return new Promise((resolve) => {
    let confirmed = false;
    openDialog({
      title,
      description: eyebrow,
      className: ['confirm', danger ? 'is-danger' : '', className].filter(Boolean).join(' '),
      lightDismiss: false,
      initialFocus: '[data-autofocus]',
      onClose: () => resolve(confirmed),
      build: (dialog, close) => h('div', { class: 'confirm-content' },
        body,
        meta ? h('p', { class: 'meta' }, meta) : null,
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'btn', 'data-autofocus': true, onclick: () => close('cancel') }, cancelLabel),
          h('button', {
            type: 'button', class: ['btn', danger ? 'danger' : 'primary'], 'data-confirm': true,
            onclick: () => { confirmed = true; close('confirm'); },
          }, confirmLabel))),
    });
  });
}

// Toasts live in a manual popover so that they show above an open modal dialog too.
function raiseToasts(box) {
  if (typeof box.showPopover !== 'function') return;
  if (!box.hasAttribute('popover')) box.setAttribute('popover', 'manual');
  try {
    if (box.matches(':popover-open')) box.hidePopover();
    if (box.children.length) box.showPopover();
  } catch { /* not supported: stays in the page */ }
}

export function toast(message, { tone = 'info', timeout = 6000 } = {}) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('div', { class: ['toast', `tone-${tone}`] },
    icon(tone === 'error' ? 'alert' : tone === 'success' ? 'check' : 'info'),
    h('span', {}, message));
  box.append(item);
  raiseToasts(box);
  setTimeout(() => {
    item.classList.add('leaving');
    setTimeout(() => { item.remove(); if (!box.children.length) raiseToasts(box); }, 300);
  }, timeout);
}

export function emptyState({ iconName = 'sparkle', title, text, actions = [], className }) {
  return h('div', { class: ['empty', className] },
    h('div', { class: 'empty-icon' }, icon(iconName, { size: 28 })),
    h('h2', { class: 'empty-title' }, title),
    text ? h('p', { class: 'empty-text' }, text) : null,
    actions.length ? h('div', { class: 'empty-actions' }, actions) : null);
}

export function errorState(err, retry) {
  return h('div', { class: 'callout tone-error', role: 'alert' },
    icon('alert'),
    h('div', {},
      h('p', { class: 'callout-title' }, 'Something went wrong'),
      h('p', {}, sentence(err && err.message ? err.message : String(err))),
      retry ? h('button', { type: 'button', class: 'btn small', onclick: retry }, icon('refresh', { size: 16 }), 'Try again') : null));
}

export function callout({ tone = 'info', iconName, title, children = [], role }) {
  return h('div', { class: ['callout', `tone-${tone}`], role },
    icon(iconName || (tone === 'error' ? 'alert' : tone === 'success' ? 'check' : 'info')),
    h('div', {}, title ? h('p', { class: 'callout-title' }, title) : null, children));
}

export function spinner(label = 'Loading…') {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', {}, label));
}

export function pageHead(title, lede, extra) {
  return h('header', { class: 'page-head' },
    h('div', {},
      h('h1', { tabindex: '-1' }, title),
      lede ? h('p', { class: 'lede' }, lede) : null),
    extra ? h('div', { class: 'page-head-extra' }, extra) : null);
}

// Programmatic download through a real <a download>.
export function download(url, name) {
  const a = h('a', { href: url, download: name || '', hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}
