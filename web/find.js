// Finding people and projects: what a search names, the window "who is free"
// looks at, and which records the sample team made. Pure.

import { addDays, startOfWeek, startOfMonth, addMonths, daysInMonth, isDate } from './dates.js';

/** Ids the sample team gives its records (the server's `domain::sample`). */
export const isSample = (x) => !!x && String(x.id || '').startsWith('sample-');
/** Is the sample team loaded? */
export const hasSample = (m) => m.data.people.some(isSample) || m.data.projects.some(isSample);

/**
 * The schedule's availability window, {from, to} or null: next week, next
 * month, or dates chosen ('custom').
 */
export function freeRange(free, today) {
  if (!free || !free.preset) return null;
  if (free.preset === 'week') { const from = addDays(startOfWeek(today), 7); return { from, to: addDays(from, 6) }; }
  if (free.preset === 'month') { const from = addMonths(startOfMonth(today), 1); return { from, to: addDays(from, daysInMonth(from) - 1) }; }
  if (free.preset === 'custom' && isDate(free.from) && isDate(free.to) && free.from <= free.to) return { from: free.from, to: free.to };
  return null;
}

/** The projects whose name, or whose client's name, holds the search (lower-cased). */
export function projectMatches(data, q) {
  const clients = new Map(data.clients.map((c) => [c.id, c]));
  const out = new Set();
  if (!q) return out;
  for (const p of data.projects) {
    const c = p.client_id ? clients.get(p.client_id) : null;
    if (String(p.name || '').toLowerCase().includes(q) || (c && String(c.name || '').toLowerCase().includes(q))) out.add(p.id);
  }
  return out;
}


/** A report's filters as query parameters (role, person, project, client). */
export function reportParams(f) {
  const out = {};
  for (const k of ['role', 'person', 'project', 'client']) if (f && f[k]) out[k] = f[k];
  return out;
}
