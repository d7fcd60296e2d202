import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, update } from '../update.js';
import { taskRequest, taskForm, ghostAllocations, planSummary, planSpan, boundText } from '../plan.js';
import * as store from '../store.js';

const TODAY = '2025-01-08';

function run(m, ...msgs) {
  let fx = [];
  for (const msg of msgs) { const [m2, f] = update(m, msg); m = m2; fx = f; }
  return [m, fx];
}

function loggedIn(path = '/projects/x') {
  let [m] = init({ path, today: TODAY });
  [m] = update(m, { type: 'MeOk', data: { id: 'u1', email: 'a@b.c', name: 'Ada' } });
  const data = {
    team: { id: 't', name: 'Acme', members: [{ user_id: 'u1', name: 'Ada', email: 'a@b.c', role: 'owner' }] },
    people: [{ id: 'p1', name: 'Dee', role: 'Designer', skills: [] }, { id: 'p2', name: 'Dev', role: 'Developer', skills: ['rust'] }],
    projects: [{ id: 'x', name: 'Site', status: 'active' }],
    clients: [], timeoff: [],
    allocations: [{ id: 'old', project_id: 'x', person_id: 'p1', start: '2025-01-06', end: '2025-01-07', hours_per_day: 4 }],
  };
  for (const [what, d] of Object.entries(data)) [m] = update(m, { type: 'Loaded', what, data: d });
  return m;
}

const PROPOSAL = {
  proposal_id: 'prop1',
  allocations: [
    { id: 'n1', project_id: 'x', person_id: 'p1', start: '2025-01-08', end: '2025-01-09', hours_per_day: 8, note: '', task_id: 't1' },
    { id: 'n2', project_id: 'x', person_id: 'p2', start: '2025-01-10', end: '2025-01-14', hours_per_day: 8, note: '', task_id: 't2' },
  ],
  removed: ['old'],
  tasks: [
    { task_id: 't1', name: 'Design', person_id: 'p1', start: '2025-01-08', finish: '2025-01-09', deadline: null, late_by_days: 0, reason: null },
    { task_id: 't2', name: 'Build', person_id: 'p2', start: '2025-01-10', finish: '2025-01-14', deadline: '2025-01-13', late_by_days: 1, reason: 'waits for Design' },
  ],
  finish_by_project: { x: '2025-01-14' },
  unscheduled: 0, late: 1, overbooked_hours: 0,
  bounds: [{ project_id: 'x', earliest_finish: '2025-01-13', finish: '2025-01-14', days_above_earliest: 1, reason: 'the dependency chain Design → Build' }],
};

test('the project page loads its tasks', () => {
  let [m] = init({ path: '/projects/x', today: TODAY });
  const [, fx] = update(m, { type: 'MeOk', data: { id: 'u1' } });
  assert.ok(fx.some((f) => f.path === '/api/v1/prj/x/tasks' && f.method === 'GET' && f.ok === 'TasksLoaded'));
  m = loggedIn();
  [m] = update(m, { type: 'TasksLoaded', projectId: 'x', data: [{ id: 't1', name: 'Design', effort_hours: 16 }] });
  assert.equal(m.tasks.x.length, 1);
});

test('task form: validation, create body, server error beside the form, saved', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'TasksLoaded', projectId: 'x', data: [{ id: 't1', name: 'Design', effort_hours: 16, role: 'Designer' }] }, { type: 'TaskFormOpen', projectId: 'x' });
  assert.equal(m.taskForm.form.name, '');
  [m, fx] = update(m, { type: 'TaskSubmit' });
  assert.equal(m.taskForm.error, 'Name the task.');
  assert.equal(fx.length, 0);
  [m, fx] = run(m,
    { type: 'TaskInput', field: 'name', value: ' Build ' },
    { type: 'TaskInput', field: 'effort_hours', value: '24' },
    { type: 'TaskInput', field: 'skills', value: 'rust, , sql' },
    { type: 'TaskInput', field: 'depends_on', value: ['t1'] },
    { type: 'TaskSubmit' });
  assert.equal(fx[0].method, 'POST');
  assert.equal(fx[0].path, '/api/v1/prj/x/tasks');
  assert.deepEqual(fx[0].body, { name: 'Build', effort_hours: 24, skills: ['rust', 'sql'], depends_on: ['t1'] });
  assert.equal(m.taskForm.busy, true);
  [m] = update(m, { type: 'TaskErr', status: 422, error: 'dependency cycle: Design -> Build -> Design', projectId: 'x' });
  assert.equal(m.taskForm.error, 'dependency cycle: Design -> Build -> Design');
  assert.equal(m.taskForm.busy, false);
  [m, fx] = update(m, { type: 'TaskSaved', status: 201, projectId: 'x', data: { id: 't2', name: 'Build', effort_hours: 24 } });
  assert.equal(m.taskForm, null);
  assert.deepEqual(m.tasks.x.map((t) => t.id), ['t1', 't2']);
  assert.ok(fx.some((f) => f.path === '/api/v1/prj/x/tasks' && f.method === 'GET'));
});

