// Idea cards (Story tray and Browse feed): previews, accept / edit / dismiss, and the edit dialog.
import { get, post } from './api.js';
import { h, clear, uid, sentence } from './dom.js';
import { icon } from './icons.js';
import { openDialog, toast, download, spinner, callout } from './ui.js';
import { IDEA_TYPES, variantLabel } from './format.js';

// File names by position, for servers that do not send `name` with each file.
const FILE_NAMES = {
  collage: ['story.jpg', 'square.jpg'],
  recap: ['recap.mp4'],
  restyle: ['before.jpg', 'after.jpg'],
  enhance: ['before.jpg', 'after.jpg', 'compare.jpg'],
  theme: ['theme.jpg'],
};

const FILE_LABELS = {
  'story.jpg': 'Story 9:16',
  'square.jpg': 'Square 1:1',
  'recap.mp4': 'Video',
  'before.jpg': 'Original',
  'after.jpg': 'New version',
  'compare.jpg': 'Side by side',
  'theme.jpg': 'Framed photo',
};

const EVIDENCE_LABELS = {
  event: 'Moment', trip: 'Trip', choice: 'Picked', colours: 'Colours', colors: 'Colours',
  season: 'Season', place: 'Place', people: 'People', objects: 'Objects', time: 'Time',
  quality: 'Quality', anniversary: 'Years ago', month: 'Month', light: 'Light',
};

// FNV-1a, as a short hex string.
function shortHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

// The idea's files with their names. The server's file URLs carry a version (?v=, a digest of
// the render), so an edited idea gets new URLs; for a URL without one, a version made from what
// shapes the render (layout, caption, photos) is added, so no cache shows an old render.
export function ideaFiles(idea) {
  const names = FILE_NAMES[idea.type] || [];
  const version = shortHash(`${idea.variant}|${idea.title}|${(idea.members || []).join(',')}`);
  return (idea.files || []).map((f, i) => {
    const fromUrl = (f.url.match(/\/files\/(\d+)(?:\?|$)/) || [])[1];
    const index = fromUrl !== undefined ? Number(fromUrl) : i;
    const url = f.url.includes('?') ? f.url : `${f.url}?v=${version}`;
    return { ...f, url, name: f.name || names[index] || `file-${index}` };
  });
}

export function primaryFile(idea) {
  const files = ideaFiles(idea);
  const prefer = { collage: 'story.jpg', recap: 'recap.mp4', restyle: 'after.jpg', enhance: 'after.jpg', theme: 'theme.jpg' }[idea.type];
  return files.find((f) => f.name === prefer) || files[files.length - 1] || null;
}

function downloadName(idea, file) {
  const base = (idea.title || idea.type).normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-').toLowerCase().slice(0, 60) || idea.type;
  return `${base}-${file.name}`;
}

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function backdrop(src) {
  return src ? h('img', { class: 'preview-bg', src, alt: '', 'aria-hidden': 'true', decoding: 'async' }) : null;
}

function compareView(before, after, idea) {
  const afterLabel = idea.type === 'enhance' ? 'Enhanced' : (variantLabel(idea.variant) || 'After');
  const wrap = h('div', { class: 'compare' });
  wrap.style.setProperty('--pos', '50%');
  const range = h('input', {
    type: 'range', min: 0, max: 100, value: 50, class: 'compare-range',
    'aria-label': `Compare the original and the ${afterLabel.toLowerCase()} version`,
    'aria-valuetext': 'Half original, half new',
    oninput: (e) => {
      const v = Number(e.target.value);
      wrap.style.setProperty('--pos', `${v}%`);
      e.target.setAttribute('aria-valuetext', v <= 2 ? 'All new version' : v >= 98 ? 'All original' : `${v}% original`);
    },
  });
  wrap.append(
    h('img', { class: 'compare-img compare-before', src: before.url, alt: `Original photo for “${idea.title}”`, decoding: 'async' }),
    h('img', { class: 'compare-img compare-after', src: after.url, alt: `${afterLabel} version of “${idea.title}”`, decoding: 'async' }),
    h('span', { class: 'compare-label is-before', 'aria-hidden': 'true' }, 'Before'),
    h('span', { class: 'compare-label is-after', 'aria-hidden': 'true' }, afterLabel),
    h('span', { class: 'compare-handle', 'aria-hidden': 'true' }, icon('left', { size: 14 }), icon('right', { size: 14 })),
    range);
  return wrap;
}

