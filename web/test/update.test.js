import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, update, parseRoute, dialogRequest } from '../update.js';
import { toDay } from '../dates.js';
import { buildRows, applyDrag, allocDiff, allocsByRow } from '../schedule.js';
import * as store from '../store.js';

const A = (m, id) => store.get(m.data.allocations, id);

const TODAY = '2025-01-08'; // a Wednesday

function run(m, ...msgs) {
  let fx = [];
  for (const msg of msgs) { const [m2, f] = update(m, msg); m = m2; fx = f; }
  return [m, fx];
}

function loggedIn(path = '/schedule') {
  let [m] = init({ path, today: TODAY });
  [m] = update(m, { type: 'MeOk', data: { id: 'u1', email: 'a@b.c', name: 'Ada' } });
  const data = {
    team: { id: 't', name: 'Acme', members: [{ user_id: 'u1', name: 'Ada', email: 'a@b.c', role: 'owner' }] },
    people: [{ id: 'p1', name: 'Ann', role: 'Dev', skills: ['Rust'] }, { id: 'p2', name: 'Bob', role: 'Designer', skills: [] }],
    projects: [{ id: 'x', name: 'Apollo', status: 'active' }, { id: 'y', name: 'Gemini', status: 'lead' }],
    clients: [], timeoff: [],
    allocations: [{ id: 'a1', project_id: 'x', person_id: 'p1', start: '2025-01-06', end: '2025-01-10', hours_per_day: 6, tentative: false }],
  };
  for (const [what, d] of Object.entries(data)) [m] = update(m, { type: 'Loaded', what, data: d });
  return m;
}

test('routes parse and deep links survive', () => {
  assert.deepEqual(parseRoute('/projects/abc'), { page: 'project', id: 'abc' });
  assert.equal(parseRoute('/').page, 'schedule');
  assert.equal(parseRoute('/signup', '?invite=tok').invite, 'tok');
  assert.equal(parseRoute('/nope').page, 'notfound');
  const [m, fx] = init({ path: '/people', today: TODAY });
  assert.equal(m.session, 'checking');
  assert.equal(fx[0].path, '/api/v1/usr/me');
  const [m2, fx2] = update(m, { type: 'MeErr', status: 401 });
  assert.equal(m2.route.page, 'login');
  assert.equal(m2.afterLogin, '/people');
  assert.deepEqual(fx2[0], { type: 'navigate', path: '/login', replace: true });
});

test('sign up sends name, email, password and shows the server error', () => {
  let [m] = init({ path: '/signup', today: TODAY });
  [m] = update(m, { type: 'MeErr', status: 401 });
  let fx;
  [m, fx] = update(m, { type: 'AuthSubmit' });
  assert.equal(m.auth.error, 'Please enter your name.');
  assert.equal(fx.length, 0);
  [m, fx] = run(m, { type: 'AuthInput', field: 'name', value: ' Ada ' }, { type: 'AuthInput', field: 'email', value: 'ada@x.io' }, { type: 'AuthInput', field: 'password', value: 'longenough' }, { type: 'AuthSubmit' });
  assert.equal(fx[0].method, 'POST');
  assert.equal(fx[0].path, '/api/v1/usr/signup');
  assert.deepEqual(fx[0].body, { name: 'Ada', email: 'ada@x.io', password: 'longenough' });
  [m] = update(m, { type: 'AuthErr', status: 409, error: 'Email already taken' });
  assert.equal(m.auth.error, 'Email already taken');
  assert.equal(m.auth.busy, false);
  [m, fx] = update(m, { type: 'AuthOk', data: { id: 'u', name: 'Ada', email: 'ada@x.io' } });
  assert.equal(m.session, 'in');
  assert.equal(m.route.page, 'schedule');
  assert.ok(fx.some((f) => f.path === '/api/v1/allocations?from=' + m.sched.origin + '&to=' + '2026-01-11' || (f.path || '').startsWith('/api/v1/allocations?')));
});

