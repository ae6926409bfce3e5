// What the jobs table and a job's page both show of a job: its progress bar, elapsed time, ETA, and cancelling it.
import { request } from './api.js';
import { h, setAttr, setText } from './dom.js';
import { big, compact, duration, exact } from './format.js';
import { upsertJob } from './store.js';

export const finished = (job) => ['done', 'cancelled', 'failed'].includes(job.state);

/** Elapsed as the node reported it, plus the time since, while the job runs. */
export function elapsedMs(job) {
  const reported = job.elapsed_ms ?? 0;
  return job.state === 'running' && job.receivedAt ? reported + (performance.now() - job.receivedAt) : reported;
}

export function eta(job) {
  const p = job.progress;
  if (job.state !== 'running' || !p || !(job.checks_per_second > 0)) return '–';
  const left = big(p.checks_total) - big(p.checks_done);
  if (left <= 0n) return '–';
  const ms = (Number(left) / job.checks_per_second) * 1000 - (performance.now() - (job.receivedAt ?? performance.now()));
  return `${p.checks_total_exact === false ? '~' : ''}${duration(Math.max(0, ms))}`;
}

/** A progress bar with the checks done of the total and the batches, for one job. */
export function progressBar() {
  const fill = h('div', { class: 'fill' });
  const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, fill);
  const checks = h('span', { class: 'checks num' });
  const batches = h('span', { class: 'batches num' });
  const el = h('div', { class: 'progress' }, bar, h('div', { class: 'progress-text' }, checks, batches));
  return {
    el,
    set(job) {
      const p = job.progress ?? {};
      const fraction = job.state === 'done' ? 1 : Math.min(1, Math.max(0, p.fraction ?? 0));
      const percent = (fraction * 100).toFixed(1);
      if (bar.getAttribute('aria-valuenow') !== percent) {
        bar.setAttribute('aria-valuenow', percent);
        fill.style.width = `${percent}%`;
      }
      setAttr(bar, 'aria-label', `Job ${job.id}: ${percent}% of its checks done`);
      setAttr(bar, 'data-state', job.state);
      setText(checks, `${compact(p.checks_done ?? 0)} of ${p.checks_total_exact === false ? '~' : ''}${compact(p.checks_total ?? 0)} checks`);
      setAttr(checks, 'title', `${exact(p.checks_done ?? 0)} of ${exact(p.checks_total ?? 0)} checks`);
      setText(batches, `${p.batches_done ?? 0}/${p.batches_total ?? job.batches ?? 0} batches`);
    },
  };
}

/** A button that cancels the job once the user confirms; it says what went wrong in its title when the node refuses. */
export function cancelButton(job) {
  const button = h('button', { type: 'button', class: 'cancel', 'aria-label': `Cancel job ${job.id}`, title: `Cancel job ${job.id}` }, '✕');
  button.addEventListener('click', async () => {
    // A cancelled job cannot be resumed: its counted batches are kept, the rest is dropped.
    if (!window.confirm(`Cancel job ${job.id} [${job.from}, ${job.til}] (${job.algorithm})? Its workers drop its batches, and it cannot be resumed.`)) return;
    button.disabled = true;
    try {
      upsertJob(await request('DELETE', `/jobs/${encodeURIComponent(job.id)}`));
    } catch (e) {
      button.disabled = false;
      button.title = `Could not cancel: ${e.message}`;
    }
  });
  return button;
}
