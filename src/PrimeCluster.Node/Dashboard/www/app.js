// The dashboard: asks for the API token when the node wants one, follows the cluster, and shows the view the
// address names: #/ the cluster and its jobs, #/jobs/ID one job.
import { onRefused, request, token } from './api.js';
import { clusterView } from './cluster-view.js';
import { jobView } from './job-view.js';
import { jobsView } from './jobs-view.js';
import * as cluster from './store.js';

const main = document.getElementById('view');
const connection = document.getElementById('connection');
const prompt = document.getElementById('token-prompt');
const promptForm = document.getElementById('token-form');
const promptMessage = document.getElementById('token-message');
const promptInput = document.getElementById('token-input');

let current = null;

function route() {
  current?.unmount?.();
  const match = /^#\/jobs\/([^/]+)$/.exec(location.hash);
  if (match) {
    current = jobView(decodeURIComponent(match[1]));
    document.title = `Job ${decodeURIComponent(match[1])} · PrimeCluster`;
  } else {
    const views = [clusterView(), jobsView()];
    current = { elements: views.flatMap((v) => v.elements), update: () => views.forEach((v) => v.update()) };
    document.title = 'PrimeCluster';
  }
  main.replaceChildren(...current.elements);
  current.update();
}

const modes = {
  connecting: 'connecting…',
  live: 'live',
  polling: 'updated every 2 s',
  reconnecting: 'connection lost, reconnecting…',
};

function showMode() {
  connection.textContent = modes[cluster.store.mode] ?? cluster.store.mode;
  connection.dataset.mode = cluster.store.mode;
}

function ask(message) {
  cluster.stop();
  promptMessage.textContent = message;
  prompt.hidden = false;
  main.inert = true;
  connection.textContent = 'waiting for the API token';
  connection.dataset.mode = 'token';
  promptInput.value = '';
  promptInput.focus();
}

onRefused((hadToken) => {
  if (hadToken) {
    token.clear();
    ask('The node refused that token. Enter the API_TOKEN the cluster was started with.');
  } else {
    ask('This cluster asks for its API token.');
  }
});

promptForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const given = promptInput.value.trim();
  if (!given) return;
  token.set(given);
  promptMessage.textContent = 'Checking…';
  try {
    await request('GET', '/cluster');
  } catch (e) {
    if (e.status !== 401) promptMessage.textContent = `The node did not answer: ${e.message}`;
    return;
  }
  prompt.hidden = true;
  main.inert = false;
  cluster.start();
  route();
});

cluster.subscribe(() => {
  showMode();
  current?.update();
});
// Elapsed times and ETAs move on between events.
setInterval(() => current?.update(), 1000);
window.addEventListener('hashchange', () => {
  route();
  main.focus({ preventScroll: true });
});

route();
cluster.start();