test('drag on empty space opens the new-allocation form for that range and person', () => {
  let m = loggedIn();
  [m] = run(m, { type: 'DragStart', mode: 'create', rowKey: 'p:p2', day: toDay('2025-01-13') }, { type: 'DragMove', rowKey: 'p:p2', day: toDay('2025-01-15') }, { type: 'DragEnd' });
  assert.equal(m.drag, null);
  assert.equal(m.dialog.kind, 'alloc');
  assert.equal(m.dialog.form.person_id, 'p2');
  assert.equal(m.dialog.form.start, '2025-01-13');
  assert.equal(m.dialog.form.end, '2025-01-15');
  assert.equal(m.dialog.form.project_id, 'x');
  let fx;
  [m, fx] = run(m, { type: 'DialogInput', field: 'hours_per_day', value: '30' }, { type: 'DialogSubmit' });
  assert.match(m.dialog.error, /Hours per day/);
  [m, fx] = run(m, { type: 'DialogInput', field: 'hours_per_day', value: '4' }, { type: 'DialogSubmit' });
  assert.equal(fx[0].method, 'POST');
  assert.deepEqual(fx[0].body, { project_id: 'x', start: '2025-01-13', end: '2025-01-15', hours_per_day: 4, tentative: false, note: '', person_id: 'p2' });
  [m] = update(m, { type: 'AllocCreated', data: { id: 'a2', ...fx[0].body } });
  assert.equal(m.dialog, null);
  assert.equal(A(m, 'a2').hours_per_day, 4);
});

test('moving a bar is optimistic and rolls back when the server refuses', () => {
  let m = loggedIn();
  const before = A(m, 'a1');
  let fx;
  [m, fx] = run(m,
    { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-07') },
    { type: 'DragMove', rowKey: 'p:p2', day: toDay('2025-01-09') },
    { type: 'DragEnd' });
  // optimistic: moved two days and to Bob at once
  assert.equal(A(m, 'a1').start, '2025-01-08');
  assert.equal(A(m, 'a1').end, '2025-01-12');
  assert.equal(A(m, 'a1').person_id, 'p2');
  assert.equal(fx.length, 1);
  assert.equal(fx[0].method, 'PATCH');
  assert.equal(fx[0].path, '/api/v1/allocations/a1');
  assert.deepEqual(fx[0].body, { start: '2025-01-08', end: '2025-01-12', person_id: 'p2' });
  // the server refuses: back to where it was, and the person sees why
  [m, fx] = update(m, { type: fx[0].err, status: 422, error: 'Bob is not employed then', ...fx[0].ctx });
  assert.deepEqual(A(m, 'a1'), before);
  assert.equal(m.toasts.at(-1).text, 'Bob is not employed then');
  assert.equal(m.toasts.at(-1).kind, 'error');
  assert.equal(fx[0].type, 'timer');
});

test('a successful move keeps the server version', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: 100 }, { type: 'DragMove', rowKey: 'p:p1', day: 101 }, { type: 'DragEnd' });
  [m] = update(m, { type: fx[0].ok, data: { ...A(m, 'a1'), note: 'from server' }, ...fx[0].ctx });
  assert.equal(A(m, 'a1').note, 'from server');
  assert.equal(A(m, 'a1').start, '2025-01-07');
});

test('resizing changes one end, never past the other', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'DragStart', mode: 'resize-end', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-10') }, { type: 'DragMove', rowKey: 'p:p2', day: toDay('2025-01-14') }, { type: 'DragEnd' });
  assert.deepEqual(fx[0].body, { end: '2025-01-14' });
  assert.equal(A(m, 'a1').person_id, 'p1', 'resize never changes the person');
  const a = { id: 'z', start: '2025-01-06', end: '2025-01-10' };
  assert.equal(applyDrag({ mode: 'resize-start', startDay: toDay('2025-01-06'), day: toDay('2025-01-20') }, a).start, '2025-01-10');
  assert.equal(applyDrag({ mode: 'resize-end', startDay: toDay('2025-01-10'), day: toDay('2025-01-01') }, a).end, '2025-01-06');
  assert.deepEqual(allocDiff(a, a), {});
});

test('a click on a bar (no movement) opens the edit form; delete is optimistic', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: 100 }, { type: 'DragEnd' });
  assert.equal(fx.length, 0);
  assert.equal(m.dialog.kind, 'alloc');
  assert.equal(m.dialog.id, 'a1');
  [m, fx] = update(m, { type: 'DeleteAlloc', id: 'a1' });
  assert.equal(A(m, 'a1'), undefined);
  assert.equal(fx[0].method, 'DELETE');
  [m] = update(m, { type: fx[0].err, status: 409, error: 'nope', ...fx[0].ctx });
  assert.equal(A(m, 'a1').id, 'a1', 'restored');
});

