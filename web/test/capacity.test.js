import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toDay } from '../dates.js';
import { capacityOn, indexTimeOff, dayStats, rangeStats, allocationHours, layoutLanes, bookedOn } from '../capacity.js';

const D = toDay;
const full = { id: 'p1', name: 'Full', weekly_hours: [8, 8, 8, 8, 8, 0, 0] };
const part = { id: 'p2', name: 'Part', weekly_hours: [4, 4, 4, 0, 0, 0, 0], start_date: '2025-01-08', end_date: '2025-01-31' };
// 2025-01-06 is a Monday
test('capacity follows weekly_hours (Monday first), employment dates and time off', () => {
  assert.equal(capacityOn(full, D('2025-01-06')), 8);
  assert.equal(capacityOn(full, D('2025-01-11')), 0);
  assert.equal(capacityOn(part, D('2025-01-06')), 0, 'before start_date');
  assert.equal(capacityOn(part, D('2025-01-08')), 4);
  assert.equal(capacityOn(part, D('2025-01-09')), 0, 'Thursday off');
  assert.equal(capacityOn(part, D('2025-02-03')), 0, 'after end_date');
  const off = indexTimeOff([{ id: 't1', person_id: 'p1', start: '2025-01-07', end: '2025-01-08' }, { id: 't2', start: '2025-01-10', end: '2025-01-10' }]);
  assert.equal(capacityOn(full, D('2025-01-07'), off), 0);
  assert.equal(capacityOn(full, D('2025-01-09'), off), 8);
  assert.equal(capacityOn(full, D('2025-01-10'), off), 0, 'team-wide holiday');
  assert.equal(capacityOn({ id: 'x' }, D('2025-01-06')), 8, 'default weekly hours');
});

test('allocations book only on working days; overbooked hours', () => {
  const allocs = [
    { id: 'a', project_id: 'x', person_id: 'p1', start: '2025-01-06', end: '2025-01-12', hours_per_day: 6 },
    { id: 'b', project_id: 'y', person_id: 'p1', start: '2025-01-08', end: '2025-01-08', hours_per_day: 4, tentative: true },
  ];
  const off = indexTimeOff([{ id: 't', person_id: 'p1', start: '2025-01-09', end: '2025-01-09' }]);
  assert.deepEqual(bookedOn(full, allocs, D('2025-01-11'), off), { confirmed: 0, tentative: 0 }, 'weekend books nothing');
  assert.deepEqual(bookedOn(full, allocs, D('2025-01-09'), off), { confirmed: 0, tentative: 0 }, 'day off books nothing');
  const st = dayStats(full, allocs, D('2025-01-08'), off);
  assert.equal(st.capacity, 8);
  assert.equal(st.confirmed, 6);
  assert.equal(st.tentative, 4);
  assert.equal(st.over, 2);
  assert.equal(st.free, 0);
  const mon = dayStats(full, allocs, D('2025-01-06'), off);
  assert.equal(mon.free, 2);
  assert.equal(mon.over, 0);
  const r = rangeStats(full, allocs, D('2025-01-06'), D('2025-01-12'), off);
  assert.equal(r.capacity, 32); // 5 days minus one day off
  assert.equal(r.confirmed, 24); // 4 working days x 6
  assert.equal(r.tentative, 4);
  assert.equal(r.over, 2);
  assert.equal(r.overDays, 1);
  assert.equal(r.utilisation, 24 / 32);
  assert.equal(allocationHours(allocs[0], full, off), 24);
  assert.equal(allocationHours(allocs[0], full, off, D('2025-01-06'), D('2025-01-07')), 12);
  assert.equal(rangeStats(full, [], D('2025-01-11'), D('2025-01-12')).utilisation, null);
});

test('part-timer: capacity and bookings respect their week', () => {
  const a = [{ id: 'a', person_id: 'p2', project_id: 'x', start: '2025-01-06', end: '2025-01-17', hours_per_day: 5 }];
  const r = rangeStats(part, a, D('2025-01-06'), D('2025-01-17'));
  // working days in employment: Wed 8, Mon 13, Tue 14, Wed 15 -> 4 days x 4h
  assert.equal(r.capacity, 16);
  assert.equal(r.confirmed, 20);
  assert.equal(r.over, 4);
});

test('placeholders (no person) book every weekday', () => {
  const a = { id: 'a', placeholder_role: 'Dev', project_id: 'x', start: '2025-01-06', end: '2025-01-12', hours_per_day: 8 };
  assert.equal(allocationHours(a, null, null), 40);
});

test('lanes stack overlapping allocations', () => {
  const l = layoutLanes([
    { id: 'a', start: '2025-01-06', end: '2025-01-10' },
    { id: 'b', start: '2025-01-08', end: '2025-01-12' },
    { id: 'c', start: '2025-01-11', end: '2025-01-13' },
    { id: 'd', start: '2025-01-09', end: '2025-01-09' },
  ]);
  assert.equal(l.lanes.get('a'), 0);
  assert.equal(l.lanes.get('b'), 1);
  assert.equal(l.lanes.get('d'), 2);
  assert.equal(l.lanes.get('c'), 0);
  assert.equal(l.count, 3);
});
