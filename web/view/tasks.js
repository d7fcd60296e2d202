// The project's tasks (list + add/edit form) and the plan banner shown over
// the timeline while a proposal is previewed.
import { h } from '../vdom.js';
import { canEdit } from '../update.js';
import { longLabel } from '../dates.js';
import { planSummary, MAX_ASSIGNEES } from '../plan.js';
import { button, field, fmtNum, empty } from './ui.js';

function who(t, people) {
  const parts = [];
  if (t.person_id) parts.push(h('span', { class: 'task-person' }, (people.get(t.person_id) || { name: 'Unknown person' }).name));
  if (t.role) parts.push(h('span', { class: 'tag role' }, t.role));
  for (const s of t.skills || []) parts.push(h('span', { class: 'tag' }, s));
  if (Number(t.assignees_max) > 1) parts.push(h('span', { class: 'tag shared', 'data-testid': 'task-shared', title: 'Planning may split it between this many people' }, `up to ${t.assignees_max} people`));
  return parts.length ? parts : h('span', { class: 'muted' }, 'Anyone');
}

/** Pinned tasks keep their planned bookings in later plans: a toggle for editors, a tag for the rest. */
function pinToggle(t, editable, projectId, dispatch) {
  const pinned = !!t.pinned;
  if (!editable) return pinned ? h('span', { class: 'tag pin', 'data-testid': 'task-pinned' }, 'Pinned') : null;
  // one name whatever the state ("Pin Launch"); aria-pressed and the colour say whether it is on
  return button([pinned ? '📌 Pin' : 'Pin', h('span', { class: 'sr-only' }, ` ${t.name}`)], () => dispatch({ type: 'TaskPin', projectId, id: t.id, pinned: !pinned }), 'small ghost pin' + (pinned ? ' on' : ''), {
    'aria-pressed': pinned ? 'true' : 'false',
    'data-testid': 'task-pin',
    title: pinned ? 'Pinned: plans keep its bookings where they are. Click to let plans move it.' : 'Keep its planned bookings where they are in later plans',
  });
}

function taskFormView(m, dispatch, tasks) {
  const tf = m.taskForm;
  const f = tf.form;
  const inp = (name) => (value) => dispatch({ type: 'TaskInput', field: name, value });
  const people = m.data.people.filter((p) => !p.archived || p.id === f.person_id);
  const others = tasks.filter((t) => t.id !== tf.id);
  const depId = 'task-depends-on';
  return h('form', {
    class: 'task-form', 'data-testid': 'task-form', novalidate: true, 'aria-label': tf.id ? 'Edit task' : 'New task',
    on: { submit: (e) => { e.preventDefault(); dispatch({ type: 'TaskSubmit' }); }, keydown: (e) => { if (e.key === 'Escape') { e.stopPropagation(); dispatch({ type: 'TaskFormClose' }); } } },
  },
  h('div', { class: 'task-form-head' }, h('h3', {}, tf.id ? 'Edit task' : 'New task')),
  h('div', { class: 'task-grid' },
    field('Name', 'name', f.name, inp('name'), { idPrefix: 'task-', wide: true }),
    field('Effort (hours)', 'effort_hours', f.effort_hours, inp('effort_hours'), { idPrefix: 'task-', type: 'number', attrs: { min: '0.5', step: '0.5' } }),
    field('Priority', 'priority', f.priority, inp('priority'), { idPrefix: 'task-', type: 'number', attrs: { step: '1' }, hint: 'Higher plans first' }),
    field('Person', 'person_id', f.person_id, inp('person_id'), { idPrefix: 'task-', options: [['', 'Anyone who fits'], ...people.map((p) => [p.id, p.name])] }),
    field('Role', 'role', f.role, inp('role'), { idPrefix: 'task-', hint: 'e.g. Designer' }),
    field('Skills', 'skills', f.skills, inp('skills'), { idPrefix: 'task-', wide: true, hint: 'Comma separated, e.g. rust, sql' }),
    h('div', { class: 'field wide' },
      h('label', { for: depId }, 'Depends on'),
      others.length
        ? h('select', {
          id: depId, name: 'depends_on', multiple: true, size: String(Math.min(5, Math.max(2, others.length))),
          on: { change: (e) => dispatch({ type: 'TaskInput', field: 'depends_on', value: [...e.target.selectedOptions].map((o) => o.value) }) },
        }, others.map((t) => h('option', { key: t.id, value: t.id, selected: f.depends_on.includes(t.id) }, t.name)))
        : h('div', { class: 'hint', id: depId }, 'No other tasks yet.'),
      others.length ? h('div', { class: 'hint' }, 'Ctrl+click to choose several') : null),
    field('Earliest start', 'earliest_start', f.earliest_start, inp('earliest_start'), { idPrefix: 'task-', type: 'date' }),
    field('Deadline', 'deadline', f.deadline, inp('deadline'), { idPrefix: 'task-', type: 'date' }),
    field('People at once', 'assignees_max', f.assignees_max, inp('assignees_max'), { idPrefix: 'task-', type: 'number', attrs: { min: '1', max: String(MAX_ASSIGNEES), step: '1' }, hint: 'Planning splits the work between up to this many people when that finishes it sooner' }),
    field('Pinned: plans keep its bookings where they are', 'pinned', f.pinned, inp('pinned'), { idPrefix: 'task-', type: 'checkbox' })),
  tf.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'task-error' }, tf.error) : null,
  h('div', { class: 'task-form-foot' },
    button('Cancel', () => dispatch({ type: 'TaskFormClose' }), 'ghost'),
    h('button', { type: 'submit', class: 'btn primary', disabled: tf.busy, 'data-testid': 'task-submit' }, tf.busy ? 'Saving…' : tf.id ? 'Save task' : 'Add task')));
}

