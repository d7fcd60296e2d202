// Several planners at once: live events, If-Match on every write, the
// conflict dialog, undo of anyone's change from the activity page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, update, subscriptions } from '../update.js';
import { toDay } from '../dates.js';
import { fieldChanges, ownChanges } from '../conflict.js';
import { timeAgo } from '../page/activity.js';
import * as store from '../store.js';

const A = (m, id) => store.get(m.data.allocations, id);
const TODAY = '2025-01-08';

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
    people: [{ id: 'p1', name: 'Ann', version: 1 }, { id: 'p2', name: 'Bob', version: 1 }],
    projects: [{ id: 'x', name: 'Apollo', status: 'active', version: 2 }, { id: 'y', name: 'Gemini', status: 'lead', version: 1 }],
    clients: [{ id: 'c1', name: 'Acme', version: 1 }], timeoff: [],
    allocations: [{ id: 'a1', project_id: 'x', person_id: 'p1', start: '2025-01-06', end: '2025-01-10', hours_per_day: 6, tentative: false, version: 3 }],
  };
  for (const [what, d] of Object.entries(data)) [m] = update(m, { type: 'Loaded', what, data: d });
  return m;
}

const change = (id, ...changes) => ({ type: 'LiveChange', event: { id, activity_id: 'act' + id, user_id: 'u2', user_name: 'Bea', at: 1, summary: 's', undo_of: null, changes } });
const booking = (over) => ({ id: 'a2', project_id: 'y', person_id: 'p2', start: '2025-01-07', end: '2025-01-09', hours_per_day: 4, tentative: false, version: 1, ...over });

test('the events stream is open exactly while logged in', () => {
  let [m] = init({ path: '/schedule', today: TODAY });
  assert.deepEqual(subscriptions(m), []);
  m = loggedIn();
  const [sub] = subscriptions(m);
  assert.equal(sub.type, 'events');
  assert.equal(sub.path, '/api/v1/events');
  assert.equal(sub.key, 'events:u1');
  [m] = update(m, { type: 'LogoutDone' });
  assert.deepEqual(subscriptions(m), []);
});

test("a colleague's changes apply to the open schedule without a reload", () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'LiveHello', data: { last_id: 7 } });
  assert.equal(m.live.status, 'open');
  assert.equal(fx.length, 0, 'the first connection loads nothing twice');
  [m, fx] = update(m, change(8, { kind: 'allocation', id: 'a2', record: booking() }));
  assert.equal(A(m, 'a2').person_id, 'p2', 'the new booking is on the timeline');
  assert.equal(fx.length, 0);
  assert.equal(m.live.lastId, 8);
  [m] = run(m,
    change(9, { kind: 'person', id: 'p1', record: { id: 'p1', name: 'Ann Lee', version: 2 } }),
    change(10, { kind: 'client', id: 'c1', record: null }),
    change(11, { kind: 'project', id: 'z', record: { id: 'z', name: 'Zeus', status: 'lead', version: 1 } }),
    change(12, { kind: 'timeoff', id: 't1', record: { id: 't1', person_id: 'p1', start: '2025-02-03', end: '2025-02-07', version: 1 } }),
    change(13, { kind: 'allocation', id: 'a1', record: null }));
  assert.equal(m.data.people.find((p) => p.id === 'p1').name, 'Ann Lee');
  assert.equal(m.data.clients.length, 0);
  assert.ok(m.data.projects.some((p) => p.id === 'z'));
  assert.equal(m.data.timeoff.length, 1);
  assert.equal(A(m, 'a1'), undefined);
});

test('a record applies only if newer than the one held: our own write seen again changes nothing', () => {
  let m = loggedIn();
  let fx;
  // my drag: the PATCH answers version 4, then its event arrives
  [m, fx] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-07') }, { type: 'DragMove', rowKey: 'p:p1', day: toDay('2025-01-08') }, { type: 'DragEnd' });
  const saved = { ...A(m, 'a1'), version: 4, note: 'server' };
  [m] = update(m, { type: fx[0].ok, data: saved, ...fx[0].ctx });
  const held = m.data.allocations;
  [m] = update(m, change(20, { kind: 'allocation', id: 'a1', record: saved }));
  assert.equal(m.data.allocations, held, 'the same version again: nothing changes');
  [m] = update(m, change(21, { kind: 'allocation', id: 'a1', record: { ...saved, version: 2, start: '2024-12-01' } }));
  assert.equal(A(m, 'a1').start, saved.start, 'an older version never wins');
  // and a load that left before the event must not undo it either
  [m] = update(m, { type: 'Loaded', what: 'people', data: [{ id: 'p1', name: 'Ann', version: 1 }, { id: 'p2', name: 'Bob', version: 1 }] });
  [m] = update(m, change(22, { kind: 'person', id: 'p1', record: { id: 'p1', name: 'Ann Lee', version: 2 } }));
  [m] = update(m, { type: 'Loaded', what: 'people', data: [{ id: 'p1', name: 'Ann', version: 1 }, { id: 'p2', name: 'Bob', version: 1 }] });
  assert.equal(m.data.people.find((p) => p.id === 'p1').name, 'Ann Lee');
});

