// The application shell: left navigation, the current page, dialogs, toasts.
import { h } from '../vdom.js';
import { authView } from './auth.js';
import { resetView } from './account.js';
import { timelineView } from './timeline.js';
import { agendaView, viewportHook } from './agenda.js';
import { scheduleToolbar } from './toolbar.js';
import { pipelineView, projectView } from './pipeline.js';
import { peopleView, clientsView, teamView } from './lists.js';
import { timeoffView, myScheduleView } from './timeoff.js';
import { myPerson } from '../page/timeoff.js';
import { reportsView } from './reports.js';
import { financialsView } from './financials.js';
import { importView } from './import.js';
import { activityView } from './activity.js';
import { conflictView } from './conflict.js';
import { dialogView } from './dialogs.js';
import { planBanner } from './tasks.js';
import { firstRun } from './firstrun.js';
import { scenarioSwitcher, scenarioBanner, compareView } from './scenarios.js';
import { button, pageHeader, link } from './ui.js';
import { canEdit, myRole } from '../update.js';
import { initials, hashColor } from '../schedule.js';

const NAV = [
  ['schedule', 'Schedule', 'M3 5h18M3 12h12M3 19h8'],
  ['me', 'My schedule', 'M4 5h16v15H4zM4 10h16M9 3v4M15 3v4'],
  ['projects', 'Projects', 'M4 4h7v7H4zM13 4h7v4h-7zM13 10h7v10h-7zM4 13h7v7H4z'],
  ['people', 'People', 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21c0-4 3-6 7-6s7 2 7 6M17 11a3 3 0 1 0 0-6M22 21c0-3-2-5-5-5'],
  ['clients', 'Clients', 'M3 21V7l9-4 9 4v14M9 21v-6h6v6'],
  ['timeoff', 'Time off', 'M12 3v2M5 12H3M21 12h-2M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10z'],
  ['reports', 'Reports', 'M4 20V10M10 20V4M16 20v-7M22 20H2'],
  ['financials', 'Financials', 'M12 2v20M17 6H9.5a3.5 3.5 0 0 0 0 7h5a3.5 3.5 0 0 1 0 7H6'],
  ['team', 'Team', 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6'],
  ['activity', 'Activity', 'M12 7v5l3 2M21 12a9 9 0 1 1-9-9 9 9 0 0 1 9 9z'],
  ['import', 'Import', 'M12 3v12M7 10l5 5 5-5M4 17v3h16v-3'],
];
// pages only owners and managers have
const EDITOR_PAGES = new Set(['financials', 'import']);

function icon(d) {
  return h('svg', { class: 'ico', viewBox: '0 0 24 24', 'aria-hidden': 'true', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.8', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }, h('path', { d }));
}

function nav(m, dispatch) {
  const active = m.route.page === 'project' ? 'projects' : m.route.page;
  const u = m.user || {};
  return h('nav', { class: 'sidenav', 'aria-label': 'Main' },
    h('a', { class: 'brand', href: '/schedule', 'data-nav': '' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'kronuz'),
    h('div', { class: 'team-name' }, (m.data.team && m.data.team.name) || '\u00a0'),
    scenarioSwitcher(m, dispatch),
    // My schedule: members always (it says how to get linked), others once linked
    h('ul', {}, NAV.filter(([page]) => (!EDITOR_PAGES.has(page) || canEdit(m)) && (page !== 'me' || !canEdit(m) || myPerson(m))).map(([page, label, d]) => h('li', { key: page },
      h('a', { href: '/' + page, 'data-nav': '', class: page === active ? 'active' : '', 'aria-current': page === active ? 'page' : null, 'data-testid': 'nav-' + page }, icon(d), h('span', {}, label))))),
    h('div', { class: 'nav-foot' },
      m.live.status === 'down' ? h('div', { class: 'live-down', role: 'status', 'data-testid': 'live-down' }, 'Reconnecting… colleagues’ changes show again once back.') : null,
      h('div', { class: 'me' }, h('span', { class: 'avatar sm', style: { '--av': hashColor(u.name || u.email || '?') }, 'aria-hidden': 'true' }, initials(u.name || u.email)),
        h('span', { class: 'me-text' }, h('span', { class: 'name' }, u.name || ''), h('span', { class: 'muted' }, myRole(m)))),
      button('Log out', () => dispatch({ type: 'Logout' }), 'ghost small', { 'data-testid': 'logout' })));
}

function schedulePage(m, dispatch) {
  const phone = !!m.sched.phone;
  return h('div', { class: 'page schedule' + (phone ? ' phone' : ''), hook: viewportHook(dispatch) },
    pageHeader('Schedule', phone || m.sched.density === 'compact' ? null : canEdit(m)
      ? 'Drag on a row to book someone, or to add time off. Drag a bar to move it, its edges to resize. Ctrl+Z undoes.'
      : myPerson(m) ? 'Your team’s schedule. Drag on your own row to request time off; select a booking to see it.' : 'Your team’s schedule. Select a booking to see it.', canEdit(m) ? [
      button('Add person', () => dispatch({ type: 'OpenDialog', kind: 'person' }), '', { 'data-testid': 'schedule-add-person' }),
      button('New project', () => dispatch({ type: 'OpenDialog', kind: 'project' }), ''),
    ] : []),
    firstRun(m, dispatch),
    planBanner(m, dispatch),
    scheduleToolbar(m, dispatch),
    phone ? agendaView(m, dispatch) : timelineView(m, dispatch));
}

function page(m, dispatch) {
  switch (m.route.page) {
    case 'schedule': return schedulePage(m, dispatch);
    case 'projects': return pipelineView(m, dispatch);
    case 'project': return projectView(m, dispatch);
    case 'people': return peopleView(m, dispatch);
    case 'clients': return clientsView(m, dispatch);
    case 'timeoff': return timeoffView(m, dispatch);
    case 'me': return myScheduleView(m, dispatch);
    case 'reports': return reportsView(m, dispatch);
    case 'financials': return financialsView(m, dispatch);
    case 'team': return teamView(m, dispatch);
    case 'activity': return activityView(m, dispatch);
    case 'import': return importView(m, dispatch);
    default: return h('div', { class: 'page' }, pageHeader('Page not found', 'There is nothing at this address.', [link('/schedule', 'Go to the schedule', { class: 'btn primary' })]));
  }
}

/** The first stop of Tab on the schedule: straight to the grid (or the agenda), past the menu and the filters. */
/** On the schedule, a second skip link: straight to the grid (or the phone's agenda). */
function gridSkipLink(m) {
  const target = m.sched.phone ? 'agenda' : 'timeline-grid';
  return h('a', {
    key: 'skip', class: 'skip-link', href: '#' + target, 'data-testid': 'skip-to-grid',
    on: { click: (e) => { e.preventDefault(); const el = document.getElementById(target); if (el) el.focus(); } },
  }, m.sched.phone ? 'Skip to the agenda' : 'Skip to the schedule');
}

function toasts(m, dispatch) {
  return h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' },
    m.toasts.map((t) => h('div', { key: 't' + t.id, class: 'toast ' + t.kind, 'data-testid': t.kind === 'error' ? 'toast-error' : 'toast', role: t.kind === 'error' ? 'alert' : null },
      h('span', {}, t.text),
      t.action ? button(t.action.label, () => { dispatch({ type: 'DismissToast', id: t.id }); dispatch(t.action.msg); }, 'ghost small', { 'data-testid': 'toast-action' }) : null,
      button('×', () => dispatch({ type: 'DismissToast', id: t.id }), 'icon ghost', { 'aria-label': 'Dismiss' }))));
}

/** The first stop of Tab on every page: past the navigation, straight to the page's content. */
function skipLink() {
  return h('a', {
    class: 'skip-link', href: '#main', 'data-testid': 'skip-link',
    on: { click: (e) => { e.preventDefault(); const el = document.getElementById('main'); if (el) el.focus(); } },
  }, 'Skip to content');
}

export function view(m, dispatch) {
  if (m.session === 'checking') return h('div', { class: 'shell boot', key: 'boot' }, h('div', { class: 'boot' }, 'Loading kronuz…'));
  if (m.route.page === 'reset') return h('div', { class: 'shell public', key: 'public' }, skipLink(), resetView(m, dispatch), toasts(m, dispatch));
  if (m.route.page === 'login' || m.route.page === 'signup') return h('div', { class: 'shell public', key: 'public' }, skipLink(), authView(m, dispatch), toasts(m, dispatch));
  return h('div', { class: 'shell' + (m.scenario ? ' in-scenario' : ''), key: 'app' },
    skipLink(),
    m.route.page === 'schedule' ? gridSkipLink(m) : null,
    nav(m, dispatch),
    h('main', { class: 'main', id: 'main', tabindex: '-1' }, scenarioBanner(m, dispatch), page(m, dispatch)),
    compareView(m, dispatch),
    m.dialog && m.dialog.kind === 'conflict' ? conflictView(m, dispatch) : dialogView(m, dispatch),
    toasts(m, dispatch));
}
