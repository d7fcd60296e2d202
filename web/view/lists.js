// People, clients, time off and team pages.
import { h } from '../vdom.js';
import { passwordSection } from './account.js';
import { rateCardView } from './financials.js';
import { canEdit, myRole, teamSettings, WEEKDAYS } from '../update.js';
import { initials, hashColor } from '../schedule.js';
import { spanLabel, longLabel } from '../dates.js';
import { button, pageHeader, empty, fmtNum, field } from './ui.js';
import { listsOf } from '../page/lists.js';
import { linkCell } from './timeoff.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function peopleView(m, dispatch) {
  const editable = canEdit(m);
  const all = m.data.people.filter((p) => m.showArchived || !p.archived);
  const f = listsOf(m).people;
  const q = f.q.trim().toLowerCase();
  const has = (x) => String(x || '').toLowerCase().includes(q);
  const people = all.filter((p) => (!f.role || (p.role || '') === f.role) && (!f.skill || (p.skills || []).includes(f.skill))
    && (!q || has(p.name) || has(p.role) || has(p.email) || (p.skills || []).some(has))).sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const roles = [...new Set(all.map((p) => p.role).filter(Boolean))].sort();
  const skills = [...new Set(all.flatMap((p) => p.skills || []))].sort();
  const setF = (field) => (value) => dispatch({ type: 'ListFilter', list: 'people', field, value });
  return h('div', { class: 'page' },
    pageHeader('People', 'The people you schedule: their roles, skills and working hours.', [
      h('label', { class: 'toggle' }, h('input', { type: 'checkbox', checked: m.showArchived, on: { change: () => dispatch({ type: 'ToggleArchived' }) } }), ' Show archived'),
      editable ? button('Add person', () => dispatch({ type: 'OpenDialog', kind: 'person' }), 'primary', { 'data-testid': 'add-person' }) : null,
    ]),
    all.length ? h('div', { class: 'list-tools', role: 'search', 'aria-label': 'Find people' },
      h('div', { class: 'field' }, h('label', { for: 'people-q' }, 'Search'),
        h('input', { id: 'people-q', class: 'search', type: 'search', placeholder: 'Name, role, skill or email…', value: f.q, 'data-testid': 'people-search', on: { input: (e) => setF('q')(e.target.value) } })),
      field('Role', 'people-role', f.role, setF('role'), { options: [['', 'All roles'], ...roles.map((r) => [r, r])] }),
      field('Skill', 'people-skill', f.skill, setF('skill'), { options: [['', 'All skills'], ...skills.map((r) => [r, r])] }),
      h('p', { class: 'muted list-count', role: 'status' }, `${people.length} of ${all.length} people`)) : null,
    people.length === 0 ? empty(!m.loaded.people ? 'Loading…' : all.length ? 'Nobody matches the search and filters.' : 'No people yet.') :
      h('table', { class: 'table people-list', 'data-testid': 'people-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Role', 'Skills', 'Week', 'Employment', ...(editable ? ['Cost / bill per h'] : []), ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, people.map((p) => {
          const wh = p.weekly_hours || [8, 8, 8, 8, 8, 0, 0];
          const total = wh.reduce((a, b) => a + Number(b || 0), 0);
          return h('tr', { key: p.id, 'data-testid': 'person-row', 'data-person-id': p.id, class: p.archived ? 'archived' : '' },
            h('td', {}, h('span', { class: 'person' }, h('span', { class: 'avatar sm', style: { '--av': hashColor(p.name) }, 'aria-hidden': 'true' }, initials(p.name)),
              h('span', {}, h('span', { class: 'name' }, p.name), p.email ? h('span', { class: 'muted block' }, p.email) : null))),
            h('td', { 'data-label': 'Role' }, p.role || h('span', { class: 'muted' }, '—')),
            h('td', { 'data-label': 'Skills' }, (p.skills || []).map((s) => h('span', { class: 'tag' }, s))),
            h('td', { 'data-label': 'Week', title: wh.map((x, i) => `${DAYS[i]} ${x}h`).join(', ') }, `${fmtNum(total)}h`, h('span', { class: 'muted' }, ` · ${wh.filter((x) => Number(x) > 0).length}d`)),
            h('td', { 'data-label': 'Employment' }, p.start_date && p.end_date ? spanLabel(p.start_date, p.end_date) : p.start_date ? `from ${longLabel(p.start_date)}` : p.end_date ? `until ${longLabel(p.end_date)}` : h('span', { class: 'muted' }, '—')),
            editable ? h('td', { class: 'nowrap', 'data-label': 'Cost / bill per h', 'data-testid': 'person-rates' }, p.cost_rate == null && p.bill_rate == null
              ? h('span', { class: 'muted', title: 'The rate card’s for the role' }, 'rate card')
              : `${p.cost_rate == null ? '–' : fmtNum(p.cost_rate, 2)} / ${p.bill_rate == null ? '–' : fmtNum(p.bill_rate, 2)}`) : null,
            h('td', { class: 'right nowrap' },
              p.archived ? h('span', { class: 'tag' }, 'archived') : null,
              editable && !p.archived ? button('Edit', () => dispatch({ type: 'OpenDialog', kind: 'person', id: p.id }), 'small ghost', { 'aria-label': `Edit ${p.name}` }) : null,
              editable && !p.archived ? button('Time off', () => dispatch({ type: 'OpenDialog', kind: 'timeoff', personId: p.id }), 'small ghost', { 'aria-label': `Add time off for ${p.name}` }) : null,
              editable && !p.archived ? button('Calendar', () => dispatch({ type: 'CalendarFeed', id: p.id }), 'small ghost', { 'aria-label': `Calendar feed for ${p.name}` }) : null,
              editable && !p.archived ? button('Archive', () => dispatch({ type: 'Archive', what: 'people', id: p.id }), 'small ghost danger-text', { 'aria-label': `Archive ${p.name}` }) : null));
        }))),
    actualsSection(m, dispatch));
}

