// The node's HTTP API as the page uses it: the bearer token, requests that carry it, and JSON whose integers stay
// exact past 2^53 (128-bit check counts arrive as plain JSON integers).

const tokenKey = 'primecluster.api-token';

export const token = {
  get: () => sessionStorage.getItem(tokenKey),
  set: (value) => sessionStorage.setItem(tokenKey, value),
  clear: () => sessionStorage.removeItem(tokenKey),
};

/** An answer other than 2xx: the API's {error, field}. */
export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field ?? null;
  }
}

/** 401: no token, or the wrong one. */
export class Unauthorized extends ApiError {}

const refusedListeners = new Set();

/** Called once for a burst of refusals, with whether a token had been sent. */
export function onRefused(listener) {
  refusedListeners.add(listener);
}

let refusalPending = false;

export function refused() {
  const hadToken = token.get() !== null;
  if (refusalPending) return;
  refusalPending = true;
  queueMicrotask(() => {
    refusalPending = false;
    for (const listener of refusedListeners) listener(hadToken);
  });
}

export function headers(extra = {}) {
  const value = token.get();
  return value ? { ...extra, Authorization: `Bearer ${value}` } : { ...extra };
}

/** A request with the token; the answer's JSON, parsed exactly, or null for an empty body. */
export async function request(method, path, jsonBody, signal) {
  const init = { method, headers: headers({ Accept: 'application/json' }), cache: 'no-store', signal };
  if (jsonBody !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = jsonBody;
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let value = null;
  try {
    value = text ? parseExact(text) : null;
  } catch {
    value = null;
  }
  if (response.status === 401) {
    refused();
    throw new Unauthorized(401, value?.error ?? 'the node asks for its API token');
  }
  if (!response.ok) {
    throw new ApiError(response.status, value?.error ?? `${method} ${path} answered ${response.status}`, value?.field);
  }
  return value;
}

/**
 * JSON.parse, except that an integer too large for a double comes back as a string of its digits. A small scanner
 * skips strings and quotes such literals before parsing: no reviver ever sees a rounded number.
 */
export function parseExact(text) {
  let out = '';
  let copied = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < n && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92) i++;
      }
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      let integer = true;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 48 && d <= 57) continue;
        if (d === 46 || d === 101 || d === 69 || d === 43 || d === 45) {
          integer = false;
          continue;
        }
        break;
      }
      if (integer && j - i > 15 && !Number.isSafeInteger(Number(text.slice(i, j)))) {
        out += `${text.slice(copied, i)}"${text.slice(i, j)}"`;
        copied = j;
      }
      i = j - 1;
    }
  }
  return JSON.parse(copied === 0 ? text : out + text.slice(copied));
}