test('undo asks the server to undo my own last change; the toast says what, with Redo', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'Undo' });
  assert.deepEqual([fx[0].method, fx[0].path], ['POST', '/api/v1/activity/undo']);
  [m, fx] = update(m, { type: 'Undo' });
  assert.equal(fx.length, 0, 'one at a time: the second press waits its turn');
  [m, fx] = update(m, { type: 'UndoOk', data: { id: 'act7', summary: 'Undid: booked Ann on Apollo, 6–10 Jan', changes: [] } });
  assert.deepEqual(fx.filter((f) => f.type === 'http' && f.method === 'POST').map((f) => f.path), ['/api/v1/activity/undo'], 'then goes');
  const moved = { ...A(m, 'a1'), start: '2025-01-13', end: '2025-01-17', version: 3 };
  [m, fx] = update(m, { type: 'UndoOk', data: { id: 'act9', summary: "Undid: moved Ann's Apollo booking to 13–17 Jan", undo_of: 'act8', changes: [{ kind: 'allocation', id: 'a1', record: moved }] } });
  assert.equal(A(m, 'a1').start, '2025-01-13', 'the undo shows at once');
  const t = m.toasts.at(-1);
  assert.equal(t.text, "Undid: moved Ann's Apollo booking to 13–17 Jan");
  assert.deepEqual(t.action, { label: 'Redo', msg: { type: 'Redo' } });
  [m, fx] = update(m, t.action.msg);
  assert.deepEqual([fx[0].method, fx[0].path], ['POST', '/api/v1/activity/redo']);
  [m] = update(m, { type: 'RedoOk', data: { id: 'act10', summary: "Redid: moved Ann's Apollo booking to 6–10 Jan", changes: [{ kind: 'allocation', id: 'a1', record: { ...moved, start: '2025-01-06', end: '2025-01-10', version: 4 } }] } });
  assert.equal(A(m, 'a1').start, '2025-01-06');
  assert.equal(m.toasts.at(-1).text, "Redid: moved Ann's Apollo booking to 6–10 Jan");
  // the server's refusals, as told
  [m] = run(m, { type: 'Undo' }, { type: 'UndoErr', status: 409, error: 'Nothing to undo' });
  assert.equal(m.toasts.at(-1).text, 'Nothing to undo');
  assert.equal(m.toasts.at(-1).kind, 'info');
  [m] = run(m, { type: 'Undo' }, { type: 'UndoErr', status: 409, error: 'Cannot undo: Bob changed the allocation again since' });
  assert.equal(m.toasts.at(-1).text, 'Cannot undo: Bob changed the allocation again since');
  assert.equal(m.toasts.at(-1).kind, 'error');
  assert.equal(m.undoBusy, false);
});

test('pipeline drag changes status optimistically and rolls back on refusal', () => {
  let m = loggedIn('/projects');
  let fx;
  [m, fx] = run(m, { type: 'PipeDragStart', id: 'y', status: 'lead', x: 0, y: 0 }, { type: 'PipeDragMove', status: 'won', x: 300, y: 0 }, { type: 'PipeDrop' });
  // won: first, which tentative bookings it has (none here)
  assert.equal(fx[0].path, '/api/v1/allocations?project_id=y');
  [m, fx] = update(m, { type: fx[0].ok, data: [], ...fx[0].ctx });
  assert.equal(m.data.projects.find((p) => p.id === 'y').status, 'won');
  assert.deepEqual(fx[0].body, { status: 'won' });
  assert.equal(fx[0].path, '/api/v1/prj/y');
  [m] = update(m, { type: fx[0].err, status: 403, error: 'Only managers can do that', ...fx[0].ctx });
  assert.equal(m.data.projects.find((p) => p.id === 'y').status, 'lead');
  assert.equal(m.toasts.at(-1).text, 'Only managers can do that');
});

