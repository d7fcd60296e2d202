// Time off screens: the Time off page (requests to approve first), the
// time-off dialog and its read-only view, "My schedule" (a member's own weeks,
// bookings and time off, and the request form), and the Team page's choice of
// the person a login schedules.
import { h } from '../vdom.js';
import { button, pageHeader, empty, field, fmtNum } from './ui.js';
import { canEdit } from '../update.js';
import { spanLabel, toDay, fromDay, startOfWeekDay, shortLabel } from '../dates.js';
import { allocSpan, indexTimeOff, rangeStats, dayStats } from '../capacity.js';
import { forEach } from '../store.js';
import { LEAVE_TYPES, myPerson, mayChangeTimeOff } from '../page/timeoff.js';
import { leaveLabel, conflictRuns } from './timeoff-blocks.js';

const STATUS_LABEL = { approved: 'Approved', pending: 'Waiting for approval', declined: 'Declined' };

export function statusTag(t) {
  const s = t.status || 'approved';
  return h('span', { class: 'timeoff-status ' + s, 'data-testid': 'timeoff-status' }, STATUS_LABEL[s] || s);
}

const hoursText = (t) => (t.hours == null ? 'Whole days' : `${fmtNum(Number(t.hours), 2)}h a day`);
const days = (t) => toDay(t.end) - toDay(t.start) + 1;

/** Approve / Decline for a request (managers and owners). */
function decideButtons(m, t, dispatch) {
  if (!canEdit(m) || t.status !== 'pending') return null;
  const who = t.person_id ? (m.data.people.find((p) => p.id === t.person_id) || {}).name || 'someone' : 'everyone';
  return [
    button('Approve', () => dispatch({ type: 'TimeOffDecide', id: t.id, status: 'approved' }), 'small primary', { 'aria-label': `Approve time off for ${who}, ${spanLabel(t.start, t.end)}`, 'data-testid': 'timeoff-approve' }),
    button('Decline', () => dispatch({ type: 'TimeOffDecide', id: t.id, status: 'declined' }), 'small ghost danger-text', { 'aria-label': `Decline time off for ${who}, ${spanLabel(t.start, t.end)}`, 'data-testid': 'timeoff-decline' }),
  ];
}

