// Reports computed in the browser from the loaded schedule, in the same
// shape as the server's /api/v1/reports/* answers. Used when the server does
// not offer a report (yet). Pure: no DOM.

import { toDay, fromDay, startOfWeekDay, weekdayOfDay } from './dates.js';
import { dayStats, indexTimeOff, allocSpan } from './capacity.js';
import { values } from './store.js';

function weeksOf(from, to) {
  const out = [];
  for (let w = startOfWeekDay(toDay(from)); w <= toDay(to); w += 7) out.push(w);
  return out;
}

function byPerson(allocations) {
  const map = new Map();
  for (const a of values(allocations)) {
    if (!a.person_id) continue;
    let l = map.get(a.person_id);
    if (!l) map.set(a.person_id, (l = []));
    l.push(a);
  }
  return map;
}

const round = (x) => Math.round(x * 100) / 100;

/** Like GET /reports/utilisation?interval=week: per person and Monday week. */
export function utilisationReport(data, from, to) {
  const off = indexTimeOff(data.timeoff);
  const allocs = byPerson(data.allocations);
  const lo = toDay(from), hi = toDay(to);
  const totals = { capacity_hours: 0, scheduled_hours: 0, tentative_hours: 0, unscheduled_hours: 0, overbooked_hours: 0 };
  const people = data.people.filter((p) => !p.archived).slice().sort((a, b) => String(a.name).localeCompare(String(b.name))).map((p) => {
    const mine = allocs.get(p.id) || [];
    const sum = { capacity_hours: 0, scheduled_hours: 0, tentative_hours: 0, unscheduled_hours: 0, overbooked_hours: 0 };
    const periods = weeksOf(from, to).map((w) => {
      const q = { start: fromDay(Math.max(w, lo)), end: fromDay(Math.min(w + 6, hi)), capacity_hours: 0, scheduled_hours: 0, tentative_hours: 0, unscheduled_hours: 0, overbooked_hours: 0 };
      const rel = mine.filter((a) => { const [s, e] = allocSpan(a); return s <= w + 6 && e >= w; });
      for (let d = Math.max(w, lo); d <= Math.min(w + 6, hi); d++) {
        const st = dayStats(p, rel, d, off);
        q.capacity_hours += st.capacity;
        q.scheduled_hours += st.confirmed;
        q.tentative_hours += st.tentative;
        q.unscheduled_hours += Math.max(0, st.capacity - st.confirmed);
        q.overbooked_hours += Math.max(0, st.confirmed - st.capacity);
      }
      for (const k in sum) sum[k] += q[k];
      for (const k in q) if (typeof q[k] === 'number') q[k] = round(q[k]);
      q.utilisation = q.capacity_hours > 0 ? q.scheduled_hours / q.capacity_hours : null;
      return q;
    });
    for (const k in totals) totals[k] += sum[k];
    for (const k in sum) sum[k] = round(sum[k]);
    return { person_id: p.id, name: p.name, ...sum, utilisation: sum.capacity_hours > 0 ? sum.scheduled_hours / sum.capacity_hours : null, periods };
  });
  totals.utilisation = totals.capacity_hours > 0 ? totals.scheduled_hours / totals.capacity_hours : null;
  return { from, to, people, totals };
}

/**
 * Like GET /reports/pipeline, per Monday week: capacity; confirmed demand
 * (non-tentative work of people on won / active / done projects); tentative
 * demand (tentative work, and all work on lead / proposal projects);
 * unweighted placeholder hours by role (projects not lost); and all demand
 * weighted by its project's probability (lost projects count 0).
 */
export function pipelineReport(data, from, to) {
  const off = indexTimeOff(data.timeoff);
  const people = new Map(data.people.filter((p) => !p.archived).map((p) => [p.id, p]));
  const projects = new Map(data.projects.map((p) => [p.id, p]));
  const lo = toDay(from), hi = toDay(to);
  const weeks = weeksOf(from, to).map((w) => ({ start: fromDay(Math.max(w, lo)), end: fromDay(Math.min(w + 6, hi)), capacity_hours: 0, confirmed_hours: 0, tentative_hours: 0, weighted_hours: 0, placeholder_hours_by_role: {} }));
  const at = (d) => weeks[Math.floor((d - startOfWeekDay(lo)) / 7)];
  for (const p of people.values()) for (let d = lo; d <= hi; d++) at(d).capacity_hours += dayStats(p, [], d, off).capacity;
  for (const a of values(data.allocations)) {
    const [s, e] = allocSpan(a);
    const person = a.person_id ? people.get(a.person_id) : null;
    if (a.person_id && !person) continue;
    const project = projects.get(a.project_id) || {};
    const status = project.status || 'active';
    const k = status === 'lost' ? 0 : (project.probability != null ? Number(project.probability) : 100) / 100;
    const h = Number(a.hours_per_day) || 0;
    for (let d = Math.max(s, lo); d <= Math.min(e, hi); d++) {
      const works = person ? dayStats(person, [], d, off).capacity > 0 : weekdayOfDay(d) < 5 && !dayStats({ id: null }, [], d, off).off;
      if (!works) continue;
      const wk = at(d);
      wk.weighted_hours += h * k;
      if (!person) { if (status !== 'lost') wk.placeholder_hours_by_role[a.placeholder_role] = (wk.placeholder_hours_by_role[a.placeholder_role] || 0) + h; }
      else if (status === 'lost') continue;
      else if (a.tentative || status === 'lead' || status === 'proposal') wk.tentative_hours += h;
      else wk.confirmed_hours += h;
    }
  }
  for (const w of weeks) for (const key of ['capacity_hours', 'confirmed_hours', 'tentative_hours', 'weighted_hours']) w[key] = round(w[key]);
  return { from, to, weeks };
}

/** A CSV cell, as the server writes them: text a spreadsheet would run as a formula
 * (starting with = + - @ tab or CR) gets a leading ', and cells holding a separator,
 * quote or line break are quoted. Numbers stay numbers. */
function csvCell(v) {
  if (v == null) return '';
  let s = typeof v === 'number' ? String(Math.round(v * 10000) / 10000) : String(v);
  if (typeof v !== 'number' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows (objects) with the given columns; header row = field names. */
export function toCsv(rows, columns) {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

export function utilisationCsv(report) {
  const cols = ['person_id', 'name', 'period_start', 'period_end', 'capacity_hours', 'scheduled_hours', 'tentative_hours', 'unscheduled_hours', 'overbooked_hours', 'utilisation'];
  const rows = [];
  for (const p of report.people) for (const q of p.periods || []) rows.push({ person_id: p.person_id, name: p.name, period_start: q.start, period_end: q.end, ...q });
  return toCsv(rows, cols);
}

export function pipelineCsv(report) {
  const rows = report.weeks.map((w) => ({ ...w, placeholder_hours: Object.values(w.placeholder_hours_by_role || {}).reduce((a, b) => a + b, 0) }));
  return toCsv(rows, ['start', 'end', 'capacity_hours', 'confirmed_hours', 'tentative_hours', 'weighted_hours', 'placeholder_hours']);
}
