// Numbers and times as the page shows them. Counts may arrive as numbers or, past 2^53, as strings of digits
// (api.js parseExact): exact() keeps every digit, compact() rounds for tables and keeps the exact value for a title.

export function big(value) {
  if (value === null || value === undefined || value === '') return 0n;
  return typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? Math.round(value) : value);
}

export function exact(value) {
  return big(value).toLocaleString('en-US');
}

const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** 3.71 G, 25.0 k, 950: three significant digits with an SI prefix. */
export function compact(value) {
  let x = typeof value === 'number' ? value : Number(big(value));
  if (!Number.isFinite(x)) return '–';
  const sign = x < 0 ? '-' : '';
  x = Math.abs(x);
  if (x < 1000) return sign + (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1));
  let p = 0;
  while (x >= 999.5 && p < prefixes.length - 1) {
    x /= 1000;
    p++;
  }
  return `${sign}${x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0)} ${prefixes[p]}`;
}

export function rate(perSecond) {
  return perSecond > 0 ? `${compact(perSecond)}/s` : '–';
}

export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m} min ${String(whole % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function clock(ms) {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function time(iso) {
  return iso ? clock(Date.parse(iso)) : '–';
}

/** akka.tcp://primecluster@10.0.0.5:4053 → 10.0.0.5:4053 */
export function shortAddress(address) {
  if (!address) return '–';
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(at + 1);
}

/** The last element of an actor path: akka.tcp://…/user/workers/worker-2 → worker-2 */
export function actorName(path) {
  if (!path) return '?';
  const trimmed = path.split('#')[0];
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export function pluralize(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
