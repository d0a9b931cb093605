// Story: the "Ideas from your camera roll" tray.
import { get, isAbort } from '../api.js';
import { h, clear } from '../dom.js';
import { icon } from '../icons.js';
import { pageHead, emptyState, spinner, errorState } from '../ui.js';
import { ideaCard } from '../ideas.js';
import { plural } from '../format.js';

export function progressStrip(status) {
  const total = status.uploaded || 0;
  const done = status.analysed || 0;
  const pct = total ? Math.round((done / total) * 100) : 0;
  const text = status.uploading > 0
    ? `Receiving ${plural(status.uploading, 'upload')}…`
    : `Analysing your photos — ${done} of ${total} done.`;
  return h('div', { class: 'progress-strip', role: 'status' },
    h('span', { class: 'spinner small', 'aria-hidden': 'true' }),
    h('div', { class: 'progress-strip-text' },
      h('p', {}, text, ' New ideas appear here by themselves.'),
      h('progress', { max: 100, value: pct, 'aria-label': 'Analysis progress' })),
    h('a', { href: '#/status', class: 'btn small ghost' }, 'Details'));
}

export async function storyView(main, ctx) {
  main.append(pageHead('Story', 'Ideas made from your camera roll, for you alone. Accept one to download it, edit it to make it yours, or dismiss it for good.'));
  const strip = h('div', { class: 'strip-slot' });
  const content = h('div', { class: 'story-content' }, spinner('Loading your ideas…'));
  main.append(strip, content);

  let shownIds = '';
  let timer = null;
  ctx.onCleanup(() => clearTimeout(timer));

  async function load({ quiet = false } = {}) {
    const [ideas, settings, status] = await Promise.all([
      get('/v1/ideas?surface=story', { signal: ctx.signal }),
      get('/v1/settings', { signal: ctx.signal }),
      get('/v1/status', { signal: ctx.signal }),
    ]);
    const busy = settings.cloud_processing && (status.processing || status.uploading > 0);
    clear(strip);
    if (busy) strip.append(progressStrip(status));
    const ids = ideas.map((i) => i.id).join(',');
    if (!quiet || ids !== shownIds) {
      shownIds = ids;
      render(ideas, settings, status);
    }
    clearTimeout(timer);
    if (busy) timer = setTimeout(poll, 3000);
  }

  async function poll() {
    try { await load({ quiet: true }); } catch (e) { if (!isAbort(e) && e.status !== 401) timer = setTimeout(poll, 6000); }
  }

  function render(ideas, settings, status) {
    clear(content);
    if (!ideas.length) {
      content.append(emptyFor(settings, status));
      return;
    }
    const tray = h('ul', { class: 'tray', id: 'idea-tray', 'aria-labelledby': 'tray-title' });
    const count = h('p', { class: 'tray-count', 'aria-live': 'polite' });
    const setCount = () => {
      const n = tray.children.length;
      count.textContent = plural(n, 'idea');
      if (!n) { clear(content); content.append(emptyFor(settings, status, { dismissedAll: true })); }
    };
    const onRemoved = (li) => {
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      setCount();
      const target = next ? next.querySelector('.idea-title') : main.querySelector('h1');
      if (target) { target.setAttribute('tabindex', '-1'); target.focus(); }
    };
    for (const idea of ideas) tray.append(ideaCard(idea, { layout: 'tray', onRemoved }));
    const scrollBy = (dir) => {
      const card = tray.querySelector('.idea-card');
      const step = card ? card.getBoundingClientRect().width + 24 : 320;
      tray.scrollBy({ left: dir * step * 2, behavior: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    };
    content.append(h('section', { class: 'tray-section', 'aria-labelledby': 'tray-title' },
      h('div', { class: 'section-head' },
        h('div', {},
          h('h2', { id: 'tray-title' }, 'Ideas from your camera roll'),
          count),
        h('div', { class: 'tray-nav' },
          h('button', { type: 'button', class: 'icon-btn outline', 'aria-label': 'Scroll ideas left', 'aria-controls': 'idea-tray', onclick: () => scrollBy(-1) }, icon('left')),
          h('button', { type: 'button', class: 'icon-btn outline', 'aria-label': 'Scroll ideas right', 'aria-controls': 'idea-tray', onclick: () => scrollBy(1) }, icon('right')))),
      tray));
    setCount();
  }

  function emptyFor(settings, status, { dismissedAll = false } = {}) {
    if (!settings.cloud_processing) {
      return emptyState({
        iconName: 'cloud', className: 'story-empty',
        title: 'No ideas yet — switch on cloud processing and sync your camera roll',
        text: 'camroll makes collages, recap videos and more from your photos once you allow it to process them. Nothing is uploaded until you switch cloud processing on.',
        actions: [h('a', { href: '#/settings', class: 'btn primary' }, 'Open Settings')],
      });
    }
    if (status.processing || status.uploading > 0) {
      return emptyState({
        iconName: 'sparkle', className: 'story-empty',
        title: 'Working on your photos…',
        text: 'camroll is looking at your camera roll. Ideas will appear here as soon as it is done — this page updates by itself.',
        actions: [h('a', { href: '#/status', class: 'btn' }, 'See progress')],
      });
    }
    if (!status.uploaded) {
      return emptyState({
        iconName: 'upload', className: 'story-empty',
        title: 'No ideas yet — sync your camera roll',
        text: 'Cloud processing is on. Run camroll sync on your phone or computer to send your photos; ideas appear here once they are analysed.',
        actions: [h('a', { href: '#/status', class: 'btn' }, 'Check the status')],
      });
    }
    return emptyState({
      iconName: 'sparkle', className: 'story-empty',
      title: dismissedAll ? "You're all caught up" : 'No ideas yet',
      text: dismissedAll
        ? 'New ideas appear here when you sync more photos.'
        : 'camroll needs a few photos from the same day, trip or season to suggest something. Sync more of your camera roll and check back.',
      actions: [h('a', { href: '#/photos', class: 'btn' }, 'See your photos')],
    });
  }

  try {
    await load();
  } catch (e) {
    if (isAbort(e) || e.status === 401) throw e;
    clear(content);
    content.append(errorState(e, () => ctx.rerender()));
  }
}