const cap = (s) => String(s).charAt(0).toUpperCase() + String(s).slice(1);

/** Record the hours someone actually worked, and list what is recorded for them. */
function actualsSection(m, dispatch) {
  const a = m.actuals;
  const f = a.form;
  const inp = (name) => (value) => dispatch({ type: 'ActualInput', field: name, value });
  const people = m.data.people.filter((p) => !p.archived);
  const projects = m.data.projects.slice().sort((x, y) => String(x.name).localeCompare(String(y.name)));
  const projectName = new Map(m.data.projects.map((p) => [p.id, p.name]));
  const submit = (e) => { e.preventDefault(); dispatch({ type: 'ActualSubmit' }); };
  return h('section', { class: 'actuals', 'aria-labelledby': 'actuals-title' },
    h('h2', { id: 'actuals-title' }, 'Actual hours'),
    h('p', { class: 'sub muted' }, 'Record the hours someone actually worked. Members record their own.'),
    h('form', { class: 'form actual-form', 'data-testid': 'actual-form', novalidate: true, on: { submit } },
      h('div', { class: 'grid3' },
        field('Person', 'person_id', f.person_id, inp('person_id'), { idPrefix: 'actual-', options: [['', 'Choose a person…'], ...people.map((p) => [p.id, p.name])] }),
        field('Project', 'project_id', f.project_id, inp('project_id'), { idPrefix: 'actual-', options: [['', 'Choose a project…'], ...projects.map((p) => [p.id, p.name])] }),
        field('Date', 'date', f.date, inp('date'), { idPrefix: 'actual-', type: 'date' }),
        field('Hours', 'hours', f.hours, inp('hours'), { idPrefix: 'actual-', type: 'number', attrs: { min: '0', max: '24', step: '0.25' } }),
        field('Note', 'note', f.note, inp('note'), { idPrefix: 'actual-' })),
      a.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'actual-error' }, a.error) : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', disabled: a.busy, 'data-testid': 'actual-submit' }, a.busy ? 'Saving…' : 'Record hours'))),
    !f.person_id ? null : a.loading ? empty('Loading…') : a.list.length === 0 ? empty('No hours recorded for this person yet.') :
      h('table', { class: 'table', 'data-testid': 'actuals-table' },
        h('thead', {}, h('tr', {}, ['Date', 'Project', 'Hours', 'Note', ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, a.list.slice(0, 50).map((x) => h('tr', { key: x.id, 'data-testid': 'actual-row', 'data-actual-id': x.id },
          h('td', {}, longLabel(x.date)),
          h('td', {}, projectName.get(x.project_id) || 'Unknown project'),
          h('td', {}, `${fmtNum(x.hours, 2)}h`),
          h('td', {}, x.note || h('span', { class: 'muted' }, '—')),
          h('td', { class: 'right' }, button('Delete', () => dispatch({ type: 'ActualDelete', id: x.id }), 'small ghost danger-text', { 'aria-label': `Delete ${fmtNum(x.hours, 2)}h on ${x.date}`, 'data-testid': 'actual-delete' })))))));
}

/** Team name, time zone and first day of the week: editable by the owner, read-only for others. */
function teamSettingsView(m, dispatch, owner) {
  const v = teamSettings(m);
  if (!owner) {
    return h('section', { class: 'team-settings', 'data-testid': 'team-settings' },
      h('h2', {}, 'Team settings'),
      h('dl', { class: 'settings-list' },
        h('dt', {}, 'Name'), h('dd', { 'data-testid': 'team-name-value' }, v.name),
        h('dt', {}, 'Time zone'), h('dd', { 'data-testid': 'team-timezone-value' }, v.timezone),
        h('dt', {}, 'Week starts on'), h('dd', { 'data-testid': 'team-week-start-value' }, cap(v.week_start))));
  }
  const inp = (name) => (value) => dispatch({ type: 'TeamSettingsInput', field: name, value });
  const submit = (e) => { e.preventDefault(); dispatch({ type: 'TeamSettingsSubmit' }); };
  return h('section', { class: 'team-settings' },
    h('h2', {}, 'Team settings'),
    h('form', { class: 'form', 'data-testid': 'team-settings', novalidate: true, on: { submit } },
      h('div', { class: 'grid3' },
        field('Name', 'name', v.name, inp('name'), { idPrefix: 'team-' }),
        field('Time zone', 'timezone', v.timezone, inp('timezone'), { idPrefix: 'team-', hint: 'An IANA name, e.g. Europe/London' }),
        field('Week starts on', 'week_start', v.week_start, inp('week_start'), { idPrefix: 'team-', options: WEEKDAYS.map((d) => [d, cap(d)]) })),
      v.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'team-settings-error' }, v.error) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn primary', disabled: v.busy, 'data-testid': 'team-settings-submit' }, v.busy ? 'Saving…' : 'Save settings'),
        button('Reset', () => dispatch({ type: 'TeamSettingsReset' }), 'ghost', { disabled: !m.teamForm || v.busy }))));
}

