// Time off: the time-off dialog (a person's leave, part of a day, or a holiday
// for everyone), requests members make for themselves and managers approve or
// decline, the "My schedule" page's request form, and linking a login to the
// person it schedules (the Team page).

import { http, ifMatch } from '../api.js';
import { isDate } from '../dates.js';
import { set, setData, toast, canEdit, unauthorized, strOrNull, replaceIn } from '../model.js';
import { reload } from '../load.js';
import { findRecord } from '../records.js';

export const LEAVE_TYPES = [['time_off', 'Time off'], ['holiday', 'Holiday'], ['sick', 'Sick'], ['other', 'Other leave']];

/** The person linked to the logged-in login, if any. */
export function myPerson(m) {
  const uid = m.user && m.user.id;
  return (uid && m.data.people.find((p) => p.user_id === uid && !p.archived)) || null;
}

/** Whether the logged-in login may change time off `t`: managers any; members their own request until approved. */
export function mayChangeTimeOff(m, t) {
  if (canEdit(m)) return true;
  const me = myPerson(m);
  return !!(me && t && t.person_id === me.id && t.status !== 'approved');
}

/** The request body of a time-off form, or {error}. */
export function timeOffBody(f) {
  if (!isDate(f.start) || !isDate(f.end)) return { error: 'Dates must be YYYY-MM-DD.' };
  if (f.end < f.start) return { error: 'The end date is before the start date.' };
  const body = { start: f.start, end: f.end, person_id: f.person_id || null, type: f.type || (f.person_id ? 'time_off' : 'holiday'), reason: strOrNull(f.reason), hours: null };
  if (String(f.hours ?? '').trim() !== '') {
    const h = Number(f.hours);
    if (!(h > 0 && h <= 24)) return { error: 'Hours off a day must be more than 0 and at most 24 (leave it empty for whole days).' };
    body.hours = h;
  }
  return { body };
}

const emptyRequest = (m) => ({ type: 'time_off', start: m.today, end: m.today, hours: '', reason: '' });

/** The time-off dialog (as page/forms.js opens dialogs; kept here so the two modules do not import each other). */
function openDialog(m, kind, id, personId, preset) {
  const o = forms.timeoff.open(m, id, personId, preset);
  const base = o.id ? findRecord(m, 'timeoff', o.id) || null : null;
  return set(m, { dialog: { kind: 'timeoff', id: o.id || null, form: o.form, error: null, busy: false, base } });
}

/** A member's drag on their own row: the request dialog for those days. */
export function requestDialog(m, start, end) {
  return openDialog(m, 'timeoff', null, null, { start, end });
}

export const forms = {
  timeoff: {
    /** Editing `id`, or new time off (`personId` preselects the person; a member's is always their own). */
    open(m, id, personId, preset = {}) {
      const t = m.data.timeoff.find((x) => x.id === id);
      const mine = myPerson(m);
      const form = t
        ? { person_id: t.person_id || '', type: t.type || (t.person_id ? 'time_off' : 'holiday'), start: t.start, end: t.end, hours: t.hours == null ? '' : String(t.hours), reason: t.reason || '' }
        : { person_id: canEdit(m) ? personId || '' : (mine ? mine.id : ''), type: 'time_off', start: m.today, end: m.today, hours: '', reason: '', ...preset };
      if (!t && !form.person_id && !preset.type) form.type = 'holiday';
      return { id: t ? id : null, form };
    },
    request(d) {
      const r = timeOffBody(d.form);
      if (r.error) return r;
      const body = r.body;
      if (d.id) return http('PATCH', `/timeoff/${d.id}`, body, 'Saved', 'DialogErr', { what: 'timeoff' });
      for (const k of ['person_id', 'reason', 'hours']) if (body[k] == null) delete body[k];
      return http('POST', '/timeoff', body, 'Saved', 'DialogErr', { what: 'timeoff' });
    },
    input(form, field, value) {
      // a holiday for everyone unless a person is chosen
      if (field === 'person_id' && !value) return { ...form, type: 'holiday' };
      if (field === 'person_id' && form.type === 'holiday') return { ...form, type: 'time_off' };
      return form;
    },
  },
};

