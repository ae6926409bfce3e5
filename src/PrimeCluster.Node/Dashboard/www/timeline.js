// A job's batch timeline, like a task stream: one lane per worker, each batch a bar from hand-out to result.
import { escapeXml } from './dom.js';
import { actorName, shortAddress } from './format.js';

export const outcomes = [
  ['counted', 'counted'],
  ['running', 'running'],
  ['handed_back', 'handed back by a lost or leaving worker'],
  ['late_copy', 'late copy of a slow batch'],
  ['lost_race', 'lost the race to the other copy'],
  ['wrong', 'wrong tally, discarded'],
  ['failed', 'failed'],
];

const known = new Set(outcomes.map(([name]) => name));
const laneHeight = 16;
const laneGap = 4;
const labelWidth = 170;

function laneName(batch) {
  return `${shortAddress(batch.node)} ${actorName(batch.worker)}`;
}

/**
 * Draws batches (with handedOut and finished in ms; finished null while running) from t0 to t1 into svg. Each bar
 * carries data-k, its position in batches, for the page to say what it is on hover.
 */
export function drawTimeline(svg, batches, t0, t1) {
  const width = Math.max(640, Math.round(svg.parentElement.getBoundingClientRect().width) || 960);
  const names = new Map(batches.map((b) => [b.worker, laneName(b)]));
  const lanes = [...names.keys()].sort((a, b) => names.get(a).localeCompare(names.get(b), 'en', { numeric: true }));
  const laneOf = new Map(lanes.map((worker, i) => [worker, i]));
  const plot = width - labelWidth - 8;
  const span = Math.max(1, t1 - t0);
  const x = (t) => labelWidth + (Math.min(Math.max(t, t0), t1) - t0) / span * plot;
  const height = lanes.length * (laneHeight + laneGap) + 26;
  const parts = [];
  lanes.forEach((worker, i) => {
    const y = i * (laneHeight + laneGap);
    parts.push(`<rect class="lane" x="${labelWidth}" y="${y}" width="${plot}" height="${laneHeight}"/>`);
    parts.push(`<text class="lane-label" x="${labelWidth - 6}" y="${y + laneHeight / 2}" dy="0.32em" text-anchor="end">${escapeXml(names.get(worker))}</text>`);
  });
  batches.forEach((b, k) => {
    const lane = laneOf.get(b.worker);
    const start = x(b.handedOut);
    const end = x(b.finished ?? t1);
    const outcome = known.has(b.outcome) ? b.outcome : 'counted';
    const y = lane * (laneHeight + laneGap) + 1;
    parts.push(`<rect class="batch b-${outcome}" data-k="${k}" x="${start.toFixed(1)}" y="${y}" width="${Math.max(1.5, end - start - 1).toFixed(1)}" height="${laneHeight - 2}"/>`);
  });
  const axisY = lanes.length * (laneHeight + laneGap) + 4;
  const seconds = span / 1000;
  const step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].find((s) => seconds / s <= 8) ?? 7200;
  for (let s = 0; s <= seconds + 1e-9; s += step) {
    const xx = (labelWidth + (s * 1000) / span * plot).toFixed(1);
    parts.push(`<line class="tick" x1="${xx}" x2="${xx}" y1="${axisY - 4}" y2="${axisY + 2}"/>`);
    parts.push(`<text class="axis" x="${xx}" y="${axisY + 14}" text-anchor="middle">${step < 1 ? s.toFixed(1) : Math.round(s)} s</text>`);
  }
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  svg.innerHTML = parts.join('');
  return lanes.length;
}
