// A project's page: its summary, its tasks, and the project dialog.

import { http, asList, ifMatch } from '../api.js';
import { taskForm, taskRequest, taskPinRequest } from '../plan.js';
import { set, toast, canEdit, unauthorized, replaceIn, strOrNull } from '../model.js';
import { loadTasks } from '../load.js';

export const STATUSES = ['lead', 'proposal', 'won', 'active', 'done', 'lost'];
export const STATUS_LABEL = { lead: 'Lead', proposal: 'Proposal', won: 'Won', active: 'Active', done: 'Done', lost: 'Lost' };
export const DEFAULT_PROBABILITY = { lead: 10, proposal: 50, won: 100, active: 100, done: 100, lost: 0 };

export const forms = {
  project: {
    open(m, id) {
      const p = m.data.projects.find((x) => x.id === id) || {};
      const form = {
        name: p.name || '', status: p.status || 'active', client_id: p.client_id || '', probability: p.probability ?? '',
        start: p.start || '', end: p.end || '', budget_hours: p.budget_hours ?? '', billable: p.billable ?? true, color: p.color || '',
        billing: p.billing || (p.billable === false ? 'non_billable' : 'time_and_materials'), fee: p.fee ?? '', budget_amount: p.budget_amount ?? '',
        probability_touched: !!p.probability_explicit,
      };
      if (form.probability === '' && DEFAULT_PROBABILITY[form.status] != null) form.probability = DEFAULT_PROBABILITY[form.status];
      return { id, form };
    },
    request(d) {
      const f = d.form;
      if (!strOrNull(f.name)) return { error: 'Name is required.' };
      const billing = f.billing || (f.billable === false ? 'non_billable' : 'time_and_materials');
      const body = { name: f.name.trim(), status: f.status || 'active', client_id: strOrNull(f.client_id), billable: billing !== 'non_billable', billing };
      if (billing === 'fixed_fee') {
        if (f.fee === '' || f.fee == null || !(Number(f.fee) >= 0)) return { error: 'A fixed-fee project needs its fee.' };
        body.fee = Number(f.fee);
      }
      if (f.budget_amount !== '' && f.budget_amount != null) body.budget_amount = Number(f.budget_amount); else if (d.id) body.budget_amount = null;
      // an explicit probability only when the person set one; else the status's default applies
      if (f.probability_touched && f.probability !== '' && f.probability != null) body.probability = Number(f.probability);
      if (strOrNull(f.start)) body.start = f.start; else if (d.id) body.start = null;
      if (strOrNull(f.end)) body.end = f.end; else if (d.id) body.end = null;
      if (f.budget_hours !== '' && f.budget_hours != null) body.budget_hours = Number(f.budget_hours); else if (d.id) body.budget_hours = null;
      if (/^#[0-9a-fA-F]{6}$/.test(f.color || '')) body.color = f.color.toLowerCase();
      if (!d.id && body.client_id == null) delete body.client_id;
      return d.id ? http('PATCH', `/prj/${d.id}`, body, 'Saved', 'DialogErr', { what: 'projects' }) : http('POST', '/prj', body, 'Saved', 'DialogErr', { what: 'projects' });
    },
    input(form, field, value) {
      // the status sets the probability until the person sets one
      if (field === 'status' && !form.probability_touched && DEFAULT_PROBABILITY[value] != null) return { ...form, probability: DEFAULT_PROBABILITY[value] };
      if (field === 'probability') return { ...form, probability_touched: true };
      return form;
    },
  },
};

export function update(m, msg) {
  switch (msg.type) {
    case 'SummaryLoaded':
      return [set(m, { summaries: { ...m.summaries, [msg.id]: msg.data } }), []];
    case 'SummaryErr':
      return [set(m, { summaries: { ...m.summaries, [msg.id]: { error: msg.error } } }), []];

    // ---- tasks
    case 'TasksLoaded':
      return [set(m, { tasks: { ...m.tasks, [msg.projectId]: asList(msg.data, 'tasks') } }), []];
    case 'TasksErr':
      return unauthorized(m, msg.status) || [set(m, { tasks: { ...m.tasks, [msg.projectId]: { error: msg.error } } }), []];
    case 'TaskFormOpen': {
      if (!canEdit(m)) return [m, []];
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const t = msg.id ? list.find((x) => x.id === msg.id) : null;
      if (msg.id && !t) return [m, []];
      return [set(m, { taskForm: { projectId: msg.projectId, id: msg.id || null, base: t || null, form: taskForm(t || {}), error: null, busy: false } }), [{ type: 'focus', selector: '[data-testid="task-form"] input[name="name"]' }]];
    }
    case 'TaskInput': {
      const tf = m.taskForm;
      if (!tf) return [m, []];
      return [set(m, { taskForm: set(tf, { form: set(tf.form, { [msg.field]: msg.value }), error: null }) }), []];
    }
    case 'TaskFormClose':
      return [set(m, { taskForm: null }), []];
    case 'TaskSubmit': {
      const tf = m.taskForm;
      if (!tf || tf.busy) return [m, []];
      const req = taskRequest(tf);
      if (req.error) return [set(m, { taskForm: set(tf, { error: req.error }) }), []];
      return [set(m, { taskForm: set(tf, { busy: true, error: null }) }), [tf.id ? ifMatch(req, 'task', tf.base) : req]];
    }
    case 'TaskSaved': {
      const t = msg.data;
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const m2 = set(m, { taskForm: null, tasks: t && t.id ? { ...m.tasks, [msg.projectId]: replaceIn(list, t) } : m.tasks });
      const [m3, fx] = toast(m2, msg.status === 201 ? 'Task added' : 'Task saved', 'info');
      return [m3, [...fx, loadTasks(msg.projectId)]];
    }
    case 'TaskPin': {
      if (!canEdit(m)) return [m, []];
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const t = list.find((x) => x.id === msg.id);
      if (!t) return [m, []];
      return [m, [ifMatch(taskPinRequest(msg.projectId, t, !!msg.pinned), 'task', t)]];
    }
    case 'TaskPinned': {
      const t = msg.data;
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      // an open form on the same task keeps its fields but takes the new version and pin
      const tf = m.taskForm && t && m.taskForm.id === t.id ? set(m.taskForm, { base: t, form: set(m.taskForm.form, { pinned: !!t.pinned }) }) : m.taskForm;
      const m2 = set(m, { taskForm: tf, tasks: t && t.id ? { ...m.tasks, [msg.projectId]: replaceIn(list, t) } : m.tasks });
      return toast(m2, t && t.pinned ? `${t.name} pinned: plans keep its bookings` : `${(t && t.name) || 'Task'} unpinned`, 'info');
    }
    case 'TaskErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (!m.taskForm) return toast(m, msg.error);
      return [set(m, { taskForm: set(m.taskForm, { busy: false, error: msg.error }) }), []];
    }
    case 'TaskDelete': {
      if (!canEdit(m)) return [m, []];
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const fx = http('DELETE', `/prj/${encodeURIComponent(msg.projectId)}/tasks/${encodeURIComponent(msg.id)}`, undefined, 'TaskDeleted', 'TaskDeleteErr', { projectId: msg.projectId, id: msg.id });
      return [m, [ifMatch(fx, 'task', list.find((t) => t.id === msg.id))]];
    }
    case 'TaskDeleted': {
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const m2 = set(m, {
        tasks: { ...m.tasks, [msg.projectId]: list.filter((t) => t.id !== msg.id) },
        taskForm: m.taskForm && m.taskForm.id === msg.id ? null : m.taskForm,
      });
      return toast(m2, 'Task deleted', 'info');
    }
    case 'TaskDeleteErr':
      return unauthorized(m, msg.status) || toast(m, msg.error);
  }
}
