// Line icons drawn for camroll (24×24, stroke = currentColor).
import { svg } from './dom.js';

const P = (d) => ['path', { d }];
const C = (cx, cy, r) => ['circle', { cx, cy, r }];
const R = (x, y, width, height, rx) => ['rect', { x, y, width, height, rx }];

const ICONS = {
  story: [P('M12 3.5l1.9 4.6 4.6 1.9-4.6 1.9L12 16.5l-1.9-4.6L5.5 10l4.6-1.9z'), P('M18.5 15l.8 1.9 1.9.8-1.9.8-.8 1.9-.8-1.9-1.9-.8 1.9-.8z')],
  browse: [R(4, 3.5, 16, 17, 3), P('M8 8h8'), P('M8 12h8'), P('M8 16h5')],
  photos: [R(3.5, 3.5, 17, 17, 3.5), C(9, 9, 1.8), P('M20.5 15.5l-5-5-11 10')],
  people: [C(9, 8, 3.5), P('M2.8 20c.8-3.5 3.3-5.5 6.2-5.5s5.4 2 6.2 5.5'), C(17, 9, 2.6), P('M17.2 14.6c2 .1 3.5 1.5 4 3.9')],
  status: [P('M3 12h4l2.5-7 5 14 2.5-7h4')],
  settings: [P('M4 7h9'), P('M17 7h3'), C(15, 7, 2), P('M4 17h3'), P('M11 17h9'), C(9, 17, 2)],
  download: [P('M12 4v11'), P('M7 10.5l5 5 5-5'), P('M5 20h14')],
  edit: [P('M4 20h4L19.5 8.5a2.1 2.1 0 00-3-3L5 17z'), P('M14.5 7.5l2 2')],
  close: [P('M6 6l12 12'), P('M18 6L6 18')],
  check: [P('M5 12.5l4.5 4.5L19 7')],
  left: [P('M15 5l-7 7 7 7')],
  right: [P('M9 5l7 7-7 7')],
  signout: [P('M14 4h4a2 2 0 012 2v12a2 2 0 01-2 2h-4'), P('M9 16l-4-4 4-4'), P('M5 12h10')],
  refresh: [P('M20 12a8 8 0 11-2.4-5.7'), P('M20 4v5h-5')],
  shield: [P('M12 3l7.5 3v5.5c0 4.6-3.1 8-7.5 9.5-4.4-1.5-7.5-4.9-7.5-9.5V6z'), P('M9 12l2 2 4-4')],
  info: [C(12, 12, 9), P('M12 11v5'), P('M12 7.8v.1')],
  alert: [P('M12 3.8l9.2 16H2.8z'), P('M12 10v4'), P('M12 17v.1')],
  eye: [P('M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z'), C(12, 12, 3)],
  eyeoff: [P('M3 3l18 18'), P('M10.6 5.6A9.6 9.6 0 0112 5.5c6 0 9.5 6.5 9.5 6.5a16 16 0 01-2.6 3.4'), P('M6.4 6.9C3.9 8.6 2.5 12 2.5 12S6 18.5 12 18.5c1.8 0 3.3-.5 4.6-1.3'), P('M9.9 9.9a3 3 0 004.2 4.2')],
  merge: [P('M7 4v4a6 6 0 006 6h5'), P('M15 10.5l3.5 3.5-3.5 3.5'), P('M7 20v-6')],
  split: [P('M12 21v-7'), P('M12 14L6 7'), P('M12 14l6-7'), P('M5.5 11V6.5H10'), P('M18.5 11V6.5H14')],
  trash: [P('M4 7h16'), P('M9 7V4.5h6V7'), P('M6.5 7l1 13h9l1-13')],
  upload: [P('M12 20V9'), P('M7 13.5l5-5 5 5'), P('M5 4h14')],
  clock: [C(12, 12, 9), P('M12 7v5l3.5 2')],
  archive: [R(3.5, 4, 17, 5, 1.5), P('M5.5 9v9.5a1.5 1.5 0 001.5 1.5h10a1.5 1.5 0 001.5-1.5V9'), P('M10 13h4')],
  sparkle: [P('M12 4l1.6 4.4L18 10l-4.4 1.6L12 16l-1.6-4.4L6 10l4.4-1.6z')],
  image: [R(3.5, 5, 17, 14, 3), C(9, 10, 1.6), P('M20.5 16l-4.5-4.5-8.5 7.5')],
  film: [R(3.5, 4.5, 17, 15, 3), P('M8 4.5v15'), P('M16 4.5v15'), P('M3.5 9.5H8'), P('M3.5 14.5H8'), P('M16 9.5h4.5'), P('M16 14.5h4.5')],
  wand: [P('M4 20L15 9'), P('M13.5 7.5l3 3'), P('M18 3v3'), P('M16.5 4.5h3'), P('M20 9v2'), P('M19 10h2')],
  frame: [R(3.5, 3.5, 17, 17, 2), R(7, 7, 10, 10, 1)],
  sun: [C(12, 12, 4), P('M12 2.5v2'), P('M12 19.5v2'), P('M2.5 12h2'), P('M19.5 12h2'), P('M5.3 5.3l1.4 1.4'), P('M17.3 17.3l1.4 1.4'), P('M5.3 18.7l1.4-1.4'), P('M17.3 6.7l1.4-1.4')],
  swap: [P('M7 4L4 7l3 3'), P('M4 7h12'), P('M17 14l3 3-3 3'), P('M20 17H8')],
  plus: [P('M12 5v14'), P('M5 12h14')],
  minus: [P('M5 12h14')],
  cloud: [P('M7 18.5h10a4 4 0 00.6-8A6 6 0 006.3 9.2 4.7 4.7 0 007 18.5z')],
  pin: [P('M12 21s-6.5-5.6-6.5-11a6.5 6.5 0 0113 0c0 5.4-6.5 11-6.5 11z'), C(12, 10, 2.3)],
  face: [C(12, 12, 9), P('M9 10v.5'), P('M15 10v.5'), P('M8.5 14.5c1 1.3 2.2 2 3.5 2s2.5-.7 3.5-2')],
};

export function icon(name, { size = 20, label, className } = {}) {
  const parts = ICONS[name] || ICONS.info;
  const el = svg('svg', {
    viewBox: '0 0 24 24', width: size, height: size, fill: 'none', stroke: 'currentColor',
    'stroke-width': 1.8, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
    class: ['icon', className].filter(Boolean).join(' '), focusable: 'false',
    'aria-hidden': label ? undefined : 'true', role: label ? 'img' : undefined, 'aria-label': label,
  }, parts.map(([tag, attrs]) => svg(tag, attrs)));
  return el;
}
