// Photos: every uploaded file, and per file what was derived from it, when, and for which purpose.
import { get, isAbort } from '../api.js';
import { h, clear, uid } from '../dom.js';
import { icon } from '../icons.js';
import { pageHead, spinner, errorState, emptyState, openDialog, callout } from '../ui.js';
import { fmtDateTime, fmtDate, fmtBytes, fmtWallClock, fmtNumber, plural, IDEA_TYPES, variantLabel } from '../format.js';

const PURPOSES = [
  { key: 'organize', label: 'Organise', why: 'To sort your photos by time and place.' },
  { key: 'suggest', label: 'Suggest', why: 'To pick the best shots and suggest ideas.' },
  { key: 'display', label: 'Display', why: 'To show your photos quickly in this app.' },
  { key: 'diagnostics', label: 'Diagnostics', why: 'To explain what looked wrong with this file.' },
  { key: 'face_grouping', label: 'Face grouping', why: 'To group photos of the same person — only while face grouping is on.' },
];

const TABLES = {
  asset_metadata: 'Time, camera and position',
  asset_places: 'Place',
  asset_signals: 'Quality and look-alike fingerprints',
  asset_thumbnails: 'Thumbnail',
  asset_warnings: 'Warning',
  event_members: 'Moment (event or trip)',
  asset_vision: 'Text and content check',
  asset_objects: 'Object',
  asset_face_scans: 'Face search',
  faces: 'Face',
};

const pct = (x) => `${Math.round(x * 100)}%`;
const has = (v) => v !== null && v !== undefined && v !== '';

// The facts of one row in plain words: [[label, value], ...].
function summarize(table, v) {
  const out = [];
  const add = (label, value) => { if (has(value)) out.push([label, String(value)]); };
  switch (table) {
    case 'asset_metadata': {
      add('Taken', has(v.taken_local) ? fmtWallClock(v.taken_local, v.taken_offset_min) : null);
      if (has(v.time_source)) add('Time from', v.time_source.replace(/_/g, ' '));
      add('Camera', [v.make, v.model].filter(has).join(' '));
      if (has(v.gps_lat) && has(v.gps_lon)) add('Position', `${v.gps_lat.toFixed(5)}, ${v.gps_lon.toFixed(5)}${has(v.gps_alt) ? ` · ${Math.round(v.gps_alt)} m` : ''}`);
      if (has(v.width) && has(v.height)) add('Size', `${v.width} × ${v.height} px`);
      add('Kind', v.kind);
      if (v.duration_s > 0) add('Length', `${v.duration_s.toFixed(1)} s`);
      break;
    }
    case 'asset_places': {
      const parts = [v.locality || v.city, v.city !== v.locality ? v.city : null, v.region, v.country].filter(has);
      add('Place', [...new Set(parts)].join(', '));
      if (has(v.distance_km)) add('Distance to it', `${v.distance_km < 1 ? `${Math.round(v.distance_km * 1000)} m` : `${v.distance_km.toFixed(1)} km`}`);
      break;
    }
    case 'asset_signals':
      if (has(v.quality)) add('Quality', pct(v.quality));
      if (has(v.sharpness)) add('Sharpness', fmtNumber(v.sharpness, 0));
      if (has(v.brightness)) add('Brightness', pct(v.brightness));
      if (has(v.colourfulness)) add('Colourfulness', fmtNumber(v.colourfulness, 0));
      if (has(v.phash) || has(v.dhash)) add('Fingerprints', 'two 64-bit image hashes, to spot near-duplicates');
      break;
    case 'asset_thumbnails':
      add('Thumbnail', `${v.size} px (${v.width} × ${v.height})`);
      break;
    case 'asset_warnings':
      add('Warning', v.message);
      break;
    case 'event_members':
      add('Moment', v.event_id);
      if (has(v.best_rank)) add('Best-shot rank', `#${v.best_rank}`);
      break;
    case 'asset_vision':
      add('Text', v.text_lines ? `${plural(v.text_lines, 'line')} (${pct(v.text_coverage)} of the picture)` : 'none found');
      add('Document', v.document ? 'looks like a document' : 'no');
      add('Sensitive content', v.sensitive ? `yes (${pct(v.sensitive_score)})` : `no (${pct(v.sensitive_score)})`);
      add('Models', v.models);
      break;
    case 'asset_objects':
      add('Object', `${v.label} (${pct(v.score)} sure)`);
      break;
    case 'asset_face_scans':
      add('Face search', 'searched this photo for faces');
      break;
    case 'faces':
      add('Face', `quality ${pct(v.quality)}, ${v.size_px} px`);
      if (has(v.embedding)) add('Face signature', v.embedding);
      if (has(v.person_id)) add('Person', `#${v.person_id}`);
      break;
    default:
      for (const [k, val] of Object.entries(v)) if (!['purpose', 'created_at'].includes(k)) add(k, val);
  }
  return out;
}

