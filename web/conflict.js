// What changed in a record, field by field and in words, for the dialog that
// shows a write refused because someone else changed the record first. Pure.

import { isDate, longLabel, spanLabel } from './dates.js';

const NOT_SHOWN = new Set(['id', 'version', 'team_id', 'created_at', 'updated_at', 'updated_by', 'created_by', 'probability_explicit']);
const LABEL = {
  person_id: 'Person', project_id: 'Project', client_id: 'Client', placeholder_role: 'Placeholder role',
  hours_per_day: 'Hours per day', tentative: 'Tentative', note: 'Note', name: 'Name', email: 'Email', role: 'Role',
  skills: 'Skills', weekly_hours: 'Weekly hours', start_date: 'Starts', end_date: 'Leaves', cost_rate: 'Cost rate',
  bill_rate: 'Bill rate', archived: 'Archived', status: 'Status', probability: 'Probability', budget_hours: 'Budget',
  billable: 'Billable', billing: 'Billing', fee: 'Fee', budget_amount: 'Budget (money)', rate_overrides: 'Rate overrides', color: 'Colour', reason: 'Reason', hours: 'Hours', date: 'Date', effort_hours: 'Effort', earliest_start: 'Earliest start', deadline: 'Deadline', priority: 'Priority',
  depends_on: 'Depends on', skill: 'Skill',
};
const NAMES = { person_id: 'people', project_id: 'projects', client_id: 'clients' };
const KIND_WORD = { allocation: 'booking', person: 'person', client: 'client', project: 'project', timeoff: 'time off', task: 'task', actual: 'hours' };

export const kindWord = (kind) => KIND_WORD[kind] || kind;

const empty = (v) => v == null || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a, b) => (empty(a) && empty(b)) || JSON.stringify(a) === JSON.stringify(b);

/** A value in words: names for ids, dates as dates, Yes/No. */
export function valueInWords(field, v, data = {}) {
  if (empty(v)) return 'none';
  if (NAMES[field]) { const x = (data[NAMES[field]] || []).find((r) => r.id === v); return x ? x.name : 'someone no longer listed'; }
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.join(field === 'weekly_hours' ? ' ' : ', ');
  if (typeof v === 'string' && isDate(v)) return longLabel(v);
  if (field === 'hours_per_day') return `${v}h a day`;
  if (field === 'probability') return `${v}%`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The fields that differ from `a` to `b`: `[{field, label, before, now}]`, in
 * words. A start and end that changed together read as one line of dates.
 */
export function fieldChanges(a, b, data = {}) {
  a = a || {}; b = b || {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !NOT_SHOWN.has(k) && !same(a[k], b[k]));
  const out = [];
  const dates = (s, e) => (isDate(s) && isDate(e) ? spanLabel(s, e) : `${valueInWords('start', s)} – ${valueInWords('end', e)}`);
  if (keys.includes('start') || keys.includes('end')) {
    if (isDate(a.start) && isDate(a.end) && isDate(b.start) && isDate(b.end)) out.push({ field: 'dates', label: 'Dates', before: dates(a.start, a.end), now: dates(b.start, b.end) });
    else for (const k of ['start', 'end']) if (keys.includes(k)) out.push({ field: k, label: k === 'start' ? 'Start' : 'End', before: valueInWords(k, a[k], data), now: valueInWords(k, b[k], data) });
  }
  for (const k of keys) {
    if (k === 'start' || k === 'end') continue;
    const label = LABEL[k] || k.charAt(0).toUpperCase() + k.slice(1).replace(/_/g, ' ');
    out.push({ field: k, label, before: valueInWords(k, a[k], data), now: valueInWords(k, b[k], data) });
  }
  return out;
}

/** The part of a PATCH body that differs from the record it was based on. */
export function ownChanges(body, base) {
  const out = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body)) if (!base || !same(v, base[k])) out[k] = v;
  return out;
}