test('moving a project to Won asks whether to confirm its tentative bookings, in one change', () => {
  let m = loggedIn('/projects');
  let fx;
  [m, fx] = update(m, { type: 'SetProjectStatus', id: 'y', status: 'won' });
  [m, fx] = update(m, { type: fx[0].ok, data: [{ id: 'a7', project_id: 'y', tentative: true }, { id: 'a8', project_id: 'y', tentative: false }], ...fx[0].ctx });
  assert.deepEqual(fx, [], 'nothing sent before the answer');
  assert.equal(m.dialog.kind, 'won');
  assert.equal(m.dialog.form.count, 1);
  [m, fx] = update(m, { type: 'SetProjectStatus', id: 'y', status: 'won', confirm: true });
  assert.equal(m.dialog, null);
  assert.equal(fx[0].path, '/api/v1/prj/y?confirm_tentative=true');
  [m, fx] = update(m, { type: fx[0].ok, data: { id: 'y', name: 'Gemini', status: 'won', version: 2 }, ...fx[0].ctx });
  assert.match(m.toasts.at(-1).text, /tentative bookings are confirmed/);
  assert.ok(fx.some((f) => f.path && f.path.startsWith('/api/v1/allocations')), 'the bookings load again');
  // keeping them tentative sends the status alone
  [m] = update(loggedIn('/projects'), { type: 'SetProjectStatus', id: 'y', status: 'won', tentative: 1 });
  [, fx] = update(m, { type: 'SetProjectStatus', id: 'y', status: 'won', confirm: false });
  assert.equal(fx[0].path, '/api/v1/prj/y');
});

test('a 401 while working sends the person to log in and back', () => {
  let m = loggedIn('/people');
  const [m2, fx] = update(m, { type: 'LoadErr', what: 'people', status: 401, error: 'Session token expired' });
  assert.equal(m2.session, 'out');
  assert.equal(m2.route.page, 'login');
  assert.equal(m2.afterLogin, '/people');
  assert.equal(fx[0].path, '/login');
});

test('keyboard: arrows move the focused cell, Enter opens', () => {
  let m = loggedIn();
  [m] = update(m, { type: 'KeyNav', key: 'none' });
  assert.deepEqual(m.sched.focus, { row: 'p:p1', day: toDay(TODAY) });
  [m] = run(m, { type: 'KeyNav', key: 'ArrowDown' }, { type: 'KeyNav', key: 'ArrowRight' });
  assert.deepEqual(m.sched.focus, { row: 'p:p2', day: toDay(TODAY) + 1 });
  [m] = update(m, { type: 'OpenAtFocus' });
  assert.equal(m.dialog.form.person_id, 'p2');
  assert.equal(m.dialog.form.start, '2025-01-09');
  [m] = run(m, { type: 'DialogClose' }, { type: 'KeyNav', key: 'ArrowUp' }, { type: 'OpenAtFocus' });
  assert.equal(m.dialog.id, 'a1', 'Enter on a booked cell edits that allocation');
  [m] = run(m, { type: 'DialogClose' }, { type: 'Zoom', zoom: 'month' }, { type: 'KeyNav', key: 'ArrowRight' });
  assert.equal(m.sched.focus.day, toDay('2025-01-13'), 'month scale moves by week, on Mondays');
});

test('filters narrow the rows', () => {
  let m = loggedIn();
  const keys = (mm) => buildRows(mm.data, mm.sched).rows.map((r) => r.key);
  assert.deepEqual(keys(m), ['p:p1', 'p:p2']);
  [m] = update(m, { type: 'FilterSet', field: 'q', value: 'design' });
  assert.deepEqual(keys(m), ['p:p2']);
  [m] = run(m, { type: 'FilterSet', field: 'q', value: '' }, { type: 'FilterSet', field: 'skill', value: 'Rust' });
  assert.deepEqual(keys(m), ['p:p1']);
  [m] = run(m, { type: 'FilterSet', field: 'skill', value: '' }, { type: 'FilterSet', field: 'project', value: 'x' });
  assert.deepEqual(keys(m), ['p:p1']);
  [m] = run(m, { type: 'FilterSet', field: 'project', value: '' }, { type: 'SortSet', value: 'booked' });
  assert.deepEqual(keys(m), ['p:p1', 'p:p2'], 'Ann is booked this week: most booked first');
  [m] = update(m, { type: 'SortSet', value: 'available' });
  assert.deepEqual(keys(m), ['p:p2', 'p:p1'], 'Bob is free: most available first');
});

test('two skills picked before the picker is drawn again are both kept; removing one keeps the other', () => {
  let m = loggedIn();
  [m] = run(m, { type: 'FilterSet', field: 'skill', value: 'Go' }, { type: 'SkillAdd', value: 'Rust' }, { type: 'SkillAdd', value: 'SQL' }, { type: 'SkillAdd', value: 'Rust' });
  assert.deepEqual(m.sched.filter.skills, ['Go', 'Rust', 'SQL'], 'an older link\'s one skill, then both picks, once each');
  assert.equal(m.sched.filter.skill, '');
  [m] = update(m, { type: 'SkillRemove', value: 'Rust' });
  assert.deepEqual(m.sched.filter.skills, ['Go', 'SQL']);
});

