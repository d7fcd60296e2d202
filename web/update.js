// The Elm-style core: init() and a pure update(model, msg) -> [model, effects].
// Effects are plain data the runtime (app.js) interprets: http, navigate,
// timer, scroll, focus, copy, download; subscriptions(model) lists what the
// runtime keeps open (the live events stream). No DOM access here.
//
// This module only routes: each page (web/page/*.js) owns its messages and
// its update; a message no page knows changes nothing. Shared pieces live in
// model.js (the model and its helpers), route.js, load.js, nav.js and
// records.js (applying changed records from live events, undo and 412s).

import * as shell from './page/shell.js';
import * as auth from './page/auth.js';
import * as forms from './page/forms.js';
import * as activity from './page/activity.js';
import * as live from './page/live.js';
import * as conflict from './page/conflict.js';
import * as schedule from './page/schedule.js';
import * as bookings from './page/bookings.js';
import * as planning from './page/planning.js';
import * as pipeline from './page/pipeline.js';
import * as project from './page/project.js';
import * as people from './page/people.js';
import * as clients from './page/clients.js';
import * as timeoff from './page/timeoff.js';
import * as reports from './page/reports.js';
import * as team from './page/team.js';
import * as account from './page/account.js';
import * as scenarios from './page/scenarios.js';
import * as financials from './page/financials.js';
import * as importer from './page/import.js';
import * as lists from './page/lists.js';

export { init, myRole, canEdit } from './model.js';
export { parseRoute, routePath } from './route.js';
export { initialAllocRange, fullAllocRange } from './load.js';
export { dialogRequest, openDialog } from './page/forms.js';
export { FAST_SCROLL_PX } from './page/schedule.js';
export { STATUSES, STATUS_LABEL, DEFAULT_PROBABILITY } from './page/project.js';
export { actualRequest } from './page/people.js';
export { WEEKDAYS, teamSettings, teamSettingsRequest } from './page/team.js';

const PAGES = [account, shell, auth, forms, activity, live, conflict, schedule, bookings, planning, pipeline, project, people, clients, timeoff, reports, financials, team, scenarios, importer, lists];

/** What the runtime keeps open for this model (e.g. the live events stream); each {type, key, ...}. */
export function subscriptions(m) {
  return PAGES.flatMap((page) => (page.subscriptions ? page.subscriptions(m) : []));
}

export function update(m, msg) {
  for (const page of PAGES) {
    const next = page.update(m, msg);
    if (next) return next;
  }
  return [m, []];
}
