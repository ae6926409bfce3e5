// Server-sent events read with fetch(), since EventSource cannot send the Authorization header: a line parser over
// the response's stream, and a follower that connects again, with backoff, whenever a stream ends.
import { headers, parseExact, refused } from './api.js';

/**
 * Feeds text chunks; calls onEvent(name, data) for each complete event. Comments (": keep-alive") are skipped, and so
 * are events without data (the node's keep-alive event): either only says the stream is alive.
 */
export function eventParser(onEvent) {
  let buffer = '';
  let name = '';
  let data = [];
  const line = (text) => {
    if (text === '') {
      const text = data.join('\n');
      if (text !== '') onEvent(name || 'message', text);
      name = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  };
  return (chunk) => {
    buffer += chunk;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (c === 13 && i === buffer.length - 1) break;
      line(buffer.slice(start, i));
      if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    buffer = buffer.slice(start);
  };
}

/** A stream silent this long (it keeps alive every 15 s) was cut without closing: connect again. */
const quietLimit = 40_000;
const firstDelay = 500;
const longestDelay = 15_000;

/**
 * Follows a stream of events: onEvent(name, value) with the data parsed exactly; returning false from it ends the
 * stream for good. onMissing(status) for a 404, 405 or 421, after which it stops. onState('live' | 'reconnecting').
 * Once ended() says so, a stream that closes is not opened again (a job's stream after its result).
 */
export function follow(path, { onEvent, onMissing, onState, ended = () => false }) {
  let stopped = false;
  let controller = null;
  let timer = 0;
  let delay = firstDelay;

  const connect = async () => {
    controller = new AbortController();
    const aborter = controller;
    let watchdog = 0;
    const quiet = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => aborter.abort(), quietLimit);
    };
    try {
      quiet();
      const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', signal: aborter.signal });
      if (response.status === 401) {
        stopped = true;
        refused();
        return;
      }
      if (response.status === 404 || response.status === 405 || response.status === 421) {
        stopped = true;
        onMissing?.(response.status);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`${path} answered ${response.status}`);
      onState?.('live');
      const opened = Date.now();
      const feed = eventParser((name, text) => {
        if (stopped) return;
        let value;
        try {
          value = parseExact(text);
        } catch {
          return;
        }
        if (onEvent(name, value) === false) {
          stopped = true;
          aborter.abort();
        }
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        quiet();
        const { value, done } = await reader.read();
        if (done) break;
        feed(value);
      }
      if (Date.now() - opened > 5000) delay = firstDelay;
    } catch {
      // Aborted, cut off or refused: connect again below unless stopped.
    } finally {
      clearTimeout(watchdog);
    }
    if (!stopped && ended()) stopped = true;
    if (!stopped) {
      onState?.('reconnecting');
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, longestDelay);
    }
  };

  connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
    },
  };
}
