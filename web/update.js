// The Elm-style core: init() and a pure update(model, msg) -> [model, effects].
// Effects are plain data the runtime (app.js) interprets: http, navigate,
// timer, scroll, focus, copy. No DOM access here.

import { http, get, asList, qs } from './api.js';
import { toDay, fromDay, addDays, startOfWeek, startOfWeekDay, today as todayStr, isDate } from './dates.js';
import { buildRows, applyDrag, allocDiff, dayWidth, SIDEBAR, HEADER, ZOOMS } from './schedule.js';
import { allocSpan } from './capacity.js';
import * as store from './store.js';
import { taskForm, taskRequest, planSpan } from './plan.js';
import { accountUpdate } from './account.js';

export const STATUSES = ['lead', 'proposal', 'won', 'active', 'done', 'lost'];
export const STATUS_LABEL = { lead: 'Lead', proposal: 'Proposal', won: 'Won', active: 'Active', done: 'Done', lost: 'Lost' };
export const DEFAULT_PROBABILITY = { lead: 10, proposal: 50, won: 100, active: 100, done: 100, lost: 0 };
const PUBLIC_PAGES = new Set(['login', 'signup', 'reset']);

// ---------------------------------------------------------------- routes

export function parseRoute(path, search = '') {
  const params = new URLSearchParams(search || '');
  const parts = String(path || '/').split('?')[0].split('/').filter(Boolean);
  const page = parts[0] || 'schedule';
  if (page === 'projects' && parts[1]) return { page: 'project', id: decodeURIComponent(parts[1]) };
  if (page === 'signup') return { page, invite: params.get('invite') || '' };
  if (page === 'reset') return { page, token: params.get('token') || '' };
  const known = ['schedule', 'login', 'signup', 'projects', 'people', 'clients', 'timeoff', 'reports', 'team'];
  return { page: known.includes(page) ? page : 'notfound', path };
}

export function routePath(route) {
  if (route.page === 'project') return '/projects/' + encodeURIComponent(route.id);
  if (route.page === 'signup' && route.invite) return '/signup?invite=' + encodeURIComponent(route.invite);
  if (route.page === 'reset') return '/reset?token=' + encodeURIComponent(route.token || '');
  return '/' + route.page;
}

// ---------------------------------------------------------------- init

export function init({ path = '/', search = '', today = todayStr() } = {}) {
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
    },
    drag: null,
    pipeDrag: null,
    dialog: null,
    toasts: [],
    seq: 1,
    showArchived: false,
    reports: { from: startOfWeek(today), weeks: 12, util: null, pipeline: null, local: {}, error: null, loading: false },
    summaries: {},
    lastProjectId: null,
    undoBusy: false,
    tasks: {}, // project id -> list of tasks, or {error}
    taskForm: null, // {projectId, id, form, error, busy}
    plan: null, // {projectIds, status: 'loading'|'ready'|'applying'|'conflict', proposal, error}
    teamForm: null, // edits of the team settings: {name, timezone, week_start, error, busy}; null shows the team's values
    actuals: { form: { person_id: '', project_id: '', date: today, hours: '', note: '' }, list: [], loading: false, error: null, busy: false },
  };
  return [model, [get('/usr/me', 'MeOk', 'MeErr')]];
}

// ---------------------------------------------------------------- helpers

const set = (obj, patch) => ({ ...obj, ...patch });
const setSched = (m, patch) => set(m, { sched: set(m.sched, patch) });
const setData = (m, patch) => set(m, { data: set(m.data, patch) });

function toast(m, text, kind = 'error') {
  const id = m.seq;
  return [set(m, { seq: id + 1, toasts: [...m.toasts, { id, text, kind }].slice(-4) }), [{ type: 'timer', ms: kind === 'error' ? 7000 : 3500, msg: { type: 'DismissToast', id } }]];
}

export function myRole(m) {
  const team = m.data.team;
  if (!team || !m.user) return 'owner';
  const me = (team.members || []).find((x) => x.user_id === m.user.id || x.email === m.user.email);
  return me ? me.role : 'member';
}
export const canEdit = (m) => myRole(m) !== 'member';

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
function loadAllocs(range, merge) {
  return get('/allocations' + qs(range), 'Loaded', 'LoadErr', { what: 'allocations', range, merge });
}

/** Scrolling at least this far between two frames is fast; rows are drawn light until it settles. */
export const FAST_SCROLL_PX = 200;
const SETTLE_MS = 120;

/** When the view nears the edge of the loaded window, load the next chunk. */
function extendAllocs(m) {
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

function needFullAllocs(m) {
  const s = m.sched, full = fullAllocRange(m);
  if (!s.allocRange || s.allocFull || s.allocLoading) return [];
  return [loadAllocs(full, false)];
}

function loadAll(m) {
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
  ];
}
const reload = (what, m) => {
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
};

function routeEffects(m) {
  const r = m.route;
  if (m.session !== 'in') return [];
  if (r.page === 'reports') return [...reportEffects(m), ...needFullAllocs(m)];
  if (r.page === 'project') return [get(`/prj/${encodeURIComponent(r.id)}/summary`, 'SummaryLoaded', 'SummaryErr', { id: r.id }), loadTasks(r.id), ...needFullAllocs(m)];
  if (r.page === 'projects') return needFullAllocs(m);
  return [];
}

const loadTasks = (id) => get(`/prj/${encodeURIComponent(id)}/tasks`, 'TasksLoaded', 'TasksErr', { projectId: id });

/** Scroll the timeline so the proposal's first day is near the left edge. */
function scrollToPlan(m, proposal) {
  const span = planSpan(proposal);
  if (!span) return [m, []];
  // a short plan reads better day by day: bars wide enough for the task names
  if (m.sched.zoom === 'week' && toDay(span.to) - Math.min(toDay(span.from), toDay(m.today)) <= 14) m = setSched(m, { zoom: 'day' });
  const s = m.sched;
  const day = Math.max(toDay(s.origin), Math.min(toDay(span.from), toDay(m.today)) - 3);
  const left = Math.max(0, (day - toDay(s.origin)) * dayWidth(s.zoom));
  return [setSched(m, { scrollLeft: left }), [{ type: 'scroll', left, top: s.scrollTop }]];
}

/** Reload allocations over the loaded window widened to cover the plan. */
function reloadForPlan(m, proposal) {
  const span = planSpan(proposal);
  const cur = m.sched.allocRange || initialAllocRange(m);
  if (!span) return loadAllocs(cur, false);
  const full = fullAllocRange(m);
  const from = [cur.from, span.from < full.from ? full.from : span.from].sort()[0];
  const to = [cur.to, span.to > full.to ? full.to : span.to].sort()[1];
  return loadAllocs({ from, to }, false);
}

