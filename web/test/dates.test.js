import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as d from '../dates.js';

test('day numbers round-trip', () => {
  assert.equal(d.toDay('1970-01-01'), 0);
  assert.equal(d.fromDay(0), '1970-01-01');
  for (const s of ['2024-02-29', '2025-12-31', '2026-01-01', '1999-07-04']) assert.equal(d.fromDay(d.toDay(s)), s);
});

test('addDays and diffDays cross months, years and leap days', () => {
  assert.equal(d.addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(d.addDays('2024-02-29', 1), '2024-03-01');
  assert.equal(d.addDays('2025-12-31', 1), '2026-01-01');
  assert.equal(d.addDays('2026-01-01', -1), '2025-12-31');
  assert.equal(d.diffDays('2025-01-01', '2026-01-01'), 365);
  assert.equal(d.diffDays('2024-01-01', '2025-01-01'), 366);
});

test('weekday is Monday-first', () => {
  assert.equal(d.weekday('2025-01-06'), 0); // Monday
  assert.equal(d.weekday('2025-01-11'), 5); // Saturday
  assert.equal(d.weekday('2025-01-12'), 6); // Sunday
  assert.equal(d.weekday('1970-01-01'), 3); // Thursday
  assert.ok(d.isWeekend('2025-01-12'));
  assert.ok(!d.isWeekend('2025-01-10'));
});

test('startOfWeek goes back to Monday', () => {
  assert.equal(d.startOfWeek('2025-01-12'), '2025-01-06');
  assert.equal(d.startOfWeek('2025-01-06'), '2025-01-06');
  assert.equal(d.startOfWeek('2025-01-01'), '2024-12-30');
});

test('ISO weeks', () => {
  assert.deepEqual(d.isoWeek('2025-01-01'), { year: 2025, week: 1 });
  assert.deepEqual(d.isoWeek('2024-12-30'), { year: 2025, week: 1 });
  assert.deepEqual(d.isoWeek('2021-01-03'), { year: 2020, week: 53 });
  assert.deepEqual(d.isoWeek('2026-06-15'), { year: 2026, week: 25 });
  assert.deepEqual(d.isoWeek('2026-12-31'), { year: 2026, week: 53 });
});

test('months', () => {
  assert.equal(d.addMonths('2025-01-31', 1), '2025-02-28');
  assert.equal(d.addMonths('2024-01-31', 1), '2024-02-29');
  assert.equal(d.addMonths('2025-11-15', 3), '2026-02-15');
  assert.equal(d.startOfMonth('2025-11-15'), '2025-11-01');
  assert.equal(d.daysInMonth('2024-02-10'), 29);
});

test('validation, ranges, labels', () => {
  assert.ok(d.isDate('2024-02-29'));
  assert.ok(!d.isDate('2025-02-29'));
  assert.ok(!d.isDate('2025-2-1'));
  assert.deepEqual(d.range('2025-01-30', '2025-02-02'), ['2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02']);
  assert.equal(d.workingDaysBetween('2025-01-06', '2025-01-19'), 10);
  assert.ok(d.overlaps('2025-01-01', '2025-01-05', '2025-01-05', '2025-01-09'));
  assert.ok(!d.overlaps('2025-01-01', '2025-01-04', '2025-01-05', '2025-01-09'));
  assert.equal(d.shortLabel('2025-01-06'), 'Mon 6 Jan');
  assert.equal(d.spanLabel('2025-01-06', '2025-01-10'), '6 – 10 Jan 2025');
  assert.equal(d.today(new Date(2025, 0, 6, 23, 30)), '2025-01-06');
});