test('a second move made before the first is confirmed sends the version the first will have', () => {
  let m = loggedIn();
  let fx1, fx2;
  [m, fx1] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-07') }, { type: 'DragMove', rowKey: 'p:p1', day: toDay('2025-01-08') }, { type: 'DragEnd' });
  [m, fx2] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-08') }, { type: 'DragMove', rowKey: 'p:p1', day: toDay('2025-01-09') }, { type: 'DragEnd' });
  assert.equal(fx1[0].headers['If-Match'], '"3"');
  assert.equal(fx2[0].headers['If-Match'], '"4"', 'not a conflict with my own first move');
  // someone else's change racing mine waits for the server's word (my write meets a 412 if theirs won)
  const before = m.data.allocations;
  [m] = update(m, change(70, { kind: 'allocation', id: 'a1', record: { ...A(m, 'a1'), version: 4, note: 'theirs' } }));
  assert.equal(m.data.allocations, before);
});

test('a bar being dragged stays in the hand while an unrelated change arrives', () => {
  let m = loggedIn();
  [m] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-07') }, { type: 'DragMove', rowKey: 'p:p2', day: toDay('2025-01-09') });
  const drag = m.drag;
  [m] = update(m, change(30, { kind: 'allocation', id: 'a2', record: booking() }));
  assert.equal(m.drag, drag, 'the drag state is untouched');
  assert.ok(A(m, 'a2'), 'while the data moved on');
  const [, fx] = update(m, { type: 'DragEnd' });
  assert.equal(fx[0].headers['If-Match'], '"3"');
  assert.deepEqual(fx[0].body, { start: '2025-01-08', end: '2025-01-12', person_id: 'p2' });
});

test('a bar deleted by a colleague while in the hand says so on the drop', () => {
  let m = loggedIn();
  let fx;
  [m] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-07') }, { type: 'DragMove', rowKey: 'p:p1', day: toDay('2025-01-08') });
  [m] = update(m, change(32, { kind: 'allocation', id: 'a1', record: null }));
  assert.ok(m.drag, 'still in the hand');
  [m, fx] = update(m, { type: 'DragEnd' });
  assert.equal(m.drag, null);
  assert.equal(A(m, 'a1'), undefined, 'not brought back');
  assert.equal(fx.filter((f) => f.type === 'http').length, 0);
  assert.equal(m.toasts.at(-1).text, 'This booking was deleted while you moved it.');
});

test('an open dialog on a record a colleague deletes says who deleted it', () => {
  let m = loggedIn();
  [m] = update(m, { type: 'OpenEditAlloc', id: 'a1' });
  [m] = update(m, change(33, { kind: 'allocation', id: 'a2', record: booking() }));
  assert.equal(m.dialog.error, null, 'another record: nothing to say');
  [m] = update(m, change(34, { kind: 'allocation', id: 'a1', record: null }));
  assert.equal(m.dialog.error, 'Bea deleted this booking meanwhile.');
});

test('dropping a bar someone changed meanwhile sends the version the drag started from, and meets the conflict', () => {
  let m = loggedIn();
  [m] = run(m, { type: 'DragStart', mode: 'move', allocId: 'a1', rowKey: 'p:p1', day: toDay('2025-01-07') }, { type: 'DragMove', rowKey: 'p:p1', day: toDay('2025-01-14') });
  const theirs = { ...A(m, 'a1'), hours_per_day: 4, version: 4 };
  [m] = update(m, change(31, { kind: 'allocation', id: 'a1', record: theirs }));
  let fx;
  [m, fx] = update(m, { type: 'DragEnd' });
  assert.equal(fx[0].headers['If-Match'], '"3"', 'the version I was shown');
  assert.equal(A(m, 'a1').start, '2025-01-13', 'optimistic');
  // the server: 412 with the current record
  [m, fx] = update(m, { ...fx[0].on412, status: 412, error: 'Bea Bauer changed this allocation since you loaded it', current: theirs, request: fx[0] });
  assert.equal(m.dialog.kind, 'conflict');
  assert.equal(A(m, 'a1').start, '2025-01-06', 'theirs is shown until I choose');
  assert.deepEqual(fieldChanges(m.dialog.base, m.dialog.current, m.data).map((c) => [c.label, c.before, c.now]), [['Hours per day', '6h a day', '4h a day']]);
  assert.deepEqual(m.dialog.mine, { start: '2025-01-13', end: '2025-01-17' });
  // apply mine on top: the same move, now on version 4
  [m, fx] = update(m, { type: 'ConflictMine' });
  assert.equal(m.dialog, null);
  assert.equal(fx[0].method, 'PATCH');
  assert.equal(fx[0].headers['If-Match'], '"4"');
  assert.deepEqual(fx[0].body, { start: '2025-01-13', end: '2025-01-17' });
  assert.equal(A(m, 'a1').start, '2025-01-13');
  assert.equal(A(m, 'a1').hours_per_day, 4, 'their hours stay');
  // if that is refused, the rollback goes to theirs, not to what I first saw
  [m] = update(m, { type: fx[0].err, status: 422, error: 'no', ...fx[0].ctx });
  assert.equal(A(m, 'a1').hours_per_day, 4);
  assert.equal(A(m, 'a1').start, '2025-01-06');
});

