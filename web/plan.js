// Tasks and automatic planning: pure helpers shared by update (requests,
// model shapes) and the views (ghost bars, banner summary). No DOM.

import { http } from './api.js';
import { isDate } from './dates.js';

const trimOrNull = (v) => (v == null || String(v).trim() === '' ? null : String(v).trim());

/** The task form's fields for a new task, or for editing `t`. */
export function taskForm(t = {}) {
  return {
    name: t.name || '',
    effort_hours: t.effort_hours ?? '',
    person_id: t.person_id || '',
    role: t.role || '',
    skills: (t.skills || []).join(', '),
    depends_on: (t.depends_on || []).slice(),
    earliest_start: t.earliest_start || '',
    deadline: t.deadline || '',
    priority: t.priority ?? '',
    assignees_max: String(t.assignees_max ?? 1),
    pinned: !!t.pinned,
  };
}

/** Most people who may share one task (the server's limit). */
export const MAX_ASSIGNEES = 10;

/** The request for the task form `tf` ({projectId, id, form}), or {error}. */
export function taskRequest(tf) {
  const f = tf.form;
  const name = trimOrNull(f.name);
  if (!name) return { error: 'Name the task.' };
  const effort = Number(f.effort_hours);
  if (!(effort > 0)) return { error: 'Effort must be more than 0 hours.' };
  for (const k of ['earliest_start', 'deadline']) if (trimOrNull(f[k]) && !isDate(f[k])) return { error: 'Dates must be YYYY-MM-DD.' };
  if (trimOrNull(f.earliest_start) && trimOrNull(f.deadline) && f.deadline < f.earliest_start) return { error: 'The deadline is before the earliest start.' };
  const editing = !!tf.id;
  const body = {
    name,
    effort_hours: effort,
    person_id: trimOrNull(f.person_id),
    role: trimOrNull(f.role),
    skills: String(f.skills || '').split(',').map((x) => x.trim()).filter(Boolean),
    depends_on: (f.depends_on || []).filter((d) => d && d !== tf.id),
    earliest_start: trimOrNull(f.earliest_start),
    deadline: trimOrNull(f.deadline),
  };
  if (trimOrNull(f.priority) != null) {
    const p = Number(f.priority);
    if (!Number.isFinite(p)) return { error: 'Priority must be a number.' };
    body.priority = p;
  }
  const people = trimOrNull(f.assignees_max) == null ? 1 : Number(f.assignees_max);
  if (!(Number.isInteger(people) && people >= 1 && people <= MAX_ASSIGNEES)) return { error: `People at once must be a whole number from 1 to ${MAX_ASSIGNEES}.` };
  body.assignees_max = people;
  body.pinned = !!f.pinned;
  // a new task sends only what is set; an edit also clears what was emptied
  if (!editing) {
    for (const k of Object.keys(body)) if (body[k] == null) delete body[k];
    if (body.assignees_max === 1) delete body.assignees_max;
    if (!body.pinned) delete body.pinned;
  }
  const base = `/prj/${encodeURIComponent(tf.projectId)}/tasks`;
  return editing
    ? http('PATCH', `${base}/${encodeURIComponent(tf.id)}`, body, 'TaskSaved', 'TaskErr', { projectId: tf.projectId })
    : http('POST', base, body, 'TaskSaved', 'TaskErr', { projectId: tf.projectId });
}

/** The request that pins or unpins a task: its planned bookings stay where they are. */
export function taskPinRequest(projectId, t, pinned) {
  return http('PATCH', `/prj/${encodeURIComponent(projectId)}/tasks/${encodeURIComponent(t.id)}`, { pinned }, 'TaskPinned', 'TaskErr', { projectId });
}

/** "with Eve (40h)": who else works on a shared task, from a proposal's task outcome. */
export function sharedWith(outcome, personId) {
  const others = ((outcome && outcome.parts) || []).filter((p) => p.person_id !== personId);
  return others.length ? 'with ' + others.map((p) => `${p.name || 'someone'} (${Number(p.hours)}h)`).join(', ') : '';
}

