// What the page knows of the cluster: members, jobs and throughput, kept up to date from the seed's event stream
// (GET /events), or, from a node without it, by asking GET /cluster and GET /jobs every two seconds.
import { request } from './api.js';
import { follow } from './sse.js';

const window15min = 15 * 60 * 1000;

/**
 * What each algorithm's throughput counts: trial performs its checks; the sieve and the formula derive theirs (a formula
 * job to 10^13 carries some 10^24), so they are measured by the numbers they count.
 */
export const algorithmUnits = { trial: 'checks/s', sieve: 'numbers/s', formula: 'numbers/s' };
export const algorithmOrder = Object.keys(algorithmUnits);
const pollEvery = 2000;
const keptJobs = 1000;

export const store = {
  cluster: null,
  members: [],
  jobs: new Map(),
  jobOrder: [],
  /** Whether the seed has told of its jobs yet. */
  jobsHeard: false,
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
  store.jobsHeard = true;
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

/** A sample: when, and each algorithm's rate by node ({trial: {address: checks/s}, sieve: {address: numbers/s}}). */
function addThroughput(sample) {
  const at = Date.parse(sample.at);
  if (!Number.isFinite(at)) return;
  const entry = { at, algorithms: sample.algorithms ?? {} };
  const samples = store.throughput;
  if (samples.length > 0 && samples[samples.length - 1].at >= at) {
    const i = samples.findIndex((x) => x.at >= at);
    if (samples[i].at === at) samples[i] = entry;
    else samples.splice(i, 0, entry);
  } else {
    samples.push(entry);
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

/** A node without GET /events: ask for the cluster and the jobs in turn; throughput is the running trial jobs' rate. */
async function poll() {
  setMode('polling');
  try {
    const [cluster, jobs] = await Promise.all([request('GET', '/cluster'), request('GET', '/jobs?limit=200')]);
    if (!running) return;
    setCluster(cluster);
    setJobs(jobs);
    const rate = jobs.filter((job) => job.state === 'running' && job.algorithm === 'trial').reduce((sum, job) => sum + (job.checks_per_second ?? 0), 0);
    addThroughput({ at: new Date().toISOString(), algorithms: rate > 0 ? { trial: { 'all nodes': rate } } : {} });
    changed('throughput');
  } catch (e) {
    if (e?.status === 401) return;
  }
  if (running) pollTimer = setTimeout(poll, pollEvery);
}

/**
 * A member's rates now, by algorithm in its own terms: [[algorithm, value]], from the newest throughput sample, where a
 * node that counted nothing is left out (the seed sends an empty sample when the cluster stops computing); else the
 * checks/s the member came with, as trial's.
 */
export function memberRates(member) {
  const last = store.throughput[store.throughput.length - 1];
  if (last) return algorithmOrder.filter((a) => last.algorithms[a]?.[member.address] > 0).map((a) => [a, last.algorithms[a][member.address]]);
  return member.checks_per_second > 0 ? [['trial', member.checks_per_second]] : [];
}

/** The algorithms with a rate in the samples of [from, to], in the order of algorithmOrder. */
export function algorithmsBetween(from, to) {
  const seen = new Set();
  for (const sample of store.throughput) if (sample.at >= from && sample.at <= to) for (const a in sample.algorithms) seen.add(a);
  return algorithmOrder.filter((a) => seen.has(a));
}

/** One algorithm's rate by node over [from, to]: [{name, points: [[t, v]]}], nodes in address order, 0 where a sample leaves one out. */
export function throughputSeries(algorithm, from, to) {
  const samples = store.throughput.filter((sample) => sample.at >= from && sample.at <= to);
  const nodes = new Set();
  for (const sample of samples) for (const node in sample.algorithms[algorithm] ?? {}) nodes.add(node);
  return [...nodes].sort().map((name) => ({ name, points: samples.map((sample) => [sample.at, sample.algorithms[algorithm]?.[name] ?? 0]) }));
}

/** One algorithm's rate over all nodes over [from, to]: [[t, v]]. */
export function totalThroughput(algorithm, from, to) {
  return store.throughput
    .filter((sample) => sample.at >= from && sample.at <= to)
    .map((sample) => [sample.at, Object.values(sample.algorithms[algorithm] ?? {}).reduce((sum, v) => sum + v, 0)]);
}
