// The day cells of a timeline row: what one cell (a day, or a week at the
// month scale) holds, what it is called, and the capacity strip under them.
import { fromDay, shortLabel } from '../dates.js';
import { dayStats, bookedOn } from '../capacity.js';
import { fmtNum } from './ui.js';

/**
 * A day cell's accessible name. It holds the words the cell shows (the reason
 * for a day off; the hours over capacity, rounded in a narrow cell), so that
 * what is seen is what is heard.
 */
export function cellLabel(rowTitle, from, st, unit, narrow, reason) {
  const when = unit === 7 ? `Week of ${shortLabel(fromDay(from))}` : shortLabel(fromDay(from));
  if (st.capacity === 0 && st.booked === 0) return `${rowTitle}, ${when}: ${st.off ? (reason ? `day off, ${reason}` : 'day off') : 'no capacity'}`;
  let s = `${rowTitle}, ${when}: ${fmtNum(st.confirmed)}h scheduled${st.tentative ? ` and ${fmtNum(st.tentative)}h tentative` : ''} of ${fmtNum(st.capacity)}h`;
  if (st.over > 0) s += narrow ? `, overbooked by ${fmtNum(st.over, 0)} hours` : `, overbooked by ${fmtNum(st.over)}h`;
  else if (st.free > 0) s += `, ${fmtNum(st.free)}h free`;
  return s;
}

export function aggregate(person, allocs, from, to, off) {
  const out = { capacity: 0, confirmed: 0, tentative: 0, booked: 0, over: 0, free: 0, off: false };
  let offDays = 0, days = 0;
  for (let d = from; d <= to; d++) {
    const st = dayStats(person, allocs, d, off);
    out.capacity += st.capacity; out.confirmed += st.confirmed; out.tentative += st.tentative; out.booked += st.booked;
    out.over += st.over; out.free += st.free;
    if (st.off) offDays++;
    days++;
  }
  out.off = offDays > 0 && offDays >= days - 2;
  return out;
}

/** A placeholder row's day: it books on the team's working days, as capacity.js says. */
export function placeholderStats(allocs, day, off) {
  const { confirmed, tentative } = bookedOn(null, allocs, day, off);
  return { capacity: 0, confirmed, tentative, booked: confirmed + tentative, over: 0, free: 0, off: false };
}

// only the focused cell has an id (for the grid's aria-activedescendant)
export const cellId = (rowIndex, day) => `cell-${rowIndex}-${day}`;

const CAP_FILL = '#69c07f', CAP_FULL = '#37b24d', CAP_OVER = '#e03131', CAP_TRACK = '#dff3e4', CAP_TENTATIVE = '#b7e0c1';
/**
 * Gradient stops drawing one cell's capacity bar: the scheduled share filled,
 * then the tentative share lighter, the rest as track; red when overbooked.
 */
export function capacityStops(x, width, scheduled, booked, over) {
  const a = x + 3, b = x + width - 3;
  const at = (r) => a + Math.round((b - a) * Math.min(1, r) * 10) / 10;
  if (over) return `transparent ${a}px, ${CAP_OVER} ${a}px ${b}px, transparent ${b}px`;
  const f = at(scheduled), t = at(booked);
  const fill = booked >= 1 ? CAP_FULL : CAP_FILL;
  return `transparent ${a}px, ${fill} ${a}px ${f}px, ${CAP_TENTATIVE} ${f}px ${t}px, ${CAP_TRACK} ${t}px ${b}px, transparent ${b}px`;
}
