// The schedule timeline: virtualised rows (people, placeholders) x day
// columns. Only the rows and days in view (plus a little overscan) are in
// the DOM. Pointer and keyboard input is in gridinput.js, the day cells'
// content in cells.js, the bars in bars.js.
//
// Kept cheap for the browser to scroll (see BENCHMARKS.md): a row is its day
// cells in one flex strip with one capacity gradient, and its bars (plain
// boxes whose label is one text node); the people column is one sticky strip
// of row headers; rows whose inputs did not change reuse last frame's virtual
// nodes; during a fast scroll new rows come in light (no day cells) and fill
// in once it settles.

import { h, memo } from '../vdom.js';
import { toDay, fromDay, isWeekendDay, weekdayOfDay, spanLabel, startOfWeekDay } from '../dates.js';
import { dayStats, allocSpan, timeOffOn, hoursLabel, fmtHours, roundHours, roundRatio, allocationHours, newBookingHours } from '../capacity.js';
import { buildRows, visibleWindow, applyDrag, rowKeyOfAlloc, ZOOMS, SIDEBAR, HEADER, initials, hashColor } from '../schedule.js';
import { indexTimeOff } from '../capacity.js';
import { get as getAlloc, putAll } from '../store.js';
import { ghostAllocations } from '../plan.js';
import { canEdit } from '../update.js';
import { button, fmtNum, pct } from './ui.js';
import { renderBar, renderGhost, roomAfter } from './bars.js';
import { dayHeader } from './dayheader.js';
import { timeOffBlocks, rowTimeOff } from './timeoff-blocks.js';
import { cellLabel, aggregate, placeholderStats, cellId, capacityStops } from './cells.js';
import { geo, handlers, mountHook } from './gridinput.js';

// last frame's row vnodes and what they were built from
let lastRows = new Map();

let offMemo = { timeoff: null, idx: null };
function offIndex(timeoff) {
  if (offMemo.timeoff !== timeoff) offMemo = { timeoff, idx: indexTimeOff(timeoff) };
  return offMemo.idx;
}

let resizeBound = false;
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const MOVES = new Set(['move', 'copy', 'keys']);

// the schedule with a previewed plan's ghost allocations added
let planMemo = { data: null, proposal: null, result: null };
function withPlan(data, plan) {
  const proposal = plan && plan.proposal;
  if (!proposal) return { data, removed: EMPTY_SET, proposal: null };
  if (planMemo.data !== data || planMemo.proposal !== proposal) {
    const ghosts = ghostAllocations(proposal);
    planMemo = { data, proposal, result: { data: { ...data, allocations: putAll(data.allocations, ghosts) }, removed: new Set(proposal.removed || []), proposal } };
  }
  return planMemo.result;
}
const EMPTY_SET = new Set();

/** New rows built in full per frame in the compact density; the rest come bare and fill in. */
const ROWS_PER_FRAME = 8;

/** A row as it comes into view bare: its box, its name in the people column and for screen readers. */
function bareRow(row, i) {
  const person = row.person;
  const head = h('div', {
    key: 'h' + row.key, class: 'row-head', 'data-testid': 'row-head', 'data-person-id': person ? person.id : null,
    style: { top: `${row.top}px`, height: `${row.height}px` },
  },
  h('span', { class: 'avatar' + (person ? '' : ' ph'), 'aria-hidden': 'true', style: { '--av': person ? hashColor(person.name) : '#868e96' } }, person ? initials(person.name) : '?'),
  h('span', { class: 'name' }, row.title));
  const vnode = h('div', {
    key: 'slot' + (i % 128), class: 'tl-row' + (row.kind === 'placeholder' ? ' placeholder' : ''),
    role: 'row', 'aria-rowindex': i + 2, 'data-testid': 'timeline-row', 'data-person-id': person ? person.id : null, 'data-row-key': row.key,
    'data-placeholder-role': row.kind === 'placeholder' ? row.role : null, 'aria-busy': 'true',
    style: { top: `${row.top}px`, height: `${row.height}px` },
  },
  h('div', { key: 'rh', class: 'sr-only', role: 'rowheader' }, `${row.title}${row.subtitle ? `, ${row.subtitle}` : ''}`));
  return { vnode, head };
}

// one render asked for at a time, to fill in the rows drawn bare
let fillAsked = false;
function fillSoon(dispatch) {
  if (fillAsked) return;
  fillAsked = true;
  requestAnimationFrame(() => { fillAsked = false; dispatch({ type: 'RowsFill' }); });
}