test('search finds people by the projects and clients they are booked on; skills combine; who is free over any window', () => {
  let m = loggedIn();
  const keys = (mm) => buildRows(mm.data, mm.sched).rows.map((r) => r.key);
  [m] = update(m, { type: 'FilterSet', field: 'q', value: 'apoll' });
  assert.deepEqual(keys(m), ['p:p1'], 'Ann is booked on Apollo');
  [m] = update(m, { type: 'Loaded', what: 'clients', data: [{ id: 'c1', name: 'NASA' }] });
  [m] = update(m, { type: 'Loaded', what: 'projects', data: [{ id: 'x', name: 'Apollo', status: 'active', client_id: 'c1' }, { id: 'y', name: 'Gemini', status: 'lead' }] });
  [m] = run(m, { type: 'FilterSet', field: 'q', value: 'nasa' });
  assert.deepEqual(keys(m), ['p:p1'], 'a client finds the people booked on its projects');
  [m] = run(m, { type: 'FilterSet', field: 'q', value: 'gemini' });
  assert.deepEqual(keys(m), [], 'nobody is booked on Gemini');
  [m] = run(m, { type: 'FilterSet', field: 'q', value: '' }, { type: 'FilterSet', field: 'skills', value: ['Rust'] });
  assert.deepEqual(keys(m), ['p:p1']);
  [m] = run(m, { type: 'FilterSet', field: 'skills', value: ['Rust', 'Go'] });
  assert.deepEqual(keys(m), [], 'every skill chosen is needed');
  [m] = run(m, { type: 'FilterSet', field: 'skills', value: [] }, { type: 'FilterSet', field: 'free', value: { preset: 'custom', from: '2025-01-06', to: '2025-01-10', min: '16' } });
  assert.deepEqual(keys(m), ['p:p2'], 'Ann has 10h free that week, Bob 40h');
  [m] = run(m, { type: 'FilterSet', field: 'free', value: { preset: 'custom', from: '2025-01-06', to: '2025-01-10', min: '8' } });
  assert.deepEqual(keys(m), ['p:p1', 'p:p2']);
  [m] = run(m, { type: 'FilterSet', field: 'free', value: { preset: 'custom', from: '2025-01-13', to: '2025-01-17', min: '40' } });
  assert.deepEqual(keys(m), ['p:p1', 'p:p2'], 'a later window: both are free');
});

test('a free window beyond the loaded bookings loads what is missing, and only that', () => {
  let m = loggedIn();
  m = { ...m, sched: { ...m.sched, allocRange: { from: '2025-01-01', to: '2025-02-01' }, allocFull: false } };
  let fx;
  [m, fx] = run(m, { type: 'FilterSet', field: 'free', value: { preset: 'custom', from: '2025-01-20', to: '2025-01-24' } }, { type: 'FreeWindowLoad' });
  assert.deepEqual(fx, [], 'inside what is loaded');
  [m, fx] = run(m, { type: 'FilterSet', field: 'free', value: { preset: 'custom', from: '2025-03-03', to: '2025-03-07' } }, { type: 'FreeWindowLoad' });
  assert.equal(fx[0].path, '/api/v1/allocations?from=2025-02-02&to=2025-03-07');
  assert.equal(m.sched.allocLoading, true);
});