function reportEffects(m) {
  const from = m.reports.from;
  const to = addDays(from, m.reports.weeks * 7 - 1);
  return [
    get('/reports/utilisation' + qs({ from, to, interval: 'week' }), 'ReportLoaded', 'ReportErr', { which: 'util' }),
    get('/reports/pipeline' + qs({ from, to }), 'ReportLoaded', 'ReportErr', { which: 'pipeline' }),
  ];
}

function goTo(m, path, replace = false) {
  const [pathname, search = ''] = path.split('?');
  const route = parseRoute(pathname, search);
  let m2 = set(m, { route, dialog: null, drag: null });
  if (m.session === 'out' && !PUBLIC_PAGES.has(route.page)) {
    m2 = set(m2, { route: { page: 'login' }, afterLogin: path });
    return [m2, [{ type: 'navigate', path: '/login', replace: true }]];
  }
  if (m.session === 'in' && PUBLIC_PAGES.has(route.page) && !route.invite && route.page !== 'reset') {
    m2 = set(m2, { route: { page: 'schedule' } });
    return [m2, [{ type: 'navigate', path: '/schedule', replace: true }]];
  }
  return [m2, [{ type: 'navigate', path, replace }, ...routeEffects(m2)]];
}

/** Scroll so the focused cell is visible. */
function scrollToFocus(m) {
  const f = m.sched.focus;
  if (!f) return [];
  const layout = buildRows(m.data, m.sched);
  const i = layout.index.get(f.row);
  if (i == null) return [];
  const row = layout.rows[i];
  const s = m.sched, dayW = dayWidth(s.zoom);
  const x = (f.day - toDay(s.origin)) * dayW;
  const viewDays = s.viewW - SIDEBAR, viewRows = s.viewH - HEADER;
  let left = s.scrollLeft, top = s.scrollTop;
  if (x < left) left = x;
  else if (x + dayW > left + viewDays) left = x + dayW - viewDays;
  if (row.top < top) top = row.top;
  else if (row.top + row.height > top + viewRows) top = row.top + row.height - viewRows;
  if (left === s.scrollLeft && top === s.scrollTop) return [];
  return [{ type: 'scroll', top, left }];
}

function rowByKey(m, key) {
  const layout = buildRows(m.data, m.sched);
  const i = layout.index.get(key);
  return i == null ? null : layout.rows[i];
}

function newAllocDialog(m, rowKey, start, end) {
  const projects = m.data.projects.filter((p) => p.status !== 'lost' && p.status !== 'done');
  const pid = projects.some((p) => p.id === m.lastProjectId) ? m.lastProjectId : (projects[0] || m.data.projects[0] || {}).id || '';
  const row = rowByKey(m, rowKey);
  return {
    kind: 'alloc', id: null, error: null, busy: false,
    form: {
      rowKey, person_id: row && row.kind === 'person' ? row.person.id : '',
      placeholder_role: row && row.kind === 'placeholder' ? row.role : '',
      project_id: pid, start, end, hours_per_day: '8', tentative: false, note: '',
    },
  };
}

function editAllocDialog(a) {
  return {
    kind: 'alloc', id: a.id, error: null, busy: false,
    form: {
      person_id: a.person_id || '', placeholder_role: a.placeholder_role || '', project_id: a.project_id,
      start: a.start, end: a.end, hours_per_day: String(a.hours_per_day), tentative: !!a.tentative, note: a.note || '',
    },
  };
}

const num = (v) => (v === '' || v == null ? null : Number(v));
const strOrNull = (v) => (v == null || String(v).trim() === '' ? null : String(v).trim());

