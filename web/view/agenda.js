// The schedule on a phone: one person's weeks as a list of days and their
// bookings (the grid needs a wide screen). It shows the same place in time as
// the timeline (the week at its left edge), and the same filters.
import { myPerson } from '../page/timeoff.js';
import { h } from '../vdom.js';
import { toDay, fromDay, shortLabel, spanLabel, isoWeek, startOfWeekDay, isWeekendDay } from '../dates.js';
import { dayStats, allocSpan, timeOffOn, indexTimeOff, fmtHours } from '../capacity.js';
import { buildRows, dayWidth } from '../schedule.js';
import { canEdit } from '../update.js';
import { button, field, fmtNum } from './ui.js';

/** Weeks the agenda shows at once. */
export const AGENDA_WEEKS = 3;

let bound = false;
/** The page's hook: tells update how wide the window is, now and on every resize. */
export function viewportHook(dispatch) {
  return {
    create: () => {
      const tell = () => dispatch({ type: 'Viewport', w: window.innerWidth });
      queueMicrotask(tell);
      if (!bound) { bound = true; window.addEventListener('resize', tell); }
    },
  };
}

/** The Monday of the agenda's first week: the week at the timeline's left edge. */
export function agendaStart(s) {
  return startOfWeekDay(toDay(s.origin) + Math.floor(s.scrollLeft / dayWidth(s.zoom)) + 3);
}

let offMemo = { timeoff: null, idx: null };
const offIndex = (t) => (offMemo.timeoff === t ? offMemo.idx : (offMemo = { timeoff: t, idx: indexTimeOff(t) }).idx);

export function agendaView(m, dispatch) {
  const s = m.sched;
  const layout = buildRows(m.data, s);
  if (!layout.rows.length) {
    return h('div', { class: 'agenda', 'data-testid': 'agenda' },
      h('p', { class: 'muted' }, m.loaded.people ? (m.data.people.length ? 'Nobody matches these filters.' : 'No people yet.') : 'Loading…'));
  }
  // the person linked to this login, else the one with its email
  const me = myPerson(m) || (m.user && m.data.people.find((p) => p.email && p.email === m.user.email));
  const row = layout.rows[layout.index.get(s.agendaRow)] || (me && layout.rows[layout.index.get('p:' + me.id)]) || layout.rows[0];
  const off = offIndex(m.data.timeoff);
  const projects = new Map(m.data.projects.map((p) => [p.id, p]));
  const from = agendaStart(s);
  const editable = canEdit(m);
  const weeks = [];
  for (let w = 0; w < AGENDA_WEEKS; w++) {
    const mon = from + 7 * w;
    const days = [];
    let booked = 0, capacity = 0;
    for (let d = mon; d < mon + 7; d++) {
      const allocs = row.allocs.filter((a) => { const [as, ae] = allocSpan(a); return as <= d && d <= ae; });
      const st = row.person ? dayStats(row.person, allocs, d, off) : null;
      if (st) { booked += st.booked; capacity += st.capacity; }
      const away = timeOffOn(off, row.person && row.person.id, d);
      if (isWeekendDay(d) && !allocs.length && !away) continue;
      const ds = fromDay(d);
      days.push(h('li', { key: ds, class: 'agenda-day' + (ds === m.today ? ' today' : '') + (st && st.over > 0 ? ' over' : ''), 'data-testid': 'agenda-day', 'data-date': ds },
        h('div', { class: 'agenda-date' },
          h('span', { class: 'agenda-wd' }, shortLabel(ds)),
          st && st.capacity > 0 ? h('span', { class: 'agenda-hours' + (st.over > 0 ? ' over' : '') }, st.over > 0 ? `${fmtNum(st.booked)}h of ${fmtNum(st.capacity)}h, ${fmtNum(st.over)}h over` : `${fmtNum(st.booked)}h of ${fmtNum(st.capacity)}h`) : null),
        away ? h('div', { class: 'agenda-off' }, away.reason || 'Time off') : null,
        allocs.length || away ? null : h('div', { class: 'agenda-free muted' }, 'Nothing booked'),
        allocs.map((a) => {
          const p = projects.get(a.project_id);
          return h('button', { key: a.id, type: 'button', class: 'agenda-booking' + (a.tentative ? ' tentative' : ''), 'data-testid': 'agenda-booking', 'data-allocation-id': a.id, style: { '--bar': p && /^#[0-9a-f]{6}$/i.test(p.color || '') ? p.color : '#4a65e8' }, on: { click: () => dispatch({ type: 'OpenEditAlloc', id: a.id }) } },
            h('span', { class: 'agenda-project' }, p ? p.name : 'Unknown project'),
            h('span', { class: 'agenda-meta' }, `${fmtNum(Number(a.hours_per_day), 2)}h${a.tentative ? ' · tentative' : ''} · ${spanLabel(a.start, a.end)}`));
        }),
        editable ? button('Book', () => dispatch({ type: 'OpenNewAlloc', rowKey: row.key, start: ds }), 'small ghost agenda-book', { 'aria-label': `Book ${row.title} on ${shortLabel(ds)}` }) : null));
    }
    const mons = fromDay(mon);
    weeks.push(h('section', { key: mons, class: 'agenda-week', 'data-testid': 'agenda-week', 'aria-labelledby': 'aw-' + mons },
      h('h2', { id: 'aw-' + mons }, `Week ${isoWeek(mons).week} · ${spanLabel(mons, fromDay(mon + 6))}`,
        row.person ? h('span', { class: 'muted agenda-total' }, ` ${fmtHours(booked)} of ${fmtHours(capacity)}`) : null),
      h('ul', {}, days)));
  }
  return h('div', { class: 'agenda', 'data-testid': 'agenda', id: 'agenda', tabindex: '-1' },
    h('div', { class: 'agenda-bar' },
      field('Person', 'agenda-person', row.key, (v) => dispatch({ type: 'AgendaRow', row: v }), { options: layout.rows.map((r) => [r.key, r.kind === 'person' ? r.title : `${r.title} (placeholder)`]) }),
      h('div', { class: 'agenda-nav' },
        button('‹', () => dispatch({ type: 'Shift', days: -7 * AGENDA_WEEKS }), 'icon', { 'aria-label': 'Earlier weeks' }),
        button('This week', () => dispatch({ type: 'GoToday' }), ''),
        button('›', () => dispatch({ type: 'Shift', days: 7 * AGENDA_WEEKS }), 'icon', { 'aria-label': 'Later weeks' }))),
    weeks);
}