test('dialog requests follow the API field names', () => {
  const person = dialogRequest({ kind: 'person', form: { name: 'Cy', email: '', role: 'Dev', skills: 'a, b', weekly_hours: '8 8 8 8 4 0 0', start_date: '', end_date: '', cost_rate: '', bill_rate: '' } });
  assert.deepEqual(person.body, { name: 'Cy', role: 'Dev', skills: ['a', 'b'], weekly_hours: [8, 8, 8, 8, 4, 0, 0] });
  assert.match(dialogRequest({ kind: 'person', form: { name: 'Cy', weekly_hours: ['8', '30', '8', '8', '8', '0', '0'] } }).error, /between 0 and 24/);
  assert.deepEqual(dialogRequest({ kind: 'person', form: { name: 'Cy', weekly_hours: ['8', '8', '8', '8', '', '0', '0'] } }).body.weekly_hours, [8, 8, 8, 8, 0, 0, 0], 'the work-day picker sends 7 numbers');
  const t = dialogRequest({ kind: 'timeoff', form: { person_id: '', start: '2025-01-01', end: '2025-01-01', reason: 'New year' } });
  assert.deepEqual(t.body, { start: '2025-01-01', end: '2025-01-01', type: 'holiday', reason: 'New year' });
  const half = dialogRequest({ kind: 'timeoff', form: { person_id: 'p1', type: 'sick', start: '2025-01-02', end: '2025-01-02', hours: '4', reason: '' } });
  assert.deepEqual(half.body, { start: '2025-01-02', end: '2025-01-02', person_id: 'p1', type: 'sick', hours: 4 });
  assert.match(dialogRequest({ kind: 'timeoff', form: { person_id: 'p1', start: '2025-01-02', end: '2025-01-02', hours: '25' } }).error, /Hours off/);
  // editing time off sends every field, so a person can be cleared (team-wide) and a reason removed
  const edit = dialogRequest({ kind: 'timeoff', id: 't1', form: { person_id: '', start: '2025-01-01', end: '2025-01-03', reason: ' ' } });
  assert.equal(edit.method, 'PATCH');
  assert.equal(edit.path, '/api/v1/timeoff/t1');
  assert.deepEqual(edit.body, { start: '2025-01-01', end: '2025-01-03', person_id: null, type: 'holiday', reason: null, hours: null });
  const p = dialogRequest({ kind: 'project', form: { name: 'P', status: 'lead', client_id: '', probability: 10, probability_touched: true, start: '', end: '', budget_hours: '100', billable: true, color: '#AABBCC' } });
  assert.equal(dialogRequest({ kind: 'project', form: { name: 'P', status: 'won', probability: 100 } }).body.probability, undefined, 'default probability is left to the server');
  assert.deepEqual(p.body, { name: 'P', status: 'lead', billable: true, billing: 'time_and_materials', probability: 10, budget_hours: 100, color: '#aabbcc' });
});

test('the time off dialog edits an existing entry or preselects a person for a new one', () => {
  let [m] = update(loggedIn('/timeoff'), { type: 'Loaded', what: 'timeoff', data: [{ id: 't1', person_id: 'p1', start: '2025-02-03', end: '2025-02-07', reason: 'Ski' }] });
  let [m2] = update(m, { type: 'OpenDialog', kind: 'timeoff', id: 't1' });
  assert.equal(m2.dialog.id, 't1');
  assert.deepEqual(m2.dialog.form, { person_id: 'p1', type: 'time_off', start: '2025-02-03', end: '2025-02-07', hours: '', reason: 'Ski' });
  [m2] = update(m, { type: 'OpenDialog', kind: 'timeoff', personId: 'p2' });
  assert.equal(m2.dialog.id, null);
  assert.deepEqual(m2.dialog.form, { person_id: 'p2', type: 'time_off', start: TODAY, end: TODAY, hours: '', reason: '' });
});

test('the actual-hours form starts on the person linked to this login', () => {
  let [m] = init({ path: '/people', today: TODAY });
  [m] = update(m, { type: 'MeOk', data: { id: 'u1', email: 'a@b.c', name: 'Ada' } });
  const people = [{ id: 'p1', name: 'Ann' }, { id: 'p2', name: 'Ada', user_id: 'u1' }];
  let fx;
  [m, fx] = update(m, { type: 'Loaded', what: 'people', data: people });
  assert.equal(m.actuals.form.person_id, 'p2');
  assert.equal(fx[0].path, '/api/v1/actuals?person_id=p2', 'and loads what is recorded');
  // a choice already made is kept when the list reloads
  [m] = update(m, { type: 'ActualInput', field: 'person_id', value: 'p1' });
  [m, fx] = update(m, { type: 'Loaded', what: 'people', data: people });
  assert.equal(m.actuals.form.person_id, 'p1');
  assert.deepEqual(fx, []);
});

test('a fast scroll draws light rows until it settles', () => {
  let m = loggedIn('/schedule');
  let fx;
  [m, fx] = update(m, { type: 'Scrolled', top: 0, left: 10, w: 1200, h: 700 });
  assert.equal(m.sched.fast, 0, 'a small step is not fast');
  [m, fx] = update(m, { type: 'Scrolled', top: 400, left: 10, w: 1200, h: 700 });
  const first = m.sched.fast;
  assert.ok(first > 0);
  const timer = fx.find((f) => f.type === 'timer');
  assert.deepEqual(timer.msg, { type: 'ScrollSettled', fast: first });
  [m, fx] = update(m, { type: 'Scrolled', top: 800, left: 10, w: 1200, h: 700 });
  assert.ok(m.sched.fast > first, 'each fast step restarts the wait');
  [m] = update(m, { type: 'ScrollSettled', fast: first });
  assert.ok(m.sched.fast > 0, 'an older wait ending does not settle a newer step');
  [m] = update(m, { type: 'Scrolled', top: 850, left: 10, w: 1200, h: 700 });
  assert.ok(m.sched.fast > 0, 'slowing down keeps the light rows until the wait ends');
  [m] = update(m, { type: 'ScrollSettled', fast: m.sched.fast });
  assert.equal(m.sched.fast, 0);
});

