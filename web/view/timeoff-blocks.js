// Time off on the timeline: one block per entry on its person's row (a team
// holiday on every person's row), labelled with its kind of leave. A request
// waiting for a manager is drawn dashed; a declined one is not drawn. Where a
// booking runs through approved time off (or, on part of a day off, books more
// than the hours left) the block shows a red conflict marker over those days.
//
// The block itself lets the pointer through (dragging across it still books);
// its label is the handle that opens it: clicked, or focused and Enter (Tab
// reaches it from the focused day it covers, after the booking there).
import { h } from '../vdom.js';
import { toDay, fromDay, spanLabel, weekdayOfDay } from '../dates.js';
import { allocSpan, dayStats, counts } from '../capacity.js';
import { SIDEBAR } from '../schedule.js';

export const LEAVE_LABEL = { holiday: 'Holiday', time_off: 'Time off', sick: 'Sick', other: 'Other leave' };
export const leaveLabel = (t) => LEAVE_LABEL[t.type] || (t.person_id ? 'Time off' : 'Holiday');

/** "Holiday", "Sick · 4h a day", "Time off (requested)". */
export function timeOffTitle(t) {
  return `${leaveLabel(t)}${t.hours != null ? ` · ${Number(t.hours)}h a day` : ''}${t.status === 'pending' ? ' (requested)' : ''}`;
}

const EMPTY = [];
let rowMemo = { timeoff: null, team: EMPTY, byPerson: new Map() };
/** The time off drawn on a person's row: theirs and the team's, not declined, by start. */
export function rowTimeOff(timeoff, personId) {
  if (rowMemo.timeoff !== timeoff) {
    const team = [], byPerson = new Map();
    const shown = (timeoff || []).filter((t) => t && t.status !== 'declined')
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (const t of shown) {
      if (t.person_id == null) { team.push(t); continue; }
      let l = byPerson.get(t.person_id);
      if (!l) byPerson.set(t.person_id, (l = []));
      l.push(t);
    }
    rowMemo = { timeoff, team, byPerson };
  }
  const mine = rowMemo.byPerson.get(personId) || EMPTY;
  return rowMemo.team.length ? [...rowMemo.team, ...mine] : mine;
}

function works(person, day) {
  const wh = Array.isArray(person.weekly_hours) ? person.weekly_hours : [8, 8, 8, 8, 8, 0, 0];
  return Number(wh[weekdayOfDay(day)]) > 0;
}

/**
 * The days of `t` on which the person's bookings conflict with it, as runs
 * [[from, to, bookings]] of day numbers: on a whole day off, any booking on a
 * working day; on part of a day, more booked than the hours left. A request
 * not yet approved is checked as if it were.
 */
export function conflictRuns(t, person, allocs, off, from = -Infinity, to = Infinity) {
  const s = Math.max(toDay(t.start), from), e = Math.min(toDay(t.end), to);
  const rel = allocs.filter((a) => { const [as, ae] = allocSpan(a); return as <= e && ae >= s; });
  if (!rel.length) return [];
  const runs = [];
  let run = null;
  for (let d = s; d <= e; d++) {
    const on = rel.filter((a) => { const [as, ae] = allocSpan(a); return as <= d && d <= ae; });
    let clash = false;
    if (on.length && works(person, d)) {
      if (t.hours == null) clash = true;
      else {
        // as if approved: this entry's hours come off the day's capacity
        const st = dayStats(person, on, d, off);
        const cap = counts(t) ? st.capacity : Math.max(0, st.capacity - Number(t.hours));
        clash = st.booked > cap + 1e-9;
      }
    }
    if (clash) {
      if (run && run[1] === d - 1) { run[1] = d; for (const a of on) run[2].add(a.id); } else { run = [d, d, new Set(on.map((a) => a.id))]; runs.push(run); }
    }
  }
  return runs;
}

/**
 * The blocks of one person's row over the days [firstDay, lastDay] in view:
 * vnodes to put under the row's bars (`blocks`) and the labels to put over
 * them (`labels`).
 */
export function timeOffBlocks(row, entries, { firstDay, lastDay, origin, dayW, rowHeight, off, focusDays = null }) {
  const person = row.person;
  const blocks = [], labels = [];
  if (!person || !entries.length) return { blocks, labels };
  for (const t of entries) {
    const s = toDay(t.start), e = toDay(t.end);
    if (e < firstDay || s > lastDay) continue;
    const pending = t.status === 'pending';
    const runs = conflictRuns(t, person, row.allocs, off);
    const clashing = new Set(runs.flatMap((r) => [...r[2]]));
    const left = SIDEBAR + (s - origin) * dayW;
    const width = (e - s + 1) * dayW;
    const title = timeOffTitle(t);
    // the name holds the label's words as shown ("Time off · 4h a day (requested)")
    const what = `${person.name}, ${title}, ${spanLabel(t.start, t.end)}${t.person_id == null ? ', whole team' : ''}${pending ? ', waiting for approval' : ''}${t.reason ? `: ${t.reason}` : ''}`;
    const conflict = clashing.size ? `; ${pending ? 'would conflict' : 'conflicts'} with ${clashing.size} ${clashing.size === 1 ? 'booking' : 'bookings'}` : '';
    const cls = `to-${t.type || (t.person_id ? 'time_off' : 'holiday')}${pending ? ' pending' : ''}${clashing.size ? ' conflict' : ''}${t.hours != null ? ' part' : ''}`;
    blocks.push(h('div', {
      key: 'to:' + t.id, class: 'timeoff-block ' + cls, 'aria-hidden': 'true',
      style: { left: `${left}px`, width: `${Math.max(3, width)}px`, height: `${rowHeight - 1}px` },
    },
    runs.map(([a, b]) => h('span', {
      key: 'c' + a, class: 'timeoff-conflict', 'data-testid': 'timeoff-conflict', 'data-from': fromDay(a), 'data-to': fromDay(b),
      style: { left: `${(a - s) * dayW}px`, width: `${(b - a + 1) * dayW}px` },
    }))));
    // the label stays inside the part of the block in view
    const shown = Math.max(s, firstDay);
    // in the Tab order only from a focused day it covers (as the bars are)
    const reached = !!focusDays && s <= focusDays[1] && focusDays[0] <= e;
    labels.push(h('div', {
      key: 'tol:' + t.id, class: 'timeoff-label ' + cls + (width < 64 ? ' narrow' : ''), role: 'gridcell', 'data-testid': 'timeoff-block',
      'data-timeoff-id': t.id, 'data-type': t.type || '', 'data-status': t.status || 'approved', 'data-start': t.start, 'data-end': t.end,
      'data-conflicts': String(clashing.size),
      'aria-label': what + conflict, title: what + conflict, tabindex: reached ? '0' : '-1', 'aria-haspopup': 'dialog',
      style: { left: `${SIDEBAR + (shown - origin) * dayW + 2}px`, maxWidth: `${Math.max(14, (e - shown + 1) * dayW - 4)}px` },
    }, width >= 130 ? title : width >= 64 ? leaveLabel(t) : leaveLabel(t).slice(0, 1)));
  }
  return { blocks, labels };
}
