// The shared fixture: the web app's rules give the hours counted by hand, as
// the server's do (src/domain/booked/tests.rs, tests/booked.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { toDay } from '../dates.js';
import { dayStats, rangeStats, indexTimeOff, hoursByProject, defaultHours, roundHours, overbookingBy, newBookingHours } from '../capacity.js';
import { utilisationReport, pipelineReport } from '../reports.js';
import { empty, putAll } from '../store.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/booked.json', import.meta.url), 'utf8'));
const { people, allocations, timeoff, expected } = fixture;
const off = indexTimeOff(timeoff);
const person = (id) => people.find((p) => p.id === id);
const mine = (id) => allocations.filter((a) => a.person_id === id);
const from = toDay(fixture.from), to = toDay(fixture.to);

test('each day books what the fixture counted by hand', () => {
  for (const [id, days] of Object.entries(expected.days)) {
    const got = [];
    for (let d = from; d <= to; d++) {
      const st = dayStats(person(id), mine(id), d, off);
      got.push([st.capacity, st.confirmed, st.tentative]);
    }
    assert.deepEqual(got, days, id);
  }
});

test('a person\'s sums over the range are the utilisation report\'s', () => {
  for (const [id, want] of Object.entries(expected.people)) {
    const r = rangeStats(person(id), mine(id), from, to, off);
    assert.deepEqual({
      capacity_hours: roundHours(r.capacity), scheduled_hours: roundHours(r.confirmed), tentative_hours: roundHours(r.tentative),
      unscheduled_hours: roundHours(r.unscheduled), free_hours: roundHours(r.free), overbooked_hours: roundHours(r.over),
      utilisation: Math.round(r.utilisation * 1e4) / 1e4, tentative_utilisation: Math.round(r.tentativeUtilisation * 1e4) / 1e4,
    }, want, id);
  }
});

test('projects sum scheduled and tentative hours apart', () => {
  const map = hoursByProject(people, allocations, timeoff);
  for (const [id, want] of Object.entries(expected.projects)) {
    const h = map.get(id);
    assert.deepEqual({ scheduled_hours: roundHours(h.scheduled), tentative_hours: roundHours(h.tentative) }, want, id);
  }
});

test('a new booking starts with the hours left free, or the capacity when none are', () => {
  for (const c of expected.default_hours) {
    const got = defaultHours(person(c.person_id), mine(c.person_id), toDay(c.start), toDay(c.end), off);
    assert.equal(got.hours, c.hours, JSON.stringify(c));
  }
  assert.equal(defaultHours(person('ann'), mine('ann'), toDay('2026-03-09'), toDay('2026-03-10'), off).overbooked, true);
  assert.equal(defaultHours(person('ann'), mine('ann'), toDay('2026-03-02'), toDay('2026-03-04'), off).overbooked, false);
});

test('the reports computed in the browser give the server\'s numbers', () => {
  const data = { people, projects: fixture.projects, allocations: putAll(empty(), allocations), timeoff };
  const u = utilisationReport(data, fixture.from, fixture.to);
  for (const [id, want] of Object.entries(expected.people)) {
    const row = u.people.find((p) => p.person_id === id);
    for (const k of Object.keys(want)) assert.equal(row[k], want[k], `${id} ${k}`);
  }
  for (const k of Object.keys(expected.totals)) assert.equal(u.totals[k], expected.totals[k], k);
  const p = pipelineReport(data, fixture.from, fixture.to);
  assert.deepEqual(p.weeks.map((w) => ({ start: w.start, end: w.end, capacity_hours: w.capacity_hours, confirmed_hours: w.confirmed_hours, tentative_hours: w.tentative_hours })), expected.weeks);
});

test('a booking that would overbook says by how much, counting tentative work', () => {
  const ann = person('ann');
  // Mon-Wed 03-02..03-04: 2h free a day; 3h a day is 1h over on each.
  assert.deepEqual(overbookingBy(ann, mine('ann'), toDay('2026-03-02'), toDay('2026-03-04'), 3, off), { days: 3, hours: 3 });
  assert.deepEqual(overbookingBy(ann, mine('ann'), toDay('2026-03-02'), toDay('2026-03-04'), 2, off), { days: 0, hours: 0 });
  // 03-09..03-11: already 2h over (tentative) on two days, off on the third: 1h more each.
  assert.deepEqual(overbookingBy(ann, mine('ann'), toDay('2026-03-09'), toDay('2026-03-11'), 1, off), { days: 2, hours: 2 });
});

test('a new booking on a timeline row starts with the person\'s free hours; a placeholder with 8', () => {
  const row = { kind: 'person', person: person('ben'), allocs: mine('ben') };
  assert.equal(newBookingHours(row, '2026-03-11', '2026-03-11', timeoff), 2);
  assert.equal(newBookingHours({ kind: 'placeholder', allocs: [] }, '2026-03-11', '2026-03-11', timeoff), 8);
});
