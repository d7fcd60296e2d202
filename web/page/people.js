// The people page: the person dialog, archived people, calendar feeds and
// the actual hours someone worked.

import { http, asList, ifMatch } from '../api.js';
import { isDate } from '../dates.js';
import { set, toast, unauthorized, num, strOrNull } from '../model.js';
import { reload, loadActuals } from '../load.js';

export const forms = {
  person: {
    open(m, id) {
      const p = m.data.people.find((x) => x.id === id) || {};
      return {
        id,
        form: {
          name: p.name || '', email: p.email || '', role: p.role || '', skills: (p.skills || []).join(', '),
          weekly_hours: (p.weekly_hours || [8, 8, 8, 8, 8, 0, 0]).map(String), start_date: p.start_date || '', end_date: p.end_date || '',
          cost_rate: p.cost_rate ?? '', bill_rate: p.bill_rate ?? '',
        },
      };
    },
    request(d) {
      const f = d.form;
      if (!strOrNull(f.name)) return { error: 'Name is required.' };
      const wh = (Array.isArray(f.weekly_hours) ? f.weekly_hours : String(f.weekly_hours).split(/[\s,]+/).filter(Boolean)).map((x) => (String(x).trim() === '' ? 0 : Number(x)));
      if (wh.length !== 7 || wh.some((x) => !(x >= 0 && x <= 24))) return { error: 'Each working day’s hours must be between 0 and 24.' };
      const body = {
        name: f.name.trim(), email: strOrNull(f.email), role: strOrNull(f.role),
        skills: String(f.skills || '').split(',').map((x) => x.trim()).filter(Boolean),
        weekly_hours: wh, start_date: strOrNull(f.start_date), end_date: strOrNull(f.end_date),
        cost_rate: num(f.cost_rate), bill_rate: num(f.bill_rate),
      };
      if (!d.id) for (const k of Object.keys(body)) if (body[k] == null) delete body[k];
      return d.id ? http('PATCH', `/people/${d.id}`, body, 'Saved', 'DialogErr', { what: 'people' }) : http('POST', '/people', body, 'Saved', 'DialogErr', { what: 'people' });
    },
  },
};

/** POST /actuals from the form, or {error}. */
export function actualRequest(f) {
  if (!f.person_id) return { error: 'Choose a person.' };
  if (!f.project_id) return { error: 'Choose a project.' };
  if (!isDate(f.date)) return { error: 'The date must be YYYY-MM-DD.' };
  const hours = Number(f.hours);
  if (String(f.hours).trim() === '' || !(hours > 0 && hours <= 24)) return { error: 'Hours must be more than 0 and at most 24.' };
  const body = { person_id: f.person_id, project_id: f.project_id, date: f.date, hours };
  if (String(f.note || '').trim()) body.note = String(f.note).trim();
  return http('POST', '/actuals', body, 'ActualCreated', 'ActualErr', { personId: f.person_id });
}

const setActuals = (m, patch) => set(m, { actuals: set(m.actuals, patch) });
const newestFirst = (list) => list.slice().sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? 1 : -1));

export function update(m, msg) {
  switch (msg.type) {
    case 'ToggleArchived': {
      const m2 = set(m, { showArchived: !m.showArchived });
      return [m2, [reload('people', m2)]];
    }
    case 'CalendarFeed': {
      const person = m.data.people.find((p) => p.id === msg.id);
      return [set(m, { dialog: { kind: 'feed', id: msg.id, form: { name: person ? person.name : '' }, busy: true, error: null, url: null } }),
        [http('POST', `/people/${encodeURIComponent(msg.id)}/ical`, undefined, 'FeedCreated', 'DialogErr')]];
    }
    case 'FeedCreated':
      if (!m.dialog || m.dialog.kind !== 'feed') return [m, []];
      return [set(m, { dialog: set(m.dialog, { busy: false, url: msg.data && msg.data.url }) }), []];

    // ---- actual hours
    case 'ActualInput': {
      const form = set(m.actuals.form, { [msg.field]: msg.value });
      if (msg.field === 'person_id') {
        if (!msg.value) return [setActuals(m, { form, list: [], error: null, loading: false }), []];
        return [setActuals(m, { form, list: [], error: null, loading: true }), [loadActuals(msg.value)]];
      }
      return [setActuals(m, { form, error: null }), []];
    }
    case 'ActualsLoaded':
      if (msg.personId !== m.actuals.form.person_id) return [m, []];
      return [setActuals(m, { list: newestFirst(asList(msg.data, 'actuals')), loading: false }), []];
    case 'ActualsErr':
      return unauthorized(m, msg.status) || [setActuals(m, { loading: false, error: msg.error }), []];
    case 'ActualSubmit': {
      const a = m.actuals;
      if (a.busy) return [m, []];
      const req = actualRequest(a.form);
      if (req.error) return [setActuals(m, { error: req.error }), []];
      return [setActuals(m, { busy: true, error: null }), [req]];
    }
    case 'ActualCreated': {
      const a = m.actuals;
      const item = msg.data;
      const list = item && item.id && item.person_id === a.form.person_id ? newestFirst([...a.list.filter((x) => x.id !== item.id), item]) : a.list;
      return toast(setActuals(m, { busy: false, error: null, list, form: set(a.form, { hours: '', note: '' }) }), 'Hours recorded', 'info');
    }
    case 'ActualErr':
      return unauthorized(m, msg.status) || [setActuals(m, { busy: false, error: msg.error }), []];
    case 'ActualDelete':
      return [m, [ifMatch(http('DELETE', `/actuals/${encodeURIComponent(msg.id)}`, undefined, 'ActualDeleted', 'ActualErr', { id: msg.id }), 'actual', m.actuals.list.find((x) => x.id === msg.id))]];
    case 'ActualDeleted':
      return toast(setActuals(m, { list: m.actuals.list.filter((x) => x.id !== msg.id) }), 'Hours removed', 'info');
  }
}
