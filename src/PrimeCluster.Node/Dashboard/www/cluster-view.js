// The cluster: a summary, every member with its workers and rate, and the throughput of the last 15 minutes, a chart
// per algorithm in its own terms (a formula job's derived checks would flatten every trial job beside it).
import { lineChart, palette, sparkline } from './chart.js';
import { h, keyed, panel, s, setAttr, setClass, setText } from './dom.js';
import { compact, shortAddress } from './format.js';
import { algorithmOrder, algorithmsBetween, algorithmUnits, memberRates, store, throughputSeries } from './store.js';

const sparkWindow = 2 * 60 * 1000;
const chartWindow = 15 * 60 * 1000;

let colours = new Map();

/** Gives each node, member or in the throughput samples, a colour: the same in the chart, legend and sparkline. */
function recolour() {
  const names = new Set(store.members.map((m) => m.address));
  for (const sample of store.throughput) for (const a in sample.algorithms) for (const name in sample.algorithms[a]) names.add(name);
  colours = new Map([...names].sort().map((name, i) => [name, palette[i % palette.length]]));
}

const colourOf = (name) => colours.get(name) ?? palette[0];

/** "25.0 G checks/s, 310 M numbers/s": rates by algorithm, each in its own unit; – for none. */
function rates(list) {
  return list.length === 0 ? '–' : list.map(([a, v]) => `${compact(v)} ${algorithmUnits[a]}${list.length > 1 || a !== 'trial' ? ` (${a})` : ''}`).join(', ');
}

/** The rates of all members now, by algorithm: [[algorithm, sum]]. */
function clusterRates() {
  const sums = new Map();
  for (const member of store.members) for (const [a, v] of memberRates(member)) sums.set(a, (sums.get(a) ?? 0) + v);
  return algorithmOrder.filter((a) => sums.has(a)).map((a) => [a, sums.get(a)]);
}

function tile(label) {
  const value = h('dd', { class: 'num' }, '–');
  return { el: h('div', { class: 'tile' }, h('dt', { text: label }), value), value };
}

