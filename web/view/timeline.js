// The schedule timeline: virtualised rows (people, placeholders) x day
// columns. Only the rows and days in view (plus a little overscan) are in
// the DOM. Pointer events drive drag to create / move / resize.
//
// Kept cheap for the browser to scroll (see BENCHMARKS.md): a row is its day
// cells in one flex strip with one capacity gradient, and its bars (plain
// boxes whose label is one text node); the people column is one sticky strip
// of row headers; rows whose inputs did not change reuse last frame's virtual
// nodes; during a fast scroll new rows come in light (no day cells) and fill
// in once it settles.

import { h, memo } from '../vdom.js';
import { toDay, fromDay, isWeekendDay, weekdayOfDay, shortLabel, spanLabel, startOfWeekDay } from '../dates.js';
import { dayStats, allocSpan, timeOffOn, bookedOn, hoursLabel, fmtHours, roundHours, roundRatio } from '../capacity.js';
import { buildRows, visibleWindow, rowAtY, applyDrag, rowKeyOfAlloc, ZOOMS, SIDEBAR, HEADER, dayWidth, initials, hashColor } from '../schedule.js';
import { indexTimeOff } from '../capacity.js';
import { get as getAlloc, putAll } from '../store.js';
import { ghostAllocations } from '../plan.js';
import { canEdit } from '../update.js';
import { button, fmtNum, pct } from './ui.js';
import { renderBar, renderGhost } from './bars.js';
import { dayHeader } from './dayheader.js';
import { timeOffBlocks, rowTimeOff } from './timeoff-blocks.js';

// geometry of the last render, for the pointer handlers
const geo = { layout: null, sched: null, dragging: false };
// last frame's row vnodes and what they were built from
let lastRows = new Map();

let offMemo = { timeoff: null, idx: null };
function offIndex(timeoff) {
  if (offMemo.timeoff !== timeoff) offMemo = { timeoff, idx: indexTimeOff(timeoff) };
  return offMemo.idx;
}

function pointToCell(el, ev) {
  const rect = el.getBoundingClientRect();
  const s = geo.sched;
  const dayW = dayWidth(s.zoom);
  const x = ev.clientX - rect.left + el.scrollLeft - SIDEBAR;
  const y = ev.clientY - rect.top + el.scrollTop - HEADER;
  let day = toDay(s.origin) + Math.floor(x / dayW);
  day = Math.max(toDay(s.origin), Math.min(toDay(s.origin) + s.days - 1, day));
  const ri = rowAtY(geo.layout.rows, y);
  return { day, x, y, rowKey: ri >= 0 ? geo.layout.rows[ri].key : null };
}

/** While dragging near an edge of the grid, scroll it and keep the drag under the pointer. */
function autoScroll(el, dispatch) {
  if (geo.scrolling) return;
  const step = () => {
    if (!geo.dragging || !geo.pointer) { geo.scrolling = false; return; }
    const r = el.getBoundingClientRect();
    const { clientX: x, clientY: y } = geo.pointer;
    const edge = (d) => Math.max(4, Math.min(24, (48 - d) / 2));
    let dx = 0, dy = 0;
    if (x > r.right - 48) dx = edge(r.right - x);
    else if (x < r.left + SIDEBAR + 32 && x > r.left + SIDEBAR - 40) dx = -edge(x - r.left - SIDEBAR);
    if (geo.dragMode === 'move') {
      if (y > r.bottom - 40) dy = edge(r.bottom - y);
      else if (y < r.top + HEADER + 24) dy = -edge(y - r.top - HEADER);
    }
    if (!dx && !dy) { geo.scrolling = false; return; }
    el.scrollLeft += dx;
    el.scrollTop += dy;
    const p = pointToCell(el, geo.pointer);
    dispatch({ type: 'DragMove', day: p.day, rowKey: p.rowKey });
    requestAnimationFrame(step);
  };
  geo.scrolling = true;
  requestAnimationFrame(step);
}

