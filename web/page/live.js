// Live updates: while logged in, the app subscribes to the team's committed
// changes (`GET /api/v1/events`, run by the runtime as a subscription) and
// applies each to the model, so a colleague's booking appears without a
// reload. A drag in progress keeps its own state; only the data changes.

import { set } from '../model.js';
import { applyRecords, changesOf, KIND_OF } from '../records.js';
import { kindWord } from '../conflict.js';
import { reloadAll, routeEffects, reportEffects } from '../load.js';
import { get } from '../api.js';

export function subscriptions(m) {
  // live events are live's: inside a scenario they would mix live into it
  if (m.session !== 'in' || !m.user || m.scenario) return [];
  return [{ type: 'events', key: 'events:' + m.user.id, path: '/api/v1/events', hello: 'LiveHello', change: 'LiveChange', reload: 'LiveReload', down: 'LiveDown' }];
}

/** What the current page shows that a change can make stale beyond the records themselves. */
function pageEffects(m, changes) {
  const r = m.route;
  if (r.page === 'activity') return routeEffects(m);
  if (r.page === 'reports') return reportEffects(m);
  if (r.page === 'project' && changes.some((c) => ['allocation', 'task', 'actual', 'project'].includes(c.kind))) {
    return [get(`/prj/${encodeURIComponent(r.id)}/summary`, 'SummaryLoaded', 'SummaryErr', { id: r.id })];
  }
  return [];
}

/** An open dialog on a record a colleague just deleted says so (its save would only fail). */
function noteDeleted(m, ev, changes) {
  const d = m.dialog;
  const kind = d && d.id && KIND_OF[d.kind];
  if (!kind || !changes.some((c) => c.kind === kind && c.id === d.id && !c.record)) return m;
  return set(m, { dialog: set(d, { error: `${ev.user_name || 'Someone'} deleted this ${kindWord(kind)} meanwhile.` }) });
}

export function update(m, msg) {
  switch (msg.type) {
    case 'LiveHello': {
      const lastId = Math.max(m.live.lastId, Number(msg.data && msg.data.last_id) || 0);
      const m2 = set(m, { live: { status: 'open', lastId } });
      // a new connection (not the browser's own resume): what happened meanwhile is unknown
      return [m2, msg.resumed ? reloadAll(m2) : []];
    }
    case 'LiveChange': {
      const ev = msg.event || {};
      const changes = changesOf(ev);
      const m2 = set(noteDeleted(applyRecords(m, changes), ev, changes), { live: { status: 'open', lastId: Math.max(m.live.lastId, Number(ev.id) || 0) } });
      return [m2, pageEffects(m2, changes)];
    }
    case 'LiveReload':
      return [m, reloadAll(m)];
    case 'LiveDown':
      return m.live.status === 'down' ? [m, []] : [set(m, { live: set(m.live, { status: 'down' }) }), []];
  }
}