export function timeoffView(m, dispatch) {
  const editable = canEdit(m);
  const me = myPerson(m);
  const people = new Map(m.data.people.map((p) => [p.id, p]));
  const byStart = (a, b) => (a.start < b.start ? 1 : -1);
  const waiting = m.data.timeoff.filter((t) => t.status === 'pending').sort(byStart);
  const list = m.data.timeoff.filter((t) => t.status !== 'pending').sort(byStart);
  const todayN = toDay(m.today);
  const table = (rows, testid) => h('table', { class: 'table', 'data-testid': testid },
    h('thead', {}, h('tr', {}, ['Who', 'Type', 'When', 'Days', 'Hours', 'Reason', 'Status', ''].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((t) => h('tr', { key: t.id, class: toDay(t.end) < todayN ? 'past' : '', 'data-testid': 'timeoff-row', 'data-timeoff-id': t.id, 'data-status': t.status || 'approved' },
      h('td', {}, t.person_id ? (people.get(t.person_id) || { name: 'Unknown person' }).name : h('strong', {}, 'Everyone')),
      h('td', {}, leaveLabel(t)),
      h('td', {}, spanLabel(t.start, t.end)),
      h('td', {}, String(days(t))),
      h('td', {}, hoursText(t)),
      h('td', {}, t.reason || h('span', { class: 'muted' }, '—')),
      h('td', {}, statusTag(t)),
      h('td', { class: 'right nowrap' },
        decideButtons(m, t, dispatch),
        mayChangeTimeOff(m, t) ? [
          button('Edit', () => dispatch({ type: 'OpenTimeOff', id: t.id }), 'small ghost', { 'aria-label': `Edit time off ${spanLabel(t.start, t.end)}`, 'data-testid': 'timeoff-edit' }),
          button(editable ? 'Remove' : 'Withdraw', () => dispatch({ type: 'Archive', what: 'timeoff', id: t.id }), 'small ghost danger-text', { 'aria-label': `${editable ? 'Remove' : 'Withdraw'} time off ${spanLabel(t.start, t.end)}` }),
        ] : null)))));
  const action = editable
    ? [button('Add time off', () => dispatch({ type: 'OpenDialog', kind: 'timeoff' }), 'primary', { 'data-testid': 'add-timeoff' })]
    : me ? [button('Request time off', () => dispatch({ type: 'OpenDialog', kind: 'timeoff' }), 'primary', { 'data-testid': 'add-timeoff' })] : [];
  return h('div', { class: 'page' },
    pageHeader('Time off', editable
      ? 'Holidays, leave and team-wide days off. Approved time off takes its hours from capacity; requests wait for you here.'
      : 'Holidays, leave and team-wide days off. Ask for your own here or on My schedule; a manager approves it.', action),
    waiting.length ? h('section', { 'aria-labelledby': 'waiting-title', 'data-testid': 'timeoff-requests' },
      h('h2', { id: 'waiting-title' }, `Requests waiting for approval (${waiting.length})`), table(waiting, 'timeoff-requests-table')) : null,
    list.length === 0 && !waiting.length ? empty(m.loaded.timeoff ? 'No time off booked.' : 'Loading…') : list.length ? table(list, 'timeoff-table') : null);
}

/** The time-off dialog: editable for managers and for a member's own request; `modal` is dialogs.js's frame. */
export function timeoffDialog(m, d, dispatch, modal, opts) {
  const f = d.form;
  const t = d.id ? m.data.timeoff.find((x) => x.id === d.id) : null;
  if (d.kind === 'timeoff-view') return timeoffReadOnly(m, t, dispatch, modal);
  const inp = (name) => (value) => dispatch({ type: 'DialogInput', field: name, value });
  const editable = canEdit(m);
  const me = myPerson(m);
  const people = m.data.people.filter((p) => !p.archived);
  const title = t ? (editable ? 'Edit time off' : 'Change my request') : editable ? 'Add time off' : 'Request time off';
  const extra = t ? [
    decideButtons(m, t, dispatch),
    button(editable ? 'Remove' : 'Withdraw', () => { dispatch({ type: 'DialogClose' }); dispatch({ type: 'Archive', what: 'timeoff', id: t.id }); }, 'danger', { 'data-testid': 'delete-timeoff' }),
  ] : null;
  return modal(title, h('div', { class: 'grid2' },
    editable
      ? field('Person', 'person_id', f.person_id, inp('person_id'), { wide: true, options: [['', 'Everyone (team holiday)'], ...people.map((p) => [p.id, p.name])] })
      : h('p', { class: 'wide' }, 'For ', h('strong', {}, me ? me.name : 'you'), '. A manager approves it; until then it takes no hours from your capacity.'),
    field('Type', 'type', f.type, inp('type'), { options: LEAVE_TYPES }),
    field('Hours off a day', 'hours', f.hours, inp('hours'), { type: 'number', attrs: { min: '0.25', max: '24', step: '0.25' }, hint: 'Empty: whole days' }),
    field('Start', 'start', f.start, inp('start'), { type: 'date' }),
    field('End', 'end', f.end, inp('end'), { type: 'date' }),
    field('Reason', 'reason', f.reason, inp('reason'), { wide: true, hint: 'Optional, e.g. Dentist, Public holiday' }),
    t ? h('p', { class: 'wide' }, 'Status: ', statusTag(t)) : null), dispatch, { ...opts, submitLabel: t ? 'Save' : editable ? 'Add time off' : 'Request time off', testid: 'timeoff-dialog', extra });
}

function timeoffReadOnly(m, t, dispatch, modal) {
  if (!t) return null;
  const who = t.person_id ? (m.data.people.find((p) => p.id === t.person_id) || { name: 'Unknown person' }).name : 'Everyone';
  return modal(leaveLabel(t), h('dl', { class: 'settings-list', 'data-testid': 'timeoff-readonly' },
    h('dt', {}, 'Who'), h('dd', {}, who),
    h('dt', {}, 'When'), h('dd', {}, spanLabel(t.start, t.end)),
    h('dt', {}, 'Hours'), h('dd', {}, hoursText(t)),
    h('dt', {}, 'Reason'), h('dd', {}, t.reason || '—'),
    h('dt', {}, 'Status'), h('dd', {}, statusTag(t))), dispatch, { testid: 'timeoff-dialog', closeLabel: 'Close' });
}

/** A booking as a member sees it: what, who, when, how much; nothing to edit. */
export function allocReadOnly(m, d, dispatch, modal) {
  const a = d.base || {};
  const p = m.data.projects.find((x) => x.id === a.project_id);
  const person = a.person_id ? (m.data.people.find((x) => x.id === a.person_id) || {}).name : null;
  return modal('Booking', h('dl', { class: 'settings-list', 'data-testid': 'allocation-readonly' },
    h('dt', {}, 'Project'), h('dd', {}, p ? p.name : 'Unknown project'),
    h('dt', {}, 'Who'), h('dd', {}, person || `${a.placeholder_role || 'Unstaffed'} (placeholder)`),
    h('dt', {}, 'When'), h('dd', {}, a.start ? spanLabel(a.start, a.end) : '—'),
    h('dt', {}, 'Hours a day'), h('dd', {}, `${fmtNum(Number(a.hours_per_day), 2)}h${a.tentative ? ', tentative' : ''}`),
    // what planners tick as "Pinned" on a planned booking, said in words
    a.task_id && a.pinned ? [h('dt', {}, 'Pinned'), h('dd', { 'data-testid': 'allocation-pinned-note' }, 'Plans keep it where it is: planning automatically will not move it')] : null,
    a.note ? [h('dt', {}, 'Note'), h('dd', {}, a.note)] : null), dispatch, { testid: 'allocation-dialog', closeLabel: 'Close' });
}

const WEEKS = 8;

/** "My schedule": the weeks ahead of the person linked to this login. */
export function myScheduleView(m, dispatch) {
  const me = myPerson(m);
  if (!me) {
    return h('div', { class: 'page', 'data-testid': 'my-schedule' },
      pageHeader('My schedule', 'Your weeks, bookings and time off.'),
      empty(m.loaded.people
        ? (canEdit(m) ? 'Your login is not linked to a person. Link it on the Team page to see your own schedule.' : 'Your login is not linked to a person yet. Ask a manager to link it on the Team page.')
        : 'Loading…'));
  }
  const off = indexTimeOff(m.data.timeoff);
  const allocs = [];
  forEach(m.data.allocations, (a) => { if (a.person_id === me.id) allocs.push(a); });
  const projects = new Map(m.data.projects.map((p) => [p.id, p]));
  const first = startOfWeekDay(toDay(m.today));
  const mineOff = m.data.timeoff.filter((t) => t.person_id === me.id || t.person_id == null).sort((a, b) => (a.start < b.start ? -1 : 1));
  const weeks = [];
  for (let w = 0; w < WEEKS; w++) {
    const from = first + 7 * w, to = from + 6;
    const st = rangeStats(me, allocs, from, to, off);
    const bookings = allocs.filter((a) => { const [s, e] = allocSpan(a); return s <= to && e >= from; });
    const leave = mineOff.filter((t) => t.status !== 'declined' && toDay(t.start) <= to && toDay(t.end) >= from);
    let overDays = 0;
    for (let d = from; d <= to; d++) if (dayStats(me, allocs, d, off).over > 0) overDays++;
    weeks.push(h('tr', { key: 'w' + from, 'data-testid': 'my-week', 'data-week': fromDay(from) },
      h('th', { scope: 'row' }, `Week of ${shortLabel(fromDay(from))}`),
      h('td', {}, `${fmtNum(st.confirmed + st.tentative)}h of ${fmtNum(st.capacity)}h`, overDays ? h('span', { class: 'timeoff-status declined', style: { textDecoration: 'none' } }, ` overbooked on ${overDays} ${overDays === 1 ? 'day' : 'days'}`) : null),
      h('td', {}, bookings.length ? h('ul', {}, bookings.map((a) => h('li', { key: a.id, 'data-testid': 'my-booking' },
        `${(projects.get(a.project_id) || { name: 'Unknown project' }).name} · ${fmtNum(Number(a.hours_per_day), 2)}h/d${a.tentative ? ' (tentative)' : ''} · ${spanLabel(a.start, a.end)}`))) : h('span', { class: 'muted' }, 'Nothing booked')),
      h('td', {}, leave.length ? h('ul', {}, leave.map((t) => {
        const clash = conflictRuns(t, me, allocs, off).length > 0;
        return h('li', { key: t.id, 'data-testid': 'my-timeoff' }, `${leaveLabel(t)} · ${spanLabel(t.start, t.end)}${t.hours != null ? ` · ${fmtNum(Number(t.hours), 2)}h a day` : ''} `, statusTag(t), clash ? h('span', { class: 'muted' }, ' · overlaps bookings') : null);
      })) : h('span', { class: 'muted' }, '—'))));
  }
  const f = m.myRequest || { type: 'time_off', start: m.today, end: m.today, hours: '', reason: '' };
  const inp = (name) => (value) => dispatch({ type: 'MyRequestInput', field: name, value });
  const submit = (e) => { e.preventDefault(); dispatch({ type: 'MyRequestSubmit' }); };
  const editable = canEdit(m);
  const requests = mineOff.filter((t) => t.person_id === me.id && toDay(t.end) >= toDay(m.today) - 30).sort((a, b) => (a.start < b.start ? 1 : -1));
  return h('div', { class: 'page', 'data-testid': 'my-schedule' },
    pageHeader('My schedule', `${me.name}${me.role ? ` · ${me.role}` : ''}: your next ${WEEKS} weeks, bookings and time off.`),
    h('table', { class: 'table my-weeks', 'data-testid': 'my-weeks' },
      h('thead', {}, h('tr', {}, ['Week', 'Booked', 'Bookings', 'Time off'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, weeks)),
    h('section', { class: 'actuals', 'aria-labelledby': 'request-title' },
      h('h2', { id: 'request-title' }, editable ? 'Add time off for yourself' : 'Request time off'),
      h('p', { class: 'sub muted' }, editable ? 'Recorded at once: it takes its hours from your capacity.' : 'A manager approves it; until then it takes no hours from your capacity.'),
      h('form', { class: 'form', 'data-testid': 'request-form', novalidate: true, on: { submit } },
        h('div', { class: 'grid3' },
          field('Type', 'type', f.type, inp('type'), { idPrefix: 'req-', options: LEAVE_TYPES }),
          field('Start', 'start', f.start, inp('start'), { idPrefix: 'req-', type: 'date' }),
          field('End', 'end', f.end, inp('end'), { idPrefix: 'req-', type: 'date' }),
          field('Hours off a day', 'hours', f.hours, inp('hours'), { idPrefix: 'req-', type: 'number', attrs: { min: '0.25', max: '24', step: '0.25' }, hint: 'Empty: whole days' }),
          field('Reason', 'reason', f.reason, inp('reason'), { idPrefix: 'req-' })),
        f.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'request-error' }, f.error) : null,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', disabled: !!f.busy, 'data-testid': 'request-submit' }, f.busy ? 'Sending…' : editable ? 'Add time off' : 'Request time off')))),
    h('section', { 'aria-labelledby': 'my-requests-title' },
      h('h2', { id: 'my-requests-title' }, 'My time off'),
      requests.length === 0 ? empty('No time off yet.') : h('table', { class: 'table', 'data-testid': 'my-requests' },
        h('thead', {}, h('tr', {}, ['Type', 'When', 'Hours', 'Reason', 'Status', ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, requests.map((t) => h('tr', { key: t.id, 'data-testid': 'my-request', 'data-timeoff-id': t.id, 'data-status': t.status || 'approved' },
          h('td', {}, leaveLabel(t)), h('td', {}, spanLabel(t.start, t.end)), h('td', {}, hoursText(t)), h('td', {}, t.reason || '—'), h('td', {}, statusTag(t)),
          h('td', { class: 'right' }, mayChangeTimeOff(m, t) ? button(editable ? 'Remove' : 'Withdraw', () => dispatch({ type: 'Archive', what: 'timeoff', id: t.id }), 'small ghost danger-text', { 'aria-label': `Withdraw ${leaveLabel(t)} ${spanLabel(t.start, t.end)}` }) : null)))))));
}

/**
 * The Team page's "Schedules" cell of a member: which person their login
 * schedules. Managers and owners choose; a person whose email is the login's
 * is offered first.
 */
export function linkCell(m, mem, dispatch) {
  const people = m.data.people.filter((p) => !p.archived).slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const linked = m.data.people.find((p) => p.user_id === mem.user_id);
  const label = mem.name || mem.email;
  if (!canEdit(m)) return h('td', { 'data-testid': 'member-person' }, linked ? linked.name : h('span', { class: 'muted' }, '—'));
  const match = !linked && people.find((p) => p.email && mem.email && p.email.toLowerCase() === mem.email.toLowerCase() && !p.user_id);
  return h('td', { 'data-testid': 'member-person', 'data-user-id': mem.user_id },
    h('select', { 'aria-label': `Person ${label} schedules`, 'data-testid': 'member-person-select', value: linked ? linked.id : '', on: { change: (e) => dispatch({ type: 'LinkPerson', userId: mem.user_id, personId: e.target.value }) } },
      h('option', { value: '', selected: !linked }, 'Not linked'),
      people.map((p) => h('option', { value: p.id, selected: !!linked && linked.id === p.id }, p.user_id && p.user_id !== mem.user_id ? `${p.name} (linked to another login)` : p.name))),
    match ? h('span', { class: 'link-suggest' }, 'Same email as ', h('strong', {}, match.name), ' ',
      button(`Link to ${match.name}`, () => dispatch({ type: 'LinkPerson', userId: mem.user_id, personId: match.id }), 'small ghost', { 'data-testid': 'link-suggested' })) : null);
}