function handlers(dispatch) {
  return {
    scroll: (e) => { const el = e.currentTarget; dispatch({ type: 'Scrolled', top: el.scrollTop, left: el.scrollLeft, w: el.clientWidth, h: el.clientHeight }); },
    pointerdown: (e) => {
      if (e.button !== 0 || !geo.layout) return;
      const el = e.currentTarget;
      // the people column and the day header stay in view while scrolled: not cells
      const box = el.getBoundingClientRect();
      if (e.clientX - box.left < SIDEBAR || e.clientY - box.top < HEADER) return;
      const p = pointToCell(el, e);
      if (!p.rowKey) return;
      if (e.target.closest('[data-ghost]')) return; // proposed bars are not editable
      const offLabel = e.target.closest('[data-timeoff-id]');
      if (offLabel) { e.preventDefault(); dispatch({ type: 'OpenTimeOff', id: offLabel.getAttribute('data-timeoff-id') }); return; }
      const bar = e.target.closest('[data-allocation-id]');
      let mode = 'create', allocId = null, rowKey = p.rowKey;
      if (bar) {
        allocId = bar.getAttribute('data-allocation-id');
        rowKey = bar.closest('[data-row-key]').getAttribute('data-row-key');
        const r = bar.getBoundingClientRect();
        const edge = Math.min(8, r.width / 4);
        mode = bar.hasAttribute('data-editable') && e.clientX - r.left <= edge ? 'resize-start' : bar.hasAttribute('data-editable') && r.right - e.clientX <= edge ? 'resize-end' : 'move';
      } else if (geo.sched.zoom === 'month') {
        p.day = p.day - weekdayOfDay(p.day);
      }
      e.preventDefault();
      dispatch({ type: 'FocusCell', row: p.rowKey, day: p.day, pointer: true });
      el.focus({ preventScroll: true, focusVisible: false });
      try { el.setPointerCapture(e.pointerId); } catch { /* synthetic events */ }
      geo.dragging = true;
      dispatch({ type: 'DragStart', mode, allocId, rowKey, day: p.day });
    },
    pointermove: (e) => {
      if (!geo.dragging) return;
      const el = e.currentTarget;
      geo.pointer = { clientX: e.clientX, clientY: e.clientY };
      const p = pointToCell(el, e);
      if (geo.sched.zoom === 'month' && geo.dragMode === 'create') p.day -= weekdayOfDay(p.day);
      dispatch({ type: 'DragMove', day: p.day, rowKey: p.rowKey });
      autoScroll(el, dispatch);
    },
    pointerup: (e) => {
      if (!geo.dragging) return;
      geo.dragging = false;
      const p = pointToCell(e.currentTarget, e);
      dispatch({ type: 'DragMove', day: p.day, rowKey: p.rowKey });
      dispatch({ type: 'DragEnd' });
    },
    pointercancel: () => { if (geo.dragging) { geo.dragging = false; dispatch({ type: 'DragCancel' }); } },
    keydown: (e) => {
      if (['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home'].includes(e.key)) { e.preventDefault(); dispatch({ type: 'KeyNav', key: e.key }); }
      else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); dispatch({ type: 'OpenAtFocus' }); }
    },
    focus: () => dispatch({ type: 'KeyNav', key: 'none' }),
    // a bar's tooltip is written when the pointer first reaches it, not for every bar drawn
    pointerover: (e) => {
      const bar = e.target.closest && e.target.closest('[data-allocation-id]');
      if (bar) bar.title = bar.getAttribute('aria-label') + (bar.dataset.note ? `\n${bar.dataset.note}` : '');
    },
  };
}

function mountHook(dispatch, sched) {
  return {
    create: (el) => requestAnimationFrame(() => {
      el.scrollLeft = sched.scrollLeft;
      el.scrollTop = sched.scrollTop;
      dispatch({ type: 'Scrolled', top: el.scrollTop, left: el.scrollLeft, w: el.clientWidth, h: el.clientHeight });
    }),
  };
}

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

