// The jobs: a form that submits one, with the cost guard's estimate before it goes, and every job with live progress.
import { request } from './api.js';
import { h, keyed, setAttr, setClass, setText } from './dom.js';
import { compact, duration, exact, rate } from './format.js';
import { cancelButton, elapsedMs, eta, finished, progressBar } from './job-figures.js';
import { store, upsertJob } from './store.js';

const digits = /^\d+$/;

/** Over the cost limit: the form's own way past it. */
const runAnyway = 'Tick “Run it anyway” to submit it.';

/** A number field as JSON: digits stay an exact integer literal, anything else a string the node refuses by name. */
function number(text) {
  const trimmed = text.trim();
  return digits.test(trimmed) ? trimmed.replace(/^0+(?=\d)/, '') : JSON.stringify(trimmed);
}

function field(label, input, hint) {
  const error = h('span', { class: 'field-error', id: `${input.id}-error`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', error.id);
  return { el: h('div', { class: 'field' }, h('label', { for: input.id, text: label }), input, hint ? h('span', { class: 'hint', text: hint }) : null, error), error, input };
}

function submitForm() {
  const fields = {
    from: field('From', h('input', { id: 'job-from', name: 'from', inputmode: 'numeric', autocomplete: 'off', required: true, value: '1' })),
    til: field('Til', h('input', { id: 'job-til', name: 'til', inputmode: 'numeric', autocomplete: 'off', required: true, value: '300000' })),
    algorithm: field('Algorithm', h('select', { id: 'job-algorithm', name: 'algorithm' }, h('option', { value: 'trial', text: 'trial' }), h('option', { value: 'sieve', text: 'sieve' }), h('option', { value: 'formula', text: 'formula' }))),
    split: field('Split', h('select', { id: 'job-split', name: 'split' }, h('option', { value: 'balanced', text: 'balanced' }), h('option', { value: 'starmap', text: 'starmap' }))),
    batches: field('Batches', h('input', { id: 'job-batches', name: 'batches', inputmode: 'numeric', autocomplete: 'off', placeholder: 'auto' })),
  };
  const accept = h('input', { id: 'job-accept', name: 'accept_cost', type: 'checkbox' });
  const acceptField = h('div', { class: 'field accept hidden' }, accept, h('label', { for: 'job-accept', text: 'Run it anyway' }));
  const estimate = h('p', { class: 'estimate', id: 'job-estimate', role: 'status', 'aria-live': 'polite' });
  const outcome = h('p', { class: 'outcome', id: 'job-outcome', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: 'job-submit', text: 'Submit' });
  const form = h(
    'form',
    { class: 'submit-form', id: 'submit-form', 'aria-labelledby': 'submit-title', novalidate: true },
    h('h3', { id: 'submit-title', text: 'New job' }),
    h('div', { class: 'fields' }, Object.values(fields).map((f) => f.el)),
    estimate,
    acceptField,
    h('div', { class: 'actions' }, submit, outcome),
  );

  const body = () =>
    `{"from":${number(fields.from.input.value)},"til":${number(fields.til.input.value)},"algorithm":${JSON.stringify(fields.algorithm.input.value)},` +
    `"split":${JSON.stringify(fields.split.input.value)},"batches":${fields.batches.input.value.trim() ? number(fields.batches.input.value) : 'null'}` +
    `${accept.checked ? ',"accept_cost":true' : ''}}`;

  const showError = (e) => {
    for (const f of Object.values(fields)) {
      const mine = e?.field === f.input.name;
      setText(f.error, mine ? e.message : '');
      setAttr(f.input, 'aria-invalid', mine ? 'true' : null);
    }
  };

  let estimateTimer = 0;
  let asked = 0;
  let estimates = true;
  const askEstimate = async () => {
    const mine = ++asked;
    if (!estimates) return;
    try {
      const answer = await request('POST', '/jobs/estimate', body());
      if (mine !== asked) return;
      showError(null);
      const seconds = answer.seconds;
      const said = answer.message
        ? `Estimate: ${answer.message}${answer.over_limit === true ? ` ${runAnyway}` : ''}`
        : `About ${compact(answer.checks)} checks${answer.checks_exact ? ' (exact)' : ''} in ${answer.batches} batches, about ${duration(seconds * 1000)} on this cluster.`;
      setText(estimate, said);
      setAttr(estimate, 'title', answer.checks !== undefined ? `${exact(answer.checks)} checks` : null);
      setClass(estimate, 'over', answer.over_limit === true);
      setClass(acceptField, 'hidden', answer.over_limit !== true);
      if (answer.over_limit !== true) accept.checked = false;
    } catch (e) {
      if (mine !== asked) return;
      if (e.status === 404 || e.status === 405) {
        estimates = false;
        setText(estimate, 'This node gives no estimate before a job is submitted; the cost guard still applies.');
      } else if (e.status === 400) {
        setText(estimate, '');
        showError(e);
      }
    }
  };
  form.addEventListener('input', (event) => {
    if (event.target === accept) return;
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(askEstimate, 300);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    setText(outcome, 'Submitting…');
    try {
      const job = await request('POST', '/jobs', body());
      showError(null);
      upsertJob(job);
      outcome.replaceChildren('Submitted ', h('a', { href: `#/jobs/${encodeURIComponent(job.id)}`, text: `job ${job.id}` }), '.');
    } catch (e) {
      setText(outcome, e.status === 401 ? '' : `Not submitted: ${e.message}${e.field === 'accept_cost' ? ` ${runAnyway}` : ''}`);
      showError(e);
      if (e.field === 'accept_cost') setClass(acceptField, 'hidden', false);
    } finally {
      submit.disabled = false;
    }
  });
  askEstimate();
  return form;
}

function createRow(job) {
  const link = h('a', { href: `#/jobs/${encodeURIComponent(job.id)}`, text: job.id });
  const cells = {
    state: h('span', { class: 'state' }),
    range: h('td', { class: 'num range' }),
    algorithm: h('td', { class: 'algorithm' }),
    progress: progressBar(),
    rate: h('td', { class: 'num rate' }),
    eta: h('td', { class: 'num eta' }),
    elapsed: h('td', { class: 'num elapsed' }),
    action: h('td', { class: 'action' }),
  };
  const row = h(
    'tr',
    { 'data-job-id': job.id },
    h('th', { scope: 'row', class: 'id' }, link),
    h('td', {}, cells.state),
    cells.range,
    cells.algorithm,
    h('td', { class: 'progress-cell' }, cells.progress.el),
    cells.rate,
    cells.eta,
    cells.elapsed,
    cells.action,
  );
  row.cells2 = cells;
  return row;
}

function updateRow(row, job) {
  const c = row.cells2;
  if (row.job !== job) {
    row.job = job;
    setText(c.state, job.state);
    setAttr(c.state, 'data-state', job.state);
    setAttr(c.state, 'title', job.error ?? null);
    setText(c.range, `${compact(job.from)} – ${compact(job.til)}`);
    setAttr(c.range, 'title', `[${exact(job.from)}, ${exact(job.til)}]`);
    setText(c.algorithm, `${job.algorithm}, ${job.split}`);
    c.progress.set(job);
    setText(c.rate, finished(job) && job.state !== 'done' ? '–' : rate(job.checks_per_second));
    const cancellable = !finished(job);
    if (cancellable !== (c.action.firstChild !== null)) c.action.replaceChildren(...(cancellable ? [cancelButton(job)] : []));
  }
  setText(c.eta, eta(job));
  setText(c.elapsed, job.started_at || job.state === 'running' ? duration(elapsedMs(job)) : '–');
}

export function jobsView() {
  const rows = h('tbody', { id: 'jobs' });
  // Said once the seed has told of its jobs and there are none.
  const empty = h('p', { class: 'empty-note hidden', text: 'No jobs yet. Submit one above, or with: primecluster submit FROM TIL' });
  const count = h('span', { class: 'count num' });
  const section = h(
    'section',
    { class: 'panel jobs', 'aria-labelledby': 'jobs-title' },
    h('h2', { id: 'jobs-title' }, 'Jobs ', count),
    submitForm(),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'jobs-table' },
        h('caption', { class: 'visually-hidden', text: 'Jobs, newest first' }),
        h('thead', {}, h('tr', {}, ['Job', 'State', 'Range', 'Algorithm', 'Progress', 'Checks/s', 'ETA', 'Elapsed', h('span', { class: 'visually-hidden', text: 'Cancel' })].map((t) => h('th', { scope: 'col' }, t)))),
        rows,
      ),
    ),
    empty,
  );
  let seen = -1;
  let ticked = 0;
  return {
    elements: [section],
    update() {
      const now = performance.now();
      if (store.versions.jobs !== seen) {
        seen = store.versions.jobs;
        keyed(rows, store.jobOrder.map((id) => store.jobs.get(id)), (job) => job.id, createRow, updateRow);
        setText(count, `(${store.jobOrder.length})`);
        setClass(empty, 'hidden', store.jobsHeard !== true || store.jobOrder.length > 0);
        ticked = now;
      } else if (now - ticked >= 1000) {
        // Elapsed and ETA move on between events, for running jobs only.
        ticked = now;
        for (const row of rows.children) if (row.job?.state === 'running') updateRow(row, row.job);
      }
    },
  };
}