export function clientsView(m, dispatch) {
  const editable = canEdit(m);
  const count = new Map();
  for (const p of m.data.projects) if (p.client_id) count.set(p.client_id, (count.get(p.client_id) || 0) + 1);
  const byName = m.data.clients.slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const active = byName.filter((c) => !c.archived), archived = byName.filter((c) => c.archived);
  // a client with projects is archived (kept for history); one without can be deleted
  const table = (clients) => h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, ['Name', 'Projects', ''].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, clients.map((c) => h('tr', { key: c.id, class: c.archived ? 'past' : '', 'data-testid': 'client-row', 'data-client-id': c.id },
      h('td', { class: 'name' }, c.name, c.archived ? h('span', { class: 'muted' }, ' · archived') : null),
      h('td', {}, String(count.get(c.id) || 0)),
      h('td', { class: 'right nowrap' }, editable ? [
        button('Rename', () => dispatch({ type: 'OpenDialog', kind: 'client', id: c.id }), 'small ghost', { 'aria-label': `Rename ${c.name}` }),
        button(c.archived ? 'Restore' : 'Archive', () => dispatch({ type: 'ClientArchive', id: c.id, archived: !c.archived }), 'small ghost', { 'aria-label': `${c.archived ? 'Restore' : 'Archive'} ${c.name}` }),
        count.get(c.id) ? null : button('Delete', () => dispatch({ type: 'Archive', what: 'clients', id: c.id }), 'small ghost danger-text', { 'aria-label': `Delete ${c.name}` }),
      ] : null)))));
  return h('div', { class: 'page' },
    pageHeader('Clients', 'Who the work is for. Archive a client you no longer work for: its projects keep their history.', editable ? [button('Add client', () => dispatch({ type: 'OpenDialog', kind: 'client' }), 'primary', { 'data-testid': 'add-client' })] : []),
    active.length === 0 ? empty(m.loaded.clients ? (archived.length ? 'No active clients.' : 'No clients yet.') : 'Loading…') : table(active),
    archived.length ? h('section', { class: 'archived-clients', 'aria-labelledby': 'archived-clients-title' },
      h('h2', { id: 'archived-clients-title' }, 'Archived'), table(archived)) : null);
}

