import { h } from '../vdom.js';
import { field, button } from './ui.js';
import { STATUSES, STATUS_LABEL, canEdit } from '../update.js';
import { buildRows } from '../schedule.js';
import { spanLabel, isDate, toDay } from '../dates.js';
import { overbookingBy, indexTimeOff } from '../capacity.js';
import { timeoffDialog, allocReadOnly } from './timeoff.js';

/** "Ben will be overbooked: 4h over capacity on 2 days" when the booking in the form would put them over capacity. */
function overbookWarning(m, layout, d) {
  const f = d.form;
  const row = f.person_id && !f.newPlaceholder ? layout.rows.find((r) => r.key === 'p:' + f.person_id) : null;
  const hours = Number(f.hours_per_day);
  if (!row || !isDate(f.start) || !isDate(f.end) || f.end < f.start || !(hours > 0)) return null;
  const others = row.allocs.filter((a) => a.id !== d.id);
  const o = overbookingBy(row.person, others, toDay(f.start), toDay(f.end), hours, indexTimeOff(m.data.timeoff));
  if (!o.days) return null;
  return h('p', { class: 'form-warn', role: 'status', 'data-testid': 'overbook-warning' },
    `${row.person.name} will be overbooked: ${o.hours}h over capacity on ${o.days} ${o.days === 1 ? 'day' : 'days'} (tentative bookings included).`);
}

/** Splitting a booking at a day, and repeating it weekly (page/bookings.js). */
function bookingActions(d, inp, dispatch) {
  const f = d.form;
  return h('fieldset', { class: 'booking-actions wide' },
    h('legend', {}, 'Split or repeat'),
    h('div', { class: 'inline-action' },
      field('Split at', 'split_at', f.split_at, inp('split_at'), { type: 'date', hint: 'The second part starts this day' }),
      button('Split', () => dispatch({ type: 'AllocSplit', id: d.id, at: f.split_at }), '', { 'data-testid': 'split-allocation', disabled: d.busy })),
    h('div', { class: 'inline-action' },
      field('Weeks', 'repeat_weeks', f.repeat_weeks, inp('repeat_weeks'), { type: 'number', attrs: { min: '1', max: '52', step: '1' }, hint: 'Copies, one a week after another' }),
      button('Repeat weekly', () => dispatch({ type: 'AllocRepeat', id: d.id, weeks: f.repeat_weeks }), '', { 'data-testid': 'repeat-allocation', disabled: d.busy })));
}

/** Keep Tab and Shift+Tab inside the dialog. */
function trapFocus(e) {
  if (e.key !== 'Tab') return;
  const items = [...e.currentTarget.querySelectorAll('input, select, textarea, button, a[href]')].filter((x) => !x.disabled && x.offsetParent !== null);
  if (!items.length) return;
  const first = items[0], last = items[items.length - 1];
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
}

