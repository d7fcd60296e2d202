// The schedule page: the timeline's view (zoom, density, scroll, filters,
// keyboard), dragging bars and moving them with the keys, and the allocation
// dialog. Duplicating, splitting and repeating a booking are in bookings.js.

import { http, ifMatch } from '../api.js';
import { toDay, fromDay, startOfWeekDay, isDate } from '../dates.js';
import { buildRows, skillsOf, applyDrag, allocDiff, dayWidth, rowAtY, rowKeyOfAlloc, SIDEBAR, HEADER, ZOOMS, DENSITIES } from '../schedule.js';
import { allocSpan, newBookingHours } from '../capacity.js';
import { set, setSched, toast, canEdit, unauthorized, withAlloc, withoutAlloc, allocById } from '../model.js';
import { extendAllocs, routeEffects } from '../load.js';
import { myPerson, requestDialog } from './timeoff.js';
import { optimistic } from '../records.js';

/** Scrolling at least this far between two frames is fast; rows are drawn light until it settles. */
export const FAST_SCROLL_PX = 200;
const SETTLE_MS = 120;
/** Below this width the schedule is a person's agenda instead of the grid. */
export const PHONE_W = 640;

/** Where the person's density is remembered (per login, in this browser). */
export const densityKey = (m) => `kronuz.density.${m.user ? m.user.id : 'anon'}`;

/** Focus this booking's bar once drawn, else the grid. */
export const focusBar = (id) => ({ type: 'focus', selector: `[data-testid="allocation"][data-allocation-id="${id}"]`, fallback: '[data-testid="timeline-grid"]' });

/** The timeline with another density, the row at the top of the view kept there. */
function withDensity(m, density) {
  const s = m.sched;
  const before = buildRows(m.data, s);
  const i = rowAtY(before.rows, s.scrollTop);
  const m2 = setSched(m, { density });
  const after = buildRows(m2.data, m2.sched);
  const top = i >= 0 ? after.rows[i].top : 0;
  return [setSched(m2, { scrollTop: top }), [{ type: 'scroll', top, left: s.scrollLeft }]];
}

/** Scroll so the focused cell is visible. */
function scrollToFocus(m) {
  const f = m.sched.focus;
  if (!f) return [];
  const layout = buildRows(m.data, m.sched);
  const i = layout.index.get(f.row);
  if (i == null) return [];
  const row = layout.rows[i];
  const s = m.sched, dayW = dayWidth(s.zoom);
  const x = (f.day - toDay(s.origin)) * dayW;
  const viewDays = s.viewW - SIDEBAR, viewRows = s.viewH - HEADER;
  let left = s.scrollLeft, top = s.scrollTop;
  if (x < left) left = x;
  else if (x + dayW > left + viewDays) left = x + dayW - viewDays;
  if (row.top < top) top = row.top;
  else if (row.top + row.height > top + viewRows) top = row.top + row.height - viewRows;
  if (left === s.scrollLeft && top === s.scrollTop) return [];
  return [{ type: 'scroll', top, left }];
}

function rowByKey(m, key) {
  const layout = buildRows(m.data, m.sched);
  const i = layout.index.get(key);
  return i == null ? null : layout.rows[i];
}

function newAllocDialog(m, rowKey, start, end) {
  const projects = m.data.projects.filter((p) => p.status !== 'lost' && p.status !== 'done');
  const pid = projects.some((p) => p.id === m.lastProjectId) ? m.lastProjectId : (projects[0] || m.data.projects[0] || {}).id || '';
  const row = rowByKey(m, rowKey);
  return {
    kind: 'alloc', id: null, error: null, busy: false,
    form: {
      rowKey, person_id: row && row.kind === 'person' ? row.person.id : '',
      placeholder_role: row && row.kind === 'placeholder' ? row.role : '',
      project_id: pid, start, end, hours_per_day: String(newBookingHours(row, start, end, m.data.timeoff)), tentative: false, note: '',
    },
  };
}

/** A new booking's body with the fields of `a` (its copy). */
export function copyBody(a, patch = {}) {
  const body = { project_id: a.project_id, start: a.start, end: a.end, hours_per_day: Number(a.hours_per_day), tentative: !!a.tentative, note: a.note || '', ...patch };
  if (a.person_id) body.person_id = a.person_id; else body.placeholder_role = a.placeholder_role || 'Unassigned';
  return body;
}

