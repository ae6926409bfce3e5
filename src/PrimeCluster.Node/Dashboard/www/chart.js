// Small SVG charts of the page's own: a line chart of checks/s over time, one line a series, and a sparkline.
import { escapeXml } from './dom.js';
import { clock, compact } from './format.js';

export const palette = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626', '#4b5563', '#c026d3'];

/** A round step for about `count` ticks up to max: 1, 2 or 5 times a power of ten. */
function niceStep(max, count) {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** At most one point per bucket of time, the highest, so that 15 minutes of samples cost no more than the chart's width. */
function thin(points, from, to, buckets) {
  if (points.length <= buckets) return points;
  const out = [];
  const width = (to - from) / buckets;
  let current = -1;
  for (const point of points) {
    const bucket = Math.floor((point[0] - from) / width);
    if (bucket !== current) {
      out.push(point);
      current = bucket;
    } else if (point[1] > out[out.length - 1][1]) {
      out[out.length - 1] = point;
    }
  }
  return out;
}

/**
 * Draws series [{name, points: [[t, v]]}] over [from, to] into svg, as wide as it is shown. Colours follow
 * colourOf(name). The y axis starts at zero; with no data it says so.
 */
export function lineChart(svg, { series, from, to, height = 220, colourOf, empty = 'nothing computed yet' }) {
  // As wide as the chart is drawn, so that its text keeps the page's size.
  const width = Math.max(320, Math.round(svg.getBoundingClientRect().width) || 640);
  const left = 56;
  const right = 10;
  const top = 10;
  const bottom = 24;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  let max = 0;
  for (const { points } of series) for (const [, v] of points) if (v > max) max = v;
  const step = max > 0 ? niceStep(max, 4) : 1;
  const yMax = max > 0 ? Math.ceil(max / step) * step : 4;
  const x = (t) => left + ((t - from) / Math.max(1, to - from)) * plotW;
  const y = (v) => top + plotH - (v / yMax) * plotH;

  const parts = [];
  for (let v = 0; v <= yMax + step / 2; v += step) {
    const yy = y(v).toFixed(1);
    parts.push(`<line class="grid" x1="${left}" x2="${width - right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="axis" x="${left - 6}" y="${yy}" dy="0.32em" text-anchor="end">${max > 0 ? compact(v) : ''}</text>`);
  }
  const span = to - from;
  const tickEvery = [1e3, 2e3, 5e3, 10e3, 30e3, 60e3, 120e3, 300e3, 600e3, 1800e3, 3600e3].find((t) => span / t <= 6) ?? 7200e3;
  for (let t = Math.ceil(from / tickEvery) * tickEvery; t <= to; t += tickEvery) {
    const xx = x(t).toFixed(1);
    parts.push(`<line class="tick" x1="${xx}" x2="${xx}" y1="${top + plotH}" y2="${top + plotH + 4}"/>`);
    parts.push(`<text class="axis" x="${xx}" y="${height - 6}" text-anchor="middle">${clock(t).slice(0, span > 600e3 ? 5 : 8)}</text>`);
  }
  parts.push(`<line class="baseline" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}"/>`);
  for (const { name, points: all } of series) {
    if (all.length === 0) continue;
    const points = thin(all, from, to, Math.round(plotW / 2));
    const d = points.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)} ${y(v).toFixed(1)}`).join('');
    parts.push(`<path class="line" d="${d}" stroke="${colourOf(name)}"><title>${escapeXml(name)}</title></path>`);
  }
  if (max === 0) {
    parts.push(`<text class="empty" x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle">${escapeXml(empty)}</text>`);
  }
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.innerHTML = parts.join('');
}

/** A sparkline of values, scaled to its own maximum. */
export function sparkline(svg, values, width = 90, height = 22) {
  const max = Math.max(0, ...values);
  const n = values.length;
  let d = '';
  if (n > 1) {
    d = values
      .map((v, i) => `${i === 0 ? 'M' : 'L'}${((i / (n - 1)) * (width - 2) + 1).toFixed(1)} ${(height - 2 - (max > 0 ? (v / max) * (height - 4) : 0)).toFixed(1)}`)
      .join('');
  }
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.innerHTML = d ? `<path class="spark" d="${d}"/>` : '';
}