export function update(m, msg) {
  switch (msg.type) {
    // a time-off label on the timeline, or a row of a list: the dialog, or a read-only view
    case 'OpenTimeOff': {
      const t = m.data.timeoff.find((x) => x.id === msg.id);
      if (!t) return [m, []];
      if (mayChangeTimeOff(m, t)) return [openDialog(m, 'timeoff', t.id), []];
      return [set(m, { dialog: { kind: 'timeoff-view', id: t.id, form: {}, error: null, busy: false } }), []];
    }
    // the booking dialog's "Time off" choice: the same person and days, as time off
    case 'AllocToTimeOff': {
      const d = m.dialog;
      if (!d || d.kind !== 'alloc' || !canEdit(m)) return [m, []];
      return [openDialog(m, 'timeoff', null, d.form.person_id || '', { start: d.form.start, end: d.form.end, type: d.form.person_id ? 'time_off' : 'holiday' }), []];
    }
    case 'TimeOffDecide': {
      const t = m.data.timeoff.find((x) => x.id === msg.id);
      if (!t || !canEdit(m)) return [m, []];
      const fx = http('PATCH', `/timeoff/${encodeURIComponent(t.id)}`, { status: msg.status }, 'TimeOffDecided', 'ActionErr', { what: 'timeoff', status: msg.status });
      const m2 = m.dialog && m.dialog.id === t.id ? set(m, { dialog: null }) : m;
      return [m2, [ifMatch(fx, 'timeoff', t)]];
    }
    case 'TimeOffDecided': {
      const m2 = msg.data && msg.data.id ? setData(m, { timeoff: replaceIn(m.data.timeoff, msg.data) }) : m;
      return toast(m2, msg.status === 'approved' ? 'Time off approved' : 'Time off declined', 'info');
    }

    // ---- My schedule: the request form
    case 'MyRequestInput':
      return [set(m, { myRequest: set(m.myRequest || emptyRequest(m), { [msg.field]: msg.value, error: null }) }), []];
    case 'MyRequestSubmit': {
      const me = myPerson(m);
      const f = m.myRequest || emptyRequest(m);
      if (!me || f.busy) return [m, []];
      const r = timeOffBody({ ...f, person_id: me.id });
      if (r.error) return [set(m, { myRequest: set(f, { error: r.error }) }), []];
      const body = r.body;
      for (const k of ['reason', 'hours']) if (body[k] == null) delete body[k];
      return [set(m, { myRequest: set(f, { busy: true, error: null }) }), [http('POST', '/timeoff', body, 'MyRequestDone', 'MyRequestErr')]];
    }
    case 'MyRequestDone': {
      const m2 = set(setData(m, { timeoff: replaceIn(m.data.timeoff, msg.data) }), { myRequest: emptyRequest(m) });
      return toast(m2, msg.data && msg.data.status === 'pending' ? 'Time off requested: a manager will approve it' : 'Time off added', 'info');
    }
    case 'MyRequestErr':
      return unauthorized(m, msg.status) || [set(m, { myRequest: set(m.myRequest || emptyRequest(m), { busy: false, error: msg.error }) }), []];

    // ---- the Team page: which person a login schedules
    case 'LinkPerson':
      if (!canEdit(m)) return [m, []];
      return [m, [http('PUT', `/team/members/${encodeURIComponent(msg.userId)}/person`, { person_id: msg.personId || null }, 'PersonLinked', 'ActionErr', { personId: msg.personId || null })]];
    case 'PersonLinked': {
      const [m2, fx] = toast(m, msg.personId ? 'Login linked' : 'Login unlinked', 'info');
      return [m2, [...fx, reload('people', m2)]];
    }
  }
}