/** The proposal's new allocations as ghost records: ids prefixed, task name attached. */
export function ghostAllocations(proposal) {
  if (!proposal) return [];
  const tasks = new Map((proposal.tasks || []).map((t) => [t.task_id, t]));
  return (proposal.allocations || []).map((a) => {
    const t = tasks.get(a.task_id);
    return {
      ...a,
      id: 'ghost:' + a.id,
      ghost: true,
      task_name: (t && t.name) || a.note || 'Planned work',
      // a task shared by several people: whom this part works with
      shared_with: t && (t.parts || []).length > 1 ? sharedWith(t, a.person_id) : '',
    };
  });
}

/** [first start, last end] of the proposal's allocations, or null. */
export function planSpan(proposal) {
  const list = (proposal && proposal.allocations) || [];
  if (!list.length) return null;
  let from = list[0].start, to = list[0].end;
  for (const a of list) { if (a.start < from) from = a.start; if (a.end > to) to = a.end; }
  return { from, to };
}

/**
 * How a preview treats existing tentative bookings: 'blocks' (the server's
 * default: they count as taken) or 'ignore' (plan over them). A new plan
 * starts with 'blocks'; previewing again keeps the current choice unless the
 * message names one.
 */
export function planTentative(plan, msg) {
  if (msg.tentative === 'ignore' || msg.tentative === 'blocks') return msg.tentative;
  if (msg.projectIds) return 'blocks';
  return (plan && plan.tentative) || 'blocks';
}

/** The proposal's overbooked days grouped by person: [{person_id, name, dates, hours}], by name. */
export function overbookedPeople(proposal) {
  const by = new Map();
  for (const o of (proposal && proposal.overbooked) || []) {
    let p = by.get(o.person_id);
    if (!p) by.set(o.person_id, (p = { person_id: o.person_id, name: o.name, dates: [], hours: 0 }));
    p.dates.push(o.date);
    p.hours = Math.round((p.hours + Number(o.over_hours || 0)) * 100) / 100;
  }
  return [...by.values()];
}

/**
 * What the banner says: finish per project, late tasks, tasks that could not
 * be scheduled (with their reasons), whom the plan overbooks; onTime only
 * when none of these.
 */
/** "finishes N working days after the earliest possible (the reason)", or null. */
export function boundText(b) {
  if (!b || b.days_above_earliest === null || b.days_above_earliest === undefined) return null;
  const n = Number(b.days_above_earliest);
  const how = n === 0 ? 'the earliest possible' : `${n} working ${n === 1 ? 'day' : 'days'} after the earliest possible`;
  return { days: n, text: how, reason: b.reason || '' };
}

export function planSummary(proposal, projects = []) {
  const names = new Map(projects.map((p) => [p.id, p.name]));
  const bounds = new Map((proposal.bounds || []).map((b) => [b.project_id, b]));
  const finish = Object.entries(proposal.finish_by_project || {}).map(([id, date]) => ({ id, name: names.get(id) || 'Project', date, bound: boundText(bounds.get(id)) }));
  const tasks = proposal.tasks || [];
  const late = tasks.filter((t) => Number(t.late_by_days) > 0);
  const unscheduledTasks = tasks.filter((t) => !t.start || !t.finish);
  const unscheduled = typeof proposal.unscheduled === 'number' ? proposal.unscheduled
    : Array.isArray(proposal.unscheduled) ? proposal.unscheduled.length : unscheduledTasks.length;
  const overbooked = overbookedPeople(proposal);
  // tasks split between several people: [{task_id, name, parts: [{name, hours, start, finish}]}]
  const shared = tasks.filter((t) => (t.parts || []).length > 1).map((t) => ({ task_id: t.task_id, name: t.name, pinned: !!t.pinned, parts: t.parts }));
  return {
    finish, late, unscheduled, unscheduledTasks, overbooked, shared,
    tentative: proposal.tentative || 'blocks',
    onTime: !late.length && !unscheduled && !unscheduledTasks.length && !overbooked.length,
    count: (proposal.allocations || []).length, removed: (proposal.removed || []).length,
  };
}