/** Build the request for the open dialog, or return {error}. */
export function dialogRequest(d) {
  const f = d.form;
  switch (d.kind) {
    case 'alloc': {
      if (!f.project_id) return { error: 'Choose a project.' };
      const h = Number(f.hours_per_day);
      if (!(h > 0 && h <= 24)) return { error: 'Hours per day must be more than 0 and at most 24.' };
      if (!isDate(f.start) || !isDate(f.end)) return { error: 'Dates must be YYYY-MM-DD.' };
      if (f.end < f.start) return { error: 'The end date is before the start date.' };
      const body = { project_id: f.project_id, start: f.start, end: f.end, hours_per_day: h, tentative: !!f.tentative, note: f.note || '' };
      if (f.person_id) { body.person_id = f.person_id; if (d.id) body.placeholder_role = null; }
      else if (String(f.placeholder_role || '').trim()) { body.placeholder_role = String(f.placeholder_role).trim(); if (d.id) body.person_id = null; }
      else return { error: f.newPlaceholder ? 'Name the placeholder role, e.g. Senior developer.' : 'Choose a person or a placeholder role.' };
      return d.id ? http('PATCH', `/allocations/${d.id}`, body, 'AllocSaved', 'DialogErr') : http('POST', '/allocations', body, 'AllocCreated', 'DialogErr');
    }
    case 'person': {
      if (!strOrNull(f.name)) return { error: 'Name is required.' };
      const wh = String(f.weekly_hours).split(/[\s,]+/).filter(Boolean).map(Number);
      if (wh.length !== 7 || wh.some((x) => !(x >= 0 && x <= 24))) return { error: 'Weekly hours: 7 numbers, Monday first, each 0 to 24.' };
      const body = {
        name: f.name.trim(), email: strOrNull(f.email), role: strOrNull(f.role),
        skills: String(f.skills || '').split(',').map((x) => x.trim()).filter(Boolean),
        weekly_hours: wh, start_date: strOrNull(f.start_date), end_date: strOrNull(f.end_date),
        cost_rate: num(f.cost_rate), bill_rate: num(f.bill_rate),
      };
      if (!d.id) for (const k of Object.keys(body)) if (body[k] == null) delete body[k];
      return d.id ? http('PATCH', `/people/${d.id}`, body, 'Saved', 'DialogErr', { what: 'people' }) : http('POST', '/people', body, 'Saved', 'DialogErr', { what: 'people' });
    }
    case 'client': {
      if (!strOrNull(f.name)) return { error: 'Name is required.' };
      const body = { name: f.name.trim() };
      return d.id ? http('PATCH', `/clients/${d.id}`, body, 'Saved', 'DialogErr', { what: 'clients' }) : http('POST', '/clients', body, 'Saved', 'DialogErr', { what: 'clients' });
    }
    case 'project': {
      if (!strOrNull(f.name)) return { error: 'Name is required.' };
      const body = { name: f.name.trim(), status: f.status || 'active', client_id: strOrNull(f.client_id), billable: !!f.billable };
      // an explicit probability only when the person set one; else the status's default applies
      if (f.probability_touched && f.probability !== '' && f.probability != null) body.probability = Number(f.probability);
      if (strOrNull(f.start)) body.start = f.start; else if (d.id) body.start = null;
      if (strOrNull(f.end)) body.end = f.end; else if (d.id) body.end = null;
      if (f.budget_hours !== '' && f.budget_hours != null) body.budget_hours = Number(f.budget_hours); else if (d.id) body.budget_hours = null;
      if (/^#[0-9a-fA-F]{6}$/.test(f.color || '')) body.color = f.color.toLowerCase();
      if (!d.id && body.client_id == null) delete body.client_id;
      return d.id ? http('PATCH', `/prj/${d.id}`, body, 'Saved', 'DialogErr', { what: 'projects' }) : http('POST', '/prj', body, 'Saved', 'DialogErr', { what: 'projects' });
    }
    case 'timeoff': {
      if (!isDate(f.start) || !isDate(f.end)) return { error: 'Dates must be YYYY-MM-DD.' };
      if (f.end < f.start) return { error: 'The end date is before the start date.' };
      const body = { start: f.start, end: f.end, person_id: f.person_id || null, reason: strOrNull(f.reason) && f.reason.trim() };
      if (d.id) return http('PATCH', `/timeoff/${d.id}`, body, 'Saved', 'DialogErr', { what: 'timeoff' });
      for (const k of ['person_id', 'reason']) if (body[k] == null) delete body[k];
      return http('POST', '/timeoff', body, 'Saved', 'DialogErr', { what: 'timeoff' });
    }
    case 'invite': {
      if (!strOrNull(f.email)) return { error: 'Email is required.' };
      return http('POST', '/team/invites', { email: f.email.trim(), role: f.role || 'member' }, 'InviteCreated', 'DialogErr');
    }
    default:
      return { error: 'Unknown form.' };
  }
}

/** The dialog for `kind`: editing record `id`, or a new one (`personId` preselects the person of new time off). */
export function openDialog(m, kind, id, personId) {
  const d = m.data;
  let form;
  if (kind === 'person') {
    const p = d.people.find((x) => x.id === id) || {};
    form = {
      name: p.name || '', email: p.email || '', role: p.role || '', skills: (p.skills || []).join(', '),
      weekly_hours: (p.weekly_hours || [8, 8, 8, 8, 8, 0, 0]).join(' '), start_date: p.start_date || '', end_date: p.end_date || '',
      cost_rate: p.cost_rate ?? '', bill_rate: p.bill_rate ?? '',
    };
  } else if (kind === 'client') {
    const c = d.clients.find((x) => x.id === id) || {};
    form = { name: c.name || '' };
  } else if (kind === 'project') {
    const p = d.projects.find((x) => x.id === id) || {};
    form = {
      name: p.name || '', status: p.status || 'active', client_id: p.client_id || '', probability: p.probability ?? '',
      start: p.start || '', end: p.end || '', budget_hours: p.budget_hours ?? '', billable: p.billable ?? true, color: p.color || '',
      probability_touched: !!p.probability_explicit,
    };
    if (form.probability === '' && DEFAULT_PROBABILITY[form.status] != null) form.probability = DEFAULT_PROBABILITY[form.status];
  } else if (kind === 'timeoff') {
    const t = d.timeoff.find((x) => x.id === id);
    form = t
      ? { person_id: t.person_id || '', start: t.start, end: t.end, reason: t.reason || '' }
      : { person_id: personId || '', start: m.today, end: m.today, reason: '' };
    if (!t) id = null;
  } else if (kind === 'invite') {
    form = { email: '', role: 'member' };
  } else return m;
  return set(m, { dialog: { kind, id: id || null, form, error: null, busy: false } });
}

function replaceIn(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [...list, item];
  const out = list.slice();
  out[i] = item;
  return out;
}

function withAlloc(m, a) { return setData(m, { allocations: store.put(m.data.allocations, a) }); }
function withoutAlloc(m, id) { return setData(m, { allocations: store.remove(m.data.allocations, id) }); }
const allocById = (m, id) => store.get(m.data.allocations, id);

function unauthorized(m, status) {
  if (status !== 401) return null;
  const m2 = set(m, { session: 'out', user: null, route: { page: 'login' }, afterLogin: routePath(m.route), dialog: null });
  return [m2, [{ type: 'navigate', path: '/login', replace: true }]];
}

// ---------------------------------------------------------------- settings, actuals

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** The team settings form's values: the edits, else the team's own. */
export function teamSettings(m) {
  const t = m.data.team || {};
  const f = m.teamForm || {};
  return {
    name: f.name ?? t.name ?? '', timezone: f.timezone ?? t.timezone ?? 'UTC', week_start: f.week_start ?? t.week_start ?? 'monday',
    error: f.error || null, busy: !!f.busy,
  };
}

/** PATCH /team with the changed fields, or {error}. */
export function teamSettingsRequest(m) {
  const t = m.data.team || {};
  const v = teamSettings(m);
  const body = {};
  if (!String(v.name).trim()) return { error: 'Name is required.' };
  if (!String(v.timezone).trim()) return { error: 'Time zone is required, e.g. Europe/London.' };
  if (!WEEKDAYS.includes(v.week_start)) return { error: 'Choose the day the week starts on.' };
  if (v.name.trim() !== t.name) body.name = v.name.trim();
  if (v.timezone.trim() !== t.timezone) body.timezone = v.timezone.trim();
  if (v.week_start !== t.week_start) body.week_start = v.week_start;
  if (!Object.keys(body).length) return { none: true };
  return http('PATCH', '/team', body, 'TeamSettingsSaved', 'TeamSettingsErr');
}

/** POST /actuals from the form, or {error}. */
export function actualRequest(f) {
  if (!f.person_id) return { error: 'Choose a person.' };
  if (!f.project_id) return { error: 'Choose a project.' };
  if (!isDate(f.date)) return { error: 'The date must be YYYY-MM-DD.' };
  const hours = Number(f.hours);
  if (String(f.hours).trim() === '' || !(hours > 0 && hours <= 24)) return { error: 'Hours must be more than 0 and at most 24.' };
  const body = { person_id: f.person_id, project_id: f.project_id, date: f.date, hours };
  if (String(f.note || '').trim()) body.note = String(f.note).trim();
  return http('POST', '/actuals', body, 'ActualCreated', 'ActualErr', { personId: f.person_id });
}

const loadActuals = (personId) => get('/actuals' + qs({ person_id: personId }), 'ActualsLoaded', 'ActualsErr', { personId });
const setActuals = (m, patch) => set(m, { actuals: set(m.actuals, patch) });
const newestFirst = (list) => list.slice().sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? 1 : -1));

