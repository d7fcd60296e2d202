// The schedule's records by kind (allocation, person, client, project,
// timeoff, task, actual): where the model holds each, and how a changed record
// from elsewhere (a live event, an undo, a 412) replaces the one held. A record
// replaces the held one only if its version is newer, so the same change seen
// twice (our own write's response and its event) applies once. Pure.

import * as store from './store.js';
import { set, setData, replaceIn } from './model.js';

/** The model's list of each kind held in `m.data` as a plain list. */
export const LIST_OF = { person: 'people', client: 'clients', project: 'projects', timeoff: 'timeoff' };
/** The kind of record each list and dialog holds. */
export const KIND_OF = { people: 'person', clients: 'client', projects: 'project', timeoff: 'timeoff', alloc: 'allocation', person: 'person', client: 'client', project: 'project' };

/** Is `rec` newer than `held`? Records without versions always are. */
export function newer(held, rec, orSame = false) {
  if (!held || held.version == null || rec.version == null) return true;
  return orSame ? rec.version >= held.version : rec.version > held.version;
}

/** Marks a record shown before the server confirmed it (a symbol: never sent, never compared). */
const PENDING = Symbol('pending');

/**
 * A change shown before the server confirms it: the version it will have (the
 * server gives each write the next one), so a second edit made before the
 * answer arrives sends the right If-Match.
 */
export function optimistic(before, after) {
  return before && typeof before.version === 'number' ? { ...after, version: before.version + 1, [PENDING]: true } : { ...after, [PENDING]: true };
}

/** The record of that kind and id the model holds, if any. */
export function findRecord(m, kind, id) {
  if (id == null) return undefined;
  if (kind === 'allocation') return store.get(m.data.allocations, id);
  if (LIST_OF[kind]) return m.data[LIST_OF[kind]].find((x) => x.id === id);
  if (kind === 'task') {
    for (const list of Object.values(m.tasks)) if (Array.isArray(list)) { const t = list.find((x) => x.id === id); if (t) return t; }
    return undefined;
  }
  if (kind === 'actual') return m.actuals.list.find((x) => x.id === id);
  return undefined;
}

const newestFirst = (list) => list.slice().sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? 1 : -1));

/**
 * Apply changes `[{kind, id, record}]` (record null: deleted). With `force`, a
 * record of the same version also replaces the held one (the server's answer
 * to a refused write wins over what was shown optimistically).
 */
export function applyRecords(m, changes, { force = false } = {}) {
  let allocs = null; // batch the allocation store: one copy for many records
  for (const c of changes) {
    if (!c || !c.kind) continue;
    const rec = c.record || null;
    const id = c.id ?? (rec && rec.id);
    if (id == null) continue;
    const held = findRecord(m, c.kind, id);
    // forced (the server's word on a refused write): only a newer confirmed record stays
    if (rec && held && !(force && held[PENDING]) && !newer(held, rec, force)) continue;
    if (c.kind === 'allocation') {
      if (!allocs) allocs = [];
      allocs.push([id, rec]);
      continue;
    }
    const listName = LIST_OF[c.kind];
    if (listName) {
      const list = m.data[listName];
      // archived people are listed only when the page shows them
      const hidden = !rec || (c.kind === 'person' && rec.archived && !m.showArchived);
      if (hidden) { if (held) m = setData(m, { [listName]: list.filter((x) => x.id !== id) }); }
      else m = setData(m, { [listName]: replaceIn(list, rec) });
    } else if (c.kind === 'task') {
      const tasks = { ...m.tasks };
      for (const [pid, list] of Object.entries(m.tasks)) {
        if (!Array.isArray(list)) continue;
        const mine = rec && rec.project_id === pid;
        if (mine) tasks[pid] = replaceIn(list, rec);
        else if (list.some((x) => x.id === id)) tasks[pid] = list.filter((x) => x.id !== id);
      }
      m = set(m, { tasks });
    } else if (c.kind === 'actual') {
      const a = m.actuals;
      const shown = rec && rec.person_id === a.form.person_id;
      const list = shown ? newestFirst(replaceIn(a.list, rec)) : a.list.filter((x) => x.id !== id);
      if (list.length !== a.list.length || shown) m = set(m, { actuals: set(a, { list }) });
    }
  }
  if (allocs) {
    let s = m.data.allocations;
    const puts = [];
    for (const [id, rec] of allocs) { if (rec) puts.push(rec); else s = store.remove(s, id); }
    if (puts.length) s = store.putAll(s, puts);
    m = setData(m, { allocations: s });
  }
  return m;
}

/**
 * The changes of an activity entry or live event as `[{kind, id, record}]`:
 * events carry `record`; older activity entries carry `before`/`after`.
 */
export function changesOf(entry) {
  const list = entry && Array.isArray(entry.changes) ? entry.changes : [];
  const out = [];
  for (const c of list) {
    if (!c || !c.kind) continue;
    if ('record' in c) out.push({ kind: c.kind, id: c.id ?? (c.record && c.record.id), record: c.record });
    else if ('after' in c || 'before' in c) {
      const r = c.after || c.before;
      out.push({ kind: c.kind, id: c.id ?? (r && r.id), record: c.after || null });
    }
  }
  return out;
}

/**
 * Replace a loaded list (or store) but keep records the model holds at a newer
 * version: a live event can overtake the response of a load already on its way.
 */
export function keepNewer(heldList, list) {
  if (!heldList.length) return list;
  const held = new Map(heldList.map((x) => [x.id, x]));
  return list.map((x) => { const h = held.get(x.id); return h && !newer(h, x) ? h : x; });
}
export function keepNewerInStore(heldStore, list) {
  if (!store.size(heldStore)) return list;
  return list.map((x) => { const h = store.get(heldStore, x.id); return h && !newer(h, x) ? h : x; });
}
