// The camroll HTTP API as the page uses it: JSON in and out, the CSRF token on every change,
// errors as ApiError with the server's own message.

let csrf = '';
let unauthorized = null;

export function setCsrf(token) { csrf = token || ''; }

// Called with the ApiError when a request during a session answers 401 (session expired or
// signed out elsewhere).
export function onUnauthorized(fn) { unauthorized = fn; }

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export async function api(path, { method = 'GET', body, signal, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Could not reach the camroll server. Check your connection and try again.');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const message = (data && typeof data.error === 'string' && data.error) ||
      `The server answered ${res.status} ${res.statusText}`.trim();
    const err = new ApiError(res.status, message, data);
    if (res.status === 401 && !quiet401 && unauthorized) unauthorized(err);
    throw err;
  }
  return data;
}

export const get = (path, opts) => api(path, { ...opts, method: 'GET' });
export const post = (path, body, opts) => api(path, { ...opts, method: 'POST', body: body ?? {} });
export const put = (path, body, opts) => api(path, { ...opts, method: 'PUT', body });
export const del = (path, opts) => api(path, { ...opts, method: 'DELETE' });

export function isAbort(e) { return e && e.name === 'AbortError'; }