test('drop mine keeps their version', () => {
  let m = loggedIn();
  let fx;
  [m] = update(m, { type: 'OpenEditAlloc', id: 'a1' });
  [m, fx] = run(m, { type: 'DialogInput', field: 'note', value: 'mine' }, { type: 'DialogSubmit' });
  assert.equal(fx[0].headers['If-Match'], '"3"');
  const theirs = { ...A(m, 'a1'), end: '2025-01-17', version: 5 };
  [m] = update(m, { ...fx[0].on412, status: 412, error: 'Bea changed this allocation since you loaded it', current: theirs, request: fx[0] });
  assert.deepEqual(m.dialog.mine, { note: 'mine' }, 'only what I changed goes on top');
  [m, fx] = update(m, { type: 'ConflictTheirs' });
  assert.equal(m.dialog, null);
  assert.deepEqual(fx.filter((f) => f.type === 'http'), []);
  assert.equal(A(m, 'a1').end, '2025-01-17');
  assert.equal(A(m, 'a1').note, undefined);
});

test('every PATCH and DELETE carries If-Match of the record shown', () => {
  const m = loggedIn('/projects');
  const ifm = (msgs) => { const [, fx] = run(m, ...msgs); return fx.find((f) => f.type === 'http').headers?.['If-Match']; };
  assert.equal(ifm([{ type: 'OpenDialog', kind: 'person', id: 'p1' }, { type: 'DialogSubmit' }]), '"1"');
  assert.equal(ifm([{ type: 'OpenDialog', kind: 'project', id: 'x' }, { type: 'DialogSubmit' }]), '"2"');
  assert.equal(ifm([{ type: 'OpenDialog', kind: 'client', id: 'c1' }, { type: 'DialogSubmit' }]), '"1"');
  assert.equal(ifm([{ type: 'DeleteAlloc', id: 'a1' }]), '"3"');
  assert.equal(ifm([{ type: 'Archive', what: 'people', id: 'p2' }]), '"1"');
  assert.equal(ifm([{ type: 'Archive', what: 'projects', id: 'x' }]), '"2"');
  assert.equal(ifm([{ type: 'ClientArchive', id: 'c1', archived: true }]), '"1"');
  assert.equal(ifm([{ type: 'SetProjectStatus', id: 'y', status: 'done' }]), '"1"');
  assert.equal(ifm([{ type: 'SetProjectStatus', id: 'y', status: 'won', tentative: 2, confirm: true }]), '"1"');
  // a new record has no version to match
  const [, fx] = run(m, { type: 'OpenDialog', kind: 'client' }, { type: 'DialogInput', field: 'name', value: 'New' }, { type: 'DialogSubmit' });
  assert.equal(fx[0].headers, undefined);
  // tasks too
  let [m2] = update(m, { type: 'TasksLoaded', projectId: 'x', data: [{ id: 'k1', project_id: 'x', name: 'Build', effort_hours: 10, version: 6 }] });
  const [, tfx] = run(m2, { type: 'TaskFormOpen', projectId: 'x', id: 'k1' }, { type: 'TaskSubmit' });
  assert.equal(tfx[0].headers['If-Match'], '"6"');
  const [, dfx] = update(m2, { type: 'TaskDelete', projectId: 'x', id: 'k1' });
  assert.equal(dfx[0].headers['If-Match'], '"6"');
  [m2] = update(m2, change(40, { kind: 'task', id: 'k1', record: { id: 'k1', project_id: 'x', name: 'Build it', effort_hours: 10, version: 7 } }));
  assert.equal(m2.tasks.x[0].name, 'Build it', 'live task changes apply to a loaded project');
});

