// The scenario switcher (beside the team name), the banner shown while a
// scenario is edited, and the compare view with Merge.
import { h } from '../vdom.js';
import { button } from './ui.js';
import { canEdit } from '../update.js';
import { toDay, addMonths, startOfMonth, monthName, spanLabel } from '../dates.js';
import { projectColor } from '../schedule.js';

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

/**
 * A live → scenario cell, coloured by which way it moves (green up, amber down,
 * red past full), with the way in words for those who do not see the colour.
 */
function delta(live, scen, fmt, testid, overAt = null) {
  const l = live == null ? null : live, s = scen == null ? null : scen;
  const cls = l === s ? 'same' : (s || 0) > (l || 0) ? 'up' : 'down';
  const over = overAt != null && s != null && s > overAt && cls !== 'same';
  return h('td', { class: 'delta ' + cls + (over ? ' over' : ''), 'data-testid': testid || null },
    cls === 'same' ? null : h('span', { class: 'arrow', 'aria-hidden': 'true' }, cls === 'up' ? '▲ ' : '▼ '),
    fmt(l) + ' → ' + fmt(s),
    cls === 'same' ? null : h('span', { class: 'sr-only' }, cls === 'up' ? ' (up)' : ' (down)'),
    over ? h('span', { class: 'sr-only' }, ', overbooked') : null);
}

const CHANGE_WORDS = { added: 'added in the scenario', removed: 'removed in the scenario', changed: 'changed in the scenario', same: 'unchanged' };

/** One side's bookings of one row, placed over the compared days. */
function lane(m, side, list, who, changes, place) {
  const projects = new Map(m.data.projects.map((p) => [p.id, p]));
  const name = side === 'live' ? 'Live' : 'Scenario';
  return h('div', { class: 'cmp-lane ' + side },
    list == null ? h('span', { class: 'cmp-loading muted' }, 'Loading…')
      : h('ul', { 'aria-label': `${name} bookings of ${who}`, class: 'cmp-bars' },
        list.length === 0 ? h('li', { class: 'sr-only' }, 'None') : null,
        list.map((a) => {
          const how = changes[a.id] || 'same';
          const p = projects.get(a.project_id);
          const label = p ? p.name : 'A project';
          return h('li', { key: a.id, class: `cmp-bar ${side} ${how}`, style: { ...place(a), '--pc': p ? projectColor(p) : '#868e96' },
            'data-testid': 'compare-bar', 'data-side': side, 'data-change': how, 'data-allocation-id': a.id, title: `${name}: ${label}, ${a.hours_per_day} h/day, ${spanLabel(a.start, a.end)} (${CHANGE_WORDS[how]})` },
          how === 'same' ? null : h('span', { class: 'cmp-mark', 'aria-hidden': 'true' }, how === 'added' ? '+' : how === 'removed' ? '−' : '~'),
          h('span', { class: 'cmp-bar-t', 'aria-hidden': 'true' }, `${label} · ${a.hours_per_day}h`),
          h('span', { class: 'sr-only' }, `${label}, ${a.hours_per_day} hours a day, ${spanLabel(a.start, a.end)}${a.tentative ? ', tentative' : ''}, ${CHANGE_WORDS[how]}`));
        })));
}

/**
 * The timeline of the people (and placeholder roles) the scenario changes:
 * each row holds its live bookings above its scenario ones over the same days.
 */
function compareTimeline(m, cmp) {
  const c = cmp.data, t = cmp.timeline;
  if (!t || !t.rows.length) return null;
  const from = toDay(t.from), to = toDay(t.to), span = Math.max(1, to - from + 1);
  const place = (a) => {
    const s = Math.max(from, toDay(a.start)), e = Math.min(to, toDay(a.end));
    return { left: `${((s - from) / span) * 100}%`, width: `${Math.max(0.5, ((e - s + 1) / span) * 100)}%` };
  };
  const months = [];
  for (let d = startOfMonth(t.from); d <= t.to; d = addMonths(d, 1)) months.push(d);
  const people = new Map(m.data.people.map((p) => [p.id, p]));
  const named = new Map((c.utilisation || []).map((p) => [p.person_id, p.name]));
  const all = c.allocations;
  const ofRole = (list, role) => list.filter((a) => a && !a.person_id && a.placeholder_role === role);
  return h('section', { class: 'cmp-timeline', 'aria-labelledby': 'cmp-timeline-title', 'data-testid': 'compare-timeline' },
    h('h3', { id: 'cmp-timeline-title' }, 'Timeline: live and scenario bookings'),
    h('div', { class: 'cmp-legend', 'aria-hidden': 'true' },
      h('span', { class: 'lg live' }, 'Live'), h('span', { class: 'lg scenario' }, 'Scenario'),
      h('span', { class: 'lg added' }, '+ added'), h('span', { class: 'lg removed' }, '− removed'), h('span', { class: 'lg changed' }, '~ changed')),
    h('div', { class: 'cmp-grid' },
      h('div', { class: 'cmp-months', 'aria-hidden': 'true' }, months.map((d) => {
        const s = Math.max(from, toDay(d));
        return h('span', { key: d, style: { left: `${((s - from) / span) * 100}%` } }, `${monthName(d)} ${d.slice(0, 4)}`);
      })),
      h('ul', { class: 'cmp-rows', 'aria-label': 'People and roles the scenario changes' }, t.rows.map((r) => {
        const who = r.personId ? (people.get(r.personId) || {}).name || named.get(r.personId) || 'Someone' : `${r.role} (placeholder)`;
        const live = r.personId ? cmp.bars && cmp.bars.live[r.personId] : [...ofRole(all.removed, r.role), ...ofRole(all.changed.map((x) => x.before), r.role)];
        const scen = r.personId ? cmp.bars && cmp.bars.scenario[r.personId] : [...ofRole(all.added, r.role), ...ofRole(all.changed.map((x) => x.after), r.role)];
        return h('li', { key: r.key, class: 'cmp-row', 'data-testid': 'compare-row', 'data-person-id': r.personId || null, 'data-role': r.role || null },
          h('div', { class: 'cmp-who' }, who),
          h('div', { class: 'cmp-sides', 'aria-hidden': 'true' }, h('span', { class: 'live' }, 'Live'), h('span', { class: 'scenario' }, 'Scenario')),
          h('div', { class: 'cmp-track' },
            lane(m, 'live', live, who, t.changes, place),
            lane(m, 'scenario', scen, who, t.changes, place)));
      }))),
    t.more ? h('p', { class: 'muted' }, `… and ${t.more} more people or roles; the tables below list everyone.`) : null,
    cmp.barsError ? h('p', { class: 'error' }, cmp.barsError) : null);
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
        compareTimeline(m, cmp),
        c.totals.length ? h('table', { class: 'compare-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Team'), c.totals.map((t) => h('th', { key: t.month }, t.month)))),
          h('tbody', {},
            h('tr', {}, h('td', {}, 'Utilisation'), c.totals.map((t) => delta(t.live && t.live.utilisation, t.scenario && t.scenario.utilisation, pct, null, 1))),
            h('tr', {}, h('td', {}, 'Booked'), c.totals.map((t) => delta(t.live && t.live.scheduled_hours, t.scenario && t.scenario.scheduled_hours, hrs))),
            c.utilisation.map((p) => h('tr', { key: p.person_id, 'data-testid': 'compare-person', 'data-person-id': p.person_id }, h('td', {}, p.name),
              p.months.map((mo) => delta(mo.live && mo.live.utilisation, mo.scenario && mo.scenario.utilisation, pct, null, 1)))))) : null,
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
