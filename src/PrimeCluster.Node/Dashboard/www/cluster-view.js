// The cluster: a summary, every member with its workers and checks/s, and the throughput of the last 15 minutes.
import { lineChart, palette, sparkline } from './chart.js';
import { h, keyed, panel, s, setAttr, setClass, setText } from './dom.js';
import { rate, shortAddress } from './format.js';
import { memberRate, store, throughputSeries } from './store.js';

const sparkWindow = 2 * 60 * 1000;
const chartWindow = 15 * 60 * 1000;

let colours = new Map();

/** Gives each node, member or in the throughput samples, a colour: the same in the chart, legend and sparkline. */
function recolour() {
  const names = new Set(store.members.map((m) => m.address));
  for (const sample of store.throughput) for (const name in sample.nodes) names.add(name);
  colours = new Map([...names].sort().map((name, i) => [name, palette[i % palette.length]]));
}

const colourOf = (name) => colours.get(name) ?? palette[0];

function tile(label) {
  const value = h('dd', { class: 'num' }, '–');
  return { el: h('div', { class: 'tile' }, h('dt', { text: label }), value), value };
}

export function clusterView() {
  const tiles = {
    members: tile('Members'),
    workers: tile('Workers busy / all'),
    rate: tile('Checks/s now'),
    jobs: tile('Jobs running / queued'),
  };
  const summary = h('dl', { class: 'summary' }, Object.values(tiles).map((t) => t.el));
  const rows = h('tbody', { id: 'members' });
  const table = h(
    'table',
    { class: 'members' },
    h('caption', { class: 'visually-hidden', text: 'Members of the cluster' }),
    h('thead', {}, h('tr', {}, ['Node', 'Roles', 'Status', 'Workers', 'Checks/s', 'Last 2 min'].map((t) => h('th', { scope: 'col', text: t })))),
    rows,
  );
  const empty = h('p', { class: 'empty-note', text: 'No members yet: the cluster is forming.' });
  const cluster = panel('cluster', 'Cluster', summary, h('div', { class: 'table-wrap' }, table), empty);

  const chart = s('svg', { class: 'chart', role: 'img', 'aria-labelledby': 'throughput-title' });
  const legend = h('ul', { class: 'legend' });
  const throughput = panel('throughput', 'Throughput, last 15 minutes, by node', chart, legend);

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
    const r = memberRate(member);
    setText(c.rate, rate(r));
    setClass(row, 'computing', r > 0 || busy > 0);
  };

  const drawSparks = (now) => {
    const samples = store.throughput.filter((x) => x.at >= now - sparkWindow);
    for (const row of rows.children) {
      const address = row.dataset.member;
      sparkline(row.cells2.spark, samples.map((x) => x.nodes[address] ?? 0));
      row.cells2.spark.style.stroke = colourOf(address);
    }
  };

  const drawChart = (now) => {
    const series = throughputSeries(now - chartWindow, now);
    lineChart(chart, { series, from: now - chartWindow, to: now, colourOf, empty: 'no checks in the last 15 minutes' });
    const shown = series.filter((x) => x.points.some(([, v]) => v > 0)).slice(0, 12);
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
        setClass(empty, 'hidden', store.members.length > 0);
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
        for (const row of rows.children) setText(row.cells2.rate, rate(memberRate(byAddress.get(row.dataset.member) ?? {})));
        const last = store.throughput[store.throughput.length - 1];
        setText(tiles.rate.value, rate(last ? Object.values(last.nodes).reduce((sum, x) => sum + x, 0) : store.members.reduce((sum, m) => sum + memberRate(m), 0)));
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