test('allocations load by window and grow as the timeline scrolls', () => {
  let [m, fx] = init({ path: '/schedule', today: TODAY });
  [m, fx] = update(m, { type: 'MeOk', data: { id: 'u1', name: 'A', email: 'a@b.c' } });
  const first = fx.find((f) => f.ctx && f.ctx.what === 'allocations');
  assert.deepEqual(first.ctx.range, { from: '2024-12-16', to: '2025-03-02' });
  assert.equal(first.path, '/api/v1/allocations?from=2024-12-16&to=2025-03-02');
  [m, fx] = update(m, { type: 'Loaded', what: 'allocations', data: [{ id: 'a', person_id: 'p', project_id: 'x', start: '2025-01-06', end: '2025-01-07', hours_per_day: 8 }], ...first.ctx });
  assert.deepEqual(m.sched.allocRange, first.ctx.range);
  // scroll near the right edge of what is loaded
  const dayW = 24;
  const left = (toDay('2025-02-20') - toDay(m.sched.origin)) * dayW;
  [m, fx] = update(m, { type: 'Scrolled', top: 0, left, w: 1200, h: 700 });
  assert.equal(fx.length, 1);
  assert.equal(fx[0].ctx.merge, true);
  assert.equal(fx[0].ctx.range.from, '2025-03-03');
  assert.ok(m.sched.allocLoading);
  [m] = update(m, { type: 'Loaded', what: 'allocations', data: [{ id: 'b', person_id: 'p', project_id: 'x', start: '2025-05-06', end: '2025-05-07', hours_per_day: 8 }], ...fx[0].ctx });
  assert.deepEqual(store.values(m.data.allocations).map((a) => a.id).sort(), ['a', 'b'], 'merged');
  assert.equal(m.sched.allocRange.from, '2024-12-16');
  assert.equal(m.sched.allocRange.to, fx[0].ctx.range.to);
  // the pipeline needs whole projects: load the full span
  [m, fx] = update(m, { type: 'Navigate', path: '/projects' });
  assert.ok(fx.some((f) => f.ctx && f.ctx.what === 'allocations' && f.ctx.range.from === m.sched.origin && !f.ctx.merge));
});

test('the store changes one shard per edit and regroups only touched rows', () => {
  const list = [];
  for (let i = 0; i < 5000; i++) list.push({ id: 'x' + i, person_id: 'p' + (i % 50), project_id: 'q', start: '2025-01-06', end: '2025-01-07', hours_per_day: 1 });
  const s1 = store.fromList(list);
  assert.equal(store.size(s1), 5000);
  const g1 = allocsByRow(s1);
  assert.equal(g1.get('p:p3').length, 100);
  const moved = { ...store.get(s1, 'x3'), person_id: 'p4' };
  const s2 = store.put(s1, moved);
  assert.equal(store.size(s2), 5000);
  assert.equal(store.get(s1, 'x3').person_id, 'p3', 'the old version is untouched');
  assert.deepEqual(store.diff(s1, s2), [[store.get(s1, 'x3'), moved]]);
  const g2 = allocsByRow(s2);
  assert.equal(g2.get('p:p3').length, 99);
  assert.equal(g2.get('p:p4').length, 101);
  assert.equal(g2.get('p:p5'), g1.get('p:p5'), 'untouched rows keep their arrays (and lanes)');
  const s3 = store.remove(s2, 'x3');
  assert.equal(store.size(s3), 4999);
  assert.equal(allocsByRow(s3).get('p:p4').length, 100);
  const s4 = store.putAll(s3, [{ id: 'ph1', placeholder_role: 'Dev', project_id: 'q', start: '2025-01-06', end: '2025-01-06', hours_per_day: 2 }]);
  assert.equal(allocsByRow(s4).get('ph:Dev').length, 1);
});

