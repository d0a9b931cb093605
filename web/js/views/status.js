// Status: uploads, analysis progress and failures; refreshes itself while work is going on.
import { get, isAbort } from '../api.js';
import { h, clear, sentence } from '../dom.js';
import { icon } from '../icons.js';
import { pageHead, spinner, errorState, callout, emptyState } from '../ui.js';
import { fmtTime, plural } from '../format.js';

export async function statusView(main, ctx) {
  const updated = h('p', { class: 'updated muted', 'aria-live': 'off' });
  const refreshBtn = h('button', { type: 'button', class: 'btn small', onclick: () => load() }, icon('refresh', { size: 16 }), 'Refresh');
  main.append(pageHead('Status', 'What camroll has received from your camera roll and how far it has got.', h('div', { class: 'status-tools' }, updated, refreshBtn)));
  const content = h('div', { class: 'status-content' }, spinner('Loading the status…'));
  main.append(content);

  let timer = null;
  ctx.onCleanup(() => clearTimeout(timer));

  function stat(label, value, note, extra, key) {
    return h('div', { class: 'stat', dataset: { stat: key } },
      h('dt', {}, label),
      h('dd', {}, h('span', { class: 'stat-value' }, value), note ? h('span', { class: 'stat-note' }, note) : null, extra));
  }

  function render(s, settings) {
    clear(content);
    const total = s.uploaded || 0;
    const pct = total ? Math.round((s.analysed / total) * 100) : 0;
    const busy = s.processing || s.uploading > 0;
    if (!settings.cloud_processing && !total) {
      content.append(emptyState({
        iconName: 'cloud', title: 'Cloud processing is off',
        text: 'Nothing is uploaded or analysed until you switch cloud processing on. Then run camroll sync to send your camera roll.',
        actions: [h('a', { href: '#/settings', class: 'btn primary' }, 'Open Settings')],
      }));
      return;
    }
    content.append(
      h('div', { class: ['state-banner', busy ? 'is-busy' : 'is-idle'], role: 'status' },
        busy ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : h('span', { class: 'state-icon' }, icon('check')),
        h('div', {},
          h('p', { class: 'state-title' }, busy ? 'Processing your photos…' : total ? 'All caught up' : 'Waiting for your first photos'),
          h('p', { class: 'muted' }, busy
            ? 'This page updates every few seconds until camroll is done.'
            : total ? `Every photo camroll received has been looked at${s.failed.length ? ', apart from the ones listed below' : ''}.`
              : 'Run camroll sync on your phone or computer to send your camera roll.'))),
      h('dl', { class: 'stats' },
        stat('Uploaded', String(total), total === 1 ? 'file received' : 'files received', null, 'uploaded'),
        stat('Uploading now', String(s.uploading), s.uploading ? 'in progress' : 'none', null, 'uploading'),
        stat('Analysed', `${s.analysed}`, `of ${total}`, h('progress', { max: 100, value: pct, 'aria-label': `${pct}% analysed` }), 'analysed'),
        stat('Processing', busy ? 'Yes' : 'No', busy ? 'working now' : 'idle', null, 'processing')));
    if (s.last_error) {
      content.append(callout({ tone: 'error', title: 'The last run stopped with an error', role: 'alert', children: [h('p', {}, sentence(s.last_error))] }));
    }
    const failed = s.failed || [];
    content.append(h('section', { class: 'panel', 'aria-labelledby': 'failed-title' },
      h('h2', { id: 'failed-title' }, failed.length ? `Files camroll could not read (${failed.length})` : 'Files camroll could not read'),
      failed.length
        ? h('ul', { class: 'failed-list' }, failed.map((f) => h('li', {},
          icon('alert', { size: 18 }),
          h('div', {}, h('p', { class: 'failed-name' }, f.name || `File ${f.asset}`), h('p', { class: 'muted' }, sentence(f.reason))))))
        : h('p', { class: 'muted' }, 'None — every file could be read.')));
    updated.textContent = `Updated ${fmtTime()}`;
  }

  async function load() {
    clearTimeout(timer);
    try {
      const [s, settings] = await Promise.all([get('/v1/status', { signal: ctx.signal }), get('/v1/settings', { signal: ctx.signal })]);
      render(s, settings);
      if (s.processing || s.uploading > 0) timer = setTimeout(load, 3000);
    } catch (e) {
      if (isAbort(e) || e.status === 401) return;
      clear(content);
      content.append(errorState(e, load));
      timer = setTimeout(load, 10000);
    }
  }
  await load();
}