export function ideaPreview(idea) {
  const files = ideaFiles(idea);
  const byName = Object.fromEntries(files.map((f) => [f.name, f]));
  const box = h('div', { class: ['preview', `preview-${idea.type}`] });
  const poster = idea.members && idea.members.length ? `/v1/assets/${idea.members[0]}/thumbnail` : null;
  if (idea.type === 'recap' && byName['recap.mp4']) {
    const video = h('video', {
      class: 'preview-media', src: byName['recap.mp4'].url, poster: poster || undefined,
      loop: true, playsinline: true, controls: true, preload: 'metadata',
      'aria-label': `Recap video: ${idea.title}`,
    });
    video.muted = true;
    video.setAttribute('muted', '');
    if (!reducedMotion()) { video.autoplay = true; video.setAttribute('autoplay', ''); }
    box.append(backdrop(poster), video);
  } else if ((idea.type === 'restyle' || idea.type === 'enhance') && byName['before.jpg'] && byName['after.jpg']) {
    box.append(backdrop(byName['after.jpg'].url), compareView(byName['before.jpg'], byName['after.jpg'], idea));
  } else {
    const main = byName['story.jpg'] || byName['theme.jpg'] || byName['after.jpg'] || files.find((f) => f.type.startsWith('image/'));
    if (main) {
      const what = IDEA_TYPES[idea.type] ? IDEA_TYPES[idea.type].label.toLowerCase() : 'idea';
      box.append(backdrop(main.url), h('img', { class: 'preview-media', src: main.url, alt: `Preview of the ${what} “${idea.title}”`, decoding: 'async' }));
    } else if (idea.members && idea.members.length) {
      box.classList.add('preview-pending');
      const shown = idea.members.slice(0, 4);
      box.append(h('div', { class: ['pending-grid', `n-${shown.length}`] }, shown.map((m) => h('img', { src: `/v1/assets/${m}/thumbnail`, alt: '' }))),
        h('span', { class: 'pending-label' }, 'Not rendered yet'));
    } else {
      box.classList.add('preview-pending');
      box.append(h('span', { class: 'pending-label' }, 'No preview yet'));
    }
  }
  if (idea.type !== 'restyle' && idea.type !== 'enhance') {
    const t = IDEA_TYPES[idea.type];
    if (t) box.append(h('span', { class: 'preview-kind', 'aria-hidden': 'true' }, icon(t.icon, { size: 14 }), t.label));
  }
  return box;
}

function evidenceChips(idea) {
  if (!idea.evidence || !idea.evidence.length) return null;
  return h('ul', { class: 'chips', 'aria-label': 'Why camroll suggests this' },
    idea.evidence.map((e) => h('li', { class: 'chip' },
      h('span', { class: 'chip-kind' }, EVIDENCE_LABELS[e.kind] || variantLabel(e.kind)),
      h('span', { class: 'chip-detail' }, e.detail))));
}

function downloadLinks(idea) {
  return h('div', { class: 'download-links' },
    h('span', { class: 'accepted-badge' }, icon('check', { size: 16 }), 'Accepted'),
    ideaFiles(idea).map((f) => h('a', { class: 'btn small', href: f.url, download: downloadName(idea, f) },
      icon('download', { size: 16 }), FILE_LABELS[f.name] || f.name)));
}