test('editing a task PATCHes and clears emptied fields', () => {
  const t = { id: 't1', name: 'Design', effort_hours: 16, role: 'Designer', deadline: '2025-02-01', skills: [], depends_on: [] };
  const req = taskRequest({ projectId: 'x', id: 't1', form: { ...taskForm(t), deadline: '', role: '' } });
  assert.equal(req.method, 'PATCH');
  assert.equal(req.path, '/api/v1/prj/x/tasks/t1');
  assert.equal(req.body.deadline, null);
  assert.equal(req.body.role, null);
  assert.equal(taskRequest({ projectId: 'x', form: { ...taskForm(), name: 'x', effort_hours: '0' } }).error, 'Effort must be more than 0 hours.');
});

test('deleting a task: removed on 204, error toast on 409', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'TasksLoaded', projectId: 'x', data: [{ id: 't1', name: 'Design' }, { id: 't2', name: 'Build', depends_on: ['t1'] }] }, { type: 'TaskDelete', projectId: 'x', id: 't1' });
  assert.equal(fx[0].method, 'DELETE');
  assert.equal(fx[0].path, '/api/v1/prj/x/tasks/t1');
  [m] = update(m, { type: 'TaskDeleteErr', status: 409, error: 'Build depends on it', projectId: 'x', id: 't1' });
  assert.equal(m.tasks.x.length, 2);
  assert.equal(m.toasts.at(-1).text, 'Build depends on it');
  [m] = update(m, { type: 'TaskDeleted', status: 204, projectId: 'x', id: 't2' });
  assert.deepEqual(m.tasks.x.map((t) => t.id), ['t1']);
});

test('plan preview: request from today, then ghosts in the model and the schedule shown', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'PlanPreview', projectIds: ['x'] });
  assert.equal(m.plan.status, 'loading');
  assert.deepEqual(fx[0].body, { project_ids: ['x'], from: TODAY, tentative: 'blocks' });
  assert.equal(fx[0].path, '/api/v1/schedule/preview');
  // a second click while loading does nothing
  assert.equal(update(m, { type: 'PlanPreview', projectIds: ['x'] })[1].length, 0);
  [m, fx] = update(m, { type: 'PlanPreviewed', status: 200, data: PROPOSAL });
  assert.equal(m.plan.status, 'ready');
  assert.equal(m.plan.proposal, PROPOSAL);
  assert.equal(m.route.page, 'schedule');
  assert.ok(fx.some((f) => f.type === 'navigate' && f.path === '/schedule'));
  assert.ok(fx.some((f) => f.type === 'scroll'));
  // nothing saved: the real allocations are untouched
  assert.equal(store.size(m.data.allocations), 1);
  const ghosts = ghostAllocations(m.plan.proposal);
  assert.deepEqual(ghosts.map((g) => [g.id, g.task_name, g.person_id]), [['ghost:n1', 'Design', 'p1'], ['ghost:n2', 'Build', 'p2']]);
  assert.deepEqual(planSpan(PROPOSAL), { from: '2025-01-08', to: '2025-01-14' });
  const s = planSummary(PROPOSAL, m.data.projects);
  assert.deepEqual(s.finish, [{ id: 'x', name: 'Site', date: '2025-01-14',
    bound: { days: 1, text: '1 working day after the earliest possible', reason: 'the dependency chain Design → Build' } }]);
  assert.equal(boundText({ days_above_earliest: 0, reason: 'r' }).text, 'the earliest possible');
  assert.equal(boundText({ days_above_earliest: null }), null, 'no bound while a task is unscheduled');
  assert.deepEqual(s.late.map((t) => t.name), ['Build']);
  assert.equal(s.unscheduled, 0);
  assert.equal(s.removed, 1);
});

test('a refused preview shows the error and leaves no plan', () => {
  let m = loggedIn();
  [m] = run(m, { type: 'PlanPreview', projectIds: ['x'] }, { type: 'PlanPreviewErr', status: 422, error: 'This project has no tasks.' });
  assert.equal(m.plan, null);
  assert.equal(m.toasts.at(-1).text, 'This project has no tasks.');
});

