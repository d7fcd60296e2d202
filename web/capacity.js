// Capacity and bookings per person per day, following the API's semantics:
// capacity is weekly_hours[weekday] (Monday first), 0 on a day off (personal
// or team-wide) and outside employment; an allocation books hours_per_day
// only on days where the person has capacity. Pure: no DOM.

import { toDay, weekdayOfDay, fromDay } from './dates.js';

export const DEFAULT_WEEKLY_HOURS = [8, 8, 8, 8, 8, 0, 0];

/** Index time off by person: {team: [[s,e]...], byPerson: Map(personId -> [[s,e]...])} in day numbers. */
export function indexTimeOff(timeoff) {
  const team = [];
  const byPerson = new Map();
  for (const t of timeoff || []) {
    if (!t || !t.start || !t.end) continue;
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

/** Hours the person can work on a day number. */
export function capacityOn(person, day, off) {
  if (!person) return 0;
  if (!employed(person, day)) return 0;
  if (timeOffOn(off, person.id, day)) return 0;
  const wh = Array.isArray(person.weekly_hours) && person.weekly_hours.length === 7 ? person.weekly_hours : DEFAULT_WEEKLY_HOURS;
  return Number(wh[weekdayOfDay(day)]) || 0;
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
  const cap = person ? capacityOn(person, day, off) : (weekdayOfDay(day) < 5 ? 1 : 0);
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
    off: !!timeOffOn(off, person && person.id, day),
  };
}

/** Sum over the inclusive day-number range [from, to]. utilisation = confirmed / capacity (null if 0). */
export function rangeStats(person, allocs, from, to, off) {
  let capacity = 0, confirmed = 0, tentative = 0, over = 0, free = 0, overDays = 0;
  // only allocations that overlap the range matter
  const rel = allocs.filter((a) => { const [s, e] = allocSpan(a); return s <= to && from <= e; });
  for (let d = from; d <= to; d++) {
    const st = dayStats(person, rel, d, off);
    capacity += st.capacity; confirmed += st.confirmed; tentative += st.tentative;
    over += st.over; free += st.free;
    if (st.over > 0) overDays++;
  }
  return { capacity, confirmed, tentative, over, free, overDays, utilisation: capacity > 0 ? confirmed / capacity : null };
}

/** Hours an allocation books in total (optionally clipped to [from, to] day numbers). */
export function allocationHours(a, person, off, from = -Infinity, to = Infinity) {
  const [s, e] = allocSpan(a);
  const lo = Math.max(s, from), hi = Math.min(e, to);
  const h = Number(a.hours_per_day) || 0;
  let total = 0;
  for (let d = lo; d <= hi; d++) {
    const cap = person ? capacityOn(person, d, off) : (weekdayOfDay(d) < 5 ? 1 : 0);
    if (cap > 0) total += h;
  }
  return total;
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