// One idea as a card. `onRemoved(card)` runs after a dismiss animation; `layout` is 'tray' or 'feed'.
export function ideaCard(idea, { layout = 'tray', onRemoved, onChanged } = {}) {
  const titleId = uid('idea-title');
  const type = IDEA_TYPES[idea.type] || { label: idea.type, icon: 'sparkle' };
  const li = h('li', { class: ['idea-card', `layout-${layout}`], dataset: { ideaId: idea.id, ideaType: idea.type } });
  let current = idea;

  function render() {
    clear(li);
    const variant = current.variant && !['auto', ''].includes(current.variant) ? variantLabel(current.variant) : '';
    const actions = h('div', { class: 'idea-actions' });
    if (current.accepted) {
      actions.append(downloadLinks(current));
    } else if (!(current.files || []).length) {
      actions.append(h('button', { type: 'button', class: 'btn primary', disabled: true, dataset: { action: 'accept' }, title: 'This idea has no file to download yet' }, 'Not ready'));
    } else {
      const acceptBtn = h('button', { type: 'button', class: 'btn primary', dataset: { action: 'accept' } },
        icon('download', { size: 18 }), layout === 'feed' ? 'Make this' : 'Accept');
      acceptBtn.setAttribute('aria-label', `Accept and download “${current.title}”`);
      acceptBtn.addEventListener('click', () => accept(acceptBtn));
      actions.append(acceptBtn);
    }
    const editBtn = h('button', { type: 'button', class: 'btn', dataset: { action: 'edit' }, 'aria-label': `Edit “${current.title}”` },
      icon('edit', { size: 18 }), 'Edit');
    editBtn.addEventListener('click', () => openEditDialog(current, {
      // POST /v1/ideas/ID/edit answers "accepted": false even for an accepted idea (the list
      // still says true), so the card keeps what it knew.
      onSaved: (next) => { current = { ...next, accepted: next.accepted || current.accepted }; render(); if (onChanged) onChanged(current); },
      returnFocus: () => li.querySelector('[data-action="edit"]'),
    }));
    const dismissBtn = h('button', { type: 'button', class: 'btn ghost', dataset: { action: 'dismiss' }, 'aria-label': `Dismiss “${current.title}” for good` },
      icon('close', { size: 18 }), layout === 'feed' ? 'Not for me' : 'Dismiss');
    dismissBtn.addEventListener('click', () => dismiss(dismissBtn));
    actions.append(editBtn, dismissBtn);

    li.append(h('article', { class: 'idea', 'aria-labelledby': titleId },
      ideaPreview(current),
      h('div', { class: 'idea-body' },
        h('p', { class: 'idea-type' }, icon(type.icon, { size: 16 }), h('span', {}, type.label), variant ? h('span', { class: 'idea-variant' }, `· ${variant}`) : null),
        h('h3', { class: 'idea-title', id: titleId }, current.title),
        current.subtitle ? h('p', { class: 'idea-subtitle' }, current.subtitle) : null,
        current.why ? h('p', { class: 'idea-why' }, current.why) : null,
        evidenceChips(current)),
      actions));
  }

  async function accept(btn) {
    btn.disabled = true;
    btn.classList.add('is-busy');
    try {
      await post(`/v1/ideas/${encodeURIComponent(current.id)}/accept`);
      const file = primaryFile(current);
      if (file) download(file.url, downloadName(current, file));
      current = { ...current, accepted: true };
      render();
      const first = li.querySelector('.download-links a');
      if (first) first.focus();
      toast(`Accepted “${current.title}”. Your download has started; the photos in it count as posted and are kept.`, { tone: 'success' });
      if (onChanged) onChanged(current);
    } catch (e) {
      btn.disabled = false;
      btn.classList.remove('is-busy');
      if (e.status !== 401) toast(`Could not accept this idea: ${sentence(e.message)}`, { tone: 'error' });
    }
  }

  async function dismiss(btn) {
    btn.disabled = true;
    try {
      await post(`/v1/ideas/${encodeURIComponent(current.id)}/dismiss`);
      li.classList.add('is-leaving');
      toast(`Dismissed “${current.title}”. You won't see this idea again.`);
      const done = () => { if (onRemoved) onRemoved(li); else li.remove(); };
      if (reducedMotion()) done(); else setTimeout(done, 220);
    } catch (e) {
      btn.disabled = false;
      if (e.status !== 401) toast(`Could not dismiss this idea: ${sentence(e.message)}`, { tone: 'error' });
    }
  }

  render();
  return li;
}

// ---- edit dialog ----

const MAX_MEMBERS = { collage: 9, recap: 30 };
const MIN_MEMBERS = { collage: 2, recap: 2 };