test('accept: apply, clear the ghosts, reload allocations covering the plan', () => {
  let m = loggedIn('/schedule');
  let fx;
  [m, fx] = run(m, { type: 'PlanPreview', projectIds: ['x'] }, { type: 'PlanPreviewed', status: 200, data: PROPOSAL }, { type: 'PlanAccept' });
  assert.equal(m.plan.status, 'applying');
  assert.equal(fx[0].path, '/api/v1/schedule/apply');
  assert.deepEqual(fx[0].body, { proposal_id: 'prop1' });
  assert.equal(update(m, { type: 'PlanAccept' })[1].length, 0, 'no double apply');
  assert.equal(update(m, { type: 'PlanDiscard' })[0].plan.status, 'applying', 'cannot discard while applying');
  [m, fx] = update(m, { type: 'PlanApplied', status: 200, data: { applied: true, activity_id: 'act1' } });
  assert.equal(m.plan, null);
  const reload = fx.find((f) => f.type === 'http' && f.path.startsWith('/api/v1/allocations'));
  assert.ok(reload, 'allocations reloaded');
  assert.ok(reload.ctx.range.from <= '2025-01-08' && reload.ctx.range.to >= '2025-01-14', JSON.stringify(reload.ctx.range));
  assert.match(m.toasts.at(-1).text, /Plan applied/);
});

test('accept refused with 409: message shown, ghosts kept, preview again offered', () => {
  let m = loggedIn('/schedule');
  let fx;
  [m] = run(m, { type: 'PlanPreview', projectIds: ['x'] }, { type: 'PlanPreviewed', status: 200, data: PROPOSAL }, { type: 'PlanAccept' });
  [m] = update(m, { type: 'PlanApplyErr', status: 409, error: 'The schedule changed since this preview.' });
  assert.equal(m.plan.status, 'conflict');
  assert.equal(m.plan.error, 'The schedule changed since this preview.');
  assert.equal(m.plan.proposal, PROPOSAL);
  assert.equal(update(m, { type: 'PlanAccept' })[1].length, 0, 'a stale proposal cannot be accepted');
  [m, fx] = update(m, { type: 'PlanPreview' });
  assert.equal(m.plan.status, 'loading');
  assert.deepEqual(fx[0].body, { project_ids: ['x'], from: TODAY, tentative: 'blocks' });
  [m] = update(m, { type: 'PlanPreviewed', status: 200, data: { ...PROPOSAL, proposal_id: 'prop2' } });
  assert.equal(m.plan.status, 'ready');
  assert.equal(m.plan.proposal.proposal_id, 'prop2');
});

test('an expired proposal (404) also offers a new preview', () => {
  let m = loggedIn('/schedule');
  [m] = run(m, { type: 'PlanPreview', projectIds: ['x'] }, { type: 'PlanPreviewed', status: 200, data: PROPOSAL }, { type: 'PlanAccept' }, { type: 'PlanApplyErr', status: 404, error: 'Not found.' });
  assert.equal(m.plan.status, 'conflict');
  assert.match(m.plan.error, /preview again/i);
});

test('discard clears the ghosts and sends nothing', () => {
  let m = loggedIn('/schedule');
  let fx;
  [m] = run(m, { type: 'PlanPreview', projectIds: ['x'] }, { type: 'PlanPreviewed', status: 200, data: PROPOSAL });
  [m, fx] = update(m, { type: 'PlanDiscard' });
  assert.equal(m.plan, null);
  assert.equal(fx.length, 0);
  assert.equal(store.size(m.data.allocations), 1);
});

test('a short plan switches the timeline to days and scrolls to it', () => {
  let m = loggedIn('/projects/x');
  assert.equal(m.sched.zoom, 'week');
  let fx;
  [m, fx] = run(m, { type: 'PlanPreview', projectIds: ['x'] }, { type: 'PlanPreviewed', status: 200, data: PROPOSAL });
  assert.equal(m.sched.zoom, 'day');
  const scroll = fx.find((f) => f.type === 'scroll');
  assert.equal(scroll.left, m.sched.scrollLeft);
});

test('the banner is on time only without late, unscheduled or overbooked work, and names whom a plan overbooks', () => {
  const onTime = { ...PROPOSAL, tasks: PROPOSAL.tasks.map((t) => ({ ...t, late_by_days: 0 })), overbooked: [] };
  assert.equal(planSummary(onTime).onTime, true);
  assert.equal(planSummary(PROPOSAL).onTime, false, 'a late task');
  const over = { ...onTime, tentative: 'ignore', overbooked: [
    { person_id: 'p1', name: 'Dee', date: '2025-01-08', capacity_hours: 8, booked_hours: 14, tentative_hours: 6, planned_hours: 8, over_hours: 6 },
    { person_id: 'p1', name: 'Dee', date: '2025-01-09', capacity_hours: 8, booked_hours: 12, tentative_hours: 4, planned_hours: 8, over_hours: 4 },
  ] };
  const s = planSummary(over);
  assert.equal(s.onTime, false);
  assert.equal(s.tentative, 'ignore');
  assert.deepEqual(s.overbooked, [{ person_id: 'p1', name: 'Dee', dates: ['2025-01-08', '2025-01-09'], hours: 10 }]);
  const unplaced = { ...onTime, tasks: [{ ...onTime.tasks[0], start: null, finish: null, reason: 'does not fit before the project ends on 2025-01-10' }] };
  assert.equal(planSummary(unplaced).onTime, false);
});

