// Undo and redo, and the activity page. Ctrl+Z undoes the person's own newest
// change that can still be undone, Ctrl+Shift+Z / Ctrl+Y redoes it (the server
// knows whose change is whose); the page lists who did what, when, and undoes
// anyone's change explicitly.

import { http, asList } from '../api.js';
import { set, toast, unauthorized } from '../model.js';
import { applyRecords, changesOf } from '../records.js';
import { reloadAll, loadActivity } from '../load.js';

/** Apply what an undo or redo changed (its live event will say the same, once). */
function applyEntry(m, entry) {
  const changes = changesOf(entry);
  if (!changes.length) return [m, reloadAll(m)];
  const m2 = applyRecords(m, changes);
  return [m2, m2.route.page === 'activity' ? [loadActivity()] : []];
}

/** "x minutes ago" from unix seconds. */
export function timeAgo(at, nowMs) {
  const s = Math.max(0, Math.round(nowMs / 1000 - at));
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return min === 1 ? 'a minute ago' : `${min} minutes ago`;
  const h = Math.round(min / 60);
  if (h < 24) return h === 1 ? 'an hour ago' : `${h} hours ago`;
  const d = Math.round(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

const undoRequest = (type) => http('POST', type === 'Undo' ? '/activity/undo' : '/activity/redo', undefined, type + 'Ok', 'UndoErr');

/** Undo and redo go one at a time, in order: presses while one is on its way wait their turn. */
function next(m) {
  const [type, ...rest] = m.undoQueue;
  if (!type) return [set(m, { undoBusy: false }), []];
  return [set(m, { undoBusy: true, undoQueue: rest }), [undoRequest(type)]];
}

/** While the page is shown, "x minutes ago" moves on by itself. */
export function subscriptions(m) {
  return m.route.page === 'activity' && m.session === 'in' ? [{ type: 'every', key: 'activity-clock', ms: 30_000, msg: { type: 'ActivityClock' } }] : [];
}

export function update(m, msg) {
  switch (msg.type) {
    case 'Undo':
    case 'Redo':
      if (m.session !== 'in') return [m, []];
      if (m.undoBusy) return [set(m, { undoQueue: [...m.undoQueue, msg.type].slice(0, 20) }), []];
      return [set(m, { undoBusy: true }), [undoRequest(msg.type)]];
    case 'UndoOk':
    case 'RedoOk': {
      const entry = msg.data || {};
      const [m1, nfx] = next(m);
      const [m2, fx] = applyEntry(m1, entry);
      const action = msg.type === 'UndoOk' ? { label: 'Redo', msg: { type: 'Redo' } } : { label: 'Undo', msg: { type: 'Undo' } };
      const [m3, tfx] = toast(m2, entry.summary || (msg.type === 'UndoOk' ? 'Undone' : 'Redone'), 'info', action);
      return [m3, [...tfx, ...fx, ...nfx]];
    }
    case 'UndoErr': {
      // the presses after a refusal would act on something else than meant: drop them
      const m2 = set(m, { undoBusy: false, undoQueue: [] });
      return unauthorized(m2, msg.status) || toast(m2, msg.error, /^Nothing to/.test(msg.error || '') ? 'info' : 'error');
    }

    // ---- the activity page
    case 'ActivityLoaded':
      return [set(m, { activity: set(m.activity, { list: asList(msg.data, 'activity', 'entries'), error: null }) }), []];
    case 'ActivityClock':
      return [set(m, { activity: set(m.activity, { now: msg.now }) }), []];
    case 'ActivityErr':
      return unauthorized(m, msg.status) || [set(m, { activity: set(m.activity, { error: msg.error }) }), []];
    case 'ActivityUndo':
      if (m.activity.busy) return [m, []];
      return [set(m, { activity: set(m.activity, { busy: msg.id }) }),
        [http('POST', `/activity/${encodeURIComponent(msg.id)}/undo`, undefined, 'ActivityUndone', 'ActivityUndoErr', { id: msg.id })]];
    case 'ActivityUndone': {
      const entry = msg.data || {};
      const [m2, fx] = applyEntry(set(m, { activity: set(m.activity, { busy: null }) }), entry);
      const [m3, tfx] = toast(m2, entry.summary || 'Undone', 'info');
      return [m3, [...tfx, ...fx, ...(fx.some((f) => f.ok === 'ActivityLoaded') ? [] : [loadActivity()])]];
    }
    case 'ActivityUndoErr': {
      const m2 = set(m, { activity: set(m.activity, { busy: null }) });
      const r = unauthorized(m2, msg.status);
      if (r) return r;
      const [m3, fx] = toast(m2, msg.error);
      return [m3, [...fx, loadActivity()]];
    }
  }
}