// ---------------------------------------------------------------- update

export function update(m, msg) {
  const handled = accountUpdate(m, msg);
  if (handled) return handled;
  switch (msg.type) {
    // ---- session
    case 'MeOk': {
      const m2 = set(m, { session: 'in', user: msg.data });
      if (PUBLIC_PAGES.has(m.route.page) && !m.route.invite && m.route.page !== 'reset') {
        const m3 = set(m2, { route: parseRoute(m.afterLogin) });
        return [m3, [{ type: 'navigate', path: m.afterLogin, replace: true }, ...loadAll(m3), ...routeEffects(m3)]];
      }
      return [m2, [...loadAll(m2), ...routeEffects(m2)]];
    }
    case 'MeErr': {
      const m2 = set(m, { session: 'out' });
      if (PUBLIC_PAGES.has(m.route.page)) return [m2, []];
      return [set(m2, { route: { page: 'login' } }), [{ type: 'navigate', path: '/login', replace: true }]];
    }
    case 'AuthInput':
      return [set(m, { auth: set(m.auth, { [msg.field]: msg.value, error: null }) }), []];
    case 'AuthSubmit': {
      if (m.auth.busy) return [m, []];
      const signup = m.route.page === 'signup';
      const a = m.auth;
      if (signup && !a.name.trim()) return [set(m, { auth: set(a, { error: 'Please enter your name.' }) }), []];
      if (!a.email.trim()) return [set(m, { auth: set(a, { error: 'Please enter your email.' }) }), []];
      if (!a.password) return [set(m, { auth: set(a, { error: 'Please enter your password.' }) }), []];
      const body = signup ? { name: a.name.trim(), email: a.email.trim(), password: a.password } : { email: a.email.trim(), password: a.password };
      if (signup && m.route.invite) body.invite = m.route.invite;
      return [set(m, { auth: set(a, { busy: true, error: null }) }), [http('POST', signup ? '/usr/signup' : '/usr/login', body, 'AuthOk', 'AuthErr')]];
    }
    case 'AuthOk': {
      const path = m.afterLogin && !m.afterLogin.startsWith('/login') && !m.afterLogin.startsWith('/signup') ? m.afterLogin : '/schedule';
      const m2 = set(m, { session: 'in', user: msg.data, auth: { name: '', email: '', password: '', error: null, busy: false }, route: parseRoute(path.split('?')[0], path.split('?')[1]), loaded: {} });
      return [m2, [{ type: 'navigate', path, replace: true }, ...loadAll(m2), ...routeEffects(m2)]];
    }
    case 'AuthErr':
      return [set(m, { auth: set(m.auth, { busy: false, error: msg.error }) }), []];
    case 'Logout':
      return [m, [http('POST', '/usr/logout', undefined, 'LogoutDone', 'LogoutDone')]];
    case 'LogoutDone': {
      const [fresh] = init({ path: '/login', today: m.today });
      return [set(fresh, { session: 'out' }), [{ type: 'navigate', path: '/login', replace: false }]];
    }

    // ---- navigation
    case 'Navigate':
      if (msg.path === routePath(m.route)) return [m, []];
      return goTo(m, msg.path);
    case 'UrlChanged': {
      const route = parseRoute(msg.path, msg.search);
      const m2 = set(m, { route, dialog: null, drag: null });
      if (m.session === 'out' && !PUBLIC_PAGES.has(route.page)) return [set(m2, { route: { page: 'login' } }), [{ type: 'navigate', path: '/login', replace: true }]];
      return [m2, routeEffects(m2)];
    }

    // ---- data
    case 'Loaded': {
      const w = msg.what;
      const loaded = set(m.loaded, { [w]: true });
      if (w === 'team') return [set(setData(m, { team: msg.data }), { loaded }), []];
      if (w === 'allocations') {
        const list = asList(msg.data, 'allocations');
        const allocations = msg.merge ? store.putAll(m.data.allocations, list) : store.fromList(list);
        const s = m.sched;
        const r = msg.range || fullAllocRange(m);
        const allocRange = msg.merge && s.allocRange ? { from: r.from < s.allocRange.from ? r.from : s.allocRange.from, to: r.to > s.allocRange.to ? r.to : s.allocRange.to } : r;
        const full = fullAllocRange(m);
        const m2 = setSched(set(setData(m, { allocations }), { loaded }), { allocRange, allocLoading: false, allocFull: allocRange.from <= full.from && allocRange.to >= full.to });
        return extendAllocs(m2);
      }
      const list = asList(msg.data, w, 'people', 'projects', 'clients', 'timeoff');
      const m2 = set(setData(m, { [w]: list }), { loaded });
      // the actual-hours form starts on the person linked to this login
      const own = w === 'people' && !m.actuals.form.person_id && m.user && list.find((p) => p.user_id === m.user.id && !p.archived);
      return own ? update(m2, { type: 'ActualInput', field: 'person_id', value: own.id }) : [m2, []];
    }
    case 'LoadErr':
      if (msg.what === 'allocations') m = setSched(m, { allocLoading: false });
      // a server without that part of the API yet: show the page empty, not an error
      if (msg.status === 404) return [set(m, { loaded: set(m.loaded, { [msg.what]: true }) }), []];
      return unauthorized(m, msg.status) || toast(m, msg.error);
    case 'Toast':
      return toast(m, msg.text, msg.kind || 'info');
    case 'DismissToast':
      return [set(m, { toasts: m.toasts.filter((t) => t.id !== msg.id) }), []];

    // ---- schedule view
    case 'Zoom': {
      if (!ZOOMS[msg.zoom] || msg.zoom === m.sched.zoom) return [m, []];
      const s = m.sched;
      const oldW = dayWidth(s.zoom), newW = dayWidth(msg.zoom);
      const centre = (s.scrollLeft + (s.viewW - SIDEBAR) / 2) / oldW;
      const left = Math.max(0, centre * newW - (s.viewW - SIDEBAR) / 2);
      return [setSched(m, { zoom: msg.zoom, scrollLeft: left }), [{ type: 'scroll', left, top: s.scrollTop }]];
    }
    case 'Scrolled': {
      const s = m.sched;
      if (s.scrollTop === msg.top && s.scrollLeft === msg.left && s.viewW === msg.w && s.viewH === msg.h) return [m, []];
      // A fast vertical scroll draws rows without their day cells until it settles
      // (see timelineView); each fast step restarts the wait.
      const fastStep = Math.abs(msg.top - s.scrollTop) >= FAST_SCROLL_PX;
      const fast = fastStep ? s.fastSeq + 1 : s.fast;
      const [m2, fx] = extendAllocs(setSched(m, { scrollTop: msg.top, scrollLeft: msg.left, viewW: msg.w, viewH: msg.h, fast, fastSeq: fastStep ? fast : s.fastSeq }));
      return fastStep ? [m2, [...fx, { type: 'timer', ms: SETTLE_MS, msg: { type: 'ScrollSettled', fast } }]] : [m2, fx];
    }
    case 'ScrollSettled':
      return msg.fast === m.sched.fast ? [setSched(m, { fast: 0 }), []] : [m, []];
    case 'GoToday': {
      const s = m.sched;
      const left = Math.max(0, (toDay(m.today) - toDay(s.origin) - 3) * dayWidth(s.zoom));
      return [setSched(m, { scrollLeft: left }), [{ type: 'scroll', left, top: s.scrollTop }]];
    }
    case 'Shift': {
      const s = m.sched;
      const left = Math.max(0, s.scrollLeft + msg.days * dayWidth(s.zoom));
      return [setSched(m, { scrollLeft: left }), [{ type: 'scroll', left, top: s.scrollTop }]];
    }
    case 'FilterSet':
      return [setSched(m, { filter: set(m.sched.filter, { [msg.field]: msg.value }), scrollTop: 0 }), [{ type: 'scroll', top: 0, left: m.sched.scrollLeft }]];
    case 'ClearFilters':
      return [setSched(m, { filter: { q: '', role: '', skill: '', project: '', client: '' } }), []];
    case 'SortSet':
      return [setSched(m, { sort: msg.value }), []];
    case 'FocusCell':
      if (!msg.row) return [m, []];
      return [setSched(m, { focus: { row: msg.row, day: msg.day }, keyboard: !msg.pointer }), []];
    case 'KeyNav': {
      const layout = buildRows(m.data, m.sched);
      if (!layout.rows.length) return [m, []];
      const unit = ZOOMS[m.sched.zoom].unit;
      const s = m.sched;
      let f = s.focus;
      if (!f || !layout.index.has(f.row)) f = { row: layout.rows[0].key, day: Math.max(toDay(s.origin), toDay(m.today)) };
      let i = layout.index.get(f.row);
      let day = f.day;
      if (msg.key === 'ArrowUp') i = Math.max(0, i - 1);
      else if (msg.key === 'ArrowDown') i = Math.min(layout.rows.length - 1, i + 1);
      else if (msg.key === 'ArrowLeft') day -= unit;
      else if (msg.key === 'ArrowRight') day += unit;
      else if (msg.key === 'Home') day = toDay(m.today);
      day = Math.max(toDay(s.origin), Math.min(toDay(s.origin) + s.days - 1, day));
      if (unit === 7) day = startOfWeekDay(day); // month scale: one cell per week
      const m2 = setSched(m, { focus: { row: layout.rows[i].key, day }, keyboard: msg.key !== 'none' || s.keyboard });
      if (msg.key === 'none') return [m2, []];
      return [m2, scrollToFocus(m2)];
    }
    case 'OpenAtFocus': {
      const f = m.sched.focus;
      if (!f) return [m, []];
      const row = rowByKey(m, f.row);
      if (!row) return [m, []];
      const unit = ZOOMS[m.sched.zoom].unit;
      const hit = row.allocs.find((a) => { const [s, e] = allocSpan(a); return s <= f.day + unit - 1 && f.day <= e; });
      if (hit) return [set(m, { dialog: editAllocDialog(hit) }), []];
      if (!canEdit(m)) return [m, []];
      return [set(m, { dialog: newAllocDialog(m, f.row, fromDay(f.day), fromDay(f.day + unit - 1)) }), []];
    }

    // ---- drag on the timeline
    case 'DragStart': {
      if (!canEdit(m)) {
        if (msg.mode !== 'create' && msg.allocId && allocById(m, msg.allocId)) return [set(m, { drag: { mode: 'click', allocId: msg.allocId } }), []];
        return [m, []];
      }
      return [set(m, { drag: { mode: msg.mode, allocId: msg.allocId || null, originRowKey: msg.rowKey, rowKey: msg.rowKey, startDay: msg.day, day: msg.day, moved: false } }), []];
    }
    case 'DragMove': {
      const d = m.drag;
      if (!d || d.mode === 'click') return [m, []];
      const rowKey = d.mode === 'move' ? msg.rowKey || d.rowKey : d.rowKey;
      if (msg.day === d.day && rowKey === d.rowKey) return [m, []];
      return [set(m, { drag: set(d, { day: msg.day, rowKey, moved: true }) }), []];
    }
    case 'DragCancel':
      return [set(m, { drag: null }), []];
    case 'DragEnd': {
      const d = m.drag;
      if (!d) return [m, []];
      const m1 = set(m, { drag: null });
      if (d.mode === 'click') { const a = allocById(m, d.allocId); return [a ? set(m1, { dialog: editAllocDialog(a) }) : m1, []]; }
      if (d.mode === 'create') {
        const s = Math.min(d.startDay, d.day), e = Math.max(d.startDay, d.day);
        const unit = ZOOMS[m.sched.zoom].unit;
        const m2 = set(m1, { dialog: newAllocDialog(m, d.originRowKey, fromDay(s), fromDay(e + unit - 1)) });
        return [setSched(m2, { focus: { row: d.originRowKey, day: s } }), []];
      }
      const before = allocById(m, d.allocId);
      if (!before) return [m1, []];
      const layout = buildRows(m.data, m.sched);
      const after = applyDrag(d, before, layout.index, layout.rows);
      const diff = allocDiff(before, after);
      if (!d.moved || !Object.keys(diff).length) {
        return [d.moved ? m1 : set(m1, { dialog: editAllocDialog(before) }), []];
      }
      // optimistic: show the change now, roll back if the server refuses
      return [withAlloc(m1, after), [http('PATCH', `/allocations/${before.id}`, diff, 'AllocPatchOk', 'AllocPatchErr', { id: before.id, before })]];
    }
    case 'AllocPatchOk':
      return [msg.data && msg.data.id ? withAlloc(m, msg.data) : m, []];
    case 'AllocPatchErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      return toast(withAlloc(m, msg.before), msg.error);
    }

    // ---- dialogs
    case 'OpenNewAlloc':
      if (!canEdit(m)) return [m, []];
      return [set(m, { dialog: newAllocDialog(m, msg.rowKey, msg.start, msg.end || msg.start) }), []];
    case 'OpenEditAlloc': {
      const a = allocById(m, msg.id);
      return [a ? set(m, { dialog: editAllocDialog(a) }) : m, []];
    }
    case 'OpenDialog':
      return [openDialog(m, msg.kind, msg.id, msg.personId), []];
    case 'DialogInput': {
      if (!m.dialog) return [m, []];
      const form = set(m.dialog.form, { [msg.field]: msg.value });
      if (m.dialog.kind === 'project' && msg.field === 'status' && !form.probability_touched && DEFAULT_PROBABILITY[msg.value] != null) form.probability = DEFAULT_PROBABILITY[msg.value];
      if (m.dialog.kind === 'project' && msg.field === 'probability') form.probability_touched = true;
      if (m.dialog.kind === 'alloc' && msg.field === 'rowKey') {
        form.newPlaceholder = msg.value === 'ph-new';
        form.person_id = msg.value.startsWith('p:') ? msg.value.slice(2) : '';
        form.placeholder_role = msg.value.startsWith('ph:') ? msg.value.slice(3) : '';
      }
      return [set(m, { dialog: set(m.dialog, { form, error: null }) }), []];
    }
    case 'DialogClose':
      return [set(m, { dialog: null }), [{ type: 'focus', selector: '[data-testid="timeline-grid"]' }]];
    case 'DialogSubmit': {
      const d = m.dialog;
      if (!d || d.busy) return [m, []];
      const req = dialogRequest(d);
      if (req.error) return [set(m, { dialog: set(d, { error: req.error }) }), []];
      const m2 = set(m, { dialog: set(d, { busy: true, error: null }) });
      return [d.kind === 'alloc' ? set(m2, { lastProjectId: d.form.project_id }) : m2, [req]];
    }
    case 'DialogErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (!m.dialog) return toast(m, msg.error);
      return [set(m, { dialog: set(m.dialog, { busy: false, error: msg.error }) }), []];
    }
    case 'AllocCreated':
    case 'AllocSaved': {
      const [m2, fx] = toast(withAlloc(set(m, { dialog: null }), msg.data), msg.type === 'AllocCreated' ? 'Allocation added' : 'Allocation saved', 'info');
      return [m2, m.route.page === 'project' ? [...fx, ...routeEffects(m2)] : fx];
    }
    case 'DeleteAlloc': {
      const a = allocById(m, msg.id);
      if (!a) return [m, []];
      return [withoutAlloc(set(m, { dialog: null }), msg.id), [http('DELETE', `/allocations/${msg.id}`, undefined, 'AllocDeleted', 'AllocPatchErr', { id: msg.id, before: a })]];
    }
    case 'AllocDeleted': {
      const [m2, fx] = toast(m, 'Allocation deleted (Ctrl+Z to undo)', 'info');
      return [m2, m.route.page === 'project' ? [...fx, ...routeEffects(m2)] : fx];
    }
    case 'Saved': {
      const item = msg.data;
      let m2 = set(m, { dialog: null });
      const w = msg.what;
      if (item && item.id && Array.isArray(m.data[w])) m2 = setData(m2, { [w]: replaceIn(m.data[w], item) });
      const effects = [reload(w, m2)];
      if (w === 'projects' && m.route.page === 'project') effects.push(...routeEffects(m2));
      return [m2, effects];
    }
    case 'ClientArchive':
      return [m, [http('PATCH', `/clients/${encodeURIComponent(msg.id)}`, { archived: msg.archived }, 'Saved', 'ActionErr', { what: 'clients' })]];
    case 'Archive': {
      // DELETE: archives people; deletes clients, projects, time off
      const paths = { people: '/people/', clients: '/clients/', projects: '/prj/', timeoff: '/timeoff/' };
      return [m, [http('DELETE', paths[msg.what] + encodeURIComponent(msg.id), undefined, 'Archived', 'ActionErr', { what: msg.what, id: msg.id })]];
    }
    case 'Archived': {
      const w = msg.what;
      let m2 = setData(m, { [w]: w === 'people' && m.showArchived ? m.data[w].map((x) => (x.id === msg.id ? { ...x, archived: true } : x)) : m.data[w].filter((x) => x.id !== msg.id) });
      if (w === 'projects' && m.route.page === 'project') return goTo(m2, '/projects');
      const label = { people: 'Person archived', clients: 'Client deleted', projects: 'Project deleted', timeoff: 'Time off removed' }[w];
      return toast(m2, label, 'info');
    }
    case 'ActionErr':
      return unauthorized(m, msg.status) || toast(m, msg.error);
    case 'ToggleArchived': {
      const m2 = set(m, { showArchived: !m.showArchived });
      return [m2, [reload('people', m2)]];
    }

    // ---- undo (server side)
    case 'Undo':
      if (m.undoBusy || m.session !== 'in') return [m, []];
      return [set(m, { undoBusy: true }), [get('/activity?limit=20', 'UndoActivity', 'UndoErr')]];
    case 'UndoActivity': {
      // the newest change that is neither an undo itself nor already undone
      const list = asList(msg.data, 'activity', 'entries');
      const entry = list.find((e) => !e.undo_of && !e.undone_by);
      if (!entry) return toast(set(m, { undoBusy: false }), 'Nothing to undo', 'info');
      return [m, [http('POST', `/activity/${encodeURIComponent(entry.id)}/undo`, undefined, 'UndoOk', 'UndoErr')]];
    }
    case 'UndoOk': {
      const [m2, fx] = toast(set(m, { undoBusy: false }), 'Undone', 'info');
      return [m2, [...fx, reload('allocations', m2), reload('timeoff', m2), reload('people', m2), reload('projects', m2), reload('clients', m2)]];
    }
    case 'UndoErr':
      return unauthorized(m, msg.status) || toast(set(m, { undoBusy: false }), msg.error);

    // ---- pipeline
    case 'PipeDragStart':
      if (!canEdit(m)) return [m, []];
      return [set(m, { pipeDrag: { id: msg.id, over: msg.status, from: msg.status, x: msg.x, y: msg.y, x0: msg.x, y0: msg.y, moved: false } }), []];
    case 'PipeDragMove': {
      const p = m.pipeDrag;
      if (!p) return [m, []];
      return [set(m, { pipeDrag: set(p, { over: msg.status || p.over, x: msg.x, y: msg.y, moved: true }) }), []];
    }
    case 'PipeDragCancel':
      return [set(m, { pipeDrag: null }), []];
    case 'PipeDrop': {
      const p = m.pipeDrag;
      const m1 = set(m, { pipeDrag: null });
      if (!p) return [m1, []];
      if (!p.moved) return goTo(m1, '/projects/' + encodeURIComponent(p.id));
      if (!p.over || p.over === p.from) return [m1, []];
      return update(m1, { type: 'SetProjectStatus', id: p.id, status: p.over });
    }
    case 'SetProjectStatus': {
      const before = m.data.projects.find((x) => x.id === msg.id);
      if (!before || before.status === msg.status || !STATUSES.includes(msg.status)) return [m, []];
      const after = { ...before, status: msg.status };
      return [setData(m, { projects: replaceIn(m.data.projects, after) }), [http('PATCH', `/prj/${encodeURIComponent(msg.id)}`, { status: msg.status }, 'ProjectPatchOk', 'ProjectPatchErr', { id: msg.id, before })]];
    }
    case 'ProjectPatchOk':
      return [msg.data && msg.data.id ? setData(m, { projects: replaceIn(m.data.projects, msg.data) }) : m, []];
    case 'ProjectPatchErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      return toast(setData(m, { projects: replaceIn(m.data.projects, msg.before) }), msg.error);
    }
    case 'SummaryLoaded':
      return [set(m, { summaries: { ...m.summaries, [msg.id]: msg.data } }), []];
    case 'SummaryErr':
      return [set(m, { summaries: { ...m.summaries, [msg.id]: { error: msg.error } } }), []];

    // ---- tasks of a project
    case 'TasksLoaded':
      return [set(m, { tasks: { ...m.tasks, [msg.projectId]: asList(msg.data, 'tasks') } }), []];
    case 'TasksErr':
      return unauthorized(m, msg.status) || [set(m, { tasks: { ...m.tasks, [msg.projectId]: { error: msg.error } } }), []];
    case 'TaskFormOpen': {
      if (!canEdit(m)) return [m, []];
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const t = msg.id ? list.find((x) => x.id === msg.id) : null;
      if (msg.id && !t) return [m, []];
      return [set(m, { taskForm: { projectId: msg.projectId, id: msg.id || null, form: taskForm(t || {}), error: null, busy: false } }), [{ type: 'focus', selector: '[data-testid="task-form"] input[name="name"]' }]];
    }
    case 'TaskInput': {
      const tf = m.taskForm;
      if (!tf) return [m, []];
      return [set(m, { taskForm: set(tf, { form: set(tf.form, { [msg.field]: msg.value }), error: null }) }), []];
    }
    case 'TaskFormClose':
      return [set(m, { taskForm: null }), []];
    case 'TaskSubmit': {
      const tf = m.taskForm;
      if (!tf || tf.busy) return [m, []];
      const req = taskRequest(tf);
      if (req.error) return [set(m, { taskForm: set(tf, { error: req.error }) }), []];
      return [set(m, { taskForm: set(tf, { busy: true, error: null }) }), [req]];
    }
    case 'TaskSaved': {
      const t = msg.data;
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const m2 = set(m, { taskForm: null, tasks: t && t.id ? { ...m.tasks, [msg.projectId]: replaceIn(list, t) } : m.tasks });
      const [m3, fx] = toast(m2, msg.status === 201 ? 'Task added' : 'Task saved', 'info');
      return [m3, [...fx, loadTasks(msg.projectId)]];
    }
    case 'TaskErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (!m.taskForm) return toast(m, msg.error);
      return [set(m, { taskForm: set(m.taskForm, { busy: false, error: msg.error }) }), []];
    }
    case 'TaskDelete':
      if (!canEdit(m)) return [m, []];
      return [m, [http('DELETE', `/prj/${encodeURIComponent(msg.projectId)}/tasks/${encodeURIComponent(msg.id)}`, undefined, 'TaskDeleted', 'TaskDeleteErr', { projectId: msg.projectId, id: msg.id })]];
    case 'TaskDeleted': {
      const list = Array.isArray(m.tasks[msg.projectId]) ? m.tasks[msg.projectId] : [];
      const m2 = set(m, {
        tasks: { ...m.tasks, [msg.projectId]: list.filter((t) => t.id !== msg.id) },
        taskForm: m.taskForm && m.taskForm.id === msg.id ? null : m.taskForm,
      });
      return toast(m2, 'Task deleted', 'info');
    }
    case 'TaskDeleteErr':
      return unauthorized(m, msg.status) || toast(m, msg.error);

    // ---- automatic planning: preview as ghost bars, then accept or discard
    case 'PlanPreview': {
      const ids = msg.projectIds || (m.plan && m.plan.projectIds) || [];
      if (!ids.length || !canEdit(m) || (m.plan && (m.plan.status === 'loading' || m.plan.status === 'applying'))) return [m, []];
      return [set(m, { plan: { projectIds: ids, status: 'loading', proposal: null, error: null } }),
        [http('POST', '/schedule/preview', { project_ids: ids, from: m.today }, 'PlanPreviewed', 'PlanPreviewErr')]];
    }
    case 'PlanPreviewed': {
      if (!m.plan) return [m, []];
      const m2 = set(m, { plan: set(m.plan, { status: 'ready', proposal: msg.data, error: null }) });
      const [m3, nav] = m.route.page === 'schedule' ? [m2, []] : goTo(m2, '/schedule');
      const [m4, scroll] = scrollToPlan(m3, msg.data);
      return [m4, [...nav, ...scroll]];
    }
    case 'PlanPreviewErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (m.plan && m.plan.proposal) return [set(m, { plan: set(m.plan, { status: 'conflict', error: msg.error }) }), []];
      return toast(set(m, { plan: null }), msg.error);
    }
    case 'PlanAccept': {
      const p = m.plan;
      if (!p || p.status !== 'ready' || !p.proposal) return [m, []];
      return [set(m, { plan: set(p, { status: 'applying', error: null }) }),
        [http('POST', '/schedule/apply', { proposal_id: p.proposal.proposal_id }, 'PlanApplied', 'PlanApplyErr')]];
    }
    case 'PlanApplied': {
      const proposal = m.plan && m.plan.proposal;
      const m2 = set(m, { plan: null });
      const [m3, fx] = toast(m2, 'Plan applied (Ctrl+Z undoes it)', 'info');
      const m4 = proposal ? setSched(m3, { allocLoading: true }) : m3;
      return [m4, [...fx, reloadForPlan(m4, proposal), ...(m.route.page === 'project' ? routeEffects(m4) : [])]];
    }
    case 'PlanApplyErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (!m.plan) return toast(m, msg.error);
      // 409: the schedule changed since the preview; 404: the proposal expired. Either way: offer a new preview.
      const error = msg.status === 404 ? `${msg.error} The proposal has expired; preview again.` : msg.error;
      return [set(m, { plan: set(m.plan, { status: 'conflict', error }) }), []];
    }
    case 'PlanDiscard':
      if (!m.plan || m.plan.status === 'applying') return [m, []];
      return [set(m, { plan: null }), []];

    // ---- reports
    case 'ReportRange': {
      const from = msg.from && isDate(msg.from) ? startOfWeek(msg.from) : m.reports.from;
      const weeks = msg.weeks ? Math.max(1, Math.min(104, Number(msg.weeks) || 12)) : m.reports.weeks;
      const m2 = set(m, { reports: set(m.reports, { from, weeks, loading: true, error: null }) });
      return [m2, reportEffects(m2)];
    }
    case 'ReportLoaded':
      return [set(m, { reports: set(m.reports, { [msg.which]: msg.data, local: set(m.reports.local, { [msg.which]: false }), loading: false, error: null }) }), []];
    case 'ReportErr':
      // a server without this report: compute it in the browser from the schedule
      if (msg.status === 404) return [set(m, { reports: set(m.reports, { local: set(m.reports.local, { [msg.which]: true }), loading: false }) }), []];
      return unauthorized(m, msg.status) || [set(m, { reports: set(m.reports, { loading: false, error: msg.error }) }), []];

    // ---- team
    case 'InviteCreated': {
      const token = msg.data && (msg.data.token || msg.data.invite);
      return [set(m, { dialog: set(m.dialog || { kind: 'invite', form: {} }, { busy: false, inviteToken: token, error: null }) }), []];
    }
    case 'SetMemberRole':
      return [m, [http('PATCH', `/team/members/${encodeURIComponent(msg.userId)}`, { role: msg.role }, 'MemberRemoved', 'ActionErrReloadTeam')]];
    case 'RemoveMember':
      return [m, [http('DELETE', `/team/members/${encodeURIComponent(msg.userId)}`, undefined, 'MemberRemoved', 'ActionErrReloadTeam')]];
    case 'MemberRemoved':
      return [m, [reload('team', m)]];
    case 'ActionErrReloadTeam': {
      const [m2, fx] = unauthorized(m, msg.status) || toast(m, msg.error);
      return [m2, [...fx, reload('team', m2)]];
    }
    case 'TeamSettingsInput':
      if (myRole(m) !== 'owner') return [m, []];
      return [set(m, { teamForm: set(m.teamForm || {}, { [msg.field]: msg.value, error: null }) }), []];
    case 'TeamSettingsSubmit': {
      if (myRole(m) !== 'owner' || (m.teamForm && m.teamForm.busy)) return [m, []];
      const req = teamSettingsRequest(m);
      if (req.none) return [set(m, { teamForm: null }), []];
      if (req.error) return [set(m, { teamForm: set(m.teamForm || {}, { error: req.error }) }), []];
      return [set(m, { teamForm: set(m.teamForm || {}, { busy: true, error: null }) }), [req]];
    }
    case 'TeamSettingsSaved': {
      const team = msg.data && msg.data.id ? msg.data : m.data.team;
      return toast(set(setData(m, { team }), { teamForm: null }), 'Team settings saved', 'info');
    }
    case 'TeamSettingsErr':
      return unauthorized(m, msg.status) || [set(m, { teamForm: set(m.teamForm || {}, { busy: false, error: msg.error }) }), []];
    case 'TeamSettingsReset':
      return [set(m, { teamForm: null }), []];

    // ---- actual hours
    case 'ActualInput': {
      const form = set(m.actuals.form, { [msg.field]: msg.value });
      if (msg.field === 'person_id') {
        if (!msg.value) return [setActuals(m, { form, list: [], error: null, loading: false }), []];
        return [setActuals(m, { form, list: [], error: null, loading: true }), [loadActuals(msg.value)]];
      }
      return [setActuals(m, { form, error: null }), []];
    }
    case 'ActualsLoaded':
      if (msg.personId !== m.actuals.form.person_id) return [m, []];
      return [setActuals(m, { list: newestFirst(asList(msg.data, 'actuals')), loading: false }), []];
    case 'ActualsErr':
      return unauthorized(m, msg.status) || [setActuals(m, { loading: false, error: msg.error }), []];
    case 'ActualSubmit': {
      const a = m.actuals;
      if (a.busy) return [m, []];
      const req = actualRequest(a.form);
      if (req.error) return [setActuals(m, { error: req.error }), []];
      return [setActuals(m, { busy: true, error: null }), [req]];
    }
    case 'ActualCreated': {
      const a = m.actuals;
      const item = msg.data;
      const list = item && item.id && item.person_id === a.form.person_id ? newestFirst([...a.list.filter((x) => x.id !== item.id), item]) : a.list;
      return toast(setActuals(m, { busy: false, error: null, list, form: set(a.form, { hours: '', note: '' }) }), 'Hours recorded', 'info');
    }
    case 'ActualErr':
      return unauthorized(m, msg.status) || [setActuals(m, { busy: false, error: msg.error }), []];
    case 'ActualDelete':
      return [m, [http('DELETE', `/actuals/${encodeURIComponent(msg.id)}`, undefined, 'ActualDeleted', 'ActualErr', { id: msg.id })]];
    case 'ActualDeleted':
      return toast(setActuals(m, { list: m.actuals.list.filter((x) => x.id !== msg.id) }), 'Hours removed', 'info');

    case 'Copy':
      return [m, [{ type: 'copy', text: msg.text }]];
    case 'CalendarFeed': {
      const person = m.data.people.find((p) => p.id === msg.id);
      return [set(m, { dialog: { kind: 'feed', id: msg.id, form: { name: person ? person.name : '' }, busy: true, error: null, url: null } }),
        [http('POST', `/people/${encodeURIComponent(msg.id)}/ical`, undefined, 'FeedCreated', 'DialogErr')]];
    }
    case 'FeedCreated':
      if (!m.dialog || m.dialog.kind !== 'feed') return [m, []];
      return [set(m, { dialog: set(m.dialog, { busy: false, url: msg.data && msg.data.url }) }), []];
    case 'Download':
      return [m, [{ type: 'download', filename: msg.filename, text: msg.text, mime: msg.mime || 'text/csv' }]];

    default:
      return [m, []];
  }
}
