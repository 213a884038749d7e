// Numbers and times as the tables show them.

const grouped = new Intl.NumberFormat('en-US');

/** 12,345 */
export const count = (n) => (n === null || n === undefined ? '—' : grouped.format(n));

/** USD with as many decimals as a small amount needs: $12.30, $0.0042, $0.000027. */
export function usd(n) {
  if (n === null || n === undefined) return '—';
  if (n === 0) return '$0';
  const abs = Math.abs(n);
  // Two significant digits below a dollar, cents above it.
  const digits = abs >= 1 ? 2 : Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(abs))));
  return `$${n.toFixed(digits)}`;
}

/** `2026-03-18 12:04:05` in the browser's time zone; — for null. */
export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (v) => String(v).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** 850 ms, 1.2 s */
export const duration = (ms) => (ms === null || ms === undefined ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** A limit, or — when unset. */
export const limit = (n) => (n === null || n === undefined ? '—' : grouped.format(n));

/** `YYYY-MM-DD` (UTC) of a time in ms. */
export const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
