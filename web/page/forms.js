// The record dialogs the pages share (open, type, submit, save) and archiving
// or deleting a record. Each page defines its own forms (`forms` in its module:
// open, request, and optionally input); this module only routes to them.

import { http, ifMatch } from '../api.js';
import { findRecord, KIND_OF } from '../records.js';
import { set, setData, toast, unauthorized, replaceIn } from '../model.js';
import { reload, routeEffects } from '../load.js';
import { goTo } from '../nav.js';
import * as schedule from './schedule.js';
import * as people from './people.js';
import * as clients from './clients.js';
import * as project from './project.js';
import * as timeoff from './timeoff.js';
import * as team from './team.js';

const FORMS = { ...schedule.forms, ...people.forms, ...clients.forms, ...project.forms, ...timeoff.forms, ...team.forms };

/** Build the request for the open dialog, or return {error}. */
export function dialogRequest(d) {
  const f = FORMS[d.kind];
  return f ? f.request(d) : { error: 'Unknown form.' };
}

/** The dialog for `kind`: editing record `id`, or a new one (`personId` preselects the person of new time off). */
export function openDialog(m, kind, id, personId) {
  const f = FORMS[kind];
  if (!f || !f.open) return m;
  const o = f.open(m, id, personId);
  // base: the record as shown, whose version the save sends as If-Match
  const base = o.id ? findRecord(m, KIND_OF[kind], o.id) || null : null;
  return set(m, { dialog: { kind, id: o.id || null, form: o.form, error: null, busy: false, base } });
}

export function update(m, msg) {
  switch (msg.type) {
    case 'OpenDialog':
      return [openDialog(m, msg.kind, msg.id, msg.personId), []];
    case 'DialogInput': {
      if (!m.dialog) return [m, []];
      const f = FORMS[m.dialog.kind];
      let form = set(m.dialog.form, { [msg.field]: msg.value });
      if (f && f.input) form = f.input(form, msg.field, msg.value);
      return [set(m, { dialog: set(m.dialog, { form, error: null }) }), []];
    }
    case 'DialogClose':
      return [set(m, { dialog: null }), [{ type: 'focus', selector: '[data-testid="timeline-grid"]' }]];
    case 'DialogSubmit': {
      const d = m.dialog;
      if (!d || d.busy) return [m, []];
      const req = dialogRequest(d);
      if (req.error) return [set(m, { dialog: set(d, { error: req.error }) }), []];
      const m2 = set(m, { dialog: set(d, { busy: true, error: null, again: !!msg.again }) });
      return [d.kind === 'alloc' ? set(m2, { lastProjectId: d.form.project_id }) : m2, [d.id ? ifMatch(req, KIND_OF[d.kind], d.base) : req]];
    }
    case 'DialogErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      if (!m.dialog) return toast(m, msg.error);
      return [set(m, { dialog: set(m.dialog, { busy: false, error: msg.error }) }), []];
    }
    case 'Saved': {
      const item = msg.data;
      const again = m.dialog && m.dialog.again && !m.dialog.id ? m.dialog.kind : null;
      let m2 = set(m, { dialog: null });
      const w = msg.what;
      if (item && item.id && Array.isArray(m.data[w])) m2 = setData(m2, { [w]: replaceIn(m.data[w], item) });
      const effects = [reload(w, m2)];
      if (w === 'projects' && m.route.page === 'project') effects.push(...routeEffects(m2));
      if (again) {
        // the same form again, empty, for the next one
        const [m3, fx] = toast(openDialog(m2, again), `Added ${item && item.name ? item.name : 'it'}. Add another.`, 'info');
        return [m3, [...effects, ...fx, { type: 'focus', selector: `[data-testid="${again}-dialog"] input[name="name"]` }]];
      }
      return [m2, effects];
    }
    case 'Archive': {
      // DELETE: archives people; deletes clients, projects, time off
      const paths = { people: '/people/', clients: '/clients/', projects: '/prj/', timeoff: '/timeoff/' };
      // its name, for the message after (a live event may remove it from the lists first)
      const name = (m.data[msg.what].find((x) => x.id === msg.id) || {}).name;
      const fx = http('DELETE', paths[msg.what] + encodeURIComponent(msg.id), undefined, 'Archived', 'ActionErr', { what: msg.what, id: msg.id, name });
      return [m, [ifMatch(fx, KIND_OF[msg.what], findRecord(m, KIND_OF[msg.what], msg.id))]];
    }
    case 'Archived': {
      const w = msg.what;
      const m2 = setData(m, { [w]: w === 'people' && m.showArchived ? m.data[w].map((x) => (x.id === msg.id ? { ...x, archived: true } : x)) : m.data[w].filter((x) => x.id !== msg.id) });
      if (w === 'projects') {
        // deleted at once, with its bookings: say so, and offer the way back (the undo API)
        const [m3, fx] = m.route.page === 'project' ? goTo(m2, '/projects') : [m2, []];
        const [m4, fx2] = toast(m3, `Deleted ${msg.name || 'the project'}.`, 'info', { label: 'Undo', msg: { type: 'Undo' } });
        return [m4, [...fx, ...fx2]];
      }
      const label = { people: 'Person archived', clients: 'Client deleted', projects: 'Project deleted', timeoff: 'Time off removed' }[w];
      return toast(m2, label, 'info');
    }
    case 'ActionErr':
      return unauthorized(m, msg.status) || toast(m, msg.error);
  }
}