function editAllocDialog(a) {
  return {
    kind: 'alloc', id: a.id, error: null, busy: false, base: a,
    form: {
      person_id: a.person_id || '', placeholder_role: a.placeholder_role || '', project_id: a.project_id,
      start: a.start, end: a.end, hours_per_day: String(a.hours_per_day), tentative: !!a.tentative, note: a.note || '',
      // a planned booking (of a task) can be pinned: later plans keep it where it is
      task_id: a.task_id || '', pinned: !!a.pinned,
      // for splitting it (the middle day) and repeating it weekly
      split_at: a.start < a.end ? fromDay(toDay(a.start) + Math.ceil((toDay(a.end) - toDay(a.start)) / 2)) : '', repeat_weeks: '4',
    },
  };
}

/** The allocation dialog: its request, and the row picker's effect on the form. */
export const forms = {
  alloc: {
    request(d) {
      const f = d.form;
      if (!f.project_id) return { error: 'Choose a project.' };
      const h = Number(f.hours_per_day);
      if (!(h > 0 && h <= 24)) return { error: 'Hours per day must be more than 0 and at most 24.' };
      if (!isDate(f.start) || !isDate(f.end)) return { error: 'Dates must be YYYY-MM-DD.' };
      if (f.end < f.start) return { error: 'The end date is before the start date.' };
      const body = { project_id: f.project_id, start: f.start, end: f.end, hours_per_day: h, tentative: !!f.tentative, note: f.note || '' };
      if (d.id && f.task_id) body.pinned = !!f.pinned;
      if (f.person_id) { body.person_id = f.person_id; if (d.id) body.placeholder_role = null; }
      else if (String(f.placeholder_role || '').trim()) { body.placeholder_role = String(f.placeholder_role).trim(); if (d.id) body.person_id = null; }
      else return { error: f.newPlaceholder ? 'Name the placeholder role, e.g. Senior developer.' : 'Choose a person or a placeholder role.' };
      return d.id ? http('PATCH', `/allocations/${d.id}`, body, 'AllocSaved', 'DialogErr') : http('POST', '/allocations', body, 'AllocCreated', 'DialogErr');
    },
    input(form, field, value) {
      if (field !== 'rowKey') return form;
      return {
        ...form,
        newPlaceholder: value === 'ph-new',
        person_id: value.startsWith('p:') ? value.slice(2) : '',
        placeholder_role: value.startsWith('ph:') ? value.slice(3) : '',
      };
    },
  },
};