// The six things people ask about: time, place, faces, objects, themes, text.
function glance(facts, ideas, faceGrouping) {
  const find = (t) => facts.filter((f) => f.table === t);
  const meta = find('asset_metadata')[0];
  const place = find('asset_places')[0];
  const vision = find('asset_vision')[0];
  const objects = find('asset_objects');
  const faces = find('faces');
  const themes = ideas.filter((i) => i.type === 'theme');
  const row = (label, value, iconName) => h('div', { class: 'glance-item' },
    h('dt', {}, icon(iconName, { size: 16 }), label), h('dd', {}, value));
  const placeText = place ? [place.values.locality || place.values.city, place.values.country].filter(has).join(', ') : null;
  return h('dl', { class: 'glance' },
    row('Time', meta && has(meta.values.taken_local) ? fmtWallClock(meta.values.taken_local, meta.values.taken_offset_min) : 'not found', 'clock'),
    row('Place', placeText || (meta && has(meta.values.gps_lat) ? 'position only' : 'not found'), 'pin'),
    row('Faces', faces.length ? plural(faces.length, 'face') : faceGrouping ? 'none found' : 'not looked for (face grouping is off)', 'face'),
    row('Objects', objects.length ? [...new Set(objects.map((o) => o.values.label))].join(', ') : vision ? 'none found' : 'not looked for (no object models)', 'image'),
    row('Themes', themes.length ? themes.map((t) => variantLabel(t.variant) || t.title).join(', ') : 'none', 'sparkle'),
    row('Text', vision ? (vision.values.text_lines ? plural(vision.values.text_lines, 'line') : 'none found') : 'not looked for (no text models)', 'edit'));
}

function factItem(f) {
  const lines = summarize(f.table, f.values || {});
  const raw = Object.entries(f.values || {}).filter(([k]) => k !== 'purpose');
  return h('li', { class: 'fact', dataset: { table: f.table } },
    h('div', { class: 'fact-head' },
      h('span', { class: 'fact-name' }, TABLES[f.table] || f.table),
      h('span', { class: 'fact-time' }, f.created ? `made ${fmtDateTime(f.created)}` : 'made with the analysis')),
    lines.length ? h('dl', { class: 'fact-lines' }, lines.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))) : null,
    h('details', { class: 'fact-raw' },
      h('summary', {}, 'All stored values'),
      h('dl', {}, raw.map(([k, v]) => h('div', {}, h('dt', { class: 'mono' }, k), h('dd', { class: 'mono' }, v === null ? '—' : String(v))))),
      h('p', { class: 'meta' }, 'Stored in ', h('code', {}, f.table))));
}

function openPanel(asset, tile, faceGrouping) {
  const body = h('div', { class: 'transparency' }, spinner('Loading what was derived…'));
  openDialog({
    title: asset.name,
    description: `Uploaded ${fmtDateTime(asset.uploaded)} · ${fmtBytes(asset.size)}`,
    className: 'side-panel',
    returnFocus: () => tile,
    build: () => body,
  });
  Promise.all([
    get(`/v1/assets/${asset.id}/derived`),
    get('/v1/ideas?surface=story').catch(() => []),
  ]).then(([derived, ideas]) => {
    clear(body);
    const facts = derived.facts || [];
    const using = ideas.filter((i) => (i.members || []).includes(asset.id));
    body.append(
      h('div', { class: 'panel-top' },
        h('img', { class: 'panel-photo', src: `/v1/assets/${asset.id}/thumbnail`, alt: `Thumbnail of ${asset.name}` }),
        h('div', { class: 'panel-keep' },
          asset.posted
            ? callout({ tone: 'success', title: 'Posted', children: [h('p', {}, 'Part of an idea you accepted, so it is kept.')] })
            : callout({ tone: 'info', iconName: 'clock', title: `Deleted on ${fmtDate(asset.expires)}`, children: [h('p', {}, 'With everything below — unless you accept an idea made with it.')] }))),
      h('section', { class: 'panel-section', 'aria-labelledby': 'glance-title' },
        h('h3', { id: 'glance-title' }, 'At a glance'),
        glance(facts, using, faceGrouping)));
    for (const p of PURPOSES) {
      const list = facts.filter((f) => f.purpose === p.key);
      const sectionId = uid('purpose');
      const section = h('section', { class: 'panel-section purpose', dataset: { purpose: p.key }, 'aria-labelledby': sectionId },
        h('div', { class: 'purpose-head' },
          h('h3', { id: sectionId }, p.label, h('span', { class: 'count' }, list.length ? String(list.length) : '')),
          h('p', { class: 'muted' }, p.why)));
      if (list.length) section.append(h('ul', { class: 'facts' }, list.map(factItem)));
      else section.append(h('p', { class: 'nothing' }, p.key === 'face_grouping' && !faceGrouping ? 'Nothing — face grouping is off.' : 'Nothing derived for this purpose.'));
      if (p.key === 'suggest' && using.length) {
        section.append(h('h4', { class: 'sub-legend' }, 'Ideas and themes using this photo'),
          h('ul', { class: 'using' }, using.map((i) => h('li', {},
            icon((IDEA_TYPES[i.type] || {}).icon || 'sparkle', { size: 16 }),
            h('span', {}, `${(IDEA_TYPES[i.type] || { label: i.type }).label}${i.variant && i.variant !== 'auto' ? ` · ${variantLabel(i.variant)}` : ''}: `, h('strong', {}, i.title))))));
      }
      body.append(section);
    }
  }).catch((e) => {
    if (e.status === 401) return;
    clear(body);
    body.append(errorState(e));
  });
}

