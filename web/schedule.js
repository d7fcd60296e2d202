// Timeline geometry and derived rows: pure functions shared by update (drag
// results, keyboard navigation) and the view (virtualised rendering).

import { toDay, fromDay, startOfWeekDay } from './dates.js';
import { layoutLanes, allocSpan, rangeStats, indexTimeOff } from './capacity.js';
import { diff, forEach } from './store.js';
import { freeRange, projectMatches } from './find.js';

/** The skills a filter asks for (the one-skill filter of older links included). */
export const skillsOf = (f) => [...new Set([...(f.skills || []), ...(f.skill ? [f.skill] : [])])];

export const ZOOMS = {
  day: { dayW: 56, unit: 1, label: 'Day' },
  week: { dayW: 24, unit: 1, label: 'Week' },
  month: { dayW: 7, unit: 7, label: 'Month' },
};
export const SIDEBAR = 264;
export const HEADER = 52;
/**
 * Row geometry by density. Below a row's lanes of bars there is always one
 * free lane (which also holds the capacity strip): dragging there books
 * someone again on days they already hold a bar.
 */
export const DENSITIES = {
  comfortable: { laneH: 26, pad: 6, free: 24, min: 56, label: 'Comfortable' },
  compact: { laneH: 14, pad: 1, free: 7, min: 22, label: 'Compact' },
};
export function geometry(density) { return DENSITIES[density] || DENSITIES.comfortable; }
export const LANE_H = DENSITIES.comfortable.laneH;
export const ROW_TOP_PAD = DENSITIES.comfortable.pad;

export function dayWidth(zoom) { return (ZOOMS[zoom] || ZOOMS.week).dayW; }

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return '?';
  const a = parts[0][0] || '';
  const b = parts.length > 1 ? parts[parts.length - 1][0] : (parts[0][1] || '');
  return (a + b).toUpperCase();
}

// Avatar and default project colours: each carries white text at 4.5:1 or more.
export const PALETTE = ['#4a65e8', '#087f5b', '#c03d0c', '#9c36b5', '#0b7a8f', '#b35c00', '#5f3dc4', '#c2255c', '#2b7a3b', '#946200', '#3b5bdb', '#862e9c'];
export function hashColor(s) {
  let h = 0;
  for (const ch of String(s)) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(h) % PALETTE.length];
}
export function projectColor(p) {
  return p && /^#[0-9a-fA-F]{6}$/.test(p.color || '') ? p.color : hashColor(p ? p.id : '?');
}

