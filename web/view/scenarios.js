// The scenario switcher (beside the team name), the banner shown while a
// scenario is edited, and the compare view with Merge.
import { h } from '../vdom.js';
import { button } from './ui.js';
import { canEdit } from '../update.js';

export function scenarioSwitcher(m, dispatch) {
  const open = (m.scenarios || []).filter((s) => s.status === 'open');
  const current = m.scenario ? m.scenario.id : '';
  return h('div', { class: 'scenario-switch' },
    h('select', { 'data-testid': 'scenario-switcher', 'aria-label': 'Schedule or scenario', value: current, on: { change: (e) => dispatch({ type: 'ScenarioSwitch', id: e.target.value }) } },
      h('option', { value: '', selected: current === '' }, 'Live schedule'),
      open.map((s) => h('option', { key: s.id, value: s.id, selected: s.id === current }, 'Scenario: ' + s.name))),
    canEdit(m) ? h('form', { class: 'scenario-new', on: { submit: (e) => { e.preventDefault(); dispatch({ type: 'ScenarioCreate' }); } } },
      h('input', { 'data-testid': 'scenario-name', placeholder: 'New scenario…', value: m.scenarioName || '', on: { input: (e) => dispatch({ type: 'ScenarioNameInput', value: e.target.value }) } }),
      h('button', { type: 'submit', class: 'btn small', 'data-testid': 'scenario-create' }, 'Fork')) : null);
}

export function scenarioBanner(m, dispatch) {
  if (!m.scenario) return null;
  return h('div', { class: 'scenario-banner', role: 'status', 'data-testid': 'scenario-banner' },
    h('strong', {}, 'Scenario: ' + m.scenario.name),
    h('span', {}, ' — you are editing a what-if copy. Live is not changed until you merge.'),
    h('span', { class: 'actions' },
      button('Compare with live', () => dispatch({ type: 'CompareOpen' }), 'small', { 'data-testid': 'scenario-compare' }),
      button('Back to live', () => dispatch({ type: 'ScenarioSwitch', id: '' }), 'ghost small', { 'data-testid': 'scenario-leave' })));
}

const pct = (x) => (x == null ? '—' : Math.round(x * 100) + '%');
const hrs = (x) => (x == null ? '—' : (Math.round(x * 10) / 10) + ' h');

/** A live → scenario cell, coloured by which way it moves. */
function delta(live, scen, fmt, testid) {
  const l = live == null ? null : live, s = scen == null ? null : scen;
  const cls = l === s ? 'same' : (s || 0) > (l || 0) ? 'up' : 'down';
  return h('td', { class: 'delta ' + cls, 'data-testid': testid || null }, fmt(l) + ' → ' + fmt(s));
}

function summary(c) {
  const n = (x) => (x ? x.length : 0);
  const parts = [
    [n(c.allocations.added), 'booking(s) added'], [n(c.allocations.removed), 'removed'], [n(c.allocations.changed), 'changed'],
    [n(c.people.added), 'person(s) added'], [n(c.people.changed), 'person(s) changed'],
    [n(c.projects.added), 'project(s) added'], [n(c.projects.changed), 'project(s) changed'], [n(c.other), 'other change(s)'],
  ].filter(([k]) => k > 0).map(([k, what]) => `${k} ${what}`);
  return parts.length ? parts.join(', ') : 'No changes yet';
}

export function compareView(m, dispatch) {
  const cmp = m.compare;
  if (!cmp) return null;
  const c = cmp.data;
  const editor = canEdit(m);
  const conflicts = cmp.conflicts || (c && c.conflicts.length ? c.conflicts : null);
  return h('div', { class: 'overlay' },
    h('div', { class: 'dialog compare', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Compare with live', 'data-testid': 'compare-view' },
      h('h2', {}, 'Scenario against live'),
      !c && !cmp.error ? h('p', {}, 'Comparing…') : null,
      cmp.error ? h('p', { class: 'error', 'data-testid': 'compare-error' }, cmp.error) : null,
      c ? h('div', {},
        h('p', { 'data-testid': 'compare-summary' }, summary(c)),
        c.totals.length ? h('table', { class: 'compare-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Team'), c.totals.map((t) => h('th', { key: t.month }, t.month)))),
          h('tbody', {},
            h('tr', {}, h('td', {}, 'Utilisation'), c.totals.map((t) => delta(t.live && t.live.utilisation, t.scenario && t.scenario.utilisation, pct))),
            h('tr', {}, h('td', {}, 'Booked'), c.totals.map((t) => delta(t.live && t.live.scheduled_hours, t.scenario && t.scenario.scheduled_hours, hrs))),
            c.utilisation.map((p) => h('tr', { key: p.person_id, 'data-testid': 'compare-person', 'data-person-id': p.person_id }, h('td', {}, p.name),
              p.months.map((mo) => delta(mo.live && mo.live.utilisation, mo.scenario && mo.scenario.utilisation, pct)))))) : null,
        c.projects_effect.length ? h('table', { class: 'compare-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Project'), h('th', {}, 'Finish'), h('th', {}, 'Booked'))),
          h('tbody', {}, c.projects_effect.map((p) => h('tr', { key: p.project_id, 'data-testid': 'compare-project' }, h('td', {}, p.name),
            h('td', {}, ((p.live && p.live.finish) || '—') + ' → ' + ((p.scenario && p.scenario.finish) || '—')),
            delta(p.live && p.live.scheduled_hours, p.scenario && p.scenario.scheduled_hours, hrs))))) : null) : null,
      conflicts ? h('div', { class: 'conflicts', 'data-testid': 'compare-conflicts' },
        h('p', {}, `${conflicts.length} record(s) also changed on live since the fork. Choose which side wins:`)) : null,
      h('div', { class: 'dialog-foot' },
        editor && c && !conflicts ? button('Merge into live', () => dispatch({ type: 'ScenarioMerge' }), 'primary', { 'data-testid': 'scenario-merge', disabled: cmp.busy }) : null,
        editor && conflicts ? button('Merge, scenario wins', () => dispatch({ type: 'ScenarioMerge', onConflict: 'scenario' }), 'primary', { 'data-testid': 'merge-scenario-wins', disabled: cmp.busy }) : null,
        editor && conflicts ? button('Merge, live wins', () => dispatch({ type: 'ScenarioMerge', onConflict: 'live' }), '', { 'data-testid': 'merge-live-wins', disabled: cmp.busy }) : null,
        button('Close', () => dispatch({ type: 'CompareClose' }), 'ghost', { 'data-testid': 'compare-close' }))));
}