export async function photosView(main, ctx) {
  main.append(pageHead('Photos', 'Everything camroll received from your camera roll. Choose a photo to see what was worked out from it, when, and why.'));
  const content = h('div', { class: 'photos-content' }, spinner('Loading your photos…'));
  main.append(content);
  let assets, settings;
  try {
    [assets, settings] = await Promise.all([get('/v1/assets', { signal: ctx.signal }), get('/v1/settings', { signal: ctx.signal })]);
  } catch (e) {
    if (isAbort(e) || e.status === 401) throw e;
    clear(content);
    content.append(errorState(e, () => ctx.rerender()));
    return;
  }
  clear(content);
  if (!assets.length) {
    content.append(emptyState({
      iconName: 'photos',
      title: settings.cloud_processing ? 'No photos yet — sync your camera roll' : 'No photos — cloud processing is off',
      text: settings.cloud_processing
        ? 'Run camroll sync on your phone or computer. Your photos and what camroll derives from them will be listed here.'
        : 'Nothing is uploaded while cloud processing is off. When it is on, every photo and what was derived from it is listed here.',
      actions: [h('a', { href: settings.cloud_processing ? '#/status' : '#/settings', class: 'btn primary' }, settings.cloud_processing ? 'Check the status' : 'Open Settings')],
    }));
    return;
  }
  const sorted = [...assets].sort((a, b) => b.uploaded - a.uploaded || b.id - a.id);
  const grid = h('ul', { class: 'photo-grid', 'aria-label': 'Your photos' });
  for (const a of sorted) {
    const img = h('img', { src: `/v1/assets/${a.id}/thumbnail`, alt: '', loading: 'lazy', decoding: 'async' });
    const tile = h('button', {
      type: 'button', class: 'photo-tile', dataset: { asset: a.id },
      'aria-label': `${a.name}${a.type && a.type.startsWith('video/') ? ', video' : ''}${a.posted ? ', posted' : ''}. See what was derived`,
    }, img,
    a.type && a.type.startsWith('video/') ? h('span', { class: 'tile-badge', 'aria-hidden': 'true' }, icon('film', { size: 14 }), h('span', { class: 'tile-badge-text' }, 'Video')) : null,
    a.posted ? h('span', { class: 'tile-badge is-posted', 'aria-hidden': 'true' }, icon('check', { size: 14 }), h('span', { class: 'tile-badge-text' }, 'Posted')) : null,
    h('span', { class: 'tile-name', 'aria-hidden': 'true' }, a.name));
    img.addEventListener('error', () => { tile.classList.add('no-thumb'); img.remove(); tile.prepend(h('span', { class: 'tile-placeholder' }, icon(a.type && a.type.startsWith('video/') ? 'film' : 'image', { size: 28 }))); }, { once: true });
    tile.addEventListener('click', () => openPanel(a, tile, settings.face_grouping));
    grid.append(h('li', {}, tile));
  }
  const posted = assets.filter((a) => a.posted).length;
  content.append(
    h('p', { class: 'photos-summary muted' }, `${plural(assets.length, 'file')} · ${posted} posted · ${fmtBytes(assets.reduce((s, a) => s + (a.size || 0), 0))} in all`),
    grid);
}