test('a preview asks to keep tentative bookings free, and can plan over them', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'PlanPreview', projectIds: ['x'] });
  assert.equal(fx[0].body.tentative, 'blocks');
  [m] = update(m, { type: 'PlanPreviewed', data: PROPOSAL });
  [m, fx] = update(m, { type: 'PlanPreview', tentative: 'ignore' });
  assert.deepEqual(fx[0].body.project_ids, ['x']);
  assert.equal(fx[0].body.tentative, 'ignore');
  assert.equal(m.plan.tentative, 'ignore');
});

test('task form: people at once and pinned are sent, out of range refused', () => {
  const base = { projectId: 'x', form: { ...taskForm(), name: 'Build', effort_hours: '80' } };
  assert.equal(taskForm().assignees_max, '1');
  assert.equal(taskForm({ assignees_max: 3, pinned: true }).pinned, true);
  // a new task leaves the defaults out
  assert.equal(taskRequest(base).body.assignees_max, undefined);
  assert.equal(taskRequest(base).body.pinned, undefined);
  const shared = taskRequest({ ...base, form: { ...base.form, assignees_max: '3', pinned: true } });
  assert.equal(shared.body.assignees_max, 3);
  assert.equal(shared.body.pinned, true);
  for (const bad of ['0', '11', '1.5', 'two']) {
    assert.match(taskRequest({ ...base, form: { ...base.form, assignees_max: bad } }).error, /People at once/, bad);
  }
  // an edit always says both, so unpinning and going back to one person stick
  const t = { id: 't1', name: 'Build', effort_hours: 80, assignees_max: 3, pinned: true, skills: [], depends_on: [] };
  const edit = taskRequest({ projectId: 'x', id: 't1', form: { ...taskForm(t), assignees_max: '1', pinned: false } });
  assert.equal(edit.body.assignees_max, 1);
  assert.equal(edit.body.pinned, false);
});

test('the pin toggle PATCHes only pinned, with the version seen, and updates the list', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'TasksLoaded', projectId: 'x', data: [{ id: 't1', name: 'Design', effort_hours: 16, version: 4 }] },
    { type: 'TaskPin', projectId: 'x', id: 't1', pinned: true });
  assert.equal(fx[0].method, 'PATCH');
  assert.equal(fx[0].path, '/api/v1/prj/x/tasks/t1');
  assert.deepEqual(fx[0].body, { pinned: true });
  assert.equal(fx[0].headers['If-Match'], '"4"');
  [m] = update(m, { type: 'TaskPinned', status: 200, projectId: 'x', data: { id: 't1', name: 'Design', effort_hours: 16, version: 5, pinned: true } });
  assert.equal(m.tasks.x[0].pinned, true);
  assert.match(m.toasts.at(-1).text, /Design pinned/);
});

test('a shared task: its parts in the banner, each ghost names whom it works with', () => {
  const proposal = {
    ...PROPOSAL,
    allocations: [
      { id: 'a', project_id: 'x', person_id: 'p1', start: '2025-01-08', end: '2025-01-10', hours_per_day: 8, task_id: 't2' },
      { id: 'b', project_id: 'x', person_id: 'p2', start: '2025-01-08', end: '2025-01-10', hours_per_day: 8, task_id: 't2' },
    ],
    tasks: [{ ...PROPOSAL.tasks[1], parts: [
      { person_id: 'p1', name: 'Dee', start: '2025-01-08', finish: '2025-01-10', hours: 24 },
      { person_id: 'p2', name: 'Dev', start: '2025-01-08', finish: '2025-01-10', hours: 24 },
    ] }],
  };
  const ghosts = ghostAllocations(proposal);
  assert.equal(ghosts[0].shared_with, 'with Dev (24h)');
  assert.equal(ghosts[1].shared_with, 'with Dee (24h)');
  const s = planSummary(proposal);
  assert.deepEqual(s.shared.map((t) => [t.name, t.parts.length]), [['Build', 2]]);
  assert.deepEqual(planSummary(PROPOSAL).shared, [], 'one person each: nothing shared');
  assert.equal(ghostAllocations(PROPOSAL)[0].shared_with, '');
});
