// Projects: the pipeline board by status (drag cards between columns) and
// the project detail page.
import { h } from '../vdom.js';
import { projectMoney, rateOverridesView } from './financials.js';
import { STATUSES, STATUS_LABEL, canEdit } from '../update.js';
import { projectColor } from '../schedule.js';
import { allocationHours, indexTimeOff, hoursByProject, hoursLabel, fmtHours } from '../capacity.js';
import { spanLabel, longLabel } from '../dates.js';
import { values } from '../store.js';
import { button, pageHeader, fmtNum, link, empty } from './ui.js';
import { tasksSection } from './tasks.js';

let hoursMemo = { allocations: null, people: null, timeoff: null, map: null };
/** Scheduled and tentative hours per project from the loaded allocations (capacity.js's rules, the server's). */
function projectHours(data) {
  if (hoursMemo.allocations === data.allocations && hoursMemo.people === data.people && hoursMemo.timeoff === data.timeoff) return hoursMemo.map;
  const map = hoursByProject(data.people, values(data.allocations), data.timeoff);
  hoursMemo = { allocations: data.allocations, people: data.people, timeoff: data.timeoff, map };
  return map;
}
const NONE = { scheduled: 0, tentative: 0 };

const geo = { dragging: false };

function columnAt(x, y) {
  const el = document.elementFromPoint(x, y);
  const col = el && el.closest('[data-testid="pipeline-column"]');
  return col ? col.getAttribute('data-status') : null;
}

export function pipelineView(m, dispatch) {
  const byProject = projectHours(m.data);
  const clients = new Map(m.data.clients.map((c) => [c.id, c]));
  const pd = m.pipeDrag;
  const editable = canEdit(m);
  const cols = STATUSES.map((status) => {
    const items = m.data.projects.filter((p) => (p.status || 'active') === status);
    const hours = items.reduce((t, p) => { const x = byProject.get(p.id) || NONE; return { scheduled: t.scheduled + x.scheduled, tentative: t.tentative + x.tentative }; }, NONE);
    return h('section', {
      key: status, class: 'col' + (pd && pd.moved && pd.over === status ? ' drop' : ''), 'data-testid': 'pipeline-column', 'data-status': status, 'aria-label': `${STATUS_LABEL[status]}: ${items.length} projects`,
    },
    h('header', { class: 'col-head' }, h('span', { class: 'dot s-' + status }), h('h2', {}, STATUS_LABEL[status]), h('span', { class: 'count' }, items.length), h('span', { class: 'col-hours', title: hoursLabel(hours) }, `${fmtNum(hours.scheduled, 0)}h`, hours.tentative > 0 ? h('span', { class: 'tent' }, ` +${fmtNum(hours.tentative, 0)}h tentative`) : null)),
    h('div', { class: 'cards', role: 'list' }, items.map((p) => {
      const ph = byProject.get(p.id) || NONE;
      const sch = ph.scheduled;
      const budget = p.budget_hours != null && p.budget_hours !== '' ? Number(p.budget_hours) : null;
      const ratio = budget ? Math.min(1.2, sch / budget) : null;
      const client = p.client_id ? clients.get(p.client_id) : null;
      return h('article', {
        key: p.id, class: 'card' + (pd && pd.id === p.id && pd.moved ? ' lifted' : ''), role: 'listitem', tabindex: '0',
        'data-testid': 'project-card', 'data-project-id': p.id, 'aria-label': `${p.name}, ${STATUS_LABEL[status]}`,
        style: { '--pc': projectColor(p), ...(pd && pd.id === p.id && pd.moved ? { transform: `translate(${pd.x - pd.x0}px, ${pd.y - pd.y0}px)` } : {}) },
        on: {
          pointerdown: (e) => {
            if (e.button !== 0 || e.target.closest('select, button, a')) return;
            e.preventDefault();
            try { e.currentTarget.setPointerCapture(e.pointerId); } catch { /* synthetic */ }
            geo.dragging = true; geo.x0 = e.clientX; geo.y0 = e.clientY;
            dispatch({ type: 'PipeDragStart', id: p.id, status, x: e.clientX, y: e.clientY });
          },
          pointermove: (e) => {
            if (!geo.dragging) return;
            if (Math.abs(e.clientX - geo.x0) + Math.abs(e.clientY - geo.y0) < 4) return;
            dispatch({ type: 'PipeDragMove', status: columnAt(e.clientX, e.clientY), x: e.clientX, y: e.clientY });
          },
          pointerup: (e) => {
            if (!geo.dragging) return;
            geo.dragging = false;
            dispatch({ type: 'PipeDrop' });
          },
          pointercancel: () => { geo.dragging = false; dispatch({ type: 'PipeDragCancel' }); },
          keydown: (e) => { if (e.key === 'Enter' && e.target === e.currentTarget) dispatch({ type: 'Navigate', path: '/projects/' + encodeURIComponent(p.id) }); },
        },
      },
      h('div', { class: 'card-top' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), h('a', { href: '/projects/' + encodeURIComponent(p.id), 'data-nav': '', class: 'card-title' }, p.name)),
      client ? h('div', { class: 'card-client' }, client.name) : null,
      h('div', { class: 'card-meta' },
        h('span', { class: 'prob', title: 'Probability' }, `${p.probability ?? '–'}%`),
        p.start || p.end ? h('span', {}, p.start && p.end ? spanLabel(p.start, p.end) : p.start ? `from ${longLabel(p.start)}` : `until ${longLabel(p.end)}`) : null),
      h('div', { class: 'card-budget' },
        h('span', {}, h('span', { 'data-testid': 'card-hours' }, hoursLabel(ph)), budget != null ? ` / ${fmtNum(budget, 0)}h budget` : ''),
        ratio != null ? h('div', { class: 'meter' + (ratio > 1 ? ' over' : '') }, h('div', { style: { width: `${Math.min(100, ratio * 100)}%` } })) : null),
      editable ? h('label', { class: 'sr-only', for: 'st-' + p.id }, 'Status') : null,
      editable ? h('select', { id: 'st-' + p.id, class: 'card-status', 'aria-label': `Status of ${p.name}`, value: status, on: { change: (e) => dispatch({ type: 'SetProjectStatus', id: p.id, status: e.target.value }) } },
        STATUSES.map((s) => h('option', { value: s, selected: s === status }, STATUS_LABEL[s]))) : null);
    })));
  });
  return h('div', { class: 'page pipeline' },
    pageHeader('Projects', 'Your pipeline by status. Drag a card to another column to change its status.', editable ? [button('New project', () => dispatch({ type: 'OpenDialog', kind: 'project' }), 'primary', { 'data-testid': 'new-project' })] : []),
    m.data.projects.length === 0 && m.loaded.projects ? empty('No projects yet.', editable ? button('New project', () => dispatch({ type: 'OpenDialog', kind: 'project' }), 'primary') : null) : null,
    h('div', { class: 'board' + (pd && pd.moved ? ' dragging' : '') }, cols));
}

