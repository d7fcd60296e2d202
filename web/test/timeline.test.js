// The timeline's rules without a browser: density, zoom that keeps its date,
// keyboard ranges and bars moved with the keys, duplicate / split / repeat,
// and the labels of narrow bars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, update } from '../update.js';
import { toDay, fromDay } from '../dates.js';
import { buildRows, dayWidth, SIDEBAR } from '../schedule.js';
import { abbreviate, roomAfter } from '../view/bars.js';
import * as store from '../store.js';

const TODAY = '2025-01-08'; // a Wednesday
const A = (m, id) => store.get(m.data.allocations, id);

function run(m, ...msgs) {
  let fx = [];
  for (const msg of msgs) { const [m2, f] = update(m, msg); m = m2; fx = f; }
  return [m, fx];
}

function loggedIn() {
  let [m] = init({ path: '/schedule', today: TODAY });
  [m] = update(m, { type: 'MeOk', data: { id: 'u1', email: 'a@b.c', name: 'Ada' } });
  const data = {
    team: { id: 't', name: 'Acme', members: [{ user_id: 'u1', name: 'Ada', email: 'a@b.c', role: 'owner' }] },
    people: [{ id: 'p1', name: 'Ann', role: 'Dev', skills: [] }, { id: 'p2', name: 'Bob', role: 'Designer', skills: [] }],
    projects: [{ id: 'x', name: 'Apollo', status: 'active' }],
    clients: [], timeoff: [],
    allocations: [
      { id: 'a1', project_id: 'x', person_id: 'p1', start: '2025-01-06', end: '2025-01-10', hours_per_day: 6, tentative: false, version: 1 },
      { id: 'a2', project_id: 'x', person_id: 'p1', start: '2025-01-07', end: '2025-01-08', hours_per_day: 2, tentative: false, version: 1 },
    ],
  };
  for (const [what, d] of Object.entries(data)) [m] = update(m, { type: 'Loaded', what, data: d });
  return update(m, { type: 'Scrolled', top: 0, left: m.sched.scrollLeft, w: 1176, h: 700 })[0];
}

test('compact rows are less than half as tall; every row keeps a free lane under its bars; the choice is saved per login', () => {
  let m = loggedIn();
  const rows = (mm) => buildRows(mm.data, mm.sched).rows.map((r) => [r.key, r.laneCount, r.freeTop, r.height]);
  // Ann has two bookings at once: two lanes, then the free lane
  assert.deepEqual(rows(m), [['p:p1', 2, 58, 82], ['p:p2', 0, 6, 56]]);
  let fx;
  [m, fx] = update(m, { type: 'Density', value: 'compact' });
  assert.deepEqual(rows(m), [['p:p1', 2, 29, 36], ['p:p2', 0, 1, 22]]);
  assert.deepEqual(fx.find((f) => f.type === 'pref-save'), { type: 'pref-save', key: 'kronuz.density.u1', value: 'compact' });
  [m, fx] = update(m, { type: 'Density', value: 'huge' });
  assert.equal(m.sched.density, 'compact', 'an unknown density changes nothing');
  // a new page load asks for the login's density once the grid is up
  let m2 = loggedIn();
  [m2, fx] = update(m2, { type: 'TimelineMounted' });
  assert.deepEqual(fx, [{ type: 'pref-load', key: 'kronuz.density.u1', msg: { type: 'DensityLoaded' } }]);
  [m2] = update(m2, { type: 'DensityLoaded', value: 'compact' });
  assert.equal(m2.sched.density, 'compact');
  [m2, fx] = update(m2, { type: 'TimelineMounted' });
  assert.deepEqual(fx, [], 'asked once');
});