test('a new placeholder role from the allocation form', () => {
  let m = loggedIn();
  let fx;
  [m] = run(m, { type: 'OpenNewAlloc', rowKey: 'p:p1', start: '2025-01-13', end: '2025-01-17' }, { type: 'DialogInput', field: 'rowKey', value: 'ph-new' }, { type: 'DialogSubmit' });
  assert.match(m.dialog.error, /Name the placeholder role/);
  [m, fx] = run(m, { type: 'DialogInput', field: 'placeholder_role', value: ' Senior developer ' }, { type: 'DialogSubmit' });
  assert.equal(fx[0].body.placeholder_role, 'Senior developer');
  assert.equal(fx[0].body.person_id, undefined);
  [m] = update(m, { type: 'AllocCreated', data: { id: 'a9', ...fx[0].body } });
  const rows = buildRows(m.data, m.sched).rows;
  assert.equal(rows[0].key, 'ph:Senior developer');
  assert.equal(rows[0].kind, 'placeholder');
});

test('report filters go to the server, and an answer to an older filter is dropped', () => {
  let m = loggedIn('/reports');
  let fx1, fx2;
  [m, fx1] = update(m, { type: 'ReportFilter', field: 'role', value: 'Dev' });
  const util1 = fx1.find((f) => f.ctx && f.ctx.which === 'util');
  assert.match(util1.path, /role=Dev/);
  [m, fx2] = update(m, { type: 'ReportFilterClear' });
  const util2 = fx2.find((f) => f.ctx && f.ctx.which === 'util');
  assert.doesNotMatch(util2.path, /role=/);
  [m] = update(m, { type: util2.ok, data: { people: ['everyone'] }, ...util2.ctx });
  [m] = update(m, { type: util1.ok, data: { people: ['developers'] }, ...util1.ctx });
  assert.deepEqual(m.reports.util, { people: ['everyone'] }, 'the late answer for the old filter is dropped');
});

test('a planned booking can be pinned from its dialog; others send no pin', () => {
  const planned = { kind: 'alloc', id: 'a1', form: { project_id: 'x', person_id: 'p1', start: '2025-01-06', end: '2025-01-07', hours_per_day: '8', tentative: false, note: '', task_id: 't1', pinned: true } };
  assert.equal(dialogRequest(planned).method, 'PATCH');
  assert.equal(dialogRequest(planned).body.pinned, true);
  assert.equal(dialogRequest({ ...planned, form: { ...planned.form, pinned: false } }).body.pinned, false);
  assert.equal(dialogRequest({ ...planned, form: { ...planned.form, task_id: '' } }).body.pinned, undefined);
});

test('the projects page remembers Board or List per login, as the timeline its density', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'Navigate', path: '/projects' });
  assert.deepEqual(fx.filter((f) => f.type === 'pref-load'), [{ type: 'pref-load', key: 'kronuz.projects-view.u1', msg: { type: 'ProjectsViewLoaded' } }]);
  [m] = update(m, { type: 'ProjectsViewLoaded', value: null });
  assert.equal(m.lists.projects.view, 'board', 'nothing kept yet: the board');
  [m, fx] = update(m, { type: 'ListFilter', list: 'projects', field: 'view', value: 'list' });
  assert.equal(m.lists.projects.view, 'list');
  assert.deepEqual(fx, [{ type: 'pref-save', key: 'kronuz.projects-view.u1', value: 'list' }]);
  [m, fx] = update(m, { type: 'ListFilter', list: 'projects', field: 'view', value: 'grid' });
  assert.equal(m.lists.projects.view, 'list', 'an unknown view changes nothing');
  [m, fx] = run(m, { type: 'Navigate', path: '/people' }, { type: 'Navigate', path: '/projects' });
  assert.deepEqual(fx.filter((f) => f.type === 'pref-load'), [], 'asked once per login');
  // the next page load (or another login in this browser) asks again
  let [m2] = init({ path: '/projects', today: TODAY });
  [m2, fx] = update(m2, { type: 'MeOk', data: { id: 'u2', email: 'b@b.c', name: 'Bo' } });
  assert.deepEqual(fx.filter((f) => f.type === 'pref-load'), [{ type: 'pref-load', key: 'kronuz.projects-view.u2', msg: { type: 'ProjectsViewLoaded' } }]);
  [m2] = update(m2, { type: 'ProjectsViewLoaded', value: 'list' });
  assert.equal(m2.lists.projects.view, 'list');
});