export function projectView(m, dispatch) {
  const id = m.route.id;
  const p = m.data.projects.find((x) => x.id === id);
  if (!p) return h('div', { class: 'page' }, pageHeader(m.loaded.projects ? 'Project not found' : 'Loading…', null, [link('/projects', '← All projects', { class: 'btn ghost' })]));
  const sum = m.summaries[id];
  const people = new Map(m.data.people.map((x) => [x.id, x]));
  const client = m.data.clients.find((c) => c.id === p.client_id);
  const allocs = values(m.data.allocations).filter((a) => a.project_id === id).sort((a, b) => (a.start < b.start ? -1 : 1));
  const off = indexTimeOff(m.data.timeoff);
  const editable = canEdit(m);
  // the server's summary once loaded (it counts every allocation, not only the loaded window)
  const local = projectHours(m.data).get(id) || NONE;
  const fromServer = sum && !sum.error && sum.scheduled_hours != null;
  const here = fromServer ? { scheduled: sum.scheduled_hours, tentative: sum.tentative_hours || 0 } : local;
  const stat = (label, value, tid) => h('div', { class: 'stat', 'data-testid': tid }, h('div', { class: 'stat-v' }, value), h('div', { class: 'stat-l' }, label));
  const pick = (o, ...ks) => { for (const k of ks) if (o && o[k] != null) return o[k]; return null; };
  return h('div', { class: 'page project' },
    pageHeader(h('span', { class: 'ptitle' }, h('span', { class: 'swatch big', style: { '--pc': projectColor(p) } }), p.name),
      [client ? client.name + ' · ' : '', STATUS_LABEL[p.status || 'active'], ` · ${p.probability ?? '–'}% probability`, p.billing === 'fixed_fee' ? ' · fixed fee' : p.billable === false || p.billing === 'non_billable' ? ' · non-billable' : ''].join(''),
      [link('/projects', '← Pipeline', { class: 'btn ghost' }),
        editable ? button('Edit', () => dispatch({ type: 'OpenDialog', kind: 'project', id }), '') : null,
        editable ? button('Delete', () => dispatch({ type: 'Archive', what: 'projects', id }), 'danger') : null]),
    h('div', { class: 'stats' },
      stat('Budget', pick(sum, 'budget_hours') != null ? `${fmtNum(pick(sum, 'budget_hours'))}h` : p.budget_hours != null ? `${fmtNum(p.budget_hours)}h` : '–', 'sum-budget'),
      stat('Scheduled', fmtHours(here.scheduled), 'sum-scheduled'),
      stat('Tentative', fmtHours(here.tentative), 'sum-tentative'),
      stat('Remaining', sum && pick(sum, 'remaining_hours', 'remaining') != null ? `${fmtNum(pick(sum, 'remaining_hours', 'remaining'))}h` : p.budget_hours != null ? `${fmtNum(p.budget_hours - here.scheduled)}h` : '–', 'sum-remaining'),
      stat('Actual', sum && pick(sum, 'actual_hours') != null ? `${fmtNum(pick(sum, 'actual_hours'))}h` : '–', 'sum-actual'),
      stat('Dates', p.start || p.end ? spanLabel(p.start || p.end, p.end || p.start) : '–')),
    h('p', { class: 'muted project-hours', 'data-testid': 'project-hours' }, hoursLabel(here)),
    projectMoney(m, id),
    rateOverridesView(m, dispatch, p),
    tasksSection(m, dispatch, id),
    h('h2', { class: 'section' }, 'Allocations'),
    allocs.length === 0 ? empty('Nobody is scheduled on this project yet. Drag on the schedule to book someone.') :
      h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['Who', 'Dates', 'Hours/day', 'Total', ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, allocs.map((a) => {
          const person = a.person_id ? people.get(a.person_id) : null;
          return h('tr', { key: a.id },
            h('td', {}, person ? person.name : `${a.placeholder_role || 'Placeholder'} (placeholder)`, a.tentative ? h('span', { class: 'tag' }, 'tentative') : null),
            h('td', {}, spanLabel(a.start, a.end)),
            h('td', {}, `${fmtNum(Number(a.hours_per_day), 2)}h`),
            h('td', {}, fmtHours(allocationHours(a, person, off))),
            h('td', { class: 'right' }, button('Open', () => dispatch({ type: 'OpenEditAlloc', id: a.id }), 'small ghost')));
        }))));
}