export function teamView(m, dispatch) {
  const team = m.data.team;
  const owner = myRole(m) === 'owner';
  if (!team) return h('div', { class: 'page' }, pageHeader('Team', m.loaded.team ? 'Could not load the team.' : 'Loading…'));
  const roles = [['owner', 'Owner'], ['manager', 'Manager'], ['member', 'Member']];
  return h('div', { class: 'page' },
    pageHeader(team.name || 'Team', `Week starts ${team.week_start || 'monday'} · ${team.timezone || 'UTC'}`, owner ? [button('Invite teammate', () => dispatch({ type: 'OpenDialog', kind: 'invite' }), 'primary', { 'data-testid': 'invite' })] : []),
    h('div', { class: 'roles-help' },
      h('div', {}, h('strong', {}, 'Owner'), ' — everything, including members'),
      h('div', {}, h('strong', {}, 'Manager'), ' — edits the schedule'),
      h('div', {}, h('strong', {}, 'Member'), ' — reads the schedule')),
    teamSettingsView(m, dispatch, owner),
    rateCardView(m, dispatch),
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, ['Member', 'Email', 'Role', 'Schedules', ''].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, (team.members || []).map((mem) => {
        const me = m.user && mem.user_id === m.user.id;
        return h('tr', { key: mem.user_id },
          h('td', {}, h('span', { class: 'person' }, h('span', { class: 'avatar sm', style: { '--av': hashColor(mem.name || mem.email) }, 'aria-hidden': 'true' }, initials(mem.name || mem.email)), h('span', { class: 'name' }, mem.name || '—', me ? h('span', { class: 'muted' }, ' (you)') : null))),
          h('td', {}, mem.email),
          h('td', {}, owner && !me
            ? h('select', { 'aria-label': `Role of ${mem.name || mem.email}`, value: mem.role, on: { change: (e) => dispatch({ type: 'SetMemberRole', userId: mem.user_id, role: e.target.value }) } }, roles.map(([v, l]) => h('option', { value: v, selected: v === mem.role }, l)))
            : h('span', { class: 'tag role-' + mem.role }, mem.role)),
          linkCell(m, mem, dispatch),
          h('td', { class: 'right' }, owner && !me ? [
            button('Reset password', () => dispatch({ type: 'ResetMember', userId: mem.user_id }), 'small ghost', { 'aria-label': `Reset password of ${mem.name || mem.email}`, 'data-testid': 'reset-member' }),
            button('Remove', () => dispatch({ type: 'RemoveMember', userId: mem.user_id }), 'small ghost danger-text', { 'aria-label': `Remove ${mem.name || mem.email}` })] : null));
      }))),
    passwordSection(m, dispatch));
}
