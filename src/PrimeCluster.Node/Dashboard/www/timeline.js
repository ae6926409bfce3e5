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
const rowHeight = 12;
const laneGap = 6;
const labelWidth = 170;

function laneName(batch) {
  return `${shortAddress(batch.node)} ${actorName(batch.worker)}`;
}

// A worker is its node and its path: every node names its first worker worker-0.
const laneKey = (batch) => `${batch.node} ${batch.worker}`;

/**
 * Draws batches (with handedOut and finished in ms; finished null while running) from t0 to t1 into svg. A worker
 * holds a batch or two ahead, so its hand-outs overlap: a lane has as many rows as it had batches at once, and each
 * bar goes to the first row free at its hand-out. Each bar carries data-k, its position in batches, for the page to
 * say what it is on hover.
 */
export function drawTimeline(svg, batches, t0, t1) {
  const width = Math.max(640, Math.round(svg.parentElement.getBoundingClientRect().width) || 960);
  const names = new Map(batches.map((b) => [laneKey(b), laneName(b)]));
  const lanes = [...names.keys()].sort((a, b) => names.get(a).localeCompare(names.get(b), 'en', { numeric: true }));
  const rowEnds = new Map(lanes.map((worker) => [worker, []]));
  const rowOf = batches.map((b) => {
    const ends = rowEnds.get(laneKey(b));
    const end = b.finished ?? t1;
    let row = ends.findIndex((e) => e <= b.handedOut);
    if (row < 0) row = ends.length;
    ends[row] = end;
    return row;
  });
  const laneTop = new Map();
  let top = 0;
  for (const worker of lanes) {
    laneTop.set(worker, top);
    top += Math.max(1, rowEnds.get(worker).length) * rowHeight + laneGap;
  }
  const plot = width - labelWidth - 8;
  const span = Math.max(1, t1 - t0);
  const x = (t) => labelWidth + (Math.min(Math.max(t, t0), t1) - t0) / span * plot;
  const parts = [];
  for (const worker of lanes) {
    const y = laneTop.get(worker);
    const tall = Math.max(1, rowEnds.get(worker).length) * rowHeight;
    parts.push(`<rect class="lane" x="${labelWidth}" y="${y}" width="${plot}" height="${tall}"/>`);
    parts.push(`<text class="lane-label" x="${labelWidth - 6}" y="${y + tall / 2}" dy="0.32em" text-anchor="end">${escapeXml(names.get(worker))}</text>`);
  }
  batches.forEach((b, k) => {
    const start = x(b.handedOut);
    const end = x(b.finished ?? t1);
    const outcome = known.has(b.outcome) ? b.outcome : 'counted';
    const y = laneTop.get(laneKey(b)) + rowOf[k] * rowHeight + 1;
    parts.push(`<rect class="batch b-${outcome}" data-k="${k}" x="${start.toFixed(1)}" y="${y}" width="${Math.max(1.5, end - start - 1).toFixed(1)}" height="${rowHeight - 2}"/>`);
  });
  const axisY = top + 4;
  const seconds = span / 1000;
  const step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].find((s) => seconds / s <= 8) ?? 7200;
  for (let s = 0; s <= seconds + 1e-9; s += step) {
    const xx = (labelWidth + (s * 1000) / span * plot).toFixed(1);
    parts.push(`<line class="tick" x1="${xx}" x2="${xx}" y1="${axisY - 4}" y2="${axisY + 2}"/>`);
    parts.push(`<text class="axis" x="${xx}" y="${axisY + 14}" text-anchor="middle">${step < 1 ? s.toFixed(1) : Math.round(s)} s</text>`);
  }
  const height = axisY + 20;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  svg.innerHTML = parts.join('');
  return lanes.length;
}