export function timelineView(m, dispatch) {
  const s = m.sched;
  const zoom = ZOOMS[s.zoom];
  const dayW = zoom.dayW;
  const unit = zoom.unit;
  const origin = toDay(s.origin);
  const todayN = toDay(m.today);
  const planned = withPlan(m.data, m.plan);
  const removed = planned.removed;
  const layout = buildRows(planned.data, s);
  geo.layout = layout; geo.sched = s; geo.dragMode = m.drag && m.drag.mode;
  const win = visibleWindow(layout, s);
  const off = offIndex(m.data.timeoff);
  const projects = new Map(m.data.projects.map((p) => [p.id, p]));
  const editable = canEdit(m);
  const canvasW = SIDEBAR + s.days * dayW;
  const on = handlers(dispatch);
  if (!resizeBound) {
    resizeBound = true;
    window.addEventListener('resize', () => {
      const el = document.querySelector('[data-testid="timeline-grid"]');
      if (el) dispatch({ type: 'Scrolled', top: el.scrollTop, left: el.scrollLeft, w: el.clientWidth, h: el.clientHeight });
    });
  }

  // exact visible days (no overscan) for the per-row totals
  const viewFrom = Math.max(origin, origin + Math.floor(s.scrollLeft / dayW));
  const viewTo = Math.min(origin + s.days - 1, origin + Math.floor((s.scrollLeft + s.viewW - SIDEBAR - 1) / dayW));

  // ---- header: rebuilt only when the days in view change (not while scrolling down)
  const [headTop, headDays] = memo('timeline-head', [win.firstDay, win.lastDay, s.zoom, s.origin, s.days, todayN, s.scrollLeft],
    () => dayHeader(s, win, origin, dayW, unit, todayN));

  // ---- rows
  const drag = m.drag;
  const density = s.density === 'compact' ? 'compact' : 'comfortable';
  const dragAlloc = drag && drag.allocId && (MOVES.has(drag.mode) || drag.mode.startsWith('resize')) ? getAlloc(m.data.allocations, drag.allocId) : null;
  const preview = dragAlloc ? applyDrag(drag, dragAlloc, layout.index, layout.rows) : null;
  const previewRow = preview ? (MOVES.has(drag.mode) ? drag.rowKey : drag.originRowKey) : null;
  const rowsV = [];
  // the people column: one sticky strip holding every row's header (one sticky box
  // instead of one per row keeps scrolling cheap). Assistive technology reads the
  // same facts from a visually hidden row header inside each row: the strip is
  // outside the grid's rows, so it is hidden from it.
  const heads = [];
  const focus = s.focus;
  // the cell holding the focused day (a week in the month scale)
  const focusDay = focus ? (unit === 7 ? startOfWeekDay(focus.day) : focus.day) : null;
  // with a project or client filter, other work is dimmed
  const dimmed = (a) => (s.filter.project && a.project_id !== s.filter.project) || (s.filter.client && (projects.get(a.project_id) || {}).client_id !== s.filter.client);
  // rows whose inputs did not change reuse last frame's vnode (vertical scrolling
  // then only builds the rows coming into view)
  const rowCache = new Map();
  let built = 0, bareLeft = false;
  for (let i = win.firstRow; i <= win.lastRow && i >= 0; i++) {
    const row = layout.rows[i];
    const person = row.person;
    const touched = drag && (drag.originRowKey === row.key || drag.rowKey === row.key || (dragAlloc && rowKeyOfAlloc(dragAlloc) === row.key));
    // bar labels follow the left edge only for bars that cross it
    const crossing = row.allocs.some((a) => { const [as, ae] = allocSpan(a); return as <= viewFrom && ae >= viewFrom; });
    // (whether focus came from the keyboard matters only to the focused row's ring)
    const deps = [row, i, win.firstDay, win.lastDay, viewFrom, viewTo, s.zoom, crossing ? s.scrollLeft : -1, focus && focus.row === row.key ? `${focus.day}:${focus.anchor}:${!!s.keyboard}` : null, editable, m.data.projects, m.data.timeoff, s.filter, m.today, planned.proposal];
    // While scrolling fast, rows coming into view are drawn light: bars, capacity
    // strip and header, without the day cells (which fill in once it settles).
    // Compact rows are always light (two and a half times as many rows in view
    // would cost as much more): the capacity strip and the bars tell the day,
    // and the focused row has its cells (for the keyboard and screen readers).
    const light = (!!s.fast || density === 'compact') && !touched && !(focus && focus.row === row.key);
    const cached = !touched && lastRows.get(row.key);
    const same = cached && cached.deps.length === deps.length && cached.deps.every((d, k) => d === deps[k]);
    if (same && !cached.bare && (light || !cached.light)) {
      rowsV.push(cached.vnode);
      heads.push(cached.head);
      rowCache.set(row.key, cached);
      continue;
    }
    // Compact: a fling brings two and a half times as many rows into view per frame.
    // Rows coming into view beyond ROWS_PER_FRAME are drawn bare (the row and its
    // name, no bars yet) and filled in over the next frames, a few at a time.
    if (density === 'compact' && light && (!cached || cached.bare) && built >= ROWS_PER_FRAME) {
      bareLeft = true;
      const v = same ? cached : bareRow(row, i);
      rowsV.push(v.vnode);
      heads.push(v.head);
      rowCache.set(row.key, { ...v, deps, bare: true });
      continue;
    }
    built++;
    const rel = row.allocs.filter((a) => { const [as, ae] = allocSpan(a); return as <= win.lastDay + 6 && ae >= win.firstDay; });
    // with a plan previewed, the numbers show the schedule as it would be: ghosts in, replaced bookings out
    const statRel = removed.size ? rel.filter((a) => !removed.has(a.id)) : rel;
    // Day cells flow left to right in one strip; their capacity bars are one gradient
    // under them (one painted image per row instead of two per cell).
    const cells = [];
    const capStops = [];
    const cw = unit * dayW;
    let k = 0; // cells in the strip (also counted for light rows, which have no cell nodes)
    // each day's numbers, kept for the row's totals below (day by day in the day and week scales)
    const dayNums = unit === 1 ? new Array(win.lastDay - win.firstDay + 1) : null;
    for (let d = win.firstDay; d <= win.lastDay; d += unit, k++) {
      const to = d + unit - 1;
      const st = person ? (unit === 1 ? dayStats(person, statRel, d, off) : aggregate(person, statRel, d, to, off)) : placeholderStats(statRel, d, off);
      if (dayNums) dayNums[d - win.firstDay] = st;
      const weekend = unit === 1 && isWeekendDay(d);
      const focused = focus && focus.row === row.key && focusDay === d;
      const ring = focused && s.keyboard;
      const ratio = st.capacity > 0 ? Math.min(1, st.booked / st.capacity) : 0;
      if (person && st.capacity > 0) capStops.push(capacityStops(k * cw, cw, st.confirmed / st.capacity, ratio, st.over > 0));
      if (light) continue;
      const narrow = cw < 30;
      const reason = st.off && cw >= 40 && !st.booked ? (timeOffOn(off, person && person.id, d) || {}).reason || 'Off' : null;
      cells.push(h('div', {
        key: 'c' + d, id: focused ? cellId(i, d) : null,
        class: 'cell' + (weekend ? ' weekend' : '') + (unit === 1 && weekdayOfDay(d) === 0 ? ' monday' : '') + (st.off ? ' off' : '') + (d <= todayN && todayN <= to ? ' today' : '') + (st.over > 0 ? ' over' : '') + (ring ? ' focused' : '') + (person && st.capacity === 0 && !weekend && !st.off ? ' nocap' : '') + (person && st.capacity > 0 ? (st.over > 0 ? ' cap over' : ratio >= 1 ? ' cap full' : ' cap') : ''),
        role: 'gridcell', 'data-testid': 'cell', 'data-date': fromDay(d),
        'aria-label': cellLabel(row.title, d, st, unit, narrow, reason), 'aria-selected': focused ? 'true' : null,
      },
      st.over > 0 ? h('span', { class: 'over-label', 'data-testid': 'overbooked', title: `${fmtNum(st.over)}h over capacity` }, narrow ? `+${fmtNum(st.over, 0)}` : `+${fmtNum(st.over)}h`) : null));
    }
    const stripLeft = `${SIDEBAR + (win.firstDay - origin) * dayW}px`;
    const capImage = capStops.length ? `linear-gradient(to right, ${capStops.join(', ')})` : null;
    // a light row's strip is its capacity gradient alone (one element instead of two)
    const strip = light
      ? (capImage ? h('div', { key: 'cap', class: 'cap-strip', 'aria-hidden': 'true', style: { left: stripLeft, width: `${k * cw}px`, backgroundImage: capImage } }) : null)
      : h('div', { key: 'cells', class: 'cells', style: { left: stripLeft, '--cw': `${cw}px` } },
        cells,
        capImage ? h('div', { class: 'cap-strip', 'aria-hidden': 'true', style: { width: `${k * cw}px`, backgroundImage: capImage } }) : null);
    const bars = [];
    // narrow bars put their label beside them where their lane has room
    const room = rel.some((a) => { const [as, ae] = allocSpan(a); return (ae - as + 1) * dayW < 64; }) ? roomAfter(rel, row.lanes, dayW, win.lastDay) : null;
    // the bar of the focused cell is the one Tab reaches from the grid
    const focusBar = focus && focus.row === row.key ? rel.find((a) => { const [as, ae] = allocSpan(a); return !a.ghost && as <= focusDay + unit - 1 && focusDay <= ae; }) : null;
    for (const a of rel) {
      const [as, ae] = allocSpan(a);
      if (ae < win.firstDay || as > win.lastDay) continue;
      const lane = row.lanes.get(a.id) || 0;
      if (a.ghost) { bars.push(renderGhost(a, lane, origin, dayW, projects, density)); continue; }
      const opts = { density, room: room && room.get(a.id), focusable: a === focusBar };
      if (removed.has(a.id)) { bars.push(renderBar(a, lane, origin, dayW, projects, ' plan-removed', false, 0, opts)); continue; }
      if (dragAlloc && a.id === dragAlloc.id && drag.mode !== 'copy') { bars.push(renderBar(a, lane, origin, dayW, projects, ' ghost-src', false, 0, opts)); continue; }
      bars.push(renderBar(a, lane, origin, dayW, projects, dimmed(a) ? ' dim' : '', editable, s.scrollLeft + SIDEBAR, opts));
    }
    if (preview && previewRow === row.key) {
      // on its own row the preview keeps its lane; elsewhere (and a copy) it goes in the free lane
      const lane = row.key === drag.originRowKey && drag.mode !== 'copy' ? row.lanes.get(preview.id) || 0 : row.laneCount;
      const v = renderBar(preview, lane, origin, dayW, projects, ' dragging', false, 0, { density });
      v.key = 'preview';
      v.props = { ...v.props, key: 'preview', 'data-testid': 'allocation-preview', 'data-allocation-id': null, 'aria-hidden': 'true', role: null };
      bars.push(v);
    }
    const range = drag && drag.mode === 'create' && drag.originRowKey === row.key ? [drag.startDay, drag.day]
      : !drag && focus && focus.row === row.key && focus.anchor != null && focus.anchor !== focus.day ? [focus.anchor, focus.day] : null;
    if (range) {
      const a = Math.min(range[0], range[1]), b = Math.max(range[0], range[1]) + unit - 1;
      bars.push(h('div', { key: 'sel', class: 'selection', 'data-testid': 'selection', 'data-start': fromDay(a), 'data-end': fromDay(b), style: { left: `${SIDEBAR + (a - origin) * dayW}px`, width: `${(b - a + 1) * dayW}px`, top: `${row.freeTop}px` } }));
    }
    // time off: blocks under the bars, their labels over them (view/timeoff-blocks.js)
    const offBlocks = timeOffBlocks(row, person ? rowTimeOff(m.data.timeoff, person.id) : [], { firstDay: win.firstDay, lastDay: win.lastDay, origin, dayW, rowHeight: row.height, off, focusDays: focus && focus.row === row.key ? [focusDay, focusDay + unit - 1] : null });
    if (editable && !light) bars.push(h('div', { key: 'free', class: 'free-lane', 'aria-hidden': 'true', style: { top: `${row.freeTop}px` } }));
    // per-row totals over what is in view: utilisation is scheduled hours over
    // capacity (as in the reports), with the tentative share beside it
    let util = null, tentUtil = null, scheduled = 0, tentative = 0, cap = 0, overDays = 0;
    for (let d = viewFrom; d <= viewTo; d++) {
      const st = (dayNums && dayNums[d - win.firstDay]) || (person ? dayStats(person, statRel, d, off) : placeholderStats(statRel, d, off));
      scheduled += st.confirmed; tentative += st.tentative; cap += st.capacity;
      if (st.over > 0) overDays++;
    }
    // rounded as the server rounds them, so that a percentage reads as in the reports
    if (person && cap > 0) { util = roundRatio(scheduled / cap); tentUtil = roundRatio(tentative / cap); }
    const hours = hoursLabel({ scheduled, tentative });
    const utilText = person ? `${hours} of ${fmtHours(cap)} capacity in view${overDays ? `; overbooked on ${overDays} day(s)` : ''}` : `Unstaffed demand in view: ${hours}`;
    const header = h('div', {
      key: 'h' + row.key, class: 'row-head' + (drag && (drag.mode === 'move' || drag.mode === 'copy') && drag.rowKey === row.key ? ' drop-target' : ''),
      'data-testid': 'row-head', 'data-person-id': person ? person.id : null,
      style: { top: `${row.top}px`, height: `${row.height}px` },
    },
      h('span', { class: 'avatar' + (person ? '' : ' ph'), 'aria-hidden': 'true', style: { '--av': person ? hashColor(person.name) : '#868e96' } }, person ? initials(person.name) : '?'),
      // compact rows show the name only, in fewer boxes (the role and hours are in the
      // row's tooltip and its rowheader)
      density === 'compact' ? h('span', { class: 'name' }, row.title) : h('span', { class: 'who' },
        h('span', { class: 'name' }, row.title),
        h('span', { class: 'role' }, row.subtitle || '\u00a0')),
      h('span', {
        class: 'util' + (overDays ? ' over' : util != null && util + tentUtil >= 0.85 ? ' high' : ''), 'data-testid': 'row-util', 'data-hours': hours,
        title: utilText,
      },
      density === 'compact' ? [person ? pct(util ?? 0) : fmtHours(scheduled), tentative > 0 ? h('span', { class: 'util-tent', title: 'Tentative' }, person ? ` +${pct(tentUtil)}` : ` +${fmtHours(tentative)}`) : null]
        : h('span', { class: 'util-main' }, person ? pct(util ?? 0) : fmtHours(scheduled), tentative > 0 ? h('span', { class: 'util-tent', title: 'Tentative' }, person ? ` +${pct(tentUtil)}` : ` +${fmtHours(tentative)}`) : null),
      density === 'compact' ? null : h('span', { class: 'util-sub' }, person ? `${roundHours(scheduled)}${tentative > 0 ? `+${roundHours(tentative)}` : ''}/${roundHours(cap)}h` : 'demand')));
    rowsV.push(h('div', {
      key: 'slot' + (i % 128), class: 'tl-row' + (row.kind === 'placeholder' ? ' placeholder' : '') + (drag && (drag.mode === 'move' || drag.mode === 'copy') && drag.rowKey === row.key ? ' drop-target' : ''),
      role: 'row', 'aria-rowindex': i + 2, 'data-testid': 'timeline-row', 'data-person-id': person ? person.id : null, 'data-row-key': row.key,
      'data-placeholder-role': row.kind === 'placeholder' ? row.role : null,
      style: { top: `${row.top}px`, height: `${row.height}px` },
    },
    h('div', { key: 'rh', class: 'sr-only', role: 'rowheader' }, `${row.title}${row.subtitle ? `, ${row.subtitle}` : ''}: ${person ? `${pct(util ?? 0)} scheduled${tentative > 0 ? `, ${pct(tentUtil)} tentative` : ''}; ` : ''}${utilText}`),
    strip,
    offBlocks.blocks,
    bars,
    offBlocks.labels));
    heads.push(header);
    if (!touched) rowCache.set(row.key, { deps, vnode: rowsV[rowsV.length - 1], head: header, light });
  }
  lastRows = rowCache;
  if (bareLeft) fillSoon(dispatch);

  const todayLeft = SIDEBAR + (todayN - origin) * dayW;
  const focusIdx = focus ? layout.index.get(focus.row) : null;
  // the focused cell is named only while it is drawn
  const focusShown = focusIdx != null && focusIdx >= win.firstRow && focusIdx <= win.lastRow && focusDay >= win.firstDay && focusDay <= win.lastDay;
  const gridProps = {
    key: 'grid',
    class: 'tl-scroll' + (drag ? ' is-dragging' : '') + (density === 'compact' ? ' compact' : ''),
    'data-testid': 'timeline-grid',
    id: 'timeline-grid',
    role: 'grid',
    tabindex: '0',
    'aria-label': 'Schedule timeline. Arrow keys move between days and people, Shift+arrows select days, Enter books or opens, Tab reaches the booking and time off there, Ctrl+Z undoes.',
    'aria-rowcount': layout.rows.length + 1,
    'aria-activedescendant': focusShown ? cellId(focusIdx, focusDay) : null,
    on,
    hook: mountHook(dispatch, s),
  };
  return h('div', { class: 'tl-wrap' },
    h('div', gridProps,
      h('div', { class: 'tl-canvas', style: { width: `${canvasW}px`, height: `${HEADER + layout.totalHeight}px` } },
        h('div', { class: 'tl-head', role: 'row', 'aria-rowindex': 1, style: { width: `${canvasW}px` } },
          memo('timeline-corner', [layout.rows], () => h('div', { class: 'tl-corner', role: 'columnheader' }, h('span', {}, plural(layout.rows.filter((r) => r.person).length, 'person', 'people')), h('span', { class: 'muted' }, 'use in view'))),
          headTop, headDays,
          todayN >= origin && todayN < origin + s.days ? h('div', { class: 'head-today-dot', 'aria-hidden': 'true', style: { left: `${todayLeft + dayW / 2 - 3}px` } }) : null),
        h('div', { class: 'tl-body', style: { height: `${layout.totalHeight}px` } },
          h('div', { key: 'side', class: 'tl-side', 'aria-hidden': 'true', style: { height: `${layout.totalHeight}px` } }, heads),
          rowsV,
          todayN >= win.firstDay && todayN <= win.lastDay ? h('div', { class: 'today-line', 'aria-hidden': 'true', style: { left: `${todayLeft + (unit === 1 ? dayW / 2 : 0)}px`, height: `${layout.totalHeight}px` } }) : null))),
    dragInfo(m, layout, preview, previewRow, off),
    layout.rows.length === 0 ? h('div', { class: 'tl-empty' },
      m.data.people.length === 0 && m.loaded.people
        ? [h('p', {}, 'No people yet. Add the people you schedule to start planning.'), editable ? button('Add person', () => dispatch({ type: 'OpenDialog', kind: 'person' }), 'primary') : null]
        : m.loaded.people ? [h('p', {}, 'Nobody matches these filters.'), button('Clear filters', () => dispatch({ type: 'ClearFilters' }))] : h('p', {}, 'Loading…')) : null);
}

