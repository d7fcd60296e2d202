// The time-off page: the time-off dialog (a person's leave, or a holiday for everyone).

import { http } from '../api.js';
import { isDate } from '../dates.js';
import { strOrNull } from '../model.js';

export const forms = {
  timeoff: {
    /** Editing `id`, or new time off (`personId` preselects the person). */
    open(m, id, personId) {
      const t = m.data.timeoff.find((x) => x.id === id);
      const form = t
        ? { person_id: t.person_id || '', start: t.start, end: t.end, reason: t.reason || '' }
        : { person_id: personId || '', start: m.today, end: m.today, reason: '' };
      return { id: t ? id : null, form };
    },
    request(d) {
      const f = d.form;
      if (!isDate(f.start) || !isDate(f.end)) return { error: 'Dates must be YYYY-MM-DD.' };
      if (f.end < f.start) return { error: 'The end date is before the start date.' };
      const body = { start: f.start, end: f.end, person_id: f.person_id || null, reason: strOrNull(f.reason) && f.reason.trim() };
      if (d.id) return http('PATCH', `/timeoff/${d.id}`, body, 'Saved', 'DialogErr', { what: 'timeoff' });
      for (const k of ['person_id', 'reason']) if (body[k] == null) delete body[k];
      return http('POST', '/timeoff', body, 'Saved', 'DialogErr', { what: 'timeoff' });
    },
  },
};

// No messages of its own: its dialog goes through page/forms.js, its deletion too.
export function update() {}
