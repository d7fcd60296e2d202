// The API calls that load data into the model: the team's lists, the
// allocations by date window, and what each page needs on entry. Pure: these
// build effects, the runtime runs them.

import { get, qs } from './api.js';
import { toDay, fromDay, addDays, startOfWeek } from './dates.js';
import { dayWidth, SIDEBAR } from './schedule.js';
import { setSched, canEdit } from './model.js';
import { financialsEffects, loadProjectMoney, loadRates } from './page/financials.js';
import { reportParams } from './find.js';

/**
 * Allocations are loaded by date window: first the weeks around today, then
 * more as the timeline scrolls near the edge of what is loaded; pages that
 * sum whole projects (pipeline, project, reports) load the timeline's span.
 */
const CHUNK_DAYS = 7 * 12;
export function initialAllocRange(m) {
  const s = m.sched;
  const lo = toDay(s.origin), hi = lo + s.days - 1;
  const t = toDay(startOfWeek(m.today));
  return { from: fromDay(Math.max(lo, t - 21)), to: fromDay(Math.min(hi, t + 7 * 8 - 1)) };
}
export function fullAllocRange(m) {
  return { from: m.sched.origin, to: addDays(m.sched.origin, m.sched.days - 1) };
}
export function loadAllocs(range, merge) {
  return get('/allocations' + qs(range), 'Loaded', 'LoadErr', { what: 'allocations', range, merge });
}

/** When the view nears the edge of the loaded window, load the next chunk. */
export function extendAllocs(m) {
  const s = m.sched;
  const l = s.allocRange;
  if (!l || s.allocLoading || m.session !== 'in') return [m, []];
  const dayW = dayWidth(s.zoom);
  const lo = toDay(s.origin), hi = lo + s.days - 1;
  const first = lo + Math.floor(s.scrollLeft / dayW);
  const last = lo + Math.ceil((s.scrollLeft + s.viewW - SIDEBAR) / dayW);
  const lf = toDay(l.from), lt = toDay(l.to);
  let range = null;
  if (first < lf + 14 && lf > lo) range = { from: fromDay(Math.max(lo, Math.min(lf, first - 14) - CHUNK_DAYS)), to: fromDay(lf - 1) };
  else if (last > lt - 14 && lt < hi) range = { from: fromDay(lt + 1), to: fromDay(Math.min(hi, Math.max(lt, last + 14) + CHUNK_DAYS)) };
  if (!range) return [m, []];
  return [setSched(m, { allocLoading: true }), [loadAllocs(range, true)]];
}

export function needFullAllocs(m) {
  const s = m.sched, full = fullAllocRange(m);
  if (!s.allocRange || s.allocFull || s.allocLoading) return [];
  return [loadAllocs(full, false)];
}

/** Everything a logged-in app shows, once after login. */
export function loadAll(m) {
  const s = m.sched;
  const from = s.origin, to = addDays(s.origin, s.days - 1);
  const full = ['projects', 'project', 'reports'].includes(m.route.page);
  return [
    get('/team', 'Loaded', 'LoadErr', { what: 'team' }),
    get('/people' + (m.showArchived ? '?include_archived=true' : ''), 'Loaded', 'LoadErr', { what: 'people' }),
    get('/prj/list', 'Loaded', 'LoadErr', { what: 'projects' }),
    get('/clients?include_archived=true', 'Loaded', 'LoadErr', { what: 'clients' }),
    get('/timeoff' + qs({ from, to }), 'Loaded', 'LoadErr', { what: 'timeoff' }),
    loadAllocs(full ? fullAllocRange(m) : initialAllocRange(m), false),
    get('/scenarios', 'ScenariosLoaded', 'ScenarioErr'),
  ];
}

/** Load one list again (what: people, projects, clients, team, timeoff, allocations). */
export function reload(what, m) {
  const s = m.sched;
  const paths = {
    people: '/people' + (m.showArchived ? '?include_archived=true' : ''),
    projects: '/prj/list',
    clients: '/clients?include_archived=true', // archived ones still name their projects
    team: '/team',
    timeoff: '/timeoff' + qs({ from: s.origin, to: addDays(s.origin, s.days - 1) }),
  };
  if (what === 'allocations') return loadAllocs(s.allocRange || initialAllocRange(m), false);
  return get(paths[what], 'Loaded', 'LoadErr', { what });
}

export const loadActivity = () => get('/activity?limit=50', 'ActivityLoaded', 'ActivityErr');
export const loadTasks = (id) => get(`/prj/${encodeURIComponent(id)}/tasks`, 'TasksLoaded', 'TasksErr', { projectId: id });
export const loadActuals = (personId) => get('/actuals' + qs({ person_id: personId }), 'ActualsLoaded', 'ActualsErr', { personId });

export function reportEffects(m) {
  const from = m.reports.from;
  const to = addDays(from, m.reports.weeks * 7 - 1);
  const only = reportParams(m.reportFilter);
  // each answer says what it was asked (`asked`): one for an older range or filter is dropped
  const ask = (path, which) => get(path, 'ReportLoaded', 'ReportErr', { which, asked: path });
  return [
    ask('/reports/utilisation' + qs({ from, to, interval: 'week', ...only }), 'util'),
    ask('/reports/pipeline' + qs({ from, to, ...only }), 'pipeline'),
  ];
}

/** What the current page loads when it is entered. */
export function routeEffects(m) {
  const r = m.route;
  if (m.session !== 'in') return [];
  if (r.page === 'reports') return [...reportEffects(m), ...needFullAllocs(m)];
  // money only for those who may see it (members get 403 from the server anyway)
  const money = canEdit(m);
  if (r.page === 'financials') return money ? financialsEffects(m) : [];
  if (r.page === 'team') return money ? [loadRates()] : [];
  if (r.page === 'project') return [get(`/prj/${encodeURIComponent(r.id)}/summary`, 'SummaryLoaded', 'SummaryErr', { id: r.id }), loadTasks(r.id), ...needFullAllocs(m), ...(money ? [loadProjectMoney(r.id)] : [])];
  if (r.page === 'projects') return [...needFullAllocs(m), ...projectsViewLoad(m)];
  if (r.page === 'activity') return [loadActivity()];
  return [];
}

/** Where the projects page's Board or List is remembered (per login, in this browser). */
export const projectsViewKey = (m) => `kronuz.projects-view.${m.user ? m.user.id : 'anon'}`;

/** The person's Board or List, once per login (page/lists.js `ProjectsViewLoaded`). */
function projectsViewLoad(m) {
  const p = m.lists && m.lists.projects;
  if (!m.user || (p && p.viewLoaded)) return [];
  return [{ type: 'pref-load', key: projectsViewKey(m), msg: { type: 'ProjectsViewLoaded' } }];
}

/** Load again everything the app shows (after missing live events). */
export function reloadAll(m) {
  return [...['team', 'people', 'projects', 'clients', 'timeoff', 'allocations'].map((w) => reload(w, m)), ...routeEffects(m)];
}
