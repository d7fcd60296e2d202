// What the timeline grid does with the pointer and the keyboard: drag to
// book (in a row's free lane, or on empty days), drag a bar to move it (with
// Alt, a copy of it), its edges to resize; arrow keys move the focused cell
// (with Shift, a range on the row; Enter books it); on a focused bar, arrow
// keys move it (Up and Down: to the row above or below), Shift+arrows move its
// end and Alt+arrows its start, and Enter saves (or, unchanged, opens it); on
// a focused time-off label, Enter opens it.
import { toDay, weekdayOfDay } from '../dates.js';
import { rowAtY, SIDEBAR, HEADER, dayWidth } from '../schedule.js';

// geometry of the last render, for the pointer handlers
export const geo = { layout: null, sched: null, dragging: false };

const BAR_KEYS = {
  ArrowLeft: { days: -1 }, ArrowRight: { days: 1 }, ArrowUp: { rows: -1 }, ArrowDown: { rows: 1 },
};

/** A key pressed on a focused bar. */
function barKey(e, allocId, dispatch) {
  const k = BAR_KEYS[e.key];
  if (k) {
    e.preventDefault();
    const edge = e.shiftKey ? 'end' : e.altKey ? 'start' : 'move';
    if (edge !== 'move' && k.rows) return;
    dispatch({ type: 'BarKey', allocId, edge, days: k.days || 0, rows: k.rows || 0 });
  } else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    dispatch({ type: 'BarEnter', allocId });
  }
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
    // the grid's box as the drag began (reading it here would force a layout each frame)
    const r = geo.box || el.getBoundingClientRect();
    const { clientX: x, clientY: y } = geo.pointer;
    const edge = (d) => Math.max(4, Math.min(24, (48 - d) / 2));
    let dx = 0, dy = 0;
    if (x > r.right - 48) dx = edge(r.right - x);
    else if (x < r.left + SIDEBAR + 32 && x > r.left + SIDEBAR - 40) dx = -edge(x - r.left - SIDEBAR);
    if (geo.dragMode === 'move' || geo.dragMode === 'copy') {
      if (y > r.bottom - 40) dy = edge(r.bottom - y);
      else if (y < r.top + HEADER + 24) dy = -edge(y - r.top - HEADER);
    }
    // near an edge the grid is already scrolled to, there is nothing to do
    const s = geo.sched;
    if ((dx < 0 && s.scrollLeft <= 0) || (dx > 0 && s.scrollLeft >= geo.maxLeft)) dx = 0;
    if ((dy < 0 && s.scrollTop <= 0) || (dy > 0 && s.scrollTop >= geo.maxTop)) dy = 0;
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

export function handlers(dispatch) {
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
        if (e.altKey && bar.hasAttribute('data-editable')) mode = 'copy';
        rowKey = bar.closest('[data-row-key]').getAttribute('data-row-key');
        const r = bar.getBoundingClientRect();
        const edge = Math.min(8, r.width / 4);
        if (mode !== 'copy') mode = bar.hasAttribute('data-editable') && e.clientX - r.left <= edge ? 'resize-start' : bar.hasAttribute('data-editable') && r.right - e.clientX <= edge ? 'resize-end' : 'move';
      } else if (geo.sched.zoom === 'month') {
        p.day = p.day - weekdayOfDay(p.day);
      }
      e.preventDefault();
      dispatch({ type: 'FocusCell', row: p.rowKey, day: p.day, pointer: true });
      el.focus({ preventScroll: true, focusVisible: false });
      try { el.setPointerCapture(e.pointerId); } catch { /* synthetic events */ }
      // for scrolling while dragging near an edge (read now, while the layout is clean)
      geo.box = box;
      geo.maxLeft = el.scrollWidth - el.clientWidth;
      geo.maxTop = el.scrollHeight - el.clientHeight;
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
      // a time-off label: Enter or Space opens it (editable or read-only, as the person may)
      const offLabel = e.target !== e.currentTarget && e.target.closest && e.target.closest('[data-timeoff-id]');
      if (offLabel) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); dispatch({ type: 'OpenTimeOff', id: offLabel.getAttribute('data-timeoff-id') }); }
        return;
      }
      const bar = e.target !== e.currentTarget && e.target.closest && e.target.closest('[data-allocation-id]');
      if (bar) { barKey(e, bar.getAttribute('data-allocation-id'), dispatch); return; }
      if (e.target !== e.currentTarget) return;
      if (['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home'].includes(e.key)) { e.preventDefault(); dispatch({ type: 'KeyNav', key: e.key, shift: e.shiftKey }); }
      else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); dispatch({ type: 'OpenAtFocus' }); }
    },
    focus: (e) => { if (e.target === e.currentTarget) dispatch({ type: 'KeyNav', key: 'none' }); },
    // a bar's tooltip is written when the pointer first reaches it, not for every bar drawn
    pointerover: (e) => {
      const bar = e.target.closest && e.target.closest('[data-allocation-id]');
      if (bar) bar.title = bar.getAttribute('aria-label') + (bar.dataset.note ? `\n${bar.dataset.note}` : '');
    },
  };
}

export function mountHook(dispatch, sched) {
  return {
    create: (el) => requestAnimationFrame(() => {
      if (!el.isConnected) return; // replaced before it was drawn (e.g. by the agenda)
      el.scrollLeft = sched.scrollLeft;
      el.scrollTop = sched.scrollTop;
      dispatch({ type: 'Scrolled', top: el.scrollTop, left: el.scrollLeft, w: el.clientWidth, h: el.clientHeight });
      dispatch({ type: 'TimelineMounted' });
    }),
  };
}