const rgb = (hex) => { const n = parseInt(hex.slice(1), 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255]; };
const hex = (c) => '#' + c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('');
/** Relative luminance (WCAG 2). */
function luminance(c) {
  const [r, g, b] = c.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
/** Contrast ratio of two colours (WCAG 2), from 1 to 21. */
export function contrast(a, b) {
  const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
const INK = '#1b1f27';
// asked once per bar drawn, of a few colours
const textMemo = new Map();
/**
 * Text colour for a background colour: white where it reads at 4.5:1, else the
 * ink, else black (one of white and black always reaches 4.5:1).
 */
export function textOn(bg) {
  let v = textMemo.get(bg);
  if (!v) {
    v = contrast('#ffffff', bg) >= 4.5 ? '#ffffff' : contrast(INK, bg) >= 4.5 ? INK : '#000000';
    textMemo.set(bg, v);
  }
  return v;
}
/** The colour, darkened just enough to read at 4.5:1 on the background. */
export function inkOn(color, bg) {
  const c = rgb(color);
  for (let k = 1; k > 0; k -= 0.05) {
    const v = hex(c.map((x) => x * k));
    if (contrast(v, bg) >= 4.5) return v;
  }
  return '#000000';
}

/**
 * Group allocations by row key ('p:<person_id>' or 'ph:<role>'). After a
 * change only the rows it touches are regrouped: an edit on a
 * 100,000-allocation schedule stays within a frame, and a window of newly
 * loaded allocations costs what it adds, not what was already there.
 */
let groupMemo = { allocations: null, map: null };
export function allocsByRow(allocations) {
  if (groupMemo.allocations === allocations) return groupMemo.map;
  const prev = groupMemo.allocations;
  if (prev) {
    const changes = diff(prev, allocations);
    const map = new Map(groupMemo.map);
    const gone = new Set();
    const rows = new Set();
    for (const [b, a] of changes) {
      if (b) { gone.add(b); rows.add(rowKeyOfAlloc(b)); }
      if (a) rows.add(rowKeyOfAlloc(a));
    }
    for (const key of rows) {
      const l = (map.get(key) || []).filter((x) => !gone.has(x));
      map.set(key, l);
    }
    for (const [, a] of changes) if (a) map.get(rowKeyOfAlloc(a)).push(a);
    for (const key of rows) if (!map.get(key).length) map.delete(key);
    groupMemo = { allocations, map };
    return map;
  }
  // the first time: group everything
  const map = new Map();
  forEach(allocations, (a) => {
    const key = rowKeyOfAlloc(a);
    let l = map.get(key);
    if (!l) map.set(key, (l = []));
    l.push(a);
  });
  groupMemo = { allocations, map };
  return map;
}

const laneMemo = new WeakMap();
function lanesOf(allocs) {
  let r = laneMemo.get(allocs);
  if (!r) { r = layoutLanes(allocs); laneMemo.set(allocs, r); }
  return r;
}

export function rowKeyOfAlloc(a) {
  return a.person_id != null && a.person_id !== '' ? 'p:' + a.person_id : 'ph:' + (a.placeholder_role || 'Unassigned');
}

function matches(hay, q) { return String(hay || '').toLowerCase().includes(q); }

/**
 * The rows the timeline shows, filtered and sorted, with their layout:
 * [{key, kind, person, role, title, subtitle, allocs, lanes, laneCount, top, height}]
 * plus {totalHeight}.
 */
let rowsMemo = null;
// one collator for the whole sort (String#localeCompare sets one up per call)
const collator = new Intl.Collator();
export function buildRows(data, sched) {
  const { people, projects, allocations, timeoff } = data;
  const { filter, sort, density } = sched;
  const span = freeRange(filter.free, sched.today);
  if (rowsMemo && rowsMemo.density === density && rowsMemo.people === people && rowsMemo.projects === projects && rowsMemo.allocations === allocations && rowsMemo.filter === filter && rowsMemo.sort === sort && rowsMemo.today === sched.today && (rowsMemo.timeoff === timeoff || ((sort === 'name' || sort === 'role') && !span))) return rowsMemo.result;
  const byRow = allocsByRow(allocations);
  const projById = new Map(projects.map((p) => [p.id, p]));
  const q = (filter.q || '').trim().toLowerCase();
  // a project's or client's name finds the people booked on it
  const onProjects = q ? projectMatches(data, q) : null;
  const bookedOn = (allocs) => !!onProjects && onProjects.size > 0 && allocs.some((a) => onProjects.has(a.project_id));
  const skills = skillsOf(filter);
  const off = span || sort === 'available' || sort === 'booked' ? indexTimeOff(data.timeoff) : null;
  const minFree = span ? Math.max(0.01, Number(filter.free.min) || 0) : 0;
  const projectFilter = filter.project || '';
  const clientFilter = filter.client || '';
  const involves = (allocs) => {
    if (!projectFilter && !clientFilter) return true;
    return allocs.some((a) => {
      if (projectFilter && a.project_id !== projectFilter) return false;
      if (clientFilter) { const p = projById.get(a.project_id); if (!p || p.client_id !== clientFilter) return false; }
      return true;
    });
  };
  const rows = [];
  // placeholder rows (unstaffed demand) first, grouped by role
  const phKeys = [...byRow.keys()].filter((k) => k.startsWith('ph:')).sort();
  for (const key of phKeys) {
    const allocs = byRow.get(key);
    const role = key.slice(3);
    if (q && !matches(role, q) && !matches('placeholder', q) && !bookedOn(allocs)) continue;
    if (filter.role && filter.role !== role) continue;
    if (skills.length || span) continue;
    if (!involves(allocs)) continue;
    rows.push({ key, kind: 'placeholder', person: null, role, title: role, subtitle: 'Placeholder', allocs });
  }
  const list = people.filter((p) => !p.archived).filter((p) => {
    if (q && !matches(p.name, q) && !matches(p.role, q) && !(p.skills || []).some((s) => matches(s, q)) && !matches(p.email, q) && !bookedOn(byRow.get('p:' + p.id) || [])) return false;
    if (filter.role && (p.role || '') !== filter.role) return false;
    if (skills.length && !skills.every((k) => (p.skills || []).includes(k))) return false;
    if (!involves(byRow.get('p:' + p.id) || [])) return false;
    return true;
  });
  // free hours over the window chosen, else the next four weeks (for the availability sorts)
  let free = null;
  if (span || sort === 'available' || sort === 'booked') {
    const from = span ? toDay(span.from) : toDay(sched.today || sched.origin), to = span ? toDay(span.to) : from + 27;
    free = new Map(list.map((p) => { const st = rangeStats(p, byRow.get('p:' + p.id) || [], from, to, off); return [p.id, st.capacity - st.confirmed - st.tentative]; }));
  }
  if (span) {
    for (let i = list.length - 1; i >= 0; i--) if (!(free.get(list[i].id) >= minFree)) list.splice(i, 1);
  }
  const byName = (a, b) => collator.compare(String(a.name), String(b.name));
  let cmp = byName;
  if (sort === 'role') cmp = (a, b) => collator.compare(String(a.role || ''), String(b.role || '')) || byName(a, b);
  else if (sort === 'available' || sort === 'booked') {
    cmp = sort === 'available' ? (a, b) => free.get(b.id) - free.get(a.id) || byName(a, b) : (a, b) => free.get(a.id) - free.get(b.id) || byName(a, b);
  }
  list.sort(cmp);
  for (const p of list) rows.push({ key: 'p:' + p.id, kind: 'person', person: p, role: null, title: p.name, subtitle: p.role || '', allocs: byRow.get('p:' + p.id) || [] });
  let top = 0;
  const g = geometry(density);
  for (const r of rows) {
    const { lanes, count } = lanesOf(r.allocs);
    r.lanes = lanes;
    r.laneCount = count;
    // the lanes of bars, then the free lane
    r.height = Math.max(g.min, g.pad + count * g.laneH + g.free);
    r.freeTop = g.pad + count * g.laneH;
    r.top = top;
    top += r.height;
  }
  const result = { rows, totalHeight: top, index: new Map(rows.map((r, i) => [r.key, i])), free: span ? free : null, span };
  rowsMemo = { people, projects, allocations, timeoff, filter, sort, density, today: sched.today, result };
  return result;
}

/** Index of the row at body y (binary search), or -1. */
export function rowAtY(rows, y) {
  let lo = 0, hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    if (y < r.top) hi = mid - 1;
    else if (y >= r.top + r.height) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Visible window: {firstRow, lastRow, firstDay, lastDay} (day numbers), with overscan. */
export function visibleWindow(layout, sched) {
  const dayW = dayWidth(sched.zoom);
  const origin = toDay(sched.origin);
  const bodyTop = sched.scrollTop;
  const bodyBottom = sched.scrollTop + Math.max(0, sched.viewH - HEADER);
  const rows = layout.rows;
  let firstRow = rowAtY(rows, bodyTop);
  if (firstRow < 0) firstRow = rows.length && bodyTop >= layout.totalHeight ? rows.length : 0;
  let lastRow = rowAtY(rows, bodyBottom);
  if (lastRow < 0) lastRow = rows.length - 1;
  firstRow = Math.max(0, firstRow - 2);
  lastRow = Math.min(rows.length - 1, lastRow + 2);
  const overscan = Math.ceil(120 / dayW);
  let firstDay = origin + Math.floor(sched.scrollLeft / dayW) - overscan;
  let lastDay = origin + Math.ceil((sched.scrollLeft + sched.viewW - SIDEBAR) / dayW) + overscan;
  firstDay = Math.max(origin, firstDay);
  lastDay = Math.min(origin + sched.days - 1, lastDay);
  const unit = (ZOOMS[sched.zoom] || ZOOMS.week).unit;
  if (unit === 7) { firstDay = startOfWeekDay(firstDay); }
  return { firstRow, lastRow, firstDay, lastDay };
}

/** Apply a drag to an allocation (move / resize): returns the changed allocation (new object) or the same one. */
export function applyDrag(drag, alloc, rowsIndex, rows) {
  if (!drag || !alloc) return alloc;
  const delta = drag.day - drag.startDay;
  const [s, e] = allocSpan(alloc);
  if (drag.mode === 'move' || drag.mode === 'copy' || drag.mode === 'keys') {
    let out = { ...alloc };
    // keys: the bar's new start and end, as the arrow keys left them
    if (drag.mode === 'keys') { out.start = fromDay(drag.s); out.end = fromDay(drag.e); }
    else if (delta) { out.start = fromDay(s + delta); out.end = fromDay(e + delta); }
    if (drag.rowKey && drag.rowKey !== drag.originRowKey) {
      const row = rows && rowsIndex ? rows[rowsIndex.get(drag.rowKey)] : null;
      if (row && row.kind === 'person') { out.person_id = row.person.id; out.placeholder_role = null; }
      else if (row && row.kind === 'placeholder') { out.person_id = null; out.placeholder_role = row.role; }
    }
    return out;
  }
  if (drag.mode === 'resize-end') {
    const ne = Math.max(s, e + delta);
    return ne === e ? alloc : { ...alloc, end: fromDay(ne) };
  }
  if (drag.mode === 'resize-start') {
    const ns = Math.min(e, s + delta);
    return ns === s ? alloc : { ...alloc, start: fromDay(ns) };
  }
  return alloc;
}

/** Fields that differ between two allocations, for a PATCH body. */
export function allocDiff(before, after) {
  const out = {};
  for (const k of ['start', 'end', 'person_id', 'placeholder_role', 'hours_per_day', 'tentative', 'note', 'project_id']) {
    if ((before[k] ?? null) !== (after[k] ?? null)) out[k] = after[k] ?? null;
  }
  return out;
}

export { toDay, fromDay };
