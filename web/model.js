// The one model: its first value, and the small helpers every page uses to
// change it (copy-on-write, toasts, the 401 that sends someone to log in).

import { get } from './api.js';
import { toDay, fromDay, startOfWeek, startOfMonth, today as todayStr } from './dates.js';
import { dayWidth } from './schedule.js';
import * as store from './store.js';
import { PUBLIC_PAGES, parseRoute, routePath } from './route.js';

export function init({ path = '/', search = '', today = todayStr(), phone = false } = {}) {
  const route = parseRoute(path, search);
  const origin = fromDay(toDay(startOfWeek(today)) - 7 * 26);
  const days = 7 * 104;
  const model = {
    today,
    route,
    session: 'checking', // 'checking' | 'in' | 'out'
    user: null,
    afterLogin: PUBLIC_PAGES.has(route.page) ? '/schedule' : routePath(route),
    auth: { name: '', email: '', password: '', error: null, busy: false },
    data: { team: null, people: [], projects: [], clients: [], timeoff: [], allocations: store.empty() },
    loaded: {},
    sched: {
      today,
      zoom: 'week',
      origin,
      days,
      scrollTop: 0,
      scrollLeft: Math.max(0, (toDay(today) - toDay(origin) - 3) * dayWidth('week')),
      viewW: 1200,
      viewH: 700,
      filter: { q: '', role: '', skill: '', project: '', client: '' },
      sort: 'name',
      focus: null, // {row: key, day: number}
      allocRange: null, // the window of allocations loaded: {from, to}
      allocLoading: false,
      allocFull: false,
      fast: 0, // while scrolling fast: the number of the latest fast step (fastSeq), else 0
      fastSeq: 0,
      density: 'comfortable', // or 'compact'; each login's choice is kept in the browser
      phone: !!phone, // a narrow screen: the schedule is an agenda (see view/agenda.js)
    },
    drag: null, // a bar or a range in the hand: pointer (create, move, copy, resize-*) or the keys (keys)
    pipeDrag: null,
    dialog: null,
    toasts: [],
    seq: 1,
    showArchived: false,
    reports: { from: startOfWeek(today), weeks: 12, util: null, pipeline: null, local: {}, error: null, loading: false },
    summaries: {},
    financials: { from: startOfMonth(today), months: 12, data: null, error: null, loading: false, forbidden: false }, // the Financials page
    projectMoney: {}, // project id -> its financials (owners and managers)
    rates: null, // the team's rate card as the server has it: {currency, roles}
    rateForm: null, // edits of the rate card: {rows: [{role, cost_rate, bill_rate}], error, busy}
    overrideForm: null, // edits of a project's own bill rates: {projectId, rows: [{who: 'p:<id>'|'r:<role>', bill_rate}], error, busy}
    importer: null, // the Import page: {kind, dateFormat, file, report, busy, error, done, input} (page/import.js)
    lastProjectId: null,
    undoBusy: false, // an undo or redo is on its way
    undoQueue: [], // the presses that wait for it: 'Undo' | 'Redo'
    activity: { list: null, error: null, busy: null, now: 0 }, // the activity page: entries newest first; busy: the id being undone; now: its clock (ms)
    live: { status: 'off', lastId: 0 }, // the events stream: 'off' | 'open' | 'down'; the newest event id seen
    tasks: {}, // project id -> list of tasks, or {error}
    taskForm: null, // {projectId, id, form, error, busy}
    plan: null, // {projectIds, status: 'loading'|'ready'|'applying'|'conflict', proposal, error}
    teamForm: null, // edits of the team settings: {name, timezone, week_start, error, busy}; null shows the team's values
    scenarios: null, // the team's scenarios, as listed by the server
    scenario: null, // the scenario being edited ({id, name}); null is the live schedule
    scenarioName: '', // the name typed for a new scenario
    compare: null, // the compare view: {id, data, error, conflicts, busy}
    actuals: { form: { person_id: '', project_id: '', date: today, hours: '', note: '' }, list: [], loading: false, error: null, busy: false },
  };
  return [model, [get('/usr/me', 'MeOk', 'MeErr')]];
}

export const set = (obj, patch) => ({ ...obj, ...patch });
export const setSched = (m, patch) => set(m, { sched: set(m.sched, patch) });
export const setData = (m, patch) => set(m, { data: set(m.data, patch) });

/** A toast; `action` ({label, msg}) adds a button, e.g. Redo after an undo. */
export function toast(m, text, kind = 'error', action = null) {
  const id = m.seq;
  const ms = kind === 'error' || action ? 7000 : 3500;
  return [set(m, { seq: id + 1, toasts: [...m.toasts, { id, text, kind, action }].slice(-4) }), [{ type: 'timer', ms, msg: { type: 'DismissToast', id } }]];
}

export function myRole(m) {
  const team = m.data.team;
  if (!team || !m.user) return 'owner';
  const me = (team.members || []).find((x) => x.user_id === m.user.id || x.email === m.user.email);
  return me ? me.role : 'member';
}
export const canEdit = (m) => myRole(m) !== 'member';

export function replaceIn(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [...list, item];
  const out = list.slice();
  out[i] = item;
  return out;
}

export function withAlloc(m, a) { return setData(m, { allocations: store.put(m.data.allocations, a) }); }
export function withAllocs(m, list) { return list.length ? setData(m, { allocations: store.putAll(m.data.allocations, list) }) : m; }
export function withoutAlloc(m, id) { return setData(m, { allocations: store.remove(m.data.allocations, id) }); }
export const allocById = (m, id) => store.get(m.data.allocations, id);

/** A 401: the session ended; log in again and come back here. Null for any other status. */
export function unauthorized(m, status) {
  if (status !== 401) return null;
  const m2 = set(m, { session: 'out', user: null, route: { page: 'login' }, afterLogin: routePath(m.route), dialog: null });
  return [m2, [{ type: 'navigate', path: '/login', replace: true }]];
}

export const num = (v) => (v === '' || v == null ? null : Number(v));
export const strOrNull = (v) => (v == null || String(v).trim() === '' ? null : String(v).trim());
