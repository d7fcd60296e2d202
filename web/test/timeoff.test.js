// Time off on the timeline and members' requests: which entries a row shows,
// where bookings conflict with them, and who may change what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toDay } from '../dates.js';
import { indexTimeOff } from '../capacity.js';
import { conflictRuns, rowTimeOff, timeOffTitle } from '../view/timeoff-blocks.js';
import { mayChangeTimeOff, myPerson } from '../page/timeoff.js';

const ann = { id: 'ann', name: 'Ann', weekly_hours: [8, 8, 8, 8, 8, 0, 0] };
const alloc = (id, start, end, hours = 6) => ({ id, person_id: 'ann', project_id: 'p', start, end, hours_per_day: hours });

test('a row shows its person\'s and the team\'s time off, not declined requests', () => {
  const timeoff = [
    { id: 'a', person_id: 'ann', start: '2026-03-09', end: '2026-03-10' },
    { id: 'b', person_id: null, start: '2026-03-06', end: '2026-03-06' },
    { id: 'c', person_id: 'ann', start: '2026-03-12', end: '2026-03-12', status: 'declined' },
    { id: 'd', person_id: 'ben', start: '2026-03-12', end: '2026-03-12' },
  ];
  assert.deepEqual(rowTimeOff(timeoff, 'ann').map((t) => t.id), ['b', 'a']);
  assert.deepEqual(rowTimeOff(timeoff, 'ben').map((t) => t.id), ['b', 'd']);
});

test('a booking through a whole day off conflicts on the working days it covers', () => {
  // Friday 03-06 to Tuesday 03-10: the weekend between is not a conflict
  const t = { id: 't', person_id: 'ann', start: '2026-03-06', end: '2026-03-10' };
  const off = indexTimeOff([t]);
  const runs = conflictRuns(t, ann, [alloc('x', '2026-03-02', '2026-03-09')], off);
  assert.deepEqual(runs.map(([a, b, ids]) => [a, b, [...ids]]), [[toDay('2026-03-06'), toDay('2026-03-06'), ['x']], [toDay('2026-03-09'), toDay('2026-03-09'), ['x']]]);
  assert.deepEqual(conflictRuns(t, ann, [alloc('y', '2026-03-11', '2026-03-12')], off), []);
});

test('part of a day off conflicts only where more is booked than the hours left', () => {
  const t = { id: 't', person_id: 'ann', start: '2026-03-02', end: '2026-03-03', hours: 4 };
  const off = indexTimeOff([t]);
  assert.equal(conflictRuns(t, ann, [alloc('x', '2026-03-02', '2026-03-03', 4)], off).length, 0);
  assert.equal(conflictRuns(t, ann, [alloc('x', '2026-03-02', '2026-03-03', 5)], off).length, 1);
  // a request is checked as if approved, though it takes nothing away yet
  const asked = { ...t, status: 'pending' };
  assert.equal(conflictRuns(asked, ann, [alloc('x', '2026-03-02', '2026-03-02', 5)], indexTimeOff([asked])).length, 1);
  assert.equal(timeOffTitle(asked), 'Time off · 4h a day (requested)');
  assert.equal(timeOffTitle({ person_id: null, type: 'holiday' }), 'Holiday');
});

test('members change only their own requests, until approved', () => {
  const m = (role) => ({ user: { id: 'u1', email: 'mo@x.io' }, data: { team: { members: [{ user_id: 'u1', role }] }, people: [{ id: 'ann', user_id: 'u1' }, { id: 'ben' }] } });
  const member = m('member');
  assert.equal(myPerson(member).id, 'ann');
  assert.equal(mayChangeTimeOff(member, { person_id: 'ann', status: 'pending' }), true);
  assert.equal(mayChangeTimeOff(member, { person_id: 'ann', status: 'approved' }), false);
  assert.equal(mayChangeTimeOff(member, { person_id: 'ben', status: 'pending' }), false);
  assert.equal(mayChangeTimeOff(member, { person_id: null }), false);
  assert.equal(mayChangeTimeOff(m('manager'), { person_id: 'ben', status: 'approved' }), true);
});

test('a member reading a planned booking is told when it is pinned, and only then', async () => {
  const { allocReadOnly } = await import('../view/timeoff.js');
  const text = (n) => (n.tag === '#text' ? n.text : n.children.map(text).join(' '));
  const m = { data: { projects: [{ id: 'p', name: 'Site' }], people: [ann] } };
  const read = (a) => text(allocReadOnly(m, { base: a }, () => {}, (title, body) => body));
  const planned = { ...alloc('a', '2026-03-02', '2026-03-03'), task_id: 't', note: 'Build' };
  assert.match(read({ ...planned, pinned: true }), /Pinned .*Plans keep it where it is/);
  assert.doesNotMatch(read(planned), /Pinned|Plans keep/);
  assert.doesNotMatch(read(alloc('b', '2026-03-02', '2026-03-03')), /Pinned|Plans keep/);
});