export function clusterView() {
  const tiles = {
    members: tile('Members'),
    workers: tile('Workers busy / all'),
    rate: tile('Rate now'),
    jobs: tile('Jobs running / queued'),
  };
  const summary = h('dl', { class: 'summary' }, Object.values(tiles).map((t) => t.el));
  const rows = h('tbody', { id: 'members' });
  const table = h(
    'table',
    { class: 'members' },
    h('caption', { class: 'visually-hidden', text: 'Members of the cluster' }),
    h('thead', {}, h('tr', {}, ['Node', 'Roles', 'Status', 'Workers', 'Rate', 'Last 2 min'].map((t) => h('th', { scope: 'col', text: t })))),
    rows,
  );
  // Said once the seed has told of its members and there are none, not while nothing is heard (a token prompt, say).
  const empty = h('p', { class: 'empty-note hidden', text: 'No members yet: the cluster is forming.' });
  const cluster = panel('cluster', 'Cluster', summary, h('div', { class: 'table-wrap' }, table), empty);

  const charts = h('div', { class: 'charts' });
  const legend = h('ul', { class: 'legend' });
  const throughput = panel('throughput', 'Throughput, last 15 minutes, by node', charts, legend);

  let seen = { cluster: -1, throughput: -1, jobs: -1 };
  let seenMembers = null;
  let first = true;
  let drawnAt = 0;

  const createRow = (member) => {
    const cells = {
      node: h('span', { class: 'addr' }),
      badges: h('span', { class: 'badges' }),
      roles: h('td', { class: 'roles' }),
      status: h('td', { class: 'status' }),
      workers: h('td', { class: 'num workers' }),
      rate: h('td', { class: 'num rate' }),
      spark: s('svg', { class: 'sparkline', 'aria-hidden': 'true' }),
    };
    const row = h(
      'tr',
      { 'data-member': member.address, class: first ? '' : 'arrived' },
      h('th', { scope: 'row' }, cells.node, cells.badges),
      cells.roles,
      cells.status,
      cells.workers,
      cells.rate,
      h('td', { class: 'spark-cell' }, cells.spark),
    );
    row.cells2 = cells;
    return row;
  };

  const updateRow = (row, member) => {
    const c = row.cells2;
    setText(c.node, shortAddress(member.address));
    setAttr(c.node, 'title', member.address);
    const badges = [];
    if (member.coordinator) badges.push('coordinator');
    if (store.cluster?.self === member.address) badges.push('this seed');
    if (member.mismatches > 0) badges.push(`${member.mismatches} wrong tallies`);
    if (member.excluded > 0) badges.push(`${member.excluded} excluded`);
    const badgeText = badges.join('|');
    if (c.badges.dataset.text !== badgeText) {
      c.badges.dataset.text = badgeText;
      c.badges.replaceChildren(...badges.map((b) => h('span', { class: `badge ${b === 'coordinator' ? 'coord' : b === 'this seed' ? 'self' : 'warn'}`, text: b })));
    }
    setText(c.roles, (member.roles ?? []).join(', '));
    setText(c.status, `${member.status}${member.reachable === false ? ', unreachable' : ''}`);
    setClass(row, 'unreachable', member.reachable === false);
    setClass(row, 'leaving', ['leaving', 'exiting', 'down', 'removed'].includes(member.status));
    const busy = member.busy ?? 0;
    const workers = member.workers ?? 0;
    setText(c.workers, workers > 0 ? `${busy} busy, ${workers - busy} idle` : '–');
    const r = memberRates(member);
    setText(c.rate, rates(r));
    setClass(row, 'computing', r.length > 0 || busy > 0);
  };

  // Each algorithm on its own scale, so that a node's sieve or formula spell does not flatten its trial one.
  const drawSparks = (now) => {
    const samples = store.throughput.filter((x) => x.at >= now - sparkWindow);
    for (const row of rows.children) {
      const address = row.dataset.member;
      const peaks = Object.fromEntries(algorithmOrder.map((a) => [a, Math.max(0, ...samples.map((x) => x.algorithms[a]?.[address] ?? 0))]));
      sparkline(row.cells2.spark, samples.map((x) => Math.max(0, ...algorithmOrder.map((a) => (peaks[a] > 0 ? (x.algorithms[a]?.[address] ?? 0) / peaks[a] : 0)))));
      row.cells2.spark.style.stroke = colourOf(address);
    }
  };

  const createChart = (algorithm) => {
    const title = h('h3', { class: 'chart-title', id: `throughput-${algorithm}-title` });
    const svg = s('svg', { class: 'chart', role: 'img', 'aria-labelledby': title.id });
    const figure = h('figure', { class: 'chart-figure', 'data-algorithm': algorithm }, title, svg);
    figure.parts = { svg, title };
    return figure;
  };

  const drawChart = (now) => {
    const from = now - chartWindow;
    const shownAlgorithms = algorithmsBetween(from, now);
    const perAlgorithm = (shownAlgorithms.length > 0 ? shownAlgorithms : ['trial']).map((algorithm) => ({ algorithm, series: throughputSeries(algorithm, from, now) }));
    keyed(charts, perAlgorithm, (x) => x.algorithm, (x) => createChart(x.algorithm), (figure, { algorithm, series }) => {
      setText(figure.parts.title, shownAlgorithms.length > 0 ? `${algorithm}: ${algorithmUnits[algorithm]}` : '');
      figure.parts.series = series;
    });
    // Drawn once in the page, at the width it is shown.
    const height = perAlgorithm.length > 1 ? 160 : 220;
    for (const figure of charts.children) lineChart(figure.parts.svg, { series: figure.parts.series, from, to: now, height, colourOf, empty: 'nothing counted in the last 15 minutes' });
    const byName = new Map();
    for (const { series } of perAlgorithm) for (const x of series) if (x.points.some(([, v]) => v > 0)) byName.set(x.name, x);
    const shown = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)).slice(0, 12);
    keyed(
      legend,
      shown,
      (x) => x.name,
      (x) => h('li', {}, h('span', { class: 'swatch' }), h('span', { class: 'legend-name', text: shortAddress(x.name), title: x.name })),
      (li, x) => {
        li.firstChild.style.background = colourOf(x.name);
      },
    );
    drawnAt = now;
  };

  return {
    elements: [cluster, throughput],
    update() {
      const v = store.versions;
      const now = Date.now();
      if (v.cluster !== seen.cluster) {
        keyed(rows, store.members, (m) => m.address, createRow, updateRow);
        first = store.members.length === 0;
        setClass(empty, 'hidden', store.cluster === null || store.members.length > 0);
        const totals = store.cluster?.totals ?? {};
        setText(tiles.members.value, String(store.members.length));
        setText(tiles.workers.value, `${totals.busy ?? 0} / ${totals.workers ?? 0}`);
      }
      // Busy counts change with every batch; the sparklines and colours only with throughput or membership.
      const memberSet = store.members.map((m) => m.address).join(' ');
      if (v.throughput !== seen.throughput || memberSet !== seenMembers) {
        seenMembers = memberSet;
        recolour();
        const byAddress = new Map(store.members.map((m) => [m.address, m]));
        for (const row of rows.children) setText(row.cells2.rate, rates(memberRates(byAddress.get(row.dataset.member) ?? {})));
        setText(tiles.rate.value, rates(clusterRates()));
        drawSparks(now);
      }
      if (v.throughput !== seen.throughput || now - drawnAt > 5000) drawChart(now);
      if (v.jobs !== seen.jobs) {
        let running = 0;
        let queued = 0;
        for (const job of store.jobs.values()) {
          if (job.state === 'running') running++;
          else if (job.state === 'queued') queued++;
        }
        setText(tiles.jobs.value, `${running} / ${queued}`);
      }
      seen = { ...v };
    },
  };
}
