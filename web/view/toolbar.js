// The schedule's toolbar: search and filters (behind a button on a phone),
// sort, planning the filtered project, undo, moving through time, zoom and
// density.
import { h, memo } from '../vdom.js';
import { ZOOMS, DENSITIES, skillsOf } from '../schedule.js';
import { canEdit } from '../update.js';
import { button, field } from './ui.js';
import { freeRange, projectMatches } from '../find.js';
import { spanLabel } from '../dates.js';

export function scheduleToolbar(m, dispatch) {
  // the same on every frame of a scroll: built again only when what it shows changes
  const s = m.sched;
  return memo('schedule-toolbar', [m.data.people, m.data.projects, m.data.clients, s.filter, s.sort, s.zoom, s.density, s.phone, s.filtersOpen, m.plan, m.undoBusy, canEdit(m), dispatch, m.today], () => toolbar(m, dispatch));
}

/** What a search found besides people: the projects (or clients' projects) whose bookings it shows. */
function searchHint(m, f) {
  const q = (f.q || '').trim().toLowerCase();
  if (!q) return null;
  const ids = projectMatches(m.data, q);
  const found = m.data.projects.filter((p) => ids.has(p.id));
  if (!found.length) return null;
  const names = found.slice(0, 3).map((p) => p.name).join(', ') + (found.length > 3 ? ` and ${found.length - 3} more` : '');
  return h('p', { class: 'muted search-hint', role: 'status', 'data-testid': 'search-hint' }, `Also people booked on ${names}`);
}

/** Skills: each one chosen narrows to people with all of them (a chip removes it). */
function skillPicker(f, skills, dispatch) {
  const chosen = skillsOf(f);
  return h('div', { class: 'field skills-field' },
    h('label', { for: 'f-skill' }, 'Skills'),
    h('div', { class: 'chips' },
      h('select', { id: 'f-skill', name: 'f-skill', value: '', 'data-testid': 'skill-add', on: { change: (e) => { if (e.target.value) dispatch({ type: 'SkillAdd', value: e.target.value }); e.target.value = ''; } } },
        h('option', { value: '', selected: true }, chosen.length ? 'Add a skill…' : 'Any skill'),
        skills.filter((x) => !chosen.includes(x)).map((x) => h('option', { value: x }, x))),
      chosen.map((x) => h('span', { class: 'chip', key: x, 'data-testid': 'skill-chip' }, x,
        h('button', { type: 'button', 'aria-label': `Remove skill ${x}`, on: { click: () => dispatch({ type: 'SkillRemove', value: x }) } }, '×')))));
}


/** Who is free: anyone, or people with free hours in a window (next week, next month, dates). */
function freePicker(m, f, dispatch) {
  const fr = f.free || { preset: '', from: '', to: '', min: '1' };
  const put = (patch) => { dispatch({ type: 'FilterSet', field: 'free', value: { ...fr, ...patch } }); dispatch({ type: 'FreeWindowLoad' }); };
  const r = freeRange(fr, m.today);
  return h('div', { class: 'free-field' },
    field('Free', 'f-free', fr.preset, (v) => { const next = freeRange({ preset: 'week' }, m.today); put({ preset: v, from: fr.from || next.from, to: fr.to || next.to }); }, { options: [['', 'Any time'], ['week', 'Next week'], ['month', 'Next month'], ['custom', 'Between dates…']] }),
    fr.preset === 'custom' ? field('From', 'f-free-from', fr.from, (v) => put({ from: v }), { type: 'date' }) : null,
    fr.preset === 'custom' ? field('To', 'f-free-to', fr.to, (v) => put({ to: v }), { type: 'date' }) : null,
    fr.preset ? field('At least', 'f-free-min', fr.min || '1', (v) => put({ min: v }), { options: [['1', 'Any hours'], ['8', '8h'], ['16', '16h'], ['24', '24h'], ['40', '40h']] }) : null,
    r ? h('span', { class: 'muted free-span', 'data-testid': 'free-span' }, spanLabel(r.from, r.to)) : null);
}

