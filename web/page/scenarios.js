// Scenarios: what-if copies of the whole schedule. While one is entered
// (m.scenario), every API call carries its id (see app.js) so every page edits
// the scenario, not live; the compare view shows what it changes and merges it.

import { get, http, asList } from '../api.js';
import { set, toast, unauthorized } from '../model.js';
import { reloadAll } from '../load.js';

export const loadScenarios = () => get('/scenarios', 'ScenariosLoaded', 'ScenarioErr');

/** Switch to scenario `sc` ({id, name}) or back to live (null): everything shown is loaded again. */
function enter(m, sc) {
  const m2 = set(m, { scenario: sc ? { id: sc.id, name: sc.name } : null, compare: null });
  return [m2, [...reloadAll(m2), loadScenarios()]];
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
    case 'CompareLoaded':
      if (!m.compare || m.compare.id !== msg.id) return [m, []];
      return [set(m, { compare: set(m.compare, { data: msg.data }) }), []];
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