test('zoom keeps the day at the left edge, or the focused day where it is on screen', () => {
  let m = loggedIn();
  const origin = toDay(m.sched.origin);
  const leftDay = (mm) => origin + mm.sched.scrollLeft / dayWidth(mm.sched.zoom);
  const start = leftDay(m);
  for (const zoom of ['day', 'month', 'week', 'day']) {
    [m] = update(m, { type: 'Zoom', zoom });
    assert.ok(Math.abs(leftDay(m) - start) < 0.05, `${zoom}: ${fromDay(Math.floor(leftDay(m)))} for ${fromDay(start)}`);
  }
  [m] = run(m, { type: 'Zoom', zoom: 'week' }, { type: 'FocusCell', row: 'p:p2', day: toDay('2025-01-31') });
  const x = (toDay('2025-01-31') - origin) * dayWidth('week') - m.sched.scrollLeft;
  [m] = update(m, { type: 'Zoom', zoom: 'day' });
  const xDay = (toDay('2025-01-31') - origin) * dayWidth('day') - m.sched.scrollLeft;
  assert.ok(xDay >= 0 && xDay + dayWidth('day') <= m.sched.viewW - SIDEBAR, `the focused day is in view (${xDay} px)`);
  assert.ok(xDay <= x, 'no further right than it was');
});

test('Shift+arrows select days on a row and Enter books them; Up or Down drops the range', () => {
  let m = loggedIn();
  [m] = run(m, { type: 'KeyNav', key: 'none' }, { type: 'KeyNav', key: 'ArrowDown' }, { type: 'KeyNav', key: 'ArrowRight', shift: true }, { type: 'KeyNav', key: 'ArrowRight', shift: true });
  assert.deepEqual(m.sched.focus, { row: 'p:p2', day: toDay(TODAY) + 2, anchor: toDay(TODAY) });
  [m] = update(m, { type: 'KeyNav', key: 'ArrowLeft', shift: true });
  assert.equal(m.sched.focus.anchor, toDay(TODAY), 'the range shrinks from its far end');
  [m] = update(m, { type: 'OpenAtFocus' });
  assert.equal(m.dialog.id, null);
  assert.deepEqual([m.dialog.form.person_id, m.dialog.form.start, m.dialog.form.end], ['p2', '2025-01-08', '2025-01-09']);
  [m] = run(m, { type: 'DialogClose' }, { type: 'KeyNav', key: 'ArrowRight', shift: true }, { type: 'KeyNav', key: 'ArrowUp', shift: true });
  assert.equal(m.sched.focus.anchor, undefined);
});

test('a bar moved with the keys: arrows, Shift (end), Alt (start), Up/Down (person), one PATCH on Enter, Escape drops it', () => {
  let m = loggedIn();
  let fx;
  [m] = run(m, { type: 'BarKey', allocId: 'a1', edge: 'move', days: 1, rows: 0 }, { type: 'BarKey', allocId: 'a1', edge: 'end', days: 1, rows: 0 }, { type: 'BarKey', allocId: 'a1', edge: 'start', days: -1, rows: 0 }, { type: 'BarKey', allocId: 'a1', edge: 'move', days: 0, rows: 1 });
  assert.equal(A(m, 'a1').start, '2025-01-06', 'nothing saved yet');
  [m, fx] = update(m, { type: 'BarEnter', allocId: 'a1' });
  const patch = fx.find((f) => f.type === 'http');
  assert.equal(patch.method, 'PATCH');
  assert.deepEqual(patch.body, { end: '2025-01-12', person_id: 'p2' });
  assert.equal(patch.headers['If-Match'], '"1"');
  assert.deepEqual(A(m, 'a1').person_id, 'p2', 'shown at once');
  assert.ok(fx.some((f) => f.type === 'focus' && f.selector.includes('a1')), 'focus follows the bar');
  [m] = run(m, { type: 'BarKey', allocId: 'a2', edge: 'move', days: 3, rows: 0 }, { type: 'DragCancel' });
  assert.equal(m.drag, null);
  assert.deepEqual(m.sched.focus, { row: 'p:p1', day: toDay('2025-01-07') }, 'focus back on the bar');
  [m, fx] = update(m, { type: 'BarEnter', allocId: 'a2' });
  assert.equal(m.dialog.id, 'a2', 'Enter on an unmoved bar opens it');
});

