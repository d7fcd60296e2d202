// What "booked" means, as the server defines it (src/domain/booked.rs); a
// shared fixture (web/test/fixtures/booked.json) checks that both agree.
// Per person and day: capacity is weekly_hours[weekday] (Monday first), less
// the hours of approved time off (personal or team-wide; all of them without
// `hours`), and 0 outside employment; requests still pending or declined take
// nothing away. An allocation
// books hours_per_day only on days with capacity, as scheduled (confirmed) or
// tentative hours; free = capacity - scheduled - tentative (at least 0); over
// = scheduled + tentative - capacity (at least 0). A placeholder books on the
// team's working days (Monday to Friday except team holidays). Hours are
// rounded to 2 decimals (roundHours) only when shown. Pure: no DOM.

import { toDay, weekdayOfDay, fromDay } from './dates.js';

export const DEFAULT_WEEKLY_HOURS = [8, 8, 8, 8, 8, 0, 0];

/** Whether time off takes capacity away: only approved time off does. */
export const counts = (t) => !t.status || t.status === 'approved';

/** The hours time off takes away on each day it covers: all of them without `hours`. */
export const hoursOff = (t) => (t.hours == null ? Infinity : Number(t.hours) || 0);

/** Index approved time off by person: {team: [[s,e,t]...], byPerson: Map(personId -> [[s,e,t]...])} in day numbers. */
export function indexTimeOff(timeoff) {
  const team = [];
  const byPerson = new Map();
  for (const t of timeoff || []) {
    if (!t || !t.start || !t.end || !counts(t)) continue;
    const span = [toDay(t.start), toDay(t.end), t];
    if (t.person_id == null || t.person_id === '') team.push(span);
    else {
      let l = byPerson.get(t.person_id);
      if (!l) byPerson.set(t.person_id, (l = []));
      l.push(span);
    }
  }
  return { team, byPerson };
}

const EMPTY_OFF = { team: [], byPerson: new Map() };

/** The time-off entry covering the day for the person (or team-wide), else null. */
export function timeOffOn(off, personId, day) {
  off = off || EMPTY_OFF;
  for (const s of off.team) if (s[0] <= day && day <= s[1]) return s[2];
  const l = off.byPerson.get(personId);
  if (l) for (const s of l) if (s[0] <= day && day <= s[1]) return s[2];
  return null;
}

function employed(person, day) {
  if (person.start_date && day < toDay(person.start_date)) return false;
  if (person.end_date && day > toDay(person.end_date)) return false;
  return true;
}

/** Rounds hours as the server does: 2 decimals. */
export const roundHours = (x) => { const r = Math.round(x * 100) / 100; return r === 0 ? 0 : r; };

/** Rounds a ratio such as utilisation as the server does: 4 decimals. */
export const roundRatio = (x) => Math.round(x * 10000) / 10000;

/** Hours off on a day: the team's, and with a person id theirs too (Infinity: the whole day). */
export function hoursOffOn(off, personId, day) {
  off = off || EMPTY_OFF;
  let h = 0;
  for (const s of off.team) if (s[0] <= day && day <= s[1]) h += hoursOff(s[2]);
  const l = personId != null ? off.byPerson.get(personId) : null;
  if (l) for (const s of l) if (s[0] <= day && day <= s[1]) h += hoursOff(s[2]);
  return h;
}

/** A placeholder row's capacity: a standard day on the team's working days, less team-wide time off. */
export function placeholderCapacityOn(day, off) {
  if (weekdayOfDay(day) >= 5) return 0;
  return Math.max(0, 8 - hoursOffOn(off, null, day));
}

/** Hours the person can work on a day number. */
export function capacityOn(person, day, off) {
  if (!person) return 0;
  if (!employed(person, day)) return 0;
  const wh = Array.isArray(person.weekly_hours) && person.weekly_hours.length === 7 ? person.weekly_hours : DEFAULT_WEEKLY_HOURS;
  return Math.max(0, (Number(wh[weekdayOfDay(day)]) || 0) - hoursOffOn(off, person.id, day));
}

/** Normalise an allocation's dates to day numbers (cached on a side table). */
const spanCache = new WeakMap();
export function allocSpan(a) {
  let s = spanCache.get(a);
  if (!s) { s = [toDay(a.start), toDay(a.end)]; spanCache.set(a, s); }
  return s;
}

/**
 * Booked hours for one person on one day from the given allocations (all of
 * them that person's): {confirmed, tentative}. Nothing is booked on a day
 * without capacity. For placeholders (no person) pass person = null: every
 * weekday books.
 */
export function bookedOn(person, allocs, day, off) {
  let confirmed = 0, tentative = 0;
  const cap = person ? capacityOn(person, day, off) : placeholderCapacityOn(day, off);
  if (cap <= 0) return { confirmed, tentative };
  for (const a of allocs) {
    const [s, e] = allocSpan(a);
    if (s <= day && day <= e) {
      const h = Number(a.hours_per_day) || 0;
      if (a.tentative) tentative += h; else confirmed += h;
    }
  }
  return { confirmed, tentative };
}

/** Everything a timeline cell needs for one day. over = hours above capacity (confirmed + tentative). */
export function dayStats(person, allocs, day, off) {
  const capacity = capacityOn(person, day, off);
  const { confirmed, tentative } = bookedOn(person, allocs, day, off);
  const booked = confirmed + tentative;
  return {
    capacity,
    confirmed,
    tentative,
    booked,
    over: Math.max(0, booked - capacity),
    free: Math.max(0, capacity - booked),
    // a whole day off (part of a day off leaves the day's cell as it is)
    off: hoursOffOn(off, person && person.id, day) === Infinity,
  };
}

