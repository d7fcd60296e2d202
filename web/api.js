// API paths and small helpers to build HTTP effects. The runtime (app.js)
// interprets effects; this module stays pure so node can import it.

export const API = '/api/v1';

/** An HTTP effect: the runtime fetches, then dispatches {type: ok, data, ...ctx} or {type: err, error, status, ...ctx}. */
export function http(method, path, body, ok, err, ctx = {}) {
  return { type: 'http', method, path: path.startsWith('/api') ? path : API + path, body, ok, err, ctx };
}
export const get = (path, ok, err, ctx) => http('GET', path, undefined, ok, err, ctx);

/**
 * The write goes through only if the record is still the version the person
 * saw (`If-Match`); when someone changed it since, the server answers 412 with
 * the current record and the runtime dispatches `Conflict` (see page/conflict.js)
 * instead of the error message. Without a base version the effect is unchanged.
 */
export function ifMatch(fx, kind, base) {
  if (!fx || fx.type !== 'http' || !base || base.version == null) return fx;
  return { ...fx, headers: { ...(fx.headers || {}), 'If-Match': `"${base.version}"` }, on412: { type: 'Conflict', kind, base } };
}

/** Accept either a bare array or an object wrapping one. */
export function asList(data, ...keys) {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const k of [...keys, 'items', 'data', 'results']) if (Array.isArray(data[k])) return data[k];
  }
  return [];
}

export function qs(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? '?' + parts.join('&') : '';
}

/** Person-readable message from a failed response body. */
export function errorMessage(status, body) {
  if (body && typeof body === 'object' && typeof body.error === 'string' && body.error) return body.error;
  if (status === 0) return 'Cannot reach the server. Check your connection and try again.';
  if (status === 401) return 'Please log in again.';
  if (status === 403) return 'You do not have permission to do that.';
  if (status === 404) return 'Not found.';
  if (status === 412) return 'Someone changed this since you loaded it.';
  return `Something went wrong (HTTP ${status}).`;
}
