// The schedule's toolbar: search and filters (behind a button on a phone),
// sort, planning the filtered project, undo, moving through time, zoom and
// density.
import { h, memo } from '../vdom.js';
import { ZOOMS, DENSITIES } from '../schedule.js';
import { canEdit } from '../update.js';
import { button, field } from './ui.js';

export function scheduleToolbar(m, dispatch) {
  // the same on every frame of a scroll: built again only when what it shows changes
  const s = m.sched;
  return memo('schedule-toolbar', [m.data.people, m.data.projects, m.data.clients, s.filter, s.sort, s.zoom, s.density, s.phone, s.filtersOpen, m.plan, m.undoBusy, canEdit(m), dispatch], () => toolbar(m, dispatch));
}

function toolbar(m, dispatch) {
  const s = m.sched, f = s.filter;
  const people = m.data.people.filter((p) => !p.archived);
  const roles = [...new Set(people.map((p) => p.role).filter(Boolean))].sort();
  const skills = [...new Set(people.flatMap((p) => p.skills || []))].sort();
  const set = (field) => (value) => dispatch({ type: 'FilterSet', field, value });
  const active = ['q', 'role', 'skill', 'project', 'client'].filter((k) => f[k]).length;
  const density = s.density === 'compact' ? 'compact' : 'comfortable';
  return h('div', { class: 'toolbar' + (s.filtersOpen ? ' filters-open' : ''), role: 'toolbar', 'aria-label': 'Schedule controls' },
    // on a phone the filters fold behind this button
    button(active ? `Filters (${active})` : 'Filters', () => dispatch({ type: 'ToggleFilters' }), 'filters-toggle', { 'aria-expanded': s.filtersOpen ? 'true' : 'false', 'aria-controls': 'schedule-filters', 'data-testid': 'filters-toggle' }),
    h('div', { class: 'tb-group filters', id: 'schedule-filters', 'data-testid': 'schedule-filters' },
      h('input', { class: 'search', type: 'search', placeholder: 'Search people, roles, skills…', 'aria-label': 'Search people', value: f.q, on: { input: (e) => set('q')(e.target.value) } }),
      field('Role', 'f-role', f.role, set('role'), { options: [['', 'All roles'], ...roles.map((r) => [r, r])] }),
      field('Skill', 'f-skill', f.skill, set('skill'), { options: [['', 'All skills'], ...skills.map((r) => [r, r])] }),
      field('Project', 'f-project', f.project, set('project'), { options: [['', 'All projects'], ...m.data.projects.map((p) => [p.id, p.name])] }),
      field('Client', 'f-client', f.client, set('client'), { options: [['', 'All clients'], ...m.data.clients.filter((c) => !c.archived || c.id === f.client).map((c) => [c.id, c.name])] }),
      field('Sort', 'f-sort', s.sort, (v) => dispatch({ type: 'SortSet', value: v }), { options: [['name', 'Name'], ['role', 'Role'], ['available', 'Most available (4 weeks)'], ['booked', 'Most booked (4 weeks)']] })),
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
