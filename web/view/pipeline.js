// Projects: the pipeline board by status (drag cards between columns) and
// the project detail page.
import { h } from '../vdom.js';
import { projectMoney, rateOverridesView } from './financials.js';
import { STATUSES, STATUS_LABEL, canEdit } from '../update.js';
import { projectColor } from '../schedule.js';
import { allocationHours, indexTimeOff, hoursByProject, hoursLabel, fmtHours } from '../capacity.js';
import { spanLabel, longLabel } from '../dates.js';
import { values } from '../store.js';
import { button, pageHeader, fmtNum, link, empty, field } from './ui.js';
import { listsOf } from '../page/lists.js';
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

/** The projects the search and filters keep. */
function filterProjects(m) {
  const f = listsOf(m).projects;
  const clients = new Map(m.data.clients.map((c) => [c.id, c]));
  const q = f.q.trim().toLowerCase();
  return m.data.projects.filter((p) => {
    if (f.status && (p.status || 'active') !== f.status) return false;
    if (f.client && (f.client === '-' ? p.client_id : p.client_id !== f.client)) return false;
    if (!q) return true;
    const c = p.client_id ? clients.get(p.client_id) : null;
    return String(p.name).toLowerCase().includes(q) || (c && String(c.name).toLowerCase().includes(q));
  });
}

function projectsToolbar(m, dispatch, count) {
  const f = listsOf(m).projects;
  const set = (field) => (value) => dispatch({ type: 'ListFilter', list: 'projects', field, value });
  const clients = m.data.clients.filter((c) => !c.archived || c.id === f.client).slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return h('div', { class: 'list-tools', role: 'search', 'aria-label': 'Find projects' },
    h('div', { class: 'field' }, h('label', { for: 'projects-q' }, 'Search'),
      h('input', { id: 'projects-q', class: 'search', type: 'search', placeholder: 'Project or client…', value: f.q, 'data-testid': 'projects-search', on: { input: (e) => set('q')(e.target.value) } })),
    field('Client', 'projects-client', f.client, set('client'), { options: [['', 'All clients'], ['-', 'No client'], ...clients.map((c) => [c.id, c.name])] }),
    field('Status', 'projects-status', f.status, set('status'), { options: [['', 'All statuses'], ...STATUSES.map((s) => [s, STATUS_LABEL[s]])] }),
    f.view === 'list' ? field('Sort by', 'projects-sort', f.sort, (v) => dispatch({ type: 'ProjectSort', key: v, dir: 1 }), { options: SORTS }) : null,
    h('p', { class: 'muted list-count', role: 'status' }, `${count} of ${m.data.projects.length} projects`),
    h('div', { class: 'seg', role: 'group', 'aria-label': 'Show projects as' },
      ['board', 'list'].map((v) => button(v === 'board' ? 'Board' : 'List', () => set('view')(v), f.view === v ? 'on' : '', { 'aria-pressed': f.view === v ? 'true' : 'false', 'data-testid': 'projects-view-' + v }))));
}

const SORTS = [['name', 'Project'], ['client', 'Client'], ['status', 'Status'], ['probability', 'Probability'], ['start', 'Start'], ['end', 'End'], ['hours', 'Scheduled'], ['budget', 'Budget']];

/** The projects as a table: sortable by any column, one row per project. */
function projectsList(m, dispatch, items, byProject) {
  const f = listsOf(m).projects;
  const clients = new Map(m.data.clients.map((c) => [c.id, c]));
  const clientName = (p) => (p.client_id && clients.get(p.client_id) ? clients.get(p.client_id).name : '');
  const order = Object.fromEntries(STATUSES.map((s, i) => [s, i]));
  const key = {
    name: (p) => String(p.name).toLowerCase(), client: (p) => clientName(p).toLowerCase(), status: (p) => order[p.status || 'active'],
    probability: (p) => Number(p.probability ?? -1), start: (p) => p.start || '', end: (p) => p.end || '',
    hours: (p) => (byProject.get(p.id) || NONE).scheduled, budget: (p) => Number(p.budget_hours ?? -1),
  }[f.sort] || ((p) => String(p.name).toLowerCase());
  const rows = items.slice().sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : String(a.name).localeCompare(String(b.name))) * f.dir; });
  return h('table', { class: 'table project-list', 'data-testid': 'projects-table' },
    h('thead', {}, h('tr', {}, SORTS.map(([k, label]) => h('th', { scope: 'col', 'aria-sort': f.sort === k ? (f.dir > 0 ? 'ascending' : 'descending') : null },
      h('button', { type: 'button', class: 'th-sort', 'data-testid': 'sort-' + k, on: { click: () => dispatch({ type: 'ProjectSort', key: k }) } }, label, f.sort === k ? h('span', { 'aria-hidden': 'true' }, f.dir > 0 ? ' ▲' : ' ▼') : null))))),
    h('tbody', {}, rows.map((p) => {
      const ph = byProject.get(p.id) || NONE;
      return h('tr', { key: p.id, 'data-testid': 'project-row', 'data-project-id': p.id },
        h('td', { 'data-label': 'Project' }, h('span', { class: 'swatch', style: { '--pc': projectColor(p) }, 'aria-hidden': 'true' }), ' ', link('/projects/' + encodeURIComponent(p.id), p.name, { class: 'row-title' })),
        h('td', { 'data-label': 'Client' }, clientName(p) || h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'Status' }, h('span', { class: 'status-pill' }, h('span', { class: 'dot s-' + (p.status || 'active'), 'aria-hidden': 'true' }), STATUS_LABEL[p.status || 'active'])),
        h('td', { 'data-label': 'Probability' }, `${p.probability ?? '–'}%`),
        h('td', { 'data-label': 'Start' }, p.start ? longLabel(p.start) : h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'End' }, p.end ? longLabel(p.end) : h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'Scheduled' }, hoursLabel(ph)),
        h('td', { 'data-label': 'Budget' }, p.budget_hours != null ? `${fmtNum(Number(p.budget_hours), 0)}h` : h('span', { class: 'muted' }, '—')));
    })));
}