export function update(m, msg) {
  switch (msg.type) {
    // ---- the view
    case 'Zoom': {
      if (!ZOOMS[msg.zoom] || msg.zoom === m.sched.zoom) return [m, []];
      // The date in focus stays where it is: the focused day if it is in view
      // (at the same place on screen when it fits), else the day at the left edge.
      const s = m.sched;
      const oldW = dayWidth(s.zoom), newW = dayWidth(msg.zoom), origin = toDay(s.origin);
      const viewPx = s.viewW - SIDEBAR;
      const leftDay = s.scrollLeft / oldW;
      const f = s.focus;
      let left;
      if (f && f.day - origin >= leftDay && (f.day - origin + 1) * oldW <= s.scrollLeft + viewPx) {
        const x = (f.day - origin) * oldW - s.scrollLeft;
        left = (f.day - origin) * newW - Math.min(x, Math.max(0, viewPx - 7 * newW));
      } else left = leftDay * newW;
      left = Math.max(0, Math.round(left));
      return [setSched(m, { zoom: msg.zoom, scrollLeft: left }), [{ type: 'scroll', left, top: s.scrollTop }]];
    }
    case 'Density': {
      if (!DENSITIES[msg.value] || msg.value === (m.sched.density || 'comfortable')) return [m, []];
      const [m2, fx] = withDensity(m, msg.value);
      return [setSched(m2, { densityLoaded: true }), [...fx, { type: 'pref-save', key: densityKey(m), value: msg.value }]];
    }
    case 'TimelineMounted':
      // the person's density, once they are known
      if (m.sched.densityLoaded || !m.user) return [m, []];
      return [setSched(m, { densityLoaded: true }), [{ type: 'pref-load', key: densityKey(m), msg: { type: 'DensityLoaded' } }]];
    case 'DensityLoaded':
      return DENSITIES[msg.value] && msg.value !== (m.sched.density || 'comfortable') ? withDensity(m, msg.value) : [m, []];
    case 'Viewport': {
      const phone = msg.w <= PHONE_W;
      return phone === !!m.sched.phone ? [m, []] : [setSched(m, { phone }), []];
    }
    case 'ToggleFilters':
      return [setSched(m, { filtersOpen: !m.sched.filtersOpen }), []];
    case 'Scrolled': {
      const s = m.sched;
      if (!msg.w) return [m, []]; // a grid not laid out (a phone's agenda replaced it)
      if (s.scrollTop === msg.top && s.scrollLeft === msg.left && s.viewW === msg.w && s.viewH === msg.h) return [m, []];
      // A fast vertical scroll draws rows without their day cells until it settles
      // (see timelineView); each fast step restarts the wait.
      const fastStep = Math.abs(msg.top - s.scrollTop) >= FAST_SCROLL_PX;
      const fast = fastStep ? s.fastSeq + 1 : s.fast;
      const [m2, fx] = extendAllocs(setSched(m, { scrollTop: msg.top, scrollLeft: msg.left, viewW: msg.w, viewH: msg.h, fast, fastSeq: fastStep ? fast : s.fastSeq }));
      return fastStep ? [m2, [...fx, { type: 'timer', ms: SETTLE_MS, msg: { type: 'ScrollSettled', fast } }]] : [m2, fx];
    }
    // rows the timeline drew bare while they came into view: another frame fills in more of them
    case 'RowsFill':
      return [setSched(m, { fills: (m.sched.fills || 0) + 1 }), []];
    case 'ScrollSettled':
      return msg.fast === m.sched.fast ? [setSched(m, { fast: 0 }), []] : [m, []];
    case 'GoToday': {
      const s = m.sched;
      const left = Math.max(0, (toDay(m.today) - toDay(s.origin) - 3) * dayWidth(s.zoom));
      const [m2, fx] = extendAllocs(setSched(m, { scrollLeft: left }));
      return [m2, [...fx, { type: 'scroll', left, top: s.scrollTop }]];
    }
    case 'Shift': {
      const s = m.sched;
      const left = Math.max(0, s.scrollLeft + msg.days * dayWidth(s.zoom));
      // (on a phone no grid scrolls to ask for what comes into view)
      const [m2, fx] = extendAllocs(setSched(m, { scrollLeft: left }));
      return [m2, [...fx, { type: 'scroll', left, top: s.scrollTop }]];
    }
    case 'AgendaRow':
      return [setSched(m, { agendaRow: msg.row }), []];
    case 'FilterSet':
      return [setSched(m, { filter: set(m.sched.filter, { [msg.field]: msg.value, ...('skill' in msg ? { skill: msg.skill } : {}) }), scrollTop: 0 }), [{ type: 'scroll', top: 0, left: m.sched.scrollLeft }]];
    // a skill added or removed against the filter as it is now, not as the picker last
    // drew it: two picks between two renders keep both
    case 'SkillAdd':
    case 'SkillRemove': {
      const chosen = skillsOf(m.sched.filter);
      const skills = msg.type === 'SkillAdd' ? (chosen.includes(msg.value) ? chosen : [...chosen, msg.value]) : chosen.filter((x) => x !== msg.value);
      return update(m, { type: 'FilterSet', field: 'skills', value: skills, skill: '' });
    }
    case 'ClearFilters':
      return [setSched(m, { filter: { q: '', role: '', skill: '', project: '', client: '' } }), []];
    case 'SortSet':
      return [setSched(m, { sort: msg.value }), []];
    case 'FocusCell':
      if (!msg.row) return [m, []];
      return [setSched(m, { focus: { row: msg.row, day: msg.day }, keyboard: !msg.pointer }), []];
    case 'KeyNav': {
      const layout = buildRows(m.data, m.sched);
      if (!layout.rows.length) return [m, []];
      const unit = ZOOMS[m.sched.zoom].unit;
      const s = m.sched;
      let f = s.focus;
      if (!f || !layout.index.has(f.row)) f = { row: layout.rows[0].key, day: Math.max(toDay(s.origin), toDay(m.today)) };
      let i = layout.index.get(f.row);
      let day = f.day;
      // Shift+Left/Right: a range of days on the row, from where Shift was first held
      const sideways = msg.key === 'ArrowLeft' || msg.key === 'ArrowRight';
      const anchor = msg.key === 'none' ? f.anchor ?? null : msg.shift && sideways ? f.anchor ?? f.day : null;
      if (msg.key === 'ArrowUp') i = Math.max(0, i - 1);
      else if (msg.key === 'ArrowDown') i = Math.min(layout.rows.length - 1, i + 1);
      else if (msg.key === 'ArrowLeft') day -= unit;
      else if (msg.key === 'ArrowRight') day += unit;
      else if (msg.key === 'Home') day = toDay(m.today);
      day = Math.max(toDay(s.origin), Math.min(toDay(s.origin) + s.days - 1, day));
      if (unit === 7) day = startOfWeekDay(day); // month scale: one cell per week
      const m2 = setSched(m, { focus: anchor == null ? { row: layout.rows[i].key, day } : { row: layout.rows[i].key, day, anchor }, keyboard: msg.key !== 'none' || s.keyboard });
      if (msg.key === 'none') return [m2, []];
      return [m2, scrollToFocus(m2)];
    }
    case 'OpenAtFocus': {
      const f = m.sched.focus;
      if (!f) return [m, []];
      const row = rowByKey(m, f.row);
      if (!row) return [m, []];
      const unit = ZOOMS[m.sched.zoom].unit;
      if (f.anchor != null && f.anchor !== f.day) {
        if (!canEdit(m)) return [m, []];
        const a = Math.min(f.anchor, f.day), b = Math.max(f.anchor, f.day) + unit - 1;
        return [setSched(set(m, { dialog: newAllocDialog(m, f.row, fromDay(a), fromDay(b)) }), { focus: { row: f.row, day: Math.min(f.anchor, f.day) } }), []];
      }
      const hit = row.allocs.find((a) => { const [s, e] = allocSpan(a); return s <= f.day + unit - 1 && f.day <= e; });
      if (hit) return [set(m, { dialog: editAllocDialog(hit) }), []];
      if (!canEdit(m)) return [m, []];
      return [set(m, { dialog: newAllocDialog(m, f.row, fromDay(f.day), fromDay(f.day + unit - 1)) }), []];
    }

    // ---- dragging on the timeline
    case 'DragStart': {
      if (!canEdit(m)) {
        if (msg.mode !== 'create' && msg.allocId && allocById(m, msg.allocId)) return [set(m, { drag: { mode: 'click', allocId: msg.allocId } }), []];
        // a member drags on their own row to request time off (page/timeoff.js)
        const me = myPerson(m);
        if (msg.mode === 'create' && me && msg.rowKey === 'p:' + me.id) return [set(m, { drag: { mode: 'create', request: true, originRowKey: msg.rowKey, rowKey: msg.rowKey, startDay: msg.day, day: msg.day, moved: false } }), []];
        return [m, []];
      }
      // base: the version the drag started from; if someone changes it meanwhile, the drop meets a 412
      const base = msg.allocId ? allocById(m, msg.allocId) || null : null;
      return [set(m, { drag: { mode: msg.mode, allocId: msg.allocId || null, base, originRowKey: msg.rowKey, rowKey: msg.rowKey, startDay: msg.day, day: msg.day, moved: false } }), []];
    }
    case 'DragMove': {
      const d = m.drag;
      if (!d || d.mode === 'click') return [m, []];
      const rowKey = d.mode === 'move' || d.mode === 'copy' ? msg.rowKey || d.rowKey : d.rowKey;
      if (msg.day === d.day && rowKey === d.rowKey) return [m, []];
      return [set(m, { drag: set(d, { day: msg.day, rowKey, moved: true }) }), []];
    }
    case 'DragCancel': {
      // a move with the keys given up: the focused cell goes back to the bar
      const d = m.drag, a = d && d.mode === 'keys' ? allocById(m, d.allocId) : null;
      const m1 = set(m, { drag: null });
      return [a ? setSched(m1, { focus: { row: rowKeyOfAlloc(a), day: allocSpan(a)[0] } }) : m1, []];
    }
    case 'DragEnd': {
      const d = m.drag;
      if (!d) return [m, []];
      const m1 = set(m, { drag: null });
      if (d.mode === 'click') { const a = allocById(m, d.allocId); return [a ? set(m1, { dialog: editAllocDialog(a) }) : m1, []]; }
      if (d.mode === 'create') {
        const s = Math.min(d.startDay, d.day), e = Math.max(d.startDay, d.day);
        const unit = ZOOMS[m.sched.zoom].unit;
        if (d.request) return [requestDialog(m1, fromDay(s), fromDay(e + unit - 1)), []];
        const m2 = set(m1, { dialog: newAllocDialog(m, d.originRowKey, fromDay(s), fromDay(e + unit - 1)) });
        return [setSched(m2, { focus: { row: d.originRowKey, day: s } }), []];
      }
      const before = allocById(m, d.allocId);
      // deleted by a colleague while in the hand (the live events removed it)
      if (!before) return d.moved ? toast(m1, 'This booking was deleted while you moved it.', 'info') : [m1, []];
      const layout = buildRows(m.data, m.sched);
      const after = applyDrag(d, before, layout.index, layout.rows);
      if (d.mode === 'copy') {
        if (!d.moved) return [set(m1, { dialog: editAllocDialog(before) }), []];
        return [m1, [http('POST', '/allocations', copyBody(after), 'AllocCopied', 'AllocPatchErr', { before: null })]];
      }
      const diff = allocDiff(before, after);
      if (!d.moved || !Object.keys(diff).length) {
        return [d.moved ? m1 : set(m1, { dialog: editAllocDialog(before) }), []];
      }
      // optimistic: show the change now, roll back if the server refuses
      const patch = http('PATCH', `/allocations/${before.id}`, diff, 'AllocPatchOk', 'AllocPatchErr', { id: before.id, before });
      return [withAlloc(m1, optimistic(before, after)), [ifMatch(patch, 'allocation', d.base || before), ...(d.mode === 'keys' ? [focusBar(before.id)] : [])]];
    }
    case 'AllocCopied': {
      const [m2, fx] = toast(withAlloc(m, msg.data), 'Booking copied', 'info');
      return [m2, [...fx, focusBar(msg.data.id)]];
    }

    // ---- a focused bar moved and resized with the keys (gridinput.js)
    case 'BarKey': {
      const a = allocById(m, msg.allocId);
      if (!a || !canEdit(m)) return [m, []];
      const layout = buildRows(m.data, m.sched);
      const unit = ZOOMS[m.sched.zoom].unit;
      const [s0, e0] = allocSpan(a);
      const d = m.drag && m.drag.mode === 'keys' && m.drag.allocId === a.id ? m.drag
        : { mode: 'keys', allocId: a.id, base: a, originRowKey: rowKeyOfAlloc(a), rowKey: rowKeyOfAlloc(a), s: s0, e: e0, startDay: s0, day: s0, moved: false };
      let { s, e, rowKey } = d;
      const step = msg.days * unit;
      if (msg.edge === 'end') e = Math.max(s, e + step);
      else if (msg.edge === 'start') s = Math.min(e, s + step);
      else if (msg.rows) {
        const i = layout.index.get(rowKey);
        const j = Math.max(0, Math.min(layout.rows.length - 1, (i ?? 0) + msg.rows));
        rowKey = layout.rows[j].key;
      } else { s += step; e += step; }
      const m2 = setSched(set(m, { drag: { ...d, s, e, rowKey, day: s, moved: true } }), { focus: { row: rowKey, day: msg.edge === 'end' ? e : s }, keyboard: false });
      return [m2, scrollToFocus(m2)];
    }
    case 'BarEnter': {
      const d = m.drag;
      if (d && d.mode === 'keys' && d.allocId === msg.allocId && d.moved) return update(m, { type: 'DragEnd' });
      const a = allocById(m, msg.allocId);
      return [a ? set(m, { drag: null, dialog: editAllocDialog(a) }) : m, []];
    }
    case 'AllocPatchOk':
      return [msg.data && msg.data.id ? withAlloc(m, msg.data) : m, []];
    case 'AllocPatchErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      return toast(withAlloc(m, msg.before), msg.error);
    }

    // ---- the allocation dialog
    case 'OpenNewAlloc':
      if (!canEdit(m)) return [m, []];
      return [set(m, { dialog: newAllocDialog(m, msg.rowKey, msg.start, msg.end || msg.start) }), []];
    case 'OpenEditAlloc': {
      const a = allocById(m, msg.id);
      return [a ? set(m, { dialog: editAllocDialog(a) }) : m, []];
    }
    case 'AllocCreated':
    case 'AllocSaved': {
      const [m2, fx] = toast(withAlloc(set(m, { dialog: null }), msg.data), msg.type === 'AllocCreated' ? 'Allocation added' : 'Allocation saved', 'info');
      return [m2, m.route.page === 'project' ? [...fx, ...routeEffects(m2)] : [...fx, focusBar(msg.data.id)]];
    }
    case 'DeleteAlloc': {
      const a = allocById(m, msg.id);
      if (!a) return [m, []];
      const base = m.dialog && m.dialog.kind === 'alloc' && m.dialog.id === msg.id && m.dialog.base ? m.dialog.base : a;
      return [withoutAlloc(set(m, { dialog: null }), msg.id), [ifMatch(http('DELETE', `/allocations/${msg.id}`, undefined, 'AllocDeleted', 'AllocPatchErr', { id: msg.id, before: a }), 'allocation', base), { type: 'focus', selector: '[data-testid="timeline-grid"]' }]];
    }
    case 'AllocDeleted': {
      const [m2, fx] = toast(m, 'Allocation deleted (Ctrl+Z to undo)', 'info');
      return [m2, m.route.page === 'project' ? [...fx, ...routeEffects(m2)] : fx];
    }
  }
}
