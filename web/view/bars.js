// The bars of the schedule timeline: an allocation, and a proposed (ghost)
// one while a plan is previewed. Plain boxes whose label is their own text;
// each is a cell of its person's row in the timeline grid, beside the day cells
// (a bar spans days, so it is no day's).
//
// A bar too narrow for its label (a short booking at the month scale) never
// shows a letter or two of it: the label goes beside the bar when the lane
// has room there, else the project's short form; the whole label is in its
// tooltip and accessible name.
import { h } from '../vdom.js';
import { spanLabel } from '../dates.js';
import { allocSpan } from '../capacity.js';
import { SIDEBAR, projectColor, textOn, inkOn, geometry } from '../schedule.js';
import { fmtNum } from './ui.js';

/** Below this width a bar does not hold its label. */
export const LABEL_MIN_W = 64;

/** A project's short form: the first letter of each word, numbers whole ("Project 07" -> "P07"), or its first three letters. */
export function abbreviate(name) {
  const words = String(name || '').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '';
  if (words.length === 1) return words[0].slice(0, 3);
  return words.slice(0, 3).map((w) => (/^\d+$/.test(w) ? w : w[0].toUpperCase())).join('');
}

/**
 * For each bar of a row, the room free after it in its lane (px), so a narrow
 * bar can put its label there: id -> px.
 */
export function roomAfter(allocs, lanes, dayW, lastDay) {
  const byLane = new Map();
  for (const a of allocs) {
    const l = lanes.get(a.id) || 0;
    let list = byLane.get(l);
    if (!list) byLane.set(l, (list = []));
    list.push(a);
  }
  const out = new Map();
  for (const list of byLane.values()) {
    const spans = list.map((a) => [a, ...allocSpan(a)]).sort((x, y) => x[1] - y[1]);
    for (let i = 0; i < spans.length; i++) {
      const next = i + 1 < spans.length ? spans[i + 1][1] : lastDay + 60;
      out.set(spans[i][0].id, (next - spans[i][2] - 1) * dayW);
    }
  }
  return out;
}

export function renderGhost(a, lane, origin, dayW, projects, density) {
  const g = geometry(density);
  const p = projects.get(a.project_id);
  const [s, e] = allocSpan(a);
  const color = projectColor(p);
  const w = (e - s + 1) * dayW;
  const hours = `${fmtNum(Number(a.hours_per_day), 2)}h/d`;
  const label = `Proposed: ${a.task_name} (${p ? p.name : 'project'}), ${hours}, ${spanLabel(a.start, a.end)}${a.shared_with ? `, shared ${a.shared_with}` : ''}`;
  const bg = mix(color, 0.16);
  return h('div', {
    key: 'ghost:' + a.id,
    class: 'bar plan-ghost' + (w < 40 ? ' narrow' : ''),
    'data-testid': 'ghost-allocation',
    'data-ghost': '',
    'data-task-id': a.task_id || null,
    'data-person-id': a.person_id || null,
    'data-shared': a.shared_with ? '' : null,
    'data-start': a.start,
    'data-end': a.end,
    role: 'gridcell',
    'aria-label': label,
    title: label,
    style: {
      left: `${SIDEBAR + (s - origin) * dayW + 1}px`,
      width: `${Math.max(4, w - 2)}px`,
      top: `${g.pad + lane * g.laneH}px`,
      height: `${g.laneH - (density === 'compact' ? 1 : 4)}px`,
      '--bar': color,
      '--ghost-bg': bg,
      // the task name in the project's colour, dark enough to read
      '--ghost-ink': inkOn(color, bg),
    },
  },
  h('strong', {}, a.task_name), ' ' + hours);
}

/** Keep the label of a bar that starts left of the view inside the view. */
function labelShift(barLeft, width, viewLeft) {
  const hidden = viewLeft - barLeft;
  if (hidden <= 0) return undefined;
  return { paddingLeft: `${Math.max(0, Math.min(hidden, width - 90)) + 8}px` };
}

const mixMemo = new Map();
/** The colour blended with white (amount of colour kept). */
function mix(hex, k) {
  const key = hex + k;
  let v = mixMemo.get(key);
  if (!v) {
    const n = parseInt(hex.slice(1), 16);
    v = '#' + [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((x) => Math.round(x * k + 255 * (1 - k)).toString(16).padStart(2, '0')).join('');
    mixMemo.set(key, v);
  }
  return v;
}

/**
 * One booking's bar. `opts`: density, room (px free after it in its lane),
 * focusable (tabindex 0: the bar of the focused cell; else -1).
 */
export function renderBar(a, lane, origin, dayW, projects, extraClass, editable, viewLeft = 0, opts = {}) {
  const g = geometry(opts.density);
  const p = projects.get(a.project_id);
  const [s, e] = allocSpan(a);
  // a bar dimmed by a filter is a pale tint of its colour, its label still dark enough to read
  const color = extraClass === ' dim' ? mix(projectColor(p), 0.3) : projectColor(p);
  const name = p ? p.name : 'Unknown project';
  const w = (e - s + 1) * dayW;
  const hours = `${fmtNum(Number(a.hours_per_day), 2)}h/d`;
  const short = w < LABEL_MIN_W;
  const outside = short && (opts.room || 0) >= 72;
  const abbr = short && !outside && w >= 36 ? abbreviate(name) : null;
  const text = !short ? `${name} · ${hours}` : abbr;
  // the short form shown is heard first, as it is seen
  const label = `${abbr && abbr !== name ? `${abbr}: ` : ''}${name}, ${hours}${a.tentative ? ', tentative' : ''}, ${spanLabel(a.start, a.end)}`;
  return h('div', {
    key: 'bar:' + a.id,
    class: 'bar' + (a.tentative ? ' tentative' : '') + (extraClass || '') + (w < 40 ? ' narrow' : '') + (outside ? ' outside' : ''),
    'data-testid': 'allocation',
    'data-allocation-id': a.id,
    'data-start': a.start,
    'data-end': a.end,
    'data-editable': editable ? '' : null,
    role: 'gridcell',
    'aria-label': label,
    tabindex: opts.focusable == null ? null : opts.focusable ? '0' : '-1',
    'data-note': a.note || null,
    style: {
      left: `${SIDEBAR + (s - origin) * dayW + 1}px`,
      width: `${Math.max(4, w - 2)}px`,
      top: `${g.pad + lane * g.laneH}px`,
      height: `${g.laneH - (opts.density === 'compact' ? 1 : 4)}px`,
      '--bar': color,
      '--bar-text': a.tentative ? '#1b1f27' : textOn(color),
      ...(a.tentative ? { '--hatch-a': mix(color, 0.35), '--hatch-b': mix(color, 0.18) } : {}),
      ...(short ? {} : labelShift(SIDEBAR + (s - origin) * dayW, w, viewLeft)),
      ...(outside ? { '--room': `${Math.min(220, opts.room - 8)}px` } : {}),
    },
  },
  text,
  outside ? h('span', { class: 'out-label', 'aria-hidden': 'true' }, `${name} · ${hours}`) : null);
}

