// The bars of the schedule timeline: an allocation, and a proposed (ghost)
// one while a plan is previewed. Plain boxes whose label is their own text;
// each is a cell of its person's row in the timeline grid, beside the day cells
// (a bar spans days, so it is no day's).
import { h } from '../vdom.js';
import { spanLabel } from '../dates.js';
import { allocSpan } from '../capacity.js';
import { SIDEBAR, LANE_H, ROW_TOP_PAD, projectColor, textOn, inkOn } from '../schedule.js';
import { fmtNum } from './ui.js';

export function renderGhost(a, lane, origin, dayW, projects) {
  const p = projects.get(a.project_id);
  const [s, e] = allocSpan(a);
  const color = projectColor(p);
  const w = (e - s + 1) * dayW;
  const hours = `${fmtNum(Number(a.hours_per_day), 2)}h/d`;
  const label = `Proposed: ${a.task_name} (${p ? p.name : 'project'}), ${hours}, ${spanLabel(a.start, a.end)}`;
  const bg = mix(color, 0.16);
  return h('div', {
    key: 'ghost:' + a.id,
    class: 'bar plan-ghost' + (w < 40 ? ' narrow' : ''),
    'data-testid': 'ghost-allocation',
    'data-ghost': '',
    'data-task-id': a.task_id || null,
    'data-person-id': a.person_id || null,
    'data-start': a.start,
    'data-end': a.end,
    role: 'gridcell',
    'aria-label': label,
    title: label,
    style: {
      left: `${SIDEBAR + (s - origin) * dayW + 1}px`,
      width: `${Math.max(4, w - 2)}px`,
      top: `${ROW_TOP_PAD + lane * LANE_H}px`,
      height: `${LANE_H - 4}px`,
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

export function renderBar(a, lane, origin, dayW, projects, extraClass, editable, viewLeft = 0) {
  const p = projects.get(a.project_id);
  const [s, e] = allocSpan(a);
  // a bar dimmed by a filter is a pale tint of its colour, its label still dark enough to read
  const color = extraClass === ' dim' ? mix(projectColor(p), 0.3) : projectColor(p);
  const name = p ? p.name : 'Unknown project';
  const w = (e - s + 1) * dayW;
  const hours = `${fmtNum(Number(a.hours_per_day), 2)}h/d`;
  const label = `${name}, ${hours}${a.tentative ? ', tentative' : ''}, ${spanLabel(a.start, a.end)}`;
  return h('div', {
    key: 'bar:' + a.id,
    class: 'bar' + (a.tentative ? ' tentative' : '') + (extraClass || '') + (w < 40 ? ' narrow' : ''),
    'data-testid': 'allocation',
    'data-allocation-id': a.id,
    'data-start': a.start,
    'data-end': a.end,
    'data-editable': editable ? '' : null,
    role: 'gridcell',
    'aria-label': label,
    'data-note': a.note || null,
    style: {
      left: `${SIDEBAR + (s - origin) * dayW + 1}px`,
      width: `${Math.max(4, w - 2)}px`,
      top: `${ROW_TOP_PAD + lane * LANE_H}px`,
      height: `${LANE_H - 4}px`,
      '--bar': color,
      '--bar-text': a.tentative ? '#1b1f27' : textOn(color),
      ...(a.tentative ? { '--hatch-a': mix(color, 0.35), '--hatch-b': mix(color, 0.18) } : {}),
      ...labelShift(SIDEBAR + (s - origin) * dayW, w, viewLeft),
    },
  },
  `${name} · ${hours}`);
}

