// Browse: a feed of recent-moment cards, only while suggestions while browsing are on.
import { get, isAbort } from '../api.js';
import { h, clear } from '../dom.js';
import { pageHead, emptyState, spinner, errorState } from '../ui.js';
import { ideaCard } from '../ideas.js';

function offState(message) {
  return emptyState({
    iconName: 'browse', className: 'browse-off',
    title: 'Suggestions while browsing are off',
    text: message || 'Switch them on in Settings to see a few cards here about your recent moments — collages and recap videos made only from what cloud processing already worked out. Nothing more is uploaded or analysed.',
    actions: [h('a', { href: '#/settings', class: 'btn primary' }, 'Open Settings')],
  });
}

export async function browseView(main, ctx) {
  main.append(pageHead('Browse', 'Recent moments from your camera roll, as ready-made ideas.'));
  const content = h('div', { class: 'browse-content' }, spinner('Loading recent moments…'));
  main.append(content);
  try {
    const settings = await get('/v1/settings', { signal: ctx.signal });
    clear(content);
    if (!settings.browse_suggestions) {
      content.append(offState());
      return;
    }
    let ideas;
    try {
      ideas = await get('/v1/ideas?surface=browse', { signal: ctx.signal });
    } catch (e) {
      if (e.status === 403) { content.append(offState()); return; }
      throw e;
    }
    if (!ideas.length) {
      content.append(emptyState({
        iconName: 'sparkle',
        title: 'Nothing new right now',
        text: settings.cloud_processing
          ? 'Cards about your recent moments appear here after camroll has analysed new photos.'
          : 'Suggestions while browsing use what cloud processing works out. Switch cloud processing on and sync your camera roll to see cards here.',
        actions: [h('a', { href: settings.cloud_processing ? '#/status' : '#/settings', class: 'btn' }, settings.cloud_processing ? 'Check the status' : 'Open Settings')],
      }));
      return;
    }
    const feed = h('ul', { class: 'feed', 'aria-label': 'Recent moments' });
    const onRemoved = (li) => {
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      if (next) { const t = next.querySelector('.idea-title'); t.setAttribute('tabindex', '-1'); t.focus(); }
      if (!feed.children.length) {
        clear(content);
        content.append(emptyState({ iconName: 'check', title: "You're all caught up", text: 'New moments appear here after you sync more photos.' }));
      }
    };
    for (const idea of ideas) feed.append(ideaCard(idea, { layout: 'feed', onRemoved }));
    content.append(feed,
      h('p', { class: 'feed-note' }, 'You see these cards because suggestions while browsing are on. ', h('a', { href: '#/settings' }, 'Change this in Settings'), '.'));
  } catch (e) {
    if (isAbort(e) || e.status === 401) throw e;
    clear(content);
    content.append(errorState(e, () => ctx.rerender()));
  }
}
