// One job's page: its figures and progress, the exact result once done, the batch timeline, and the cluster's
// throughput over the job.
import { request } from './api.js';
import { lineChart } from './chart.js';
import { h, panel, s, setAttr, setClass, setText } from './dom.js';
import { actorName, duration, exact, rate, shortAddress, time } from './format.js';
import { cancelButton, elapsedMs, eta, finished, progressBar } from './job-figures.js';
import { follow } from './sse.js';
import { algorithmUnits, store, subscribe, totalThroughput, upsertJob } from './store.js';
import { drawTimeline, outcomes } from './timeline.js';

const redrawEvery = 500;

export function jobView(id) {
  const title = h('h2', { id: 'job-title', text: `Job ${id}` });
  const state = h('span', { class: 'state' });
  const action = h('span', { class: 'action' });
  const facts = h('dl', { class: 'facts' });
  const bar = progressBar();
  const result = h('section', { class: 'result hidden', id: 'job-result', 'aria-labelledby': 'result-title' });
  const problem = h('p', { class: 'problem hidden', role: 'alert' });
  const timeline = s('svg', { class: 'timeline', role: 'img', 'aria-labelledby': 'timeline-title' });
  const timelineNote = h('p', { class: 'empty-note', text: 'Waiting for batches…' });
  const detail = h('p', { class: 'timeline-detail', id: 'timeline-detail' }, ' ');
  const legend = h('ul', { class: 'legend outcomes' }, outcomes.map(([name, label]) => h('li', {}, h('span', { class: `swatch b-${name}` }), label)));
  const rateChart = s('svg', { class: 'chart', role: 'img', 'aria-labelledby': 'job-rate-title' });
  const rateNote = h('p', { class: 'hint' });

  const page = h(
    'section',
    { class: 'panel job', 'aria-labelledby': 'job-title' },
    h('p', {}, h('a', { href: '#/', text: '← Cluster and jobs' })),
    h('div', { class: 'job-head' }, title, state, action),
    problem,
    bar.el,
    facts,
    result,
  );
  const stream = panel('timeline', 'Batches, by worker', legend, h('div', { class: 'timeline-wrap' }, timeline), timelineNote, detail);
  const throughput = panel('job-rate', 'Cluster throughput over the job', rateChart, rateNote);

  let job = store.jobs.get(id) ?? null;
  const batches = new Map();
  let batchList = [];
  let batchesHeard = false;
  const jobRate = [];
  let drawnAt = 0;
  let dirty = true;

  const keyOf = (b) => `${b.index}|${b.node}|${b.worker}|${b.handed_out_at}`;
  const addBatch = (b) => {
    const handedOut = Date.parse(b.handed_out_at);
    if (!Number.isFinite(handedOut)) return;
    batches.set(keyOf(b), { ...b, handedOut, finished: b.finished_at ? Date.parse(b.finished_at) : null });
    dirty = true;
  };

  const fact = (label, value, key) => h('div', {}, h('dt', { text: label }), h('dd', { class: 'num', 'data-fact': key, text: value }));

  const render = () => {
    if (!job) return;
    setText(state, job.state);
    setAttr(state, 'data-state', job.state);
    if (finished(job) === (action.firstChild !== null)) action.replaceChildren(...(finished(job) ? [] : [cancelButton(job)]));
    bar.set(job);
    const figures = [
      ['Range', `[${exact(job.from)}, ${exact(job.til)}]`, 'range'],
      ['Algorithm', `${job.algorithm}, ${job.split}`, 'algorithm'],
      ['Batches', `${job.progress?.batches_done ?? 0} of ${job.batches}`, 'batches'],
      ['Workers', String(job.workers ?? '–'), 'workers'],
      ['Checks/s', rate(job.checks_per_second), 'rate'],
      ['ETA', eta(job), 'eta'],
      ['Elapsed', duration(elapsedMs(job)), 'elapsed'],
      ['Submitted', time(job.submitted_at), 'submitted'],
      ['Started', time(job.started_at), 'started'],
      ['Finished', time(job.finished_at), 'finished'],
    ];
    if (facts.childElementCount === 0) facts.append(...figures.map(([l, v, k]) => fact(l, v, k)));
    else for (const [, value, key] of figures) setText(facts.querySelector(`[data-fact="${key}"]`), value);
    setClass(problem, 'hidden', !job.error);
    setText(problem, job.error ?? '');
    if (job.state === 'done' && result.classList.contains('hidden')) {
      result.replaceChildren(
        h('h3', { id: 'result-title', text: 'Result' }),
        h(
          'dl',
          { class: 'tuple' },
          h('dt', { text: 'prime_count' }),
          h('dd', { class: 'num', id: 'result-primes', text: String(job.prime_count) }),
          h('dt', { text: 'check_count' }),
          h('dd', { class: 'num', id: 'result-checks', text: String(job.check_count) }),
        ),
        h('p', { class: 'hint', text: `${exact(job.prime_count)} primes, ${exact(job.check_count)} checks` }),
      );
      setClass(result, 'hidden', false);
    }
  };

  const drawBatches = (now) => {
    if (!job) return;
    batchList = [...batches.values()].sort((a, b) => a.handedOut - b.handedOut);
    if (batchList.length === 0) {
      setText(timelineNote, batchesHeard || finished(job) ? (batchesHeard ? 'No batches handed out.' : 'This node does not report batches.') : 'Waiting for batches…');
      setClass(timelineNote, 'hidden', false);
      setClass(timeline, 'hidden', true);
      return;
    }
    setClass(timelineNote, 'hidden', true);
    setClass(timeline, 'hidden', false);
    const t0 = Math.min(job.started_at ? Date.parse(job.started_at) : Infinity, batchList[0].handedOut);
    const t1 = job.finished_at ? Date.parse(job.finished_at) : Math.max(now, ...batchList.map((b) => b.finished ?? 0));
    drawTimeline(timeline, batchList, t0, Math.max(t1, t0 + 1));
  };

  const drawRate = (now) => {
    if (!job?.started_at) return;
    const from = Date.parse(job.started_at) - 1000;
    const to = job.finished_at ? Date.parse(job.finished_at) + 2000 : now;
    // In the job's algorithm's own terms: other algorithms' jobs at the same time are counted in theirs.
    const unit = algorithmUnits[job.algorithm] ?? 'checks/s';
    let points = totalThroughput(job.algorithm, from, to);
    let note = `${job.algorithm}: ${unit} of all nodes together, as the seed sampled them each second.`;
    if (points.length === 0 && jobRate.length > 0 && job.algorithm === 'trial') {
      points = jobRate;
      note = "This job's checks per second, from its progress events.";
    }
    lineChart(rateChart, { series: [{ name: 'cluster', points }], from, to: Math.max(to, from + 2000), colourOf: () => '#2563eb', empty: 'no samples' });
    setText(rateNote, note);
  };

  timeline.addEventListener('pointermove', (event) => {
    const b = batchList[event.target?.dataset?.k];
    if (!b) return;
    setText(
      detail,
      `Batch ${b.index} [${exact(b.from)}, ${exact(b.til)}] on ${shortAddress(b.node)} ${actorName(b.worker)}: ${b.outcome.replace('_', ' ')}, ` +
        `${duration((b.finished ?? Date.now()) - b.handedOut)}`,
    );
  });

  const heard = (value) => {
    job = value;
    upsertJob(value);
    if (value.state === 'running' && value.checks_per_second > 0) jobRate.push([Date.now(), value.checks_per_second]);
    dirty = true;
  };

  let live = null;
  const load = async () => {
    try {
      heard(await request('GET', `/jobs/${encodeURIComponent(id)}`));
    } catch (e) {
      if (e.status !== 401) {
        setText(problem, e.status === 404 ? `There is no job ${id} on this cluster.` : e.message);
        setClass(problem, 'hidden', false);
      }
      return;
    }
    live = follow(`/jobs/${encodeURIComponent(id)}/events?batches=true`, {
      ended: () => finished(job),
      onEvent: (name, value) => {
        if (name === 'progress' || name === 'result') heard(value);
        else if (name === 'batches') {
          batchesHeard = true;
          batches.clear();
          for (const b of value) addBatch(b);
        } else if (name === 'batch') {
          batchesHeard = true;
          addBatch(value);
        }
        return true;
      },
    });
  };
  load();

  const unsubscribe = subscribe(() => {
    // The cluster's stream may hear the job end before this job's own stream does.
    const known = store.jobs.get(id);
    if (known && finished(known) && job && !finished(job)) job = known;
    dirty = true;
  });

  return {
    elements: [page, stream, throughput],
    update() {
      const now = Date.now();
      if (!dirty && now - drawnAt < 1000) return;
      if (dirty && now - drawnAt < redrawEvery && job && !finished(job)) return;
      render();
      drawBatches(now);
      drawRate(now);
      drawnAt = now;
      dirty = false;
    },
    unmount() {
      live?.stop();
      unsubscribe();
    },
  };
}
