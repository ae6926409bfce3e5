// What the page knows of the cluster: members, jobs and throughput, kept up to date from the seed's event stream
// (GET /events), or, from a node without it, by asking GET /cluster and GET /jobs every two seconds.
import { request } from './api.js';
import { follow } from './sse.js';

const window15min = 15 * 60 * 1000;
const pollEvery = 2000;
const keptJobs = 1000;

export const store = {
  cluster: null,
  members: [],
  jobs: new Map(),
  jobOrder: [],
  throughput: [],
  /** 'connecting' | 'live' | 'polling' | 'reconnecting' */
  mode: 'connecting',
  versions: { cluster: 0, jobs: 0, throughput: 0, mode: 0 },
};

const listeners = new Set();
let frame = 0;

/** fn() runs at most once a frame after anything changed. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed(what) {
  store.versions[what]++;
  if (!frame) {
    frame = requestAnimationFrame(() => {
      frame = 0;
      for (const fn of [...listeners]) fn();
    });
  }
}

export function setCluster(cluster) {
  store.cluster = cluster;
  store.members = [...(cluster.members ?? [])].sort((a, b) => a.address.localeCompare(b.address));
  changed('cluster');
}

export function upsertJob(job) {
  const known = store.jobs.has(job.id);
  job.receivedAt = performance.now();
  store.jobs.set(job.id, job);
  if (!known) sortJobs();
  changed('jobs');
}

export function setJobs(jobs) {
  for (const job of jobs) {
    job.receivedAt = performance.now();
    store.jobs.set(job.id, job);
  }
  sortJobs();
  changed('jobs');
}

function sortJobs() {
  const order = [...store.jobs.values()].sort((a, b) => (b.submitted_at ?? '').localeCompare(a.submitted_at ?? '') || b.id.localeCompare(a.id));
  for (const job of order.slice(keptJobs)) store.jobs.delete(job.id);
  store.jobOrder = order.slice(0, keptJobs).map((job) => job.id);
}

function addThroughput(sample) {
  const at = Date.parse(sample.at);
  if (!Number.isFinite(at)) return;
  const samples = store.throughput;
  if (samples.length > 0 && samples[samples.length - 1].at >= at) {
    const i = samples.findIndex((x) => x.at >= at);
    if (samples[i].at === at) samples[i] = { at, nodes: sample.nodes ?? {} };
    else samples.splice(i, 0, { at, nodes: sample.nodes ?? {} });
  } else {
    samples.push({ at, nodes: sample.nodes ?? {} });
  }
  const cut = Date.now() - window15min;
  while (samples.length > 0 && samples[0].at < cut) samples.shift();
}

function setMode(mode) {
  if (store.mode !== mode) {
    store.mode = mode;
    changed('mode');
  }
}

let stream = null;
let pollTimer = 0;
let running = false;

/** Starts following the cluster; start() again after a new token starts over. */
export function start() {
  stop();
  running = true;
  setMode('connecting');
  stream = follow('/events', {
    onState: (state) => setMode(state),
    onMissing: () => poll(),
    onEvent: (name, value) => {
      switch (name) {
        case 'cluster':
          setCluster(value);
          break;
        case 'jobs':
          setJobs(value);
          break;
        case 'job':
          upsertJob(value);
          break;
        case 'throughput':
          addThroughput(value);
          changed('throughput');
          break;
        case 'throughput_history':
          for (const sample of value) addThroughput(sample);
          changed('throughput');
          break;
        default:
          break;
      }
      return true;
    },
  });
}

export function stop() {
  running = false;
  stream?.stop();
  stream = null;
  clearTimeout(pollTimer);
}

/** A node without GET /events: ask for the cluster and the jobs in turn; throughput is the running jobs' rate. */
async function poll() {
  setMode('polling');
  try {
    const [cluster, jobs] = await Promise.all([request('GET', '/cluster'), request('GET', '/jobs?limit=200')]);
    if (!running) return;
    setCluster(cluster);
    setJobs(jobs);
    const rate = jobs.filter((job) => job.state === 'running').reduce((sum, job) => sum + (job.checks_per_second ?? 0), 0);
    addThroughput({ at: new Date().toISOString(), nodes: { 'all nodes': rate } });
    changed('throughput');
  } catch (e) {
    if (e?.status === 401) return;
  }
  if (running) pollTimer = setTimeout(poll, pollEvery);
}

/**
 * A member's checks/s now: from the newest throughput sample, where a node that counted nothing is left out (the seed
 * sends a sample of zeros when the cluster stops computing), else the figure the member came with.
 */
export function memberRate(member) {
  const last = store.throughput[store.throughput.length - 1];
  if (last) return last.nodes[member.address] ?? 0;
  return typeof member.checks_per_second === 'number' ? member.checks_per_second : 0;
}

/** Checks/s by node over [from, to]: [{name, points: [[t, v]]}], nodes in address order, 0 where a sample leaves one out. */
export function throughputSeries(from, to) {
  const samples = store.throughput.filter((sample) => sample.at >= from && sample.at <= to);
  const nodes = new Set();
  for (const sample of samples) for (const node in sample.nodes) nodes.add(node);
  return [...nodes].sort().map((name) => ({ name, points: samples.map((sample) => [sample.at, sample.nodes[name] ?? 0]) }));
}

/** The whole cluster's checks/s over [from, to]: [[t, v]]. */
export function totalThroughput(from, to) {
  return store.throughput
    .filter((sample) => sample.at >= from && sample.at <= to)
    .map((sample) => [sample.at, Object.values(sample.nodes).reduce((sum, v) => sum + v, 0)]);
}
