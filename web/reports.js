// Reports computed in the browser from the loaded schedule, in the same
// shape as the server's /api/v1/reports/* answers. Used when the server does
// not offer a report (yet). Pure: no DOM.

import { toDay, fromDay, startOfWeekDay } from './dates.js';
import { dayStats, indexTimeOff, allocSpan, capacityOn, placeholderCapacityOn, roundHours, roundRatio as ratio } from './capacity.js';
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

const round = roundHours;
const FIGURES = ['capacity_hours', 'scheduled_hours', 'tentative_hours', 'unscheduled_hours', 'overbooked_hours', 'free_hours'];
const zero = () => Object.fromEntries(FIGURES.map((k) => [k, 0]));
/** The rounded figures of unrounded sums, as the server writes them. */
function figures(sum) {
  const out = {};
  for (const k of FIGURES) out[k] = round(sum[k]);
  out.utilisation = sum.capacity_hours > 0 ? ratio(sum.scheduled_hours / sum.capacity_hours) : null;
  out.tentative_utilisation = sum.capacity_hours > 0 ? ratio(sum.tentative_hours / sum.capacity_hours) : null;
  return out;
}
const byName = (a, b) => { const x = String(a.name).toLowerCase(), y = String(b.name).toLowerCase(); return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0; };

/** Like GET /reports/utilisation?interval=week: per person and Monday week (definitions in capacity.js). */
export function utilisationReport(data, from, to) {
  const off = indexTimeOff(data.timeoff);
  const allocs = byPerson(data.allocations);
  const lo = toDay(from), hi = toDay(to);
  const totals = zero();
  const people = data.people.filter((p) => !p.archived).slice().sort(byName).map((p) => {
    const mine = allocs.get(p.id) || [];
    const sum = zero();
    const periods = weeksOf(from, to).map((w) => {
      const a = Math.max(w, lo), b = Math.min(w + 6, hi);
      const rel = mine.filter((x) => { const [s, e] = allocSpan(x); return s <= b && e >= a; });
      const q = zero();
      for (let d = a; d <= b; d++) {
        const st = dayStats(p, rel, d, off);
        q.capacity_hours += st.capacity;
        q.scheduled_hours += st.confirmed;
        q.tentative_hours += st.tentative;
        q.unscheduled_hours += Math.max(0, st.capacity - st.confirmed);
        q.overbooked_hours += st.over;
        q.free_hours += st.free;
      }
      for (const k of FIGURES) sum[k] += q[k];
      return { start: fromDay(a), end: fromDay(b), ...figures(q) };
    });
    for (const k of FIGURES) totals[k] += sum[k];
    return { person_id: p.id, name: p.name, ...figures(sum), periods };
  });
  return { from, to, people, totals: figures(totals) };
}

/**
 * Like GET /reports/pipeline, per Monday week: capacity; scheduled
 * (confirmed_hours) and tentative hours of people, as capacity.js defines
 * them, whatever the project's status; unweighted placeholder hours by role
 * (projects not lost); and all demand weighted by its project's probability
 * (lost projects count 0).
 */
export function pipelineReport(data, from, to) {
  const off = indexTimeOff(data.timeoff);
  const people = new Map(data.people.filter((p) => !p.archived).map((p) => [p.id, p]));
  const projects = new Map(data.projects.map((p) => [p.id, p]));
  const lo = toDay(from), hi = toDay(to);
  const weeks = weeksOf(from, to).map((w) => ({ start: fromDay(Math.max(w, lo)), end: fromDay(Math.min(w + 6, hi)), capacity_hours: 0, confirmed_hours: 0, tentative_hours: 0, weighted_hours: 0, placeholder_hours_by_role: {} }));
  const at = (d) => weeks[Math.floor((d - startOfWeekDay(lo)) / 7)];
  for (const p of people.values()) for (let d = lo; d <= hi; d++) at(d).capacity_hours += capacityOn(p, d, off);
  for (const a of values(data.allocations)) {
    const [s, e] = allocSpan(a);
    const person = a.person_id ? people.get(a.person_id) : null;
    if (a.person_id && !person) continue;
    const project = projects.get(a.project_id) || {};
    const status = project.status || 'active';
    const k = status === 'lost' ? 0 : (project.probability != null ? Number(project.probability) : 100) / 100;
    const h = Number(a.hours_per_day) || 0;
    for (let d = Math.max(s, lo); d <= Math.min(e, hi); d++) {
      const works = person ? capacityOn(person, d, off) > 0 : placeholderCapacityOn(d, off) > 0;
      if (!works) continue;
      const wk = at(d);
      wk.weighted_hours += h * k;
      if (!person) { if (status !== 'lost') wk.placeholder_hours_by_role[a.placeholder_role] = (wk.placeholder_hours_by_role[a.placeholder_role] || 0) + h; }
      else if (a.tentative) wk.tentative_hours += h;
      else wk.confirmed_hours += h;
    }
  }
  for (const w of weeks) {
    for (const key of ['capacity_hours', 'confirmed_hours', 'tentative_hours', 'weighted_hours']) w[key] = round(w[key]);
    for (const r of Object.keys(w.placeholder_hours_by_role)) w.placeholder_hours_by_role[r] = round(w.placeholder_hours_by_role[r]);
  }
  return { from, to, weeks };
}

function csvCell(v) {
  if (v == null) return '';
  const s = typeof v === 'number' ? String(Math.round(v * 10000) / 10000) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of rows (objects) with the given columns; header row = field names. */
export function toCsv(rows, columns) {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

export function utilisationCsv(report) {
  const cols = ['person_id', 'name', 'period_start', 'period_end', 'capacity_hours', 'scheduled_hours', 'tentative_hours', 'unscheduled_hours', 'overbooked_hours', 'utilisation', 'free_hours', 'tentative_utilisation'];
  const rows = [];
  for (const p of report.people) for (const q of p.periods || []) rows.push({ person_id: p.person_id, name: p.name, period_start: q.start, period_end: q.end, ...q });
  return toCsv(rows, cols);
}

export function pipelineCsv(report) {
  const rows = report.weeks.map((w) => ({ ...w, placeholder_hours: Object.values(w.placeholder_hours_by_role || {}).reduce((a, b) => a + b, 0) }));
  return toCsv(rows, ['start', 'end', 'capacity_hours', 'confirmed_hours', 'tentative_hours', 'weighted_hours', 'placeholder_hours']);
}
