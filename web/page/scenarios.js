// Scenarios: what-if copies of the whole schedule. While one is entered
// (m.scenario), every API call carries its id (see app.js) so every page edits
// the scenario, not live; the compare view shows what it changes and merges it.

import { get, http, asList, qs } from '../api.js';
import { set, toast, unauthorized } from '../model.js';
import { reloadAll } from '../load.js';
import { addDays, addMonths, startOfMonth } from '../dates.js';

export const loadScenarios = () => get('/scenarios', 'ScenariosLoaded', 'ScenarioErr');

/** Switch to scenario `sc` ({id, name}) or back to live (null): everything shown is loaded again. */
function enter(m, sc) {
  const m2 = set(m, { scenario: sc ? { id: sc.id, name: sc.name } : null, compare: null });
  return [m2, [...reloadAll(m2), loadScenarios()]];
}

/** The compare view's timeline shows at most this many rows (each costs two requests). */
export const COMPARE_ROWS = 25;

/**
 * The rows of the compare view's timeline: every person whose figures or
 * bookings the scenario changes (`{key: 'p:<id>', personId}`), then each
 * placeholder role with changed bookings (`{key: 'ph:<role>', role}`); and each
 * changed booking's id with how it changed (added, removed, changed).
 */
export function compareRows(c) {
  const people = [];
  const roles = [];
  const addPerson = (id) => { if (id && !people.includes(id)) people.push(id); };
  for (const p of c.utilisation || []) addPerson(p.person_id);
  const a = c.allocations || { added: [], removed: [], changed: [] };
  const changes = {};
  const touch = (rec, how) => {
    if (!rec) return;
    if (rec.id) changes[rec.id] = how;
    if (rec.person_id) addPerson(rec.person_id);
    else if (rec.placeholder_role && !roles.includes(rec.placeholder_role)) roles.push(rec.placeholder_role);
  };
  for (const x of a.added || []) touch(x, 'added');
  for (const x of a.removed || []) touch(x, 'removed');
  for (const x of a.changed || []) { touch(x.before, 'changed'); touch(x.after, 'changed'); }
  const rows = [...people.map((id) => ({ key: 'p:' + id, personId: id })), ...roles.map((role) => ({ key: 'ph:' + role, role }))];
  // the months the changes touch, and at least two of them: a change near a month's end keeps its context
  const from = startOfMonth(c.from);
  const least = addDays(addMonths(from, 2), -1);
  const to = c.to && c.to > least ? c.to : least;
  return { rows: rows.slice(0, COMPARE_ROWS), more: Math.max(0, rows.length - COMPARE_ROWS), changes, from, to };
}

/**
 * Each shown person's bookings over the compared months, once from live and once
 * from the scenario (the effect names its side, whatever the app is in).
 */
function compareBarRequests(id, c, rows) {
  const fx = [];
  for (const r of rows) {
    if (!r.personId) continue;
    const path = '/allocations' + qs({ from: c.from, to: c.to, person_id: r.personId });
    fx.push({ ...get(path, 'CompareBars', 'CompareBarsErr', { id, side: 'live', personId: r.personId }), scenario: null });
    fx.push({ ...get(path, 'CompareBars', 'CompareBarsErr', { id, side: 'scenario', personId: r.personId }), scenario: id });
  }
  return fx;
}

export function update(m, msg) {
  switch (msg.type) {
    case 'ScenariosLoaded': {
      const list = asList(msg.data, 'scenarios');
      // the scenario being edited was closed elsewhere: back to live
      if (m.scenario && !list.some((s) => s.id === m.scenario.id && s.status === 'open')) return enter(set(m, { scenarios: list }), null);
      return [set(m, { scenarios: list }), []];
    }
    case 'ScenarioErr':
      if (msg.status === 404 && m.scenario) return enter(toast(m, 'That scenario was merged or archived; back to the live schedule')[0], null);
      return unauthorized(m, msg.status) || toast(m, msg.error);
    case 'ScenarioNameInput':
      return [set(m, { scenarioName: msg.value }), []];
    case 'ScenarioCreate': {
      const name = (m.scenarioName || '').trim();
      if (!name) return toast(m, 'Name the scenario first');
      return [m, [http('POST', '/scenarios', { name }, 'ScenarioCreated', 'ScenarioErr')]];
    }
    case 'ScenarioCreated':
      return enter(set(m, { scenarioName: '' }), msg.data);
    case 'ScenarioSwitch': {
      if (!msg.id) return enter(m, null);
      const sc = (m.scenarios || []).find((s) => s.id === msg.id);
      return sc ? enter(m, sc) : [m, []];
    }
    case 'CompareOpen': {
      const id = msg.id || (m.scenario && m.scenario.id);
      if (!id) return [m, []];
      return [set(m, { compare: { id, data: null, error: null, conflicts: null, busy: false } }), [get(`/scenarios/${encodeURIComponent(id)}/compare`, 'CompareLoaded', 'CompareErr', { id })]];
    }
    case 'CompareLoaded': {
      if (!m.compare || m.compare.id !== msg.id) return [m, []];
      const timeline = compareRows(msg.data);
      return [set(m, { compare: set(m.compare, { data: msg.data, timeline, bars: { live: {}, scenario: {} } }) }), compareBarRequests(msg.id, timeline, timeline.rows)];
    }
    case 'CompareBars': {
      const cmp = m.compare;
      if (!cmp || cmp.id !== msg.id || !cmp.bars) return [m, []];
      const side = set(cmp.bars[msg.side], { [msg.personId]: asList(msg.data, 'allocations') });
      return [set(m, { compare: set(cmp, { bars: set(cmp.bars, { [msg.side]: side }) }) }), []];
    }
    case 'CompareBarsErr': {
      const cmp = m.compare;
      if (!cmp || cmp.id !== msg.id) return unauthorized(m, msg.status) || [m, []];
      return unauthorized(m, msg.status) || [set(m, { compare: set(cmp, { barsError: msg.error }) }), []];
    }
    case 'CompareErr':
      if (!m.compare) return [m, []];
      return [set(m, { compare: set(m.compare, { error: msg.error, busy: false }) }), []];
    case 'CompareClose':
      return [set(m, { compare: null }), []];
    case 'ScenarioMerge': {
      if (!m.compare || m.compare.busy) return [m, []];
      const body = msg.onConflict ? { on_conflict: msg.onConflict } : {};
      return [set(m, { compare: set(m.compare, { busy: true, error: null }) }), [http('POST', `/scenarios/${encodeURIComponent(m.compare.id)}/merge`, body, 'ScenarioMerged', 'MergeErr', { id: m.compare.id })]];
    }
    case 'ScenarioMerged': {
      const [m2, fx] = enter(m, null);
      const [m3] = toast(m2, `${msg.data.summary}. Undo it from the activity page in one step.`, 'info');
      return [m3, fx];
    }
    case 'MergeErr': {
      if (!m.compare) return [m, []];
      const conflicts = msg.status === 409 && msg.body && Array.isArray(msg.body.conflicts) ? msg.body.conflicts : null;
      return [set(m, { compare: set(m.compare, { busy: false, error: msg.error, conflicts }) }), []];
    }
  }
  return null;
}