export function pipelineView(m, dispatch) {
  const byProject = projectHours(m.data);
  const clients = new Map(m.data.clients.map((c) => [c.id, c]));
  const pd = m.pipeDrag;
  const editable = canEdit(m);
  const shown = filterProjects(m);
  const asList = listsOf(m).projects.view === 'list';
  const cols = asList ? [] : STATUSES.map((status) => {
    const items = shown.filter((p) => (p.status || 'active') === status);
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
      const lifted = pd && pd.id === p.id && pd.moved;
      // lifted, the card is fixed to the viewport (no column or board clips it); a slot keeps its place
      const card = h('article', {
        key: p.id, class: 'card' + (lifted ? ' lifted' : ''), role: 'listitem', tabindex: '0',
        'data-testid': 'project-card', 'data-project-id': p.id, 'aria-label': `${p.name}, ${STATUS_LABEL[status]}`,
        style: { '--pc': projectColor(p), ...(lifted && pd.rect ? { position: 'fixed', left: `${pd.rect.left + pd.x - pd.x0}px`, top: `${pd.rect.top + pd.y - pd.y0}px`, width: `${pd.rect.width}px` } : lifted ? { transform: `translate(${pd.x - pd.x0}px, ${pd.y - pd.y0}px)` } : {}) },
        on: {
          pointerdown: (e) => {
            // the title is a link, and a handle too: a press that moves drags, one that does not opens
            if (e.button !== 0 || e.target.closest('select, button')) return;
            e.preventDefault();
            try { e.currentTarget.setPointerCapture(e.pointerId); } catch { /* synthetic */ }
            geo.dragging = true; geo.x0 = e.clientX; geo.y0 = e.clientY;
            const r = e.currentTarget.getBoundingClientRect();
            dispatch({ type: 'PipeDragStart', id: p.id, status, x: e.clientX, y: e.clientY, rect: { left: r.left, top: r.top, width: r.width, height: r.height } });
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
      h('div', { class: 'card-top' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), h('a', { href: '/projects/' + encodeURIComponent(p.id), 'data-nav': '', class: 'card-title', draggable: 'false' }, p.name)),
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
      return lifted && pd.rect ? [h('div', { key: p.id + '-slot', class: 'card-slot', style: { height: `${pd.rect.height}px` }, 'aria-hidden': 'true' }), card] : card;
    })));
  });
  return h('div', { class: 'page pipeline' },
    pageHeader('Projects', asList ? 'Every project in one table. Sort by any column.' : 'Your pipeline by status. Drag a card to another column to change its status.', editable ? [button('New project', () => dispatch({ type: 'OpenDialog', kind: 'project' }), 'primary', { 'data-testid': 'new-project' })] : []),
    m.data.projects.length ? projectsToolbar(m, dispatch, shown.length) : null,
    m.data.projects.length === 0 && m.loaded.projects ? empty('No projects yet.', editable ? button('New project', () => dispatch({ type: 'OpenDialog', kind: 'project' }), 'primary') : null) : null,
    m.data.projects.length && !shown.length ? empty('No project matches the search and filters.') : null,
    asList ? (shown.length ? projectsList(m, dispatch, shown, byProject) : null) : h('div', { class: 'board' + (pd && pd.moved ? ' dragging' : '') }, cols));
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

