// The first run: a checklist on a new team's schedule (add people, add a
// project, book someone, invite a planner), the sample team one click loads,
// and the banner that removes it again.
import { h } from '../vdom.js';
import { button } from './ui.js';
import { canEdit, myRole } from '../update.js';
import { hasSample, isSample } from '../find.js';
import { values } from '../store.js';

/** Is any booking the team's own (not the sample's)? Asked on every frame: once per version of the bookings. */
let ownMemo = { allocations: null, value: false };
function someOwn(allocations) {
  if (ownMemo.allocations !== allocations) ownMemo = { allocations, value: values(allocations).some((a) => !isSample(a)) };
  return ownMemo.value;
}

/** How many people and projects are the team's own (the sample's do not count), and whether the sample is loaded: once per version of the lists, not every frame. */
let countMemo = { people: null, projects: null, value: null };
function ownCounts(people, projects) {
  if (countMemo.people !== people || countMemo.projects !== projects) {
    countMemo = { people, projects, value: { people: people.filter((p) => !p.archived && !isSample(p)).length, projects: projects.filter((p) => !isSample(p)).length, sample: hasSample({ data: { people, projects } }) } };
  }
  return countMemo.value;
}

/** Always one element (empty when there is nothing to show), so the page's other parts keep their places. */
export function firstRun(m, dispatch) {
  return h('div', { class: 'first-run-slot' }, firstRunParts(m, dispatch));
}

function firstRunParts(m, dispatch) {
  if (!canEdit(m) || !m.loaded.people || !m.loaded.projects) return null;
  const { people, projects, sample } = ownCounts(m.data.people, m.data.projects);
  const banner = sample ? h('div', { class: 'sample-banner', role: 'note', 'data-testid': 'sample-banner' },
    h('span', {}, h('strong', {}, 'Sample team. '), 'The people and projects named “Sample” are examples; remove them when you are done.'),
    button(m.sampleBusy ? 'Removing…' : 'Remove the sample team', () => dispatch({ type: 'SampleRemove' }), 'small', { 'data-testid': 'sample-remove', disabled: !!m.sampleBusy })) : null;
  const steps = [
    { key: 'people', label: 'Add the people you schedule', done: people > 0, action: button('Add person', () => dispatch({ type: 'OpenDialog', kind: 'person' }), 'small', { 'data-testid': 'first-run-person' }) },
    { key: 'project', label: 'Add a project', done: projects > 0, action: button('New project', () => dispatch({ type: 'OpenDialog', kind: 'project' }), 'small', { 'data-testid': 'first-run-project' }) },
    { key: 'book', label: 'Book someone: drag across their row', done: someOwn(m.data.allocations), action: null },
    { key: 'invite', label: 'Invite a planner', done: ((m.data.team && m.data.team.members) || []).length > 1, action: myRole(m) === 'owner' ? button('Invite', () => dispatch({ type: 'OpenDialog', kind: 'invite' }), 'small', { 'data-testid': 'first-run-invite' }) : null },
  ];
  // a team with ten people of its own, a project and bookings is past its first run:
  // inviting a planner is then the Team page's business, not a panel over the schedule
  const settled = people >= 10 && steps.slice(0, 3).every((s) => s.done);
  if (m.firstRunHidden || settled || steps.every((s) => s.done)) return banner;
  const left = steps.filter((s) => !s.done).length;
  return [banner, h('section', { class: 'first-run', 'aria-labelledby': 'first-run-title', 'data-testid': 'first-run' },
    h('h2', { id: 'first-run-title' }, `Get started · ${steps.length - left} of ${steps.length} done`),
    h('ol', {}, steps.map((s) => h('li', { key: s.key, class: s.done ? 'done' : '', 'data-testid': 'first-run-step', 'data-step': s.key, 'data-done': s.done ? 'true' : 'false' },
      h('span', { class: 'tick', 'aria-hidden': 'true' }, s.done ? '✓' : ''),
      h('span', {}, s.label, h('span', { class: 'sr-only' }, s.done ? ' (done)' : ' (to do)')),
      s.done ? null : s.action))),
    h('div', { class: 'fr-foot' },
      !sample && m.data.people.length === 0 && m.data.projects.length === 0 ? [h('span', { class: 'muted' }, 'Or look around first:'),
        button(m.sampleBusy ? 'Loading…' : 'Load a sample team', () => dispatch({ type: 'SampleLoad' }), 'small', { 'data-testid': 'sample-load', disabled: !!m.sampleBusy })] : null,
      h('span', { class: 'spacer' }),
      button('Hide', () => dispatch({ type: 'FirstRunHide' }), 'ghost small', { 'data-testid': 'first-run-hide' })))];
}