test('a conflict over a deletion offers to delete anyway', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'DeleteAlloc', id: 'a1' });
  const theirs = { ...A(loggedIn(), 'a1'), note: 'keep please', version: 4 };
  [m] = update(m, { ...fx[0].on412, status: 412, error: 'Bea changed this allocation since you loaded it', current: theirs, request: fx[0] });
  assert.equal(A(m, 'a1').note, 'keep please', 'back on the timeline, as it is now');
  assert.equal(m.dialog.mine, null);
  [m, fx] = update(m, { type: 'ConflictMine' });
  assert.equal(fx[0].method, 'DELETE');
  assert.equal(fx[0].headers['If-Match'], '"4"');
  assert.equal(A(m, 'a1'), undefined);
});

test('a reload event or a new connection loads everything again', () => {
  let m = loggedIn();
  let [, fx] = update(m, { type: 'LiveReload' });
  const paths = fx.map((f) => f.path.split('?')[0]);
  for (const p of ['/api/v1/people', '/api/v1/prj/list', '/api/v1/clients', '/api/v1/timeoff', '/api/v1/allocations', '/api/v1/team']) assert.ok(paths.includes(p), p);
  [m, fx] = update(m, { type: 'LiveDown' });
  assert.equal(m.live.status, 'down');
  [m, fx] = update(m, { type: 'LiveHello', data: { last_id: 50 }, resumed: true });
  assert.equal(m.live.status, 'open');
  assert.ok(fx.some((f) => f.path.startsWith('/api/v1/allocations')));
});

test('the activity page lists who did what and undoes anyone’s change explicitly', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'Navigate', path: '/activity' });
  assert.equal(m.route.page, 'activity');
  const get = fx.find((f) => f.type === 'http');
  assert.equal(get.path, '/api/v1/activity?limit=50');
  const entries = [
    { id: 'e2', user_id: 'u2', user_name: 'Bea', at: 100, summary: 'Booked Bob on Gemini, 7–9 Jan', undoable: true, why_not: null },
    { id: 'e1', user_id: 'u1', user_name: 'Ada', at: 50, summary: 'Deleted client Acme', undoable: false, why_not: 'Already undone' },
  ];
  [m] = update(m, { type: get.ok, data: entries });
  assert.equal(m.activity.list.length, 2);
  [m, fx] = update(m, { type: 'ActivityUndo', id: 'e2' });
  assert.deepEqual([fx[0].method, fx[0].path], ['POST', '/api/v1/activity/e2/undo']);
  assert.equal(m.activity.busy, 'e2');
  [m, fx] = update(m, { type: fx[0].ok, data: { id: 'e3', summary: 'Undid: booked Bob on Gemini, 7–9 Jan', changes: [{ kind: 'allocation', id: 'a2', record: null }] }, ...fx[0].ctx });
  assert.equal(m.toasts.at(-1).text, 'Undid: booked Bob on Gemini, 7–9 Jan');
  assert.equal(m.activity.busy, null);
  assert.ok(fx.some((f) => f.path === '/api/v1/activity?limit=50'), 'the list reloads');
  // the page's clock ticks while it is shown, and only then
  assert.deepEqual(subscriptions(m).map((s) => s.type).sort(), ['events', 'every']);
  [m] = update(m, { type: 'ActivityClock', now: 123_000 });
  assert.equal(m.activity.now, 123_000);
  assert.deepEqual(subscriptions(update(m, { type: 'Navigate', path: '/schedule' })[0]).map((s) => s.type), ['events']);
  // a change from anyone refreshes the list while it is shown
  [, fx] = update(m, change(60, { kind: 'allocation', id: 'a2', record: booking() }));
  assert.ok(fx.some((f) => f.path === '/api/v1/activity?limit=50'));
});

test('changes read in words, field by field', () => {
  const data = { people: [{ id: 'p1', name: 'Ann' }, { id: 'p2', name: 'Bob' }], projects: [{ id: 'x', name: 'Apollo' }] };
  const a = { id: 'a', version: 1, person_id: 'p1', project_id: 'x', start: '2025-12-01', end: '2025-12-05', hours_per_day: 8, tentative: false, note: '' };
  const b = { ...a, version: 2, person_id: 'p2', start: '2025-12-08', end: '2025-12-12', tentative: true };
  assert.deepEqual(fieldChanges(a, b, data).map((c) => `${c.label}: ${c.before} -> ${c.now}`), [
    'Dates: 1 – 5 Dec 2025 -> 8 – 12 Dec 2025',
    'Person: Ann -> Bob',
    'Tentative: No -> Yes',
  ]);
  assert.deepEqual(ownChanges({ note: '', hours_per_day: 8, start: '2025-12-02' }, a), { start: '2025-12-02' });
  assert.equal(timeAgo(1000, 1000_000 + 10_000), 'just now');
  assert.equal(timeAgo(1000, (1000 + 5 * 60) * 1000), '5 minutes ago');
  assert.equal(timeAgo(1000, (1000 + 3 * 3600) * 1000), '3 hours ago');
});
