import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utilisationReport, pipelineReport, utilisationCsv, toCsv } from '../reports.js';
import { fromList } from '../store.js';

// 2025-01-06 is a Monday; a part-timer, a holiday, a tentative booking, an overbooked day, a placeholder
const data = {
  people: [
    { id: 'a', name: 'Ann', weekly_hours: [8, 8, 8, 8, 8, 0, 0] },
    { id: 'b', name: 'Bob', weekly_hours: [4, 4, 4, 0, 0, 0, 0] },
    { id: 'z', name: 'Zed', archived: true },
  ],
  projects: [{ id: 'x', name: 'X', status: 'active', probability: 100 }, { id: 'l', name: 'Lead', status: 'lead', probability: 10 }],
  timeoff: [{ id: 't', person_id: null, start: '2025-01-10', end: '2025-01-10' }],
  allocations: fromList([
    { id: '1', project_id: 'x', person_id: 'a', start: '2025-01-06', end: '2025-01-12', hours_per_day: 6 },
    { id: '2', project_id: 'x', person_id: 'a', start: '2025-01-07', end: '2025-01-07', hours_per_day: 4 },
    { id: '3', project_id: 'l', person_id: 'b', start: '2025-01-06', end: '2025-01-08', hours_per_day: 2, tentative: true },
    { id: '4', project_id: 'l', placeholder_role: 'Dev', start: '2025-01-13', end: '2025-01-14', hours_per_day: 8 },
  ]),
};

test('utilisation by week, by hand', () => {
  const r = utilisationReport(data, '2025-01-06', '2025-01-19');
  assert.deepEqual(r.people.map((p) => p.name), ['Ann', 'Bob']);
  const [ann, bob] = r.people;
  const w1 = ann.periods[0];
  assert.equal(w1.start, '2025-01-06');
  assert.equal(w1.capacity_hours, 32); // Friday is a team holiday
  assert.equal(w1.scheduled_hours, 28); // 4 days x 6 + 4 on Tuesday
  assert.equal(w1.overbooked_hours, 2);
  assert.equal(w1.unscheduled_hours, 6); // 2h free on Mon, Wed, Thu
  assert.equal(w1.utilisation, 28 / 32);
  assert.equal(ann.periods[1].scheduled_hours, 0);
  assert.equal(ann.capacity_hours, 72);
  assert.equal(bob.periods[0].capacity_hours, 12);
  assert.equal(bob.periods[0].tentative_hours, 6);
  assert.equal(bob.periods[0].scheduled_hours, 0);
  assert.equal(r.totals.capacity_hours, 72 + 24);
});

test('pipeline by week, by hand', () => {
  const r = pipelineReport(data, '2025-01-06', '2025-01-19');
  const [w1, w2] = r.weeks;
  assert.equal(w1.start, '2025-01-06');
  assert.equal(w1.capacity_hours, 32 + 12);
  assert.equal(w1.confirmed_hours, 28);
  assert.equal(w1.tentative_hours, 6); // tentative, on a lead
  assert.equal(w1.weighted_hours, 28 + 0.6);
  assert.deepEqual(w2.placeholder_hours_by_role, { Dev: 16 });
  assert.equal(w2.weighted_hours, 1.6);
});

test('CSV has a header of field names and quotes when needed', () => {
  assert.equal(toCsv([{ a: 'x, y', b: 1.5 }], ['a', 'b']), 'a,b\n"x, y",1.5\n');
  const csv = utilisationCsv(utilisationReport(data, '2025-01-06', '2025-01-12'));
  assert.equal(csv.split('\n')[0], 'person_id,name,period_start,period_end,capacity_hours,scheduled_hours,tentative_hours,unscheduled_hours,overbooked_hours,utilisation,free_hours,tentative_utilisation');
  assert.match(csv, /^a,Ann,2025-01-06,2025-01-12,32,28,0,6,2,0.875,6,0$/m);
});
