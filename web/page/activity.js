// Undo: the server keeps the team's activity; Ctrl+Z undoes the newest change.

import { http, get, asList } from '../api.js';
import { set, toast, unauthorized } from '../model.js';
import { reload } from '../load.js';

export function update(m, msg) {
  switch (msg.type) {
    case 'Undo':
      if (m.undoBusy || m.session !== 'in') return [m, []];
      return [set(m, { undoBusy: true }), [get('/activity?limit=20', 'UndoActivity', 'UndoErr')]];
    case 'UndoActivity': {
      // the newest change that is neither an undo itself nor already undone
      const list = asList(msg.data, 'activity', 'entries');
      const entry = list.find((e) => !e.undo_of && !e.undone_by);
      if (!entry) return toast(set(m, { undoBusy: false }), 'Nothing to undo', 'info');
      return [m, [http('POST', `/activity/${encodeURIComponent(entry.id)}/undo`, undefined, 'UndoOk', 'UndoErr')]];
    }
    case 'UndoOk': {
      const [m2, fx] = toast(set(m, { undoBusy: false }), 'Undone', 'info');
      return [m2, [...fx, reload('allocations', m2), reload('timeoff', m2), reload('people', m2), reload('projects', m2), reload('clients', m2)]];
    }
    case 'UndoErr':
      return unauthorized(m, msg.status) || toast(set(m, { undoBusy: false }), msg.error);
  }
}