export function modal(title, body, dispatch, { onSubmit, error, busy, submitLabel = 'Save', extra = null, testid, closeLabel = 'Cancel' } = {}) {
  return h('div', { class: 'overlay', on: { pointerdown: (e) => { if (e.target === e.currentTarget) dispatch({ type: 'DialogClose' }); } } },
    h('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'dialog-title', 'data-testid': testid || 'dialog', on: { keydown: trapFocus } },
      h('form', {
        class: 'form', novalidate: true,
        on: { submit: (e) => { e.preventDefault(); if (onSubmit) onSubmit(); } },
        hook: { create: (el) => requestAnimationFrame(() => { const f = el.querySelector('input:not([type=hidden]), select, textarea'); if (f) f.focus(); }) },
      },
      h('div', { class: 'dialog-head' }, h('h2', { id: 'dialog-title' }, title), button('×', () => dispatch({ type: 'DialogClose' }), 'icon ghost', { 'aria-label': 'Close' })),
      h('div', { class: 'dialog-body' }, body),
      error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-error' }, error) : null,
      h('div', { class: 'dialog-foot' },
        extra,
        h('span', { class: 'spacer' }),
        button(closeLabel, () => dispatch({ type: 'DialogClose' }), 'ghost'),
        onSubmit ? h('button', { type: 'submit', class: 'btn primary', disabled: busy, 'data-testid': 'dialog-submit' }, busy ? 'Saving…' : submitLabel) : null))));
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Working days: a toggle per weekday, Monday first, with its hours. */
function workDays(hours, onInput) {
  const wh = Array.isArray(hours) ? hours : String(hours || '').split(/[\s,]+/).filter(Boolean);
  const setDay = (i, v) => onInput(wh.map((x, j) => (j === i ? v : x)));
  return h('fieldset', { class: 'field wide workdays', 'data-testid': 'workdays' },
    h('legend', {}, 'Working days and hours'),
    h('div', { class: 'wd-row' }, DAY_NAMES.map((day, i) => {
      const on = Number(wh[i]) > 0;
      return h('div', { class: 'wd' + (on ? ' on' : ''), key: day },
        h('button', { type: 'button', class: 'wd-toggle', 'aria-pressed': on ? 'true' : 'false', title: `Works on ${day}`, 'data-testid': 'workday-' + day.slice(0, 3).toLowerCase(), on: { click: () => setDay(i, on ? '0' : '8') } }, day.slice(0, 3), h('span', { class: 'sr-only' }, ` (works on ${day})`)),
        h('input', { type: 'number', class: 'wd-hours', min: '0', max: '24', step: '0.5', value: wh[i] ?? '0', 'aria-label': `${day} hours`, disabled: !on, on: { input: (e) => setDay(i, e.target.value) } }));
    })),
    h('div', { class: 'hint' }, `${wh.reduce((t, x) => t + (Number(x) || 0), 0)}h a week`));
}

/** "Save and add another": the form saves, then opens empty for the next one. */
function addAnother(d, dispatch) {
  return h('button', { type: 'button', class: 'btn ghost', disabled: d.busy, 'data-testid': 'dialog-submit-another', on: { click: () => dispatch({ type: 'DialogSubmit', again: true }) } }, 'Save and add another');
}

export function dialogView(m, dispatch) {
  const d = m.dialog;
  if (!d) return null;
  const f = d.form;
  const inp = (name) => (value) => dispatch({ type: 'DialogInput', field: name, value });
  const submit = () => dispatch({ type: 'DialogSubmit' });
  const opts = { onSubmit: submit, error: d.error, busy: d.busy };
  switch (d.kind) {
    case 'alloc': {
      // members read bookings: a plain view, nothing that looks editable
      if (!canEdit(m)) return allocReadOnly(m, d, dispatch, modal);
      const layout = buildRows(m.data, { ...m.sched, filter: { q: '', role: '', skill: '', project: '', client: '' }, sort: 'name' });
      const rowKey = f.newPlaceholder ? 'ph-new' : f.person_id ? 'p:' + f.person_id : f.placeholder_role ? 'ph:' + f.placeholder_role : '';
      const who = layout.rows.map((r) => [r.key, r.kind === 'person' ? r.title : `${r.title} (placeholder)`]);
      if (rowKey && rowKey !== 'ph-new' && !who.some(([k]) => k === rowKey)) who.push([rowKey, f.placeholder_role ? `${f.placeholder_role} (placeholder)` : 'Unknown person']);
      who.push(['ph-new', 'New placeholder (unstaffed role)…']);
      const active = m.data.projects.filter((p) => !['lost', 'done'].includes(p.status) || p.id === f.project_id);
      const editable = canEdit(m);
      // a new one: a booking, or (the same person and days) time off
      const kindSwitch = d.id ? null : h('div', { class: 'field wide', role: 'radiogroup', 'aria-label': 'What to add' },
        h('label', { class: 'toggle' }, h('input', { type: 'radio', name: 'alloc-kind', checked: true }), ' Booking'),
        h('label', { class: 'toggle' }, h('input', { type: 'radio', name: 'alloc-kind', checked: false, 'data-testid': 'alloc-as-timeoff', on: { change: () => dispatch({ type: 'AllocToTimeOff' }) } }), ' Time off'));
      const body = m.data.projects.length === 0
        ? h('p', { class: 'note' }, 'There are no projects yet. ', h('a', { href: '/projects', 'data-nav': '' }, 'Create a project'), ' first, then drag on the schedule again.')
        : [
          field('Project', 'project_id', f.project_id, inp('project_id'), { options: active.map((p) => [p.id, p.name]), wide: true }),
          field('Person', 'rowKey', rowKey, inp('rowKey'), { options: who, wide: true }),
          f.newPlaceholder ? field('Placeholder role', 'placeholder_role', f.placeholder_role, inp('placeholder_role'), { wide: true, hint: 'Demand nobody is booked for yet, e.g. Senior developer' }) : null,
          field('Hours per day', 'hours_per_day', f.hours_per_day, inp('hours_per_day'), { type: 'number', attrs: { min: '0.25', max: '24', step: '0.25' } }),
          overbookWarning(m, layout, d),
          field('Tentative', 'tentative', f.tentative, inp('tentative'), { type: 'checkbox' }),
          d.id && f.task_id ? field('Pinned: plans keep it where it is', 'pinned', f.pinned, inp('pinned'), { type: 'checkbox', attrs: { 'data-testid': 'allocation-pinned' } }) : null,
          field('Start', 'start', f.start, inp('start'), { type: 'date' }),
          field('End', 'end', f.end, inp('end'), { type: 'date' }),
          field('Note', 'note', f.note, inp('note'), { type: 'textarea', wide: true }),
          d.id && editable ? bookingActions(d, inp, dispatch) : null,
        ];
      return modal(d.id ? 'Edit allocation' : `New allocation · ${spanLabel(f.start, f.end)}`, h('div', { class: 'grid2' }, kindSwitch, body), dispatch, {
        ...opts,
        onSubmit: editable && m.data.projects.length ? submit : null,
        submitLabel: d.id ? 'Save' : 'Add allocation',
        testid: 'allocation-dialog',
        extra: d.id && editable ? [
          button('Delete', () => dispatch({ type: 'DeleteAlloc', id: d.id }), 'danger', { 'data-testid': 'delete-allocation' }),
          button('Duplicate', () => dispatch({ type: 'AllocDuplicate', id: d.id }), '', { 'data-testid': 'duplicate-allocation', disabled: d.busy }),
        ] : null,
      });
    }
    case 'person':
      return modal(d.id ? 'Edit person' : 'Add person', h('div', { class: 'grid2' },
        field('Name', 'name', f.name, inp('name'), { wide: true }),
        field('Role', 'role', f.role, inp('role'), { hint: 'Job title, e.g. Designer' }),
        field('Email', 'email', f.email, inp('email'), { type: 'email' }),
        field('Skills', 'skills', f.skills, inp('skills'), { wide: true, hint: 'Comma separated' }),
        workDays(f.weekly_hours, inp('weekly_hours')),
        field('Start date', 'start_date', f.start_date, inp('start_date'), { type: 'date' }),
        field('End date', 'end_date', f.end_date, inp('end_date'), { type: 'date' }),
        // rates are money: owners and managers only
        canEdit(m) ? field('Cost rate / h', 'cost_rate', f.cost_rate, inp('cost_rate'), { type: 'number', attrs: { min: '0', step: 'any' }, hint: 'Empty: the rate card’s for the role' }) : null,
        canEdit(m) ? field('Bill rate / h', 'bill_rate', f.bill_rate, inp('bill_rate'), { type: 'number', attrs: { min: '0', step: 'any' }, hint: 'Empty: the rate card’s for the role' }) : null), dispatch, { ...opts, testid: 'person-dialog', extra: d.id ? null : addAnother(d, dispatch) });
    case 'client':
      return modal(d.id ? 'Rename client' : 'Add client', field('Name', 'name', f.name, inp('name'), { wide: true }), dispatch, { ...opts, testid: 'client-dialog' });
    case 'project':
      return modal(d.id ? 'Edit project' : 'New project', h('div', { class: 'grid2' },
        field('Name', 'name', f.name, inp('name'), { wide: true }),
        field('Client', 'client_id', f.client_id, inp('client_id'), { options: [['', 'No client'], ...m.data.clients.filter((c) => !c.archived || c.id === f.client_id).map((c) => [c.id, c.archived ? `${c.name} (archived)` : c.name])] }),
        field('Status', 'status', f.status, inp('status'), { options: STATUSES.map((s) => [s, STATUS_LABEL[s]]) }),
        field('Probability %', 'probability', f.probability, inp('probability'), { type: 'number', attrs: { min: '0', max: '100' } }),
        field('Budget hours', 'budget_hours', f.budget_hours, inp('budget_hours'), { type: 'number', attrs: { min: '0', step: 'any' } }),
        field('Start', 'start', f.start, inp('start'), { type: 'date' }),
        field('End', 'end', f.end, inp('end'), { type: 'date' }),
        field('Colour', 'color', f.color || '#4f6bed', inp('color'), { type: 'color' }),
        field('Billing', 'billing', f.billing, inp('billing'), { options: [['time_and_materials', 'Time & materials'], ['fixed_fee', 'Fixed fee'], ['non_billable', 'Non-billable']] }),
        f.billing === 'fixed_fee' ? field('Fee', 'fee', f.fee, inp('fee'), { type: 'number', attrs: { min: '0', step: '0.01' } }) : null,
        field('Budget (money)', 'budget_amount', f.budget_amount, inp('budget_amount'), { type: 'number', attrs: { min: '0', step: '0.01' } })), dispatch, { ...opts, testid: 'project-dialog', extra: d.id ? null : addAnother(d, dispatch) });
    case 'won':
      return modal(`${f.name} is won`, h('p', {}, `${f.name} has ${f.count} tentative ${f.count === 1 ? 'booking' : 'bookings'}. Confirm ${f.count === 1 ? 'it' : 'them'} now? One change: Undo puts everything back.`), dispatch, {
        onSubmit: () => dispatch({ type: 'SetProjectStatus', id: d.id, status: 'won', confirm: true }),
        submitLabel: `Confirm ${f.count} ${f.count === 1 ? 'booking' : 'bookings'}`,
        testid: 'won-dialog',
        extra: button('Keep them tentative', () => dispatch({ type: 'SetProjectStatus', id: d.id, status: 'won', confirm: false }), 'ghost', { 'data-testid': 'won-keep' }),
      });
    case 'timeoff':
    case 'timeoff-view':
      return timeoffDialog(m, d, dispatch, modal, opts);
    case 'invite': {
      const link = d.inviteToken ? `${location.origin}/signup?invite=${encodeURIComponent(d.inviteToken)}` : null;
      return modal('Invite a teammate', link
        ? h('div', {}, h('p', {}, 'Send this link to ', h('strong', {}, f.email), '. It signs them up into your team.'),
          h('div', { class: 'copy-row' }, h('input', { readonly: true, value: link, 'aria-label': 'Invite link', 'data-testid': 'invite-link' }), button('Copy', () => dispatch({ type: 'Copy', text: link }))))
        : h('div', { class: 'grid2' },
          field('Email', 'email', f.email, inp('email'), { type: 'email', wide: true }),
          field('Role', 'role', f.role, inp('role'), { options: [['member', 'Member (reads the schedule)'], ['manager', 'Manager (edits the schedule)'], ['owner', 'Owner (everything)']], wide: true })),
      dispatch, { ...opts, onSubmit: link ? null : submit, submitLabel: 'Create invite link', testid: 'invite-dialog' });
    }
    case 'feed': {
      const url = d.url ? location.origin + d.url : null;
      return modal(`Calendar feed · ${f.name}`, url
        ? h('div', {}, h('p', {}, 'Subscribe to this address in any calendar app to see ', h('strong', {}, f.name), '’s bookings and days off. Anyone with the link can read it; making a new link revokes this one.'),
          h('div', { class: 'copy-row' }, h('input', { readonly: true, value: url, 'aria-label': 'Calendar feed address', 'data-testid': 'feed-url' }), button('Copy', () => dispatch({ type: 'Copy', text: url }))))
        : h('p', { class: 'muted' }, d.error ? '' : 'Creating a private link…'), dispatch, { error: d.error, testid: 'feed-dialog' });
    }
    default:
      return null;
  }
}