export function openEditDialog(idea, { onSaved, returnFocus } = {}) {
  let saved = idea;
  const previewSlot = h('div', { class: 'edit-preview' }, ideaPreview(idea));
  const form = h('form', { class: 'edit-form', novalidate: true });
  const statusLine = h('p', { class: 'edit-status', role: 'status', 'aria-live': 'polite' });
  const saveBtn = h('button', { type: 'button', class: 'btn primary', disabled: true, dataset: { action: 'save' } }, 'Save changes');
  const closeBtn = h('button', { type: 'button', class: 'btn' }, 'Close');
  const body = h('div', { class: 'edit-layout' }, previewSlot, h('div', { class: 'edit-side' }, form));

  const kind = IDEA_TYPES[idea.type] ? IDEA_TYPES[idea.type].label.toLowerCase() : 'idea';
  const { dialog, close } = openDialog({
    title: `Edit ${kind}`,
    description: idea.title,
    className: 'edit-dialog',
    returnFocus,
    build: () => h('div', {}, body, h('div', { class: 'dialog-actions edit-actions' }, statusLine, closeBtn, saveBtn)),
  });
  closeBtn.addEventListener('click', () => close('cancel'));
  saveBtn.addEventListener('click', () => form.requestSubmit());

  form.append(spinner('Loading the options for this idea…'));

  Promise.all([
    get(`/v1/ideas/${encodeURIComponent(idea.id)}/options`),
    get('/v1/assets').catch(() => []),
  ]).then(([options, assets]) => {
    if (!dialog.open) return;
    buildForm(options, assets);
  }).catch((e) => {
    if (!dialog.open) return;
    clear(form);
    if (e.status === 404 && /route/i.test(e.message)) {
      form.append(callout({ tone: 'warning', title: 'Editing is not available yet', children: [h('p', {}, 'This camroll server cannot edit ideas yet. You can still accept or dismiss this one.')] }));
    } else if (e.status !== 401) {
      form.append(callout({ tone: 'error', title: 'Could not load the options', children: [h('p', {}, sentence(e.message))] }));
    }
  });

  function buildForm(options, assets) {
    clear(form);
    const names = new Map(assets.map((a) => [a.id, a.name]));
    const variants = Array.isArray(options.variants) ? options.variants : [];
    const max = options.max_members || MAX_MEMBERS[idea.type] || 1;
    const min = MIN_MEMBERS[idea.type] || 1;
    const state = { title: saved.title, variant: saved.variant, members: [...(saved.members || [])], slot: null };
    let baseline = JSON.stringify({ t: state.title, v: state.variant, m: state.members });

    const dirty = () => JSON.stringify({ t: state.title, v: state.variant, m: state.members }) !== baseline;
    const refreshSave = () => { saveBtn.disabled = !dirty(); };

    // Caption
    const titleInput = h('input', { id: uid('caption'), type: 'text', value: state.title, maxlength: 80, autocomplete: 'off', name: 'title' });
    titleInput.addEventListener('input', () => { state.title = titleInput.value; refreshSave(); });
    form.append(h('div', { class: 'field' },
      h('label', { for: titleInput.id }, 'Caption'),
      titleInput,
      h('p', { class: 'hint' }, 'The title written on the idea. One line, up to 80 characters.')));

    // Layout or look
    if (variants.length > 1) {
      const legend = idea.type === 'collage' ? 'Layout' : idea.type === 'restyle' ? 'Look' : 'Style';
      const group = uid('variant');
      form.append(h('fieldset', { class: 'field variant-field' },
        h('legend', {}, legend),
        h('div', { class: 'variant-options' }, variants.map((v) => {
          const input = h('input', { type: 'radio', name: group, value: v, checked: v === state.variant || (!state.variant && v === 'auto') });
          input.addEventListener('change', () => { if (input.checked) { state.variant = v; refreshSave(); } });
          return h('label', { class: 'variant-option' }, input, h('span', {}, v === 'auto' ? 'Automatic' : variantLabel(v)));
        }))));
    }

    // Photos
    const memberList = h('ul', { class: 'member-strip' });
    const memberTools = h('div', { class: 'member-tools' });
    const candidateGrid = h('ul', { class: 'candidate-grid' });
    const photoHint = h('p', { class: 'hint', id: uid('photo-hint') });
    const label = (id) => names.get(id) || `Photo ${id}`;

    function renderPhotos(focusSlot) {
      clear(memberList); clear(memberTools); clear(candidateGrid);
      state.members.forEach((id, i) => {
        const selected = state.slot === i;
        const btn = h('button', {
          type: 'button', class: 'thumb-btn', 'aria-pressed': selected ? 'true' : 'false',
          'aria-label': `Photo ${i + 1} of ${state.members.length}: ${label(id)}${selected ? ' (selected)' : ''}`,
          onclick: () => { state.slot = selected ? null : i; renderPhotos(i); },
        }, h('img', { src: `/v1/assets/${id}/thumbnail`, alt: '', loading: 'lazy' }), h('span', { class: 'thumb-num', 'aria-hidden': 'true' }, String(i + 1)));
        memberList.append(h('li', {}, btn));
      });
      const slot = state.slot;
      if (slot !== null && slot < state.members.length) {
        const move = (d) => {
          const j = slot + d;
          const m = state.members;
          [m[slot], m[j]] = [m[j], m[slot]];
          state.slot = j;
          renderPhotos(j);
          refreshSave();
        };
        if (state.members.length > 1) {
          memberTools.append(
            h('button', { type: 'button', class: 'btn small', disabled: slot === 0, onclick: () => move(-1) }, icon('left', { size: 16 }), 'Move earlier'),
            h('button', { type: 'button', class: 'btn small', disabled: slot === state.members.length - 1, onclick: () => move(1) }, 'Move later', icon('right', { size: 16 })));
        }
        if (state.members.length > min) {
          memberTools.append(h('button', {
            type: 'button', class: 'btn small ghost',
            onclick: () => { state.members.splice(slot, 1); state.slot = null; renderPhotos(); refreshSave(); },
          }, icon('minus', { size: 16 }), 'Remove'));
        }
      }
      const candidates = (options.candidates || []).filter((c) => !state.members.includes(c));
      const canAdd = state.members.length < max;
      photoHint.textContent = slot !== null
        ? `Photo ${slot + 1} is selected. Choose a photo below to swap it in.`
        : canAdd ? 'Select a photo above to swap, move or remove it, or choose one below to add it.'
          : 'Select a photo above, then choose one below to swap it in.';
      for (const c of candidates) {
        const swapping = slot !== null;
        const disabled = !swapping && !canAdd;
        candidateGrid.append(h('li', {}, h('button', {
          type: 'button', class: 'thumb-btn candidate', disabled,
          'aria-label': swapping ? `Swap in ${label(c)}` : `Add ${label(c)}`,
          onclick: () => {
            if (swapping) state.members[slot] = c; else state.members.push(c);
            const keep = swapping ? slot : state.members.length - 1;
            state.slot = null;
            renderPhotos(keep);
            refreshSave();
          },
        }, h('img', { src: `/v1/assets/${c}/thumbnail`, alt: '', loading: 'lazy' }),
        h('span', { class: 'candidate-badge', 'aria-hidden': 'true' }, icon(swapping ? 'swap' : 'plus', { size: 14 })))));
      }
      if (!candidates.length) candidateGrid.append(h('li', { class: 'hint' }, 'No other photos to choose from.'));
      if (focusSlot !== undefined) {
        const b = memberList.querySelectorAll('.thumb-btn')[focusSlot];
        if (b) b.focus();
      }
    }
    form.append(h('fieldset', { class: 'field photos-field', 'aria-describedby': photoHint.id },
      h('legend', {}, idea.type === 'collage' || idea.type === 'recap' ? `Photos (${min} to ${max})` : 'Photo'),
      photoHint, memberList, memberTools,
      h('p', { class: 'sub-legend' }, 'Your other photos'),
      candidateGrid));
    renderPhotos();

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!dirty()) return;
      const before = JSON.parse(baseline);
      const change = {};
      if (state.members.join(',') !== before.m.join(',')) change.members = state.members;
      if (state.variant !== before.v) change.variant = state.variant;
      if (state.title !== before.t) change.title = state.title.trim();
      saveBtn.disabled = true;
      saveBtn.textContent = 'Saving…';
      statusLine.textContent = 'Making your new version…';
      previewSlot.classList.add('is-busy');
      try {
        const next = await post(`/v1/ideas/${encodeURIComponent(idea.id)}/edit`, change);
        saved = next;
        state.title = next.title; state.variant = next.variant; state.members = [...(next.members || [])];
        baseline = JSON.stringify({ t: state.title, v: state.variant, m: state.members });
        titleInput.value = state.title;
        clear(previewSlot);
        previewSlot.append(ideaPreview(next));
        statusLine.textContent = 'Saved. The preview shows your new version.';
        statusLine.className = 'edit-status is-success';
        const desc = dialog.querySelector('.dialog-desc');
        if (desc) desc.textContent = next.title;
        if (onSaved) onSaved(next);
        closeBtn.focus();
      } catch (err) {
        statusLine.textContent = `Not saved: ${sentence(err.message)}`;
        statusLine.className = 'edit-status is-error';
      } finally {
        previewSlot.classList.remove('is-busy');
        saveBtn.textContent = 'Save changes';
        refreshSave();
      }
    });
  }
}
