// Finding things: the People and Projects pages' search and filters, the
// projects list's sort, the schedule's "who is free" window, drilling down from
// a report to the timeline, and the first run (checklist, sample team).

import { http } from '../api.js';
import { toDay, addDays } from '../dates.js';
import { freeRange, isSample } from '../find.js';
import { set, setSched, toast, unauthorized, canEdit } from '../model.js';
import { reload, loadAllocs, extendAllocs, projectsViewKey } from '../load.js';
import { goTo } from '../nav.js';
import { buildRows, dayWidth } from '../schedule.js';

/** Each list page's search and filters, and the projects page's view and sort. */
export const LISTS = {
  people: { q: '', role: '', skill: '' },
  projects: { q: '', client: '', status: '', view: 'board', sort: 'name', dir: 1 },
};
export const listsOf = (m) => m.lists || LISTS;
const VIEWS = new Set(['board', 'list']);
export { freeRange, isSample, hasSample, projectMatches } from '../find.js';

function drill(m, personId, date) {
  // the timeline at that person and week: no filter hides them, the week at the left edge
  const filter = { q: '', role: '', skill: '', project: '', client: '' };
  const s0 = set(m.sched, { filter, zoom: m.sched.zoom === 'month' ? 'week' : m.sched.zoom });
  const layout = buildRows(m.data, s0);
  const i = layout.index.get('p:' + personId);
  const row = i != null ? layout.rows[i] : null;
  const day = toDay(date) - toDay(m.sched.origin);
  const left = Math.max(0, (day - 1) * dayWidth(s0.zoom));
  const top = row ? Math.max(0, row.top - 8) : 0;
  // the keyboard's focus on that person's Monday: ringed, and the arrows go on from there
  const m1 = setSched(m, { filter, zoom: s0.zoom, scrollLeft: left, scrollTop: top, focus: row ? { row: row.key, day: toDay(date) } : null, keyboard: !!row });
  const [m2, fx] = goTo(m1, '/schedule');
  const [m3, more] = extendAllocs(m2);
  return [m3, [...fx, ...more, { type: 'scroll', top, left }, { type: 'focus', selector: '[data-testid="timeline-grid"]' }]];
}

const reloadTeam = (m) => ['people', 'projects', 'clients', 'allocations', 'timeoff'].map((w) => reload(w, m));

export function update(m, msg) {
  switch (msg.type) {
    case 'ListFilter': {
      const L = listsOf(m);
      // Board or List is remembered for the next visit, as the timeline's density is
      if (msg.list === 'projects' && msg.field === 'view') {
        if (!VIEWS.has(msg.value)) return [m, []];
        const projects = set(L.projects, { view: msg.value, viewLoaded: true });
        return [set(m, { lists: set(L, { projects }) }), [{ type: 'pref-save', key: projectsViewKey(m), value: msg.value }]];
      }
      return [set(m, { lists: set(L, { [msg.list]: set(L[msg.list], { [msg.field]: msg.value }) }) }), []];
    }
    case 'ProjectsViewLoaded': {
      const L = listsOf(m);
      const view = VIEWS.has(msg.value) ? msg.value : L.projects.view;
      return [set(m, { lists: set(L, { projects: set(L.projects, { view, viewLoaded: true }) }) }), []];
    }
    case 'ProjectSort': {
      const L = listsOf(m), p = L.projects;
      const dir = msg.dir || (p.sort === msg.key ? -p.dir : 1);
      return [set(m, { lists: set(L, { projects: set(p, { sort: msg.key, dir }) }) }), []];
    }
    case 'FreeWindowLoad': {
      // bookings of a window beyond what is loaded: load them too
      const r = freeRange(m.sched.filter.free, m.today);
      const l = m.sched.allocRange;
      if (!r || !l || m.sched.allocLoading || (r.from >= l.from && r.to <= l.to)) return [m, []];
      // only what is missing, so that what is loaded stays one window
      const range = r.from < l.from && r.to > l.to ? r : r.from < l.from ? { from: r.from, to: addDays(l.from, -1) } : { from: addDays(l.to, 1), to: r.to };
      return [setSched(m, { allocLoading: true }), [loadAllocs(range, true)]];
    }
    case 'DrillDown':
      return drill(m, msg.personId, msg.date);

    case 'SampleLoad':
      if (!canEdit(m) || m.sampleBusy) return [m, []];
      return [set(m, { sampleBusy: true }), [http('POST', '/team/sample', {}, 'SampleLoaded', 'SampleErr')]];
    case 'SampleLoaded': {
      const d = msg.data || {};
      const [m2, fx] = toast(set(m, { sampleBusy: false }), `Loaded a sample team: ${d.people || 0} people, ${d.projects || 0} projects. Remove it in one click when you are done.`, 'info');
      return [m2, [...fx, ...reloadTeam(m2)]];
    }
    case 'SampleRemove':
      if (!canEdit(m) || m.sampleBusy) return [m, []];
      return [set(m, { sampleBusy: true }), [http('DELETE', '/team/sample', undefined, 'SampleRemoved', 'SampleErr')]];
    case 'SampleRemoved': {
      const data = set(m.data, { people: m.data.people.filter((x) => !isSample(x)), projects: m.data.projects.filter((x) => !isSample(x)), clients: m.data.clients.filter((x) => !isSample(x)) });
      const [m2, fx] = toast(set(m, { sampleBusy: false, data }), 'Removed the sample team.', 'info', { label: 'Undo', msg: { type: 'Undo' } });
      return [m2, [...fx, ...reloadTeam(m2)]];
    }
    case 'SampleErr':
      return unauthorized(m, msg.status) || toast(set(m, { sampleBusy: false }), msg.error);
    case 'FirstRunHide':
      return [set(m, { firstRunHidden: true }), []];
  }
}