export function tasksSection(m, dispatch, projectId) {
  const raw = m.tasks[projectId];
  const tasks = Array.isArray(raw) ? raw : [];
  const editable = canEdit(m);
  const people = new Map(m.data.people.map((p) => [p.id, p]));
  const names = new Map(tasks.map((t) => [t.id, t.name]));
  const tf = m.taskForm && m.taskForm.projectId === projectId ? m.taskForm : null;
  const total = tasks.reduce((s, t) => s + (Number(t.effort_hours) || 0), 0);
  const planning = m.plan && m.plan.status === 'loading';
  return h('section', { class: 'tasks', 'data-testid': 'tasks-section', 'aria-labelledby': 'tasks-title' },
    h('div', { class: 'section-head' },
      h('h2', { class: 'section', id: 'tasks-title' }, 'Tasks', tasks.length ? h('span', { class: 'count' }, `${tasks.length} · ${fmtNum(total)}h`) : null),
      h('div', { class: 'actions' },
        editable && !tf ? button('Add task', () => dispatch({ type: 'TaskFormOpen', projectId }), '', { 'data-testid': 'add-task' }) : null,
        editable ? button(planning ? 'Planning…' : 'Plan automatically', () => dispatch({ type: 'PlanPreview', projectIds: [projectId] }), 'primary', {
          'data-testid': 'plan-auto', disabled: planning || !tasks.length, title: tasks.length ? 'Propose a schedule for these tasks from today' : 'Add tasks first',
        }) : null)),
    raw && raw.error ? h('p', { class: 'form-error', role: 'alert' }, raw.error) : null,
    tf ? taskFormView(m, dispatch, tasks) : null,
    tasks.length === 0
      ? (raw && !raw.error ? empty('No tasks yet. Add the work this project needs, then let kronuz plan it.') : null)
      : h('table', { class: 'table tasks-table', 'data-testid': 'tasks-table' },
        h('thead', {}, h('tr', {}, ['Task', 'Effort', 'Who', 'Depends on', 'Window', ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, tasks.map((t) => h('tr', { key: t.id, 'data-testid': 'task-row', 'data-task-id': t.id, class: tf && tf.id === t.id ? 'editing' : '' },
          h('td', { class: 'name' }, t.name, t.priority ? h('span', { class: 'tag prio', title: 'Priority' }, `P${t.priority}`) : null),
          h('td', { class: 'nowrap' }, `${fmtNum(Number(t.effort_hours))}h`),
          h('td', {}, who(t, people)),
          h('td', {}, (t.depends_on || []).length ? (t.depends_on || []).map((d) => h('span', { class: 'tag dep' }, names.get(d) || 'unknown')) : h('span', { class: 'muted' }, '—')),
          h('td', { class: 'nowrap' }, t.earliest_start ? `from ${longLabel(t.earliest_start)} ` : '', t.deadline ? h('span', { class: 'deadline' }, `due ${longLabel(t.deadline)}`) : (t.earliest_start ? null : h('span', { class: 'muted' }, '—'))),
          h('td', { class: 'right nowrap' },
            pinToggle(t, editable, projectId, dispatch),
            editable ? button('Edit', () => dispatch({ type: 'TaskFormOpen', projectId, id: t.id }), 'small ghost', { 'aria-label': `Edit ${t.name}` }) : null,
            editable ? button('Delete', () => dispatch({ type: 'TaskDelete', projectId, id: t.id }), 'small ghost danger-text', { 'aria-label': `Delete ${t.name}` }) : null))))));
}

export function planBanner(m, dispatch) {
  const p = m.plan;
  if (!p || p.status === 'loading' || !p.proposal) return null;
  const s = planSummary(p.proposal, m.data.projects);
  const busy = p.status === 'applying';
  return h('section', { class: 'plan-banner' + (p.status === 'conflict' ? ' conflict' : ''), 'data-testid': 'plan-banner', role: 'region', 'aria-label': 'Proposed plan' },
    h('div', { class: 'plan-main' },
      h('div', { class: 'plan-title' },
        h('span', { class: 'plan-badge' }, 'Proposal'),
        h('strong', {}, `${s.count} ${s.count === 1 ? 'booking' : 'bookings'} proposed`),
        s.removed ? h('span', { class: 'muted' }, ` · replaces ${s.removed}`) : null,
        h('span', { class: 'muted' }, ' · dashed bars are not saved yet')),
      h('ul', { class: 'plan-facts' },
        s.finish.map((f) => h('li', { key: 'f' + f.id, 'data-testid': 'plan-finish', 'data-project-id': f.id }, h('span', { class: 'muted' }, `${f.name} finishes `), h('strong', {}, longLabel(f.date)),
          f.bound ? h('span', { class: 'muted', 'data-testid': 'plan-bound', 'data-days': String(f.bound.days), title: 'No plan can finish earlier than the longest dependency chain or the work of the busiest role allows' },
            `, ${f.bound.text}`, f.bound.reason ? ` (set by ${f.bound.reason})` : '') : null)),
        s.late.map((t) => h('li', { key: 'l' + t.task_id, class: 'late', 'data-testid': 'plan-late' },
          h('strong', {}, t.name), ` ${t.late_by_days} ${Number(t.late_by_days) === 1 ? 'day' : 'days'} late`, t.reason ? h('span', { class: 'muted' }, ` — ${t.reason}`) : null)),
        s.unscheduled ? h('li', { class: 'late', 'data-testid': 'plan-unscheduled' }, h('strong', {}, String(s.unscheduled)), ` ${s.unscheduled === 1 ? 'task' : 'tasks'} could not be scheduled`,
          s.unscheduledTasks.length ? h('span', { class: 'muted' }, ' — ' + s.unscheduledTasks.map((t) => t.reason ? `${t.name}: ${t.reason}` : t.name).join('; ')) : null) : null,
        s.overbooked.map((o) => h('li', { key: 'o' + o.person_id, class: 'late', 'data-testid': 'plan-overbooked' },
          h('strong', {}, o.name), ` overbooked by ${fmtNum(o.hours)}h on ${o.dates.map(longLabel).join(', ')}`,
          h('span', { class: 'muted' }, s.tentative === 'ignore' ? ' — planned over tentative bookings' : ''))),
        s.shared.map((t) => h('li', { key: 's' + t.task_id, 'data-testid': 'plan-shared', 'data-task-id': t.task_id },
          h('strong', {}, t.name), ` shared by ${t.parts.length} people: `,
          t.parts.map((p) => `${p.name || 'someone'} ${fmtNum(Number(p.hours))}h (${longLabel(p.start)} – ${longLabel(p.finish)})`).join(', '),
          t.pinned ? h('span', { class: 'muted' }, ' — pinned') : null)),
        s.onTime ? h('li', { class: 'ok', 'data-testid': 'plan-ok' }, 'Everything on time, nobody overbooked') : null,
        h('li', { class: 'muted', 'data-testid': 'plan-tentative' }, s.tentative === 'ignore'
          ? 'Tentative bookings were planned over. '
          : 'Tentative bookings count as taken. ',
        button(s.tentative === 'ignore' ? 'Keep them free' : 'Plan over them', () => dispatch({ type: 'PlanPreview', tentative: s.tentative === 'ignore' ? 'blocks' : 'ignore' }), 'small ghost', { 'data-testid': 'plan-tentative-toggle', disabled: busy }))),
      p.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'plan-error' }, p.error) : null),
    h('div', { class: 'plan-actions' },
      p.status === 'conflict'
        ? button('Preview again', () => dispatch({ type: 'PlanPreview' }), 'primary', { 'data-testid': 'plan-again' })
        : button(busy ? 'Applying…' : 'Accept', () => dispatch({ type: 'PlanAccept' }), 'primary', { 'data-testid': 'plan-accept', disabled: busy }),
      button('Discard', () => dispatch({ type: 'PlanDiscard' }), 'ghost', { 'data-testid': 'plan-discard', disabled: busy })));
}