function toolbar(m, dispatch) {
  const s = m.sched, f = s.filter;
  const people = m.data.people.filter((p) => !p.archived);
  const roles = [...new Set(people.map((p) => p.role).filter(Boolean))].sort();
  const skills = [...new Set(people.flatMap((p) => p.skills || []))].sort();
  const set = (field) => (value) => dispatch({ type: 'FilterSet', field, value });
  const active = ['q', 'role', 'project', 'client'].filter((k) => f[k]).length + skillsOf(f).length + (f.free && f.free.preset ? 1 : 0);
  const density = s.density === 'compact' ? 'compact' : 'comfortable';
  return h('div', { class: 'toolbar' + (s.filtersOpen ? ' filters-open' : ''), role: 'toolbar', 'aria-label': 'Schedule controls' },
    // on a phone the filters fold behind this button
    button(active ? `Filters (${active})` : 'Filters', () => dispatch({ type: 'ToggleFilters' }), 'filters-toggle', { 'aria-expanded': s.filtersOpen ? 'true' : 'false', 'aria-controls': 'schedule-filters', 'data-testid': 'filters-toggle' }),
    h('div', { class: 'tb-group filters', id: 'schedule-filters', 'data-testid': 'schedule-filters' },
      h('input', { class: 'search', type: 'search', placeholder: 'People, roles, skills, projects, clients…', 'aria-label': 'Search people, roles, skills, projects and clients', 'data-testid': 'schedule-search', value: f.q, on: { input: (e) => set('q')(e.target.value) } }),
      field('Role', 'f-role', f.role, set('role'), { options: [['', 'All roles'], ...roles.map((r) => [r, r])] }),
      skillPicker(f, skills, dispatch),
      freePicker(m, f, dispatch),
      searchHint(m, f),
      field('Project', 'f-project', f.project, set('project'), { options: [['', 'All projects'], ...m.data.projects.map((p) => [p.id, p.name])] }),
      field('Client', 'f-client', f.client, set('client'), { options: [['', 'All clients'], ...m.data.clients.filter((c) => !c.archived || c.id === f.client).map((c) => [c.id, c.name])] }),
      field('Sort', 'f-sort', s.sort, (v) => dispatch({ type: 'SortSet', value: v }), { options: [['name', 'Name'], ['role', 'Role'], ['available', f.free && f.free.preset ? 'Most available (in the window)' : 'Most available (4 weeks)'], ['booked', f.free && f.free.preset ? 'Most booked (in the window)' : 'Most booked (4 weeks)']] })),
    h('div', { class: 'tb-group' },
      canEdit(m) && f.project ? button(m.plan && m.plan.status === 'loading' ? 'Planning…' : 'Plan this project', () => dispatch({ type: 'PlanPreview', projectIds: [f.project] }), '', { 'data-testid': 'toolbar-plan', title: 'Propose a schedule for the filtered project\'s tasks from today', disabled: !!(m.plan && m.plan.status === 'loading') }) : null,
      canEdit(m) ? button('↶ Undo', () => dispatch({ type: 'Undo' }), 'ghost', { 'data-testid': 'undo', title: 'Undo your last change (Ctrl+Z; Ctrl+Shift+Z redoes)', disabled: m.undoBusy }) : null,
      // (the agenda on a phone has its own)
      s.phone ? null : [
      button('‹', () => dispatch({ type: 'Shift', days: -7 * (s.zoom === 'month' ? 4 : 1) }), 'icon', { 'aria-label': 'Earlier' }),
      button('Today', () => dispatch({ type: 'GoToday' }), '', { 'data-testid': 'today' }),
      button('›', () => dispatch({ type: 'Shift', days: 7 * (s.zoom === 'month' ? 4 : 1) }), 'icon', { 'aria-label': 'Later' }),
      h('div', { class: 'seg zoom', role: 'group', 'aria-label': 'Zoom' },
        Object.entries(ZOOMS).map(([k, z]) => button(z.label, () => dispatch({ type: 'Zoom', zoom: k }), s.zoom === k ? 'on' : '', { 'aria-pressed': s.zoom === k ? 'true' : 'false', 'data-testid': 'zoom-' + k }))),
      h('div', { class: 'seg density', role: 'group', 'aria-label': 'Density' },
        Object.entries(DENSITIES).map(([k, d]) => button(d.label, () => dispatch({ type: 'Density', value: k }), density === k ? 'on' : '', { 'aria-pressed': density === k ? 'true' : 'false', 'data-testid': 'density-' + k })))]));
}