/**
 * While dragging (or moving a bar with the keys): the dates, days and hours the
 * booking would have, beside it, and told to screen readers.
 */
function dragInfo(m, layout, preview, previewRow, off) {
  const d = m.drag, s = m.sched;
  if (!d || d.mode === 'click' || !d.moved) return null;
  const unit = ZOOMS[s.zoom].unit, dayW = ZOOMS[s.zoom].dayW, origin = toDay(s.origin);
  let booking, rowKey;
  if (d.mode === 'create') {
    const a = Math.min(d.startDay, d.day), b = Math.max(d.startDay, d.day) + unit - 1;
    rowKey = d.originRowKey;
    const row = layout.rows[layout.index.get(rowKey)];
    booking = { start: fromDay(a), end: fromDay(b), hours_per_day: newBookingHours(row, fromDay(a), fromDay(b), m.data.timeoff) };
  } else if (preview) {
    booking = preview; rowKey = previewRow;
  } else return null;
  const row = layout.rows[layout.index.get(rowKey)];
  if (!row) return null;
  const [a, b] = allocSpan(booking);
  const total = allocationHours(booking, row.person, off);
  const days = b - a + 1;
  const text = `${spanLabel(booking.start, booking.end)} · ${plural(days, 'day', 'days')} · ${fmtNum(Number(booking.hours_per_day), 2)}h/d · ${fmtNum(total)}h${d.mode === 'keys' ? ' — Enter saves, Esc cancels' : ''}`;
  const x = Math.max(SIDEBAR + 4, Math.min(s.viewW - 320, SIDEBAR + (a - origin) * dayW - s.scrollLeft));
  let y = HEADER + row.top - s.scrollTop - 28;
  if (y < HEADER + 2) y = HEADER + row.top + row.height - s.scrollTop + 4;
  return h('div', { key: 'drag-info', class: 'drag-info', role: 'status', 'aria-live': 'polite', 'data-testid': 'drag-info', style: { left: `${x}px`, top: `${y}px` } }, text);
}