test('duplicate, split at a day and repeat weekly send the requests a person would', () => {
  let m = loggedIn();
  let fx;
  [m] = update(m, { type: 'OpenEditAlloc', id: 'a1' });
  assert.equal(m.dialog.form.split_at, '2025-01-08', 'the middle day is offered');
  [m, fx] = update(m, { type: 'AllocDuplicate', id: 'a1' });
  assert.deepEqual(fx[0].body, { project_id: 'x', person_id: 'p1', start: '2025-01-06', end: '2025-01-10', hours_per_day: 6, tentative: false, note: '' });
  [m] = run(m, { type: 'DialogClose' }, { type: 'OpenEditAlloc', id: 'a1' });
  [m, fx] = update(m, { type: 'AllocSplit', id: 'a1', at: '2025-01-06' });
  assert.match(m.dialog.error, /after 6 Jan 2025/);
  assert.deepEqual(fx, []);
  [m, fx] = update(m, { type: 'AllocSplit', id: 'a1', at: '2025-01-08' });
  assert.equal(fx.length, 1, 'one request: the server splits it in one change');
  assert.deepEqual([fx[0].method, fx[0].path, fx[0].body], ['POST', '/api/v1/allocations/a1/split', { at: '2025-01-08' }]);
  assert.ok(fx[0].headers['If-Match'], 'against the version shown');
  [m, fx] = update(m, { type: fx[0].ok, data: [{ ...A(m, 'a1'), end: '2025-01-07', version: 2 }, { ...A(m, 'a1'), id: 'a9', start: '2025-01-08', version: 1 }] });
  assert.equal(m.dialog, null);
  assert.deepEqual([A(m, 'a1').end, A(m, 'a9').start], ['2025-01-07', '2025-01-08']);
  assert.equal(m.toasts.at(-1).action.msg.type, 'Undo', 'the toast offers to undo it');
  [m] = run(m, { type: 'OpenEditAlloc', id: 'a2' });
  [m, fx] = update(m, { type: 'AllocRepeat', id: 'a2', weeks: '0' });
  assert.match(m.dialog.error, /1 to 52 weeks/);
  [m, fx] = update(m, { type: 'AllocRepeat', id: 'a2', weeks: '3' });
  assert.deepEqual(fx.map((f) => [f.method, f.path, f.body]), [['POST', '/api/v1/allocations/a2/repeat', { weeks: 3 }]]);
  const copies = [1, 2, 3].map((k) => ({ ...A(m, 'a2'), id: `r${k}`, version: 1 }));
  [m] = update(m, { type: fx[0].ok, data: copies });
  assert.ok(['r1', 'r2', 'r3'].every((id) => A(m, id)), 'the copies are on the timeline');
  assert.match(m.toasts.at(-1).text, /3 bookings added/);
});

test('a narrow bar shows a short form of its project, or its label beside it where its lane has room', () => {
  assert.equal(abbreviate('Delta Bank portal'), 'DBP');
  assert.equal(abbreviate('Project 07'), 'P07');
  assert.equal(abbreviate('Apollo'), 'Apo');
  const lanes = new Map([['a', 0], ['b', 0], ['c', 1]]);
  const room = roomAfter([{ id: 'b', start: '2025-01-20', end: '2025-01-21' }, { id: 'a', start: '2025-01-06', end: '2025-01-07' }, { id: 'c', start: '2025-01-06', end: '2025-01-06' }], lanes, 7, toDay('2025-02-28'));
  assert.equal(room.get('a'), 12 * 7, 'up to the next bar in its lane');
  assert.ok(room.get('c') > 300, 'nothing after it');
});