let resizeBound = false;
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * A day cell's accessible name. It holds the words the cell shows (the reason
 * for a day off; the hours over capacity, rounded in a narrow cell), so that
 * what is seen is what is heard.
 */
function cellLabel(rowTitle, from, st, unit, narrow, reason) {
  const when = unit === 7 ? `Week of ${shortLabel(fromDay(from))}` : shortLabel(fromDay(from));
  if (st.capacity === 0 && st.booked === 0) return `${rowTitle}, ${when}: ${st.off ? (reason ? `day off, ${reason}` : 'day off') : 'no capacity'}`;
  let s = `${rowTitle}, ${when}: ${fmtNum(st.confirmed)}h scheduled${st.tentative ? ` and ${fmtNum(st.tentative)}h tentative` : ''} of ${fmtNum(st.capacity)}h`;
  if (st.over > 0) s += narrow ? `, overbooked by ${fmtNum(st.over, 0)} hours` : `, overbooked by ${fmtNum(st.over)}h`;
  else if (st.free > 0) s += `, ${fmtNum(st.free)}h free`;
  return s;
}

function aggregate(person, allocs, from, to, off) {
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
function placeholderStats(allocs, day, off) {
  const { confirmed, tentative } = bookedOn(null, allocs, day, off);
  return { capacity: 0, confirmed, tentative, booked: confirmed + tentative, over: 0, free: 0, off: false };
}

// only the focused cell has an id (for the grid's aria-activedescendant)
const cellId = (rowIndex, day) => `cell-${rowIndex}-${day}`;

const CAP_FILL = '#69c07f', CAP_FULL = '#37b24d', CAP_OVER = '#e03131', CAP_TRACK = '#dff3e4', CAP_TENTATIVE = '#b7e0c1';
/**
 * Gradient stops drawing one cell's capacity bar: the scheduled share filled,
 * then the tentative share lighter, the rest as track; red when overbooked.
 */
function capacityStops(x, width, scheduled, booked, over) {
  const a = x + 3, b = x + width - 3;
  const at = (r) => a + Math.round((b - a) * Math.min(1, r) * 10) / 10;
  if (over) return `transparent ${a}px, ${CAP_OVER} ${a}px ${b}px, transparent ${b}px`;
  const f = at(scheduled), t = at(booked);
  const fill = booked >= 1 ? CAP_FULL : CAP_FILL;
  return `transparent ${a}px, ${fill} ${a}px ${f}px, ${CAP_TENTATIVE} ${f}px ${t}px, ${CAP_TRACK} ${t}px ${b}px, transparent ${b}px`;
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
  const dragAlloc = drag && drag.allocId && (drag.mode === 'move' || drag.mode.startsWith('resize')) ? getAlloc(m.data.allocations, drag.allocId) : null;
  const preview = dragAlloc ? applyDrag(drag, dragAlloc, layout.index, layout.rows) : null;
  const previewRow = preview ? (drag.mode === 'move' ? drag.rowKey : drag.originRowKey) : null;
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
  for (let i = win.firstRow; i <= win.lastRow && i >= 0; i++) {
    const row = layout.rows[i];
    const person = row.person;
    const touched = drag && (drag.originRowKey === row.key || drag.rowKey === row.key || (dragAlloc && rowKeyOfAlloc(dragAlloc) === row.key));
    // bar labels follow the left edge only for bars that cross it
    const crossing = row.allocs.some((a) => { const [as, ae] = allocSpan(a); return as <= viewFrom && ae >= viewFrom; });
    const deps = [row, i, win.firstDay, win.lastDay, viewFrom, viewTo, s.zoom, crossing ? s.scrollLeft : -1, focus && focus.row === row.key ? focus.day : null, s.keyboard, editable, m.data.projects, m.data.timeoff, s.filter, m.today, planned.proposal];
    // While scrolling fast, rows coming into view are drawn light: bars, capacity
    // strip and header, without the day cells (which fill in once it settles).
    const light = !!s.fast && !touched && !(focus && focus.row === row.key);
    const cached = !touched && lastRows.get(row.key);
    if (cached && (light || !cached.light) && cached.deps.length === deps.length && cached.deps.every((d, k) => d === deps[k])) {
      rowsV.push(cached.vnode);
      heads.push(cached.head);
      rowCache.set(row.key, cached);
      continue;
    }
    const rel = row.allocs.filter((a) => { const [as, ae] = allocSpan(a); return as <= win.lastDay + 6 && ae >= win.firstDay; });
    // with a plan previewed, the numbers show the schedule as it would be: ghosts in, replaced bookings out
    const statRel = removed.size ? rel.filter((a) => !removed.has(a.id)) : rel;
    // Day cells flow left to right in one strip; their capacity bars are one gradient
    // under them (one painted image per row instead of two per cell).
    const cells = [];
    const capStops = [];
    const cw = unit * dayW;
    let k = 0; // cells in the strip (also counted for light rows, which have no cell nodes)
    for (let d = win.firstDay; d <= win.lastDay; d += unit, k++) {
      const to = d + unit - 1;
      const st = person ? (unit === 1 ? dayStats(person, statRel, d, off) : aggregate(person, statRel, d, to, off)) : placeholderStats(statRel, d, off);
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
    const strip = h('div', { key: 'cells', class: 'cells', style: { left: `${SIDEBAR + (win.firstDay - origin) * dayW}px`, '--cw': `${cw}px` } },
      cells,
      capStops.length ? h('div', { class: 'cap-strip', 'aria-hidden': 'true', style: { width: `${k * cw}px`, backgroundImage: `linear-gradient(to right, ${capStops.join(', ')})` } }) : null);
    const bars = [];
    for (const a of rel) {
      const [as, ae] = allocSpan(a);
      if (ae < win.firstDay || as > win.lastDay) continue;
      if (a.ghost) { bars.push(renderGhost(a, row.lanes.get(a.id) || 0, origin, dayW, projects)); continue; }
      if (removed.has(a.id)) { bars.push(renderBar(a, row.lanes.get(a.id) || 0, origin, dayW, projects, ' plan-removed', false)); continue; }
      if (dragAlloc && a.id === dragAlloc.id) { bars.push(renderBar(a, row.lanes.get(a.id) || 0, origin, dayW, projects, ' ghost-src', false)); continue; }
      bars.push(renderBar(a, row.lanes.get(a.id) || 0, origin, dayW, projects, dimmed(a) ? ' dim' : '', editable, s.scrollLeft + SIDEBAR));
    }
    if (preview && previewRow === row.key) {
      const lane = row.key === drag.originRowKey ? row.lanes.get(preview.id) || 0 : 0;
      const v = renderBar(preview, lane, origin, dayW, projects, ' dragging', false);
      v.key = 'preview';
      v.props = { ...v.props, key: 'preview', 'data-testid': 'allocation-preview', 'data-allocation-id': null };
      bars.push(v);
    }
    if (drag && drag.mode === 'create' && drag.originRowKey === row.key) {
      const a = Math.min(drag.startDay, drag.day), b = Math.max(drag.startDay, drag.day) + unit - 1;
      bars.push(h('div', { key: 'sel', class: 'selection', 'data-testid': 'selection', style: { left: `${SIDEBAR + (a - origin) * dayW}px`, width: `${(b - a + 1) * dayW}px` } }, h("span", {}, `${b - a + 1}d · ${spanLabel(fromDay(a), fromDay(b))}`)));
    }
    // time off: blocks under the bars, their labels over them (view/timeoff-blocks.js)
    const offBlocks = timeOffBlocks(row, person ? rowTimeOff(m.data.timeoff, person.id) : [], { firstDay: win.firstDay, lastDay: win.lastDay, origin, dayW, rowHeight: row.height, off });
    // per-row totals over what is in view: utilisation is scheduled hours over
    // capacity (as in the reports), with the tentative share beside it
    let util = null, tentUtil = null, scheduled = 0, tentative = 0, cap = 0, overDays = 0;
    for (let d = viewFrom; d <= viewTo; d++) {
      const st = person ? dayStats(person, statRel, d, off) : placeholderStats(statRel, d, off);
      scheduled += st.confirmed; tentative += st.tentative; cap += st.capacity;
      if (st.over > 0) overDays++;
    }
    // rounded as the server rounds them, so that a percentage reads as in the reports
    if (person && cap > 0) { util = roundRatio(scheduled / cap); tentUtil = roundRatio(tentative / cap); }
    const hours = hoursLabel({ scheduled, tentative });
    const utilText = person ? `${hours} of ${fmtHours(cap)} capacity in view${overDays ? `; overbooked on ${overDays} day(s)` : ''}` : `Unstaffed demand in view: ${hours}`;
    const header = h('div', {
      key: 'h' + row.key, class: 'row-head' + (drag && drag.mode === 'move' && drag.rowKey === row.key ? ' drop-target' : ''),
      'data-testid': 'row-head', 'data-person-id': person ? person.id : null,
      style: { top: `${row.top}px`, height: `${row.height}px` },
    },
      h('span', { class: 'avatar' + (person ? '' : ' ph'), 'aria-hidden': 'true', style: { '--av': person ? hashColor(person.name) : '#868e96' } }, person ? initials(person.name) : '?'),
      h('span', { class: 'who' },
        h('span', { class: 'name' }, row.title),
        h('span', { class: 'role' }, row.subtitle || '\u00a0')),
      h('span', {
        class: 'util' + (overDays ? ' over' : util != null && util + tentUtil >= 0.85 ? ' high' : ''), 'data-testid': 'row-util', 'data-hours': hours,
        title: utilText,
      },
      h('span', { class: 'util-main' }, person ? pct(util ?? 0) : fmtHours(scheduled), tentative > 0 ? h('span', { class: 'util-tent', title: 'Tentative' }, person ? ` +${pct(tentUtil)}` : ` +${fmtHours(tentative)}`) : null),
      h('span', { class: 'util-sub' }, person ? `${roundHours(scheduled)}${tentative > 0 ? `+${roundHours(tentative)}` : ''}/${roundHours(cap)}h` : 'demand')));
    rowsV.push(h('div', {
      key: 'slot' + (i % 128), class: 'tl-row' + (row.kind === 'placeholder' ? ' placeholder' : '') + (drag && drag.mode === 'move' && drag.rowKey === row.key ? ' drop-target' : ''),
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

  const todayLeft = SIDEBAR + (todayN - origin) * dayW;
  const focusIdx = focus ? layout.index.get(focus.row) : null;
  // the focused cell is named only while it is drawn
  const focusShown = focusIdx != null && focusIdx >= win.firstRow && focusIdx <= win.lastRow && focusDay >= win.firstDay && focusDay <= win.lastDay;
  const gridProps = {
    key: 'grid',
    class: 'tl-scroll' + (drag ? ' is-dragging' : ''),
    'data-testid': 'timeline-grid',
    role: 'grid',
    tabindex: '0',
    'aria-label': 'Schedule timeline. Arrow keys move between days and people, Enter opens, Ctrl+Z undoes.',
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
    layout.rows.length === 0 ? h('div', { class: 'tl-empty' },
      m.data.people.length === 0 && m.loaded.people
        ? [h('p', {}, 'No people yet. Add the people you schedule to start planning.'), editable ? button('Add person', () => dispatch({ type: 'OpenDialog', kind: 'person' }), 'primary') : null]
        : m.loaded.people ? [h('p', {}, 'Nobody matches these filters.'), button('Clear filters', () => dispatch({ type: 'ClearFilters' }))] : h('p', {}, 'Loading…')) : null);
}
