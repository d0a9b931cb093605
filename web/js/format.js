// Dates, sizes and names in plain words.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const wallClock = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });

export function fmtDateTime(unixSeconds) {
  if (unixSeconds === null || unixSeconds === undefined) return '—';
  return dateTime.format(new Date(unixSeconds * 1000));
}

export function fmtDate(unixSeconds) {
  if (unixSeconds === null || unixSeconds === undefined) return '—';
  return dateOnly.format(new Date(unixSeconds * 1000));
}

export function fmtTime(date = new Date()) { return timeOnly.format(date); }

// A local wall-clock reading stored as seconds (as if UTC) plus its UTC offset in minutes.
export function fmtWallClock(localSeconds, offsetMin) {
  if (localSeconds === null || localSeconds === undefined) return '—';
  let s = wallClock.format(new Date(localSeconds * 1000));
  if (offsetMin !== null && offsetMin !== undefined) {
    const sign = offsetMin < 0 ? '−' : '+';
    const a = Math.abs(offsetMin);
    s += ` (UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')})`;
  }
  return s;
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function fmtRelativeDays(unixSeconds) {
  const days = Math.round((unixSeconds * 1000 - Date.now()) / 86400000);
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}

export function plural(n, one, many = `${one}s`) { return `${n} ${n === 1 ? one : many}`; }

export function fmtNumber(n, digits = 2) {
  if (typeof n !== 'number') return String(n);
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

// "scrapbook" → "Scrapbook", "oil-paint" → "Oil paint", "background_blur" → "Background blur"
export function variantLabel(v) {
  if (!v) return '';
  const s = v.replace(/[-_]+/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const IDEA_TYPES = {
  collage: { label: 'Collage', icon: 'image' },
  recap: { label: 'Recap video', icon: 'film' },
  restyle: { label: 'Restyle', icon: 'wand' },
  theme: { label: 'Themed frame', icon: 'frame' },
  enhance: { label: 'Enhance', icon: 'sun' },
};