/**
 * Sum over the inclusive day-number range [from, to], as the utilisation
 * report sums it: utilisation = confirmed / capacity, tentativeUtilisation =
 * tentative / capacity (null if the capacity is 0); unscheduled = capacity
 * not covered by confirmed hours.
 */
export function rangeStats(person, allocs, from, to, off) {
  let capacity = 0, confirmed = 0, tentative = 0, over = 0, free = 0, unscheduled = 0, overDays = 0;
  // only allocations that overlap the range matter
  const rel = allocs.filter((a) => { const [s, e] = allocSpan(a); return s <= to && from <= e; });
  for (let d = from; d <= to; d++) {
    const st = dayStats(person, rel, d, off);
    capacity += st.capacity; confirmed += st.confirmed; tentative += st.tentative;
    over += st.over; free += st.free; unscheduled += Math.max(0, st.capacity - st.confirmed);
    if (st.over > 0) overDays++;
  }
  return {
    capacity, confirmed, tentative, over, free, unscheduled, overDays,
    utilisation: capacity > 0 ? confirmed / capacity : null,
    tentativeUtilisation: capacity > 0 ? tentative / capacity : null,
  };
}

/** Hours an allocation books in total (optionally clipped to [from, to] day numbers). */
export function allocationHours(a, person, off, from = -Infinity, to = Infinity) {
  const [s, e] = allocSpan(a);
  const lo = Math.max(s, from), hi = Math.min(e, to);
  const h = Number(a.hours_per_day) || 0;
  let total = 0;
  for (let d = lo; d <= hi; d++) {
    const cap = person ? capacityOn(person, d, off) : placeholderCapacityOn(d, off);
    if (cap > 0) total += h;
  }
  return total;
}

/**
 * Scheduled and tentative hours per project id over the allocations' whole
 * ranges (people on their working days, placeholders on the team's), like
 * GET /prj/{id}/summary: Map(projectId -> {scheduled, tentative}).
 */
export function hoursByProject(people, allocations, timeoff) {
  const byId = new Map((people || []).map((p) => [p.id, p]));
  const off = indexTimeOff(timeoff);
  const map = new Map();
  for (const a of allocations) {
    const person = a.person_id ? byId.get(a.person_id) : null;
    if (a.person_id && !person) continue;
    let t = map.get(a.project_id);
    if (!t) map.set(a.project_id, (t = { scheduled: 0, tentative: 0 }));
    const h = allocationHours(a, person, off);
    if (a.tentative) t.tentative += h; else t.scheduled += h;
  }
  return map;
}

/** "Scheduled 40h · Tentative 20h": how every screen labels a project's or person's hours. */
export function hoursLabel(h) {
  return `Scheduled ${fmtHours(h.scheduled || 0)} · Tentative ${fmtHours(h.tentative || 0)}`;
}

/**
 * The hours per day a new booking of `person` over [from, to] (day numbers)
 * starts with, as the server picks them when none are given: the least the
 * person has free on a working day of the range; if a working day has
 * nothing free, their capacity that day (overbooked = true: the booking will
 * overbook them); 8 when the range has no working day.
 * {hours, overbooked, free}.
 */
export function defaultHours(person, allocs, from, to, off) {
  if (!person) return { hours: 8, overbooked: false, free: null };
  let leastFree = Infinity, leastCap = Infinity;
  for (let d = from; d <= to; d++) {
    const st = dayStats(person, allocs, d, off);
    if (st.capacity <= 0) continue;
    leastFree = Math.min(leastFree, st.free);
    leastCap = Math.min(leastCap, st.capacity);
  }
  if (leastCap === Infinity) return { hours: 8, overbooked: false, free: null };
  if (leastFree > 0) return { hours: roundHours(Math.min(24, leastFree)), overbooked: false, free: leastFree };
  return { hours: roundHours(Math.min(24, leastCap)), overbooked: true, free: 0 };
}

/** The hours a new booking on a timeline row starts with (see defaultHours); 8 on a placeholder row. */
export function newBookingHours(row, start, end, timeoff) {
  if (!row || row.kind !== 'person' || !start || !end) return 8;
  return defaultHours(row.person, row.allocs || [], toDay(start), toDay(end), indexTimeOff(timeoff)).hours;
}

/**
 * What a booking of `hours` a day over [from, to] would do to the person:
 * the days it would leave them over capacity and by how much in all.
 * {days, hours}.
 */
export function overbookingBy(person, allocs, from, to, hours, off) {
  let days = 0, over = 0;
  if (!person || !(hours > 0)) return { days, hours: over };
  for (let d = from; d <= to; d++) {
    const st = dayStats(person, allocs, d, off);
    if (st.capacity <= 0) continue;
    const o = st.confirmed + st.tentative + hours - st.capacity;
    if (o > 1e-9) { days++; over += Math.min(o, hours); }
  }
  return { days, hours: roundHours(over) };
}

/**
 * Stack overlapping allocations into lanes (greedy, by start then longer
 * first). Returns {lanes: Map(id -> lane), count}.
 */
export function layoutLanes(allocs) {
  // spans looked up once per allocation, not twice per comparison
  const items = allocs.map((a) => { const [s, e] = allocSpan(a); return { id: a.id, s, e }; });
  items.sort((a, b) => a.s - b.s || b.e - a.e || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const laneEnds = [];
  const lanes = new Map();
  for (const { id, s, e } of items) {
    let lane = laneEnds.findIndex((end) => end < s);
    if (lane < 0) { lane = laneEnds.length; laneEnds.push(e); } else laneEnds[lane] = e;
    lanes.set(id, lane);
  }
  return { lanes, count: laneEnds.length };
}

/** Format hours compactly: 8 -> '8h', 7.5 -> '7.5h'. */
export function fmtHours(h) {
  const r = Math.round(h * 100) / 100;
  return `${r}h`;
}

export { fromDay };
