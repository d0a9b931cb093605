// People: face-grouping clusters — rename, merge, split, hide. Only with face grouping on.
import { get, put, post, isAbort } from '../api.js';
import { h, clear, uid, sentence } from '../dom.js';
import { icon } from '../icons.js';
import { pageHead, spinner, errorState, emptyState, openDialog, toast, callout } from '../ui.js';
import { plural } from '../format.js';

// The photos a person is in (a photo can hold the same person's face twice only by mistake, but
// it counts once).
function photoCount(person) {
  return new Set(person.faces.map((f) => f.asset)).size;
}

const displayName = (p) => p.name || 'Unnamed person';

export async function peopleView(main, ctx) {
  main.append(pageHead('People', 'Photos of the same person, grouped by face. Only you can see this.'));
  const content = h('div', { class: 'people-content' }, spinner('Loading people…'));
  main.append(content);
  let people = [];
  let showHidden = false;

  async function load() {
    try {
      people = await get('/v1/people', { signal: ctx.signal });
    } catch (e) {
      if (isAbort(e) || e.status === 401) throw e;
      clear(content);
      if (e.status === 403) {
        content.append(emptyState({
          iconName: 'face', className: 'people-off',
          title: 'Face grouping is off',
          text: 'camroll does not look for faces unless you switch face grouping on. When it is on, photos of the same person are grouped here, and you can name, merge, split or hide them. Switching it off deletes every face and person at once.',
          actions: [h('a', { href: '#/settings', class: 'btn primary' }, 'Open Settings')],
        }));
      } else if (e.status === 404 && /route/i.test(e.message)) {
        content.append(emptyState({ iconName: 'people', title: 'People are not available yet', text: 'This camroll server cannot show people yet.' }));
      } else {
        content.append(errorState(e, () => ctx.rerender()));
      }
      return false;
    }
    render();
    return true;
  }

  function render(focusId) {
    clear(content);
    if (!people.length) {
      content.append(emptyState({
        iconName: 'people', title: 'No people yet',
        text: 'Face grouping is on. People appear here after camroll has found faces in your photos — check the status page for progress.',
        actions: [h('a', { href: '#/status', class: 'btn' }, 'Check the status')],
      }));
      return;
    }
    const visible = people.filter((p) => !p.hidden);
    const hidden = people.filter((p) => p.hidden);
    const grid = (list) => h('ul', { class: 'people-grid' }, list.map((p) => h('li', {},
      h('button', {
        type: 'button', class: ['person-tile', p.hidden ? 'is-hidden' : ''], dataset: { person: p.id },
        'aria-label': `${displayName(p)}, ${plural(photoCount(p), 'photo')}${p.hidden ? ', hidden' : ''}. Open`,
        onclick: () => openPerson(p),
      },
      h('img', { class: 'person-cover', src: p.cover, alt: '', loading: 'lazy' }),
      h('span', { class: ['person-name', p.name ? '' : 'is-unnamed'] }, displayName(p)),
      h('span', { class: 'person-count' }, plural(photoCount(p), 'photo'))))));
    content.append(h('section', { 'aria-labelledby': 'people-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'people-title' }, visible.length ? plural(visible.length, 'person', 'people') : 'Everyone is hidden')),
      visible.length ? grid(visible) : h('p', { class: 'muted' }, 'Show a hidden person to bring them back into your ideas.')));
    if (hidden.length) {
      const toggleBtn = h('button', { type: 'button', class: 'btn small ghost', 'aria-expanded': showHidden ? 'true' : 'false', onclick: () => { showHidden = !showHidden; render(); } },
        icon(showHidden ? 'eyeoff' : 'eye', { size: 16 }), showHidden ? 'Fold away' : `Show ${plural(hidden.length, 'hidden person', 'hidden people')}`);
      content.append(h('section', { class: 'hidden-people', 'aria-labelledby': 'hidden-title' },
        h('div', { class: 'section-head' }, h('h2', { id: 'hidden-title' }, 'Hidden'), toggleBtn),
        h('p', { class: 'muted' }, 'Hidden people are left out of ideas.'),
        showHidden ? grid(hidden) : null));
    }
    if (focusId) {
      const t = content.querySelector(`[data-person="${focusId}"]`);
      if (t) t.focus();
    }
  }

  // After a change: the list again, with the focus on the person changed (or made), else on the
  // "Show hidden" button (after a hide), else on the page title.
  async function reloadAndFocus(id) {
    try {
      people = await get('/v1/people', { signal: ctx.signal });
    } catch (e) {
      if (isAbort(e) || e.status === 401) return;
      toast(`Saved, but the list could not be reloaded: ${sentence(e.message)}`, { tone: 'error' });
      return;
    }
    render(id);
    if (!content.contains(document.activeElement)) {
      const next = content.querySelector('.hidden-people .section-head button') || main.querySelector('h1');
      if (next) next.focus();
    }
  }

  function openPerson(p) {
    // The list is reloaded once the dialog has closed and given the focus back, so that the
    // focus the reload sets is not taken back by the dialog.
    let focusAfter;
    openDialog({
      title: displayName(p),
      description: plural(photoCount(p), 'photo'),
      className: 'person-dialog',
      returnFocus: () => content.querySelector(`[data-person="${p.id}"]`) || main.querySelector('h1'),
      onClose: () => { if (focusAfter !== undefined) reloadAndFocus(focusAfter); },
      build: (dialog, close) => {
        const status = h('p', { class: 'form-status', role: 'status' });
        const fail = (e) => { status.textContent = `Not saved: ${sentence(e.message)}`; status.className = 'form-status is-error'; };
        const done = (focusId) => { focusAfter = focusId; close('saved'); };

        // Rename
        const nameId = uid('person-name');
        const nameInput = h('input', { id: nameId, type: 'text', value: p.name || '', maxlength: 80, placeholder: 'Add a name', autocomplete: 'off' });
        const renameForm = h('form', {
          class: 'inline-form', onsubmit: async (e) => {
            e.preventDefault();
            try {
              await put(`/v1/people/${p.id}`, { name: nameInput.value.trim() });
              toast(nameInput.value.trim() ? `Named ${nameInput.value.trim()}.` : 'Name removed.', { tone: 'success' });
              done(p.id);
            } catch (err) { fail(err); }
          },
        }, h('label', { for: nameId }, 'Name'), h('div', { class: 'inline-row' }, nameInput, h('button', { type: 'submit', class: 'btn primary' }, 'Save name')));

        // Hide / show
        const hideBtn = h('button', {
          type: 'button', class: 'btn', onclick: async () => {
            try {
              await put(`/v1/people/${p.id}`, { hidden: !p.hidden });
              toast(p.hidden ? `${displayName(p)} is shown again.` : `${displayName(p)} is hidden.`, { tone: 'success' });
              done(p.hidden ? p.id : null);
            } catch (err) { fail(err); }
          },
        }, icon(p.hidden ? 'eye' : 'eyeoff', { size: 18 }), p.hidden ? 'Show this person' : 'Hide this person');

        // Merge
        const others = people.filter((o) => o.id !== p.id);
        const mergeId = uid('merge');
        const mergeSelect = h('select', { id: mergeId },
          h('option', { value: '' }, 'Choose a person…'),
          others.map((o) => h('option', { value: o.id }, `${displayName(o)} (${plural(photoCount(o), 'photo')})`)));
        const mergeForm = h('form', {
          class: 'inline-form', onsubmit: async (e) => {
            e.preventDefault();
            const from = Number(mergeSelect.value);
            if (!from) { status.textContent = 'Choose the person to merge in first.'; status.className = 'form-status is-error'; mergeSelect.focus(); return; }
            try {
              await post(`/v1/people/${p.id}/merge`, { from });
              toast('Merged. Their photos are now together.', { tone: 'success' });
              done(p.id);
            } catch (err) { fail(err); }
          },
        }, h('label', { for: mergeId }, 'Same person as'),
        h('div', { class: 'inline-row' }, mergeSelect, h('button', { type: 'submit', class: 'btn', disabled: !others.length }, icon('merge', { size: 18 }), 'Merge')),
        h('p', { class: 'hint' }, 'Moves the other person’s photos here.'));

        // Split
        const picked = new Set();
        const splitBtn = h('button', { type: 'button', class: 'btn', disabled: true }, icon('split', { size: 18 }), 'Move selected to a new person');
        const faceGrid = h('ul', { class: 'face-grid' }, p.faces.map((f, i) => {
          const id = uid('face');
          const box = h('input', { type: 'checkbox', id, class: 'face-check', value: f.id, onchange: (e) => {
            if (e.target.checked) picked.add(f.id); else picked.delete(f.id);
            splitBtn.disabled = picked.size === 0 || picked.size === p.faces.length;
          } });
          return h('li', {}, box, h('label', { for: id, class: 'face-label' },
            h('img', { src: f.crop, alt: '', loading: 'lazy' }),
            h('span', { class: 'visually-hidden' }, `Face ${i + 1}`),
            h('span', { class: 'face-tick', 'aria-hidden': 'true' }, icon('check', { size: 14 }))));
        }));
        splitBtn.addEventListener('click', async () => {
          try {
            const out = await post(`/v1/people/${p.id}/split`, { faces: [...picked] });
            toast(`Moved ${plural(picked.size, 'face')} to a new person.`, { tone: 'success' });
            done(out && out.person ? out.person : p.id);
          } catch (err) { fail(err); }
        });

        return h('div', { class: 'person-panel' },
          h('div', { class: 'person-hero' }, h('img', { src: p.cover, alt: `Face of ${displayName(p)}` })),
          renameForm,
          h('fieldset', { class: 'field' },
            h('legend', {}, 'Not the same person?'),
            h('p', { class: 'hint' }, 'Select the faces that belong to someone else.'),
            faceGrid, splitBtn),
          others.length ? mergeForm : null,
          h('div', { class: 'person-actions' }, hideBtn),
          status);
      },
    });
  }

  await load();
}
