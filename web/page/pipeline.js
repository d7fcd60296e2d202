// The pipeline: project cards in status columns; dragging a card changes its status.

import { http, get, qs, asList, ifMatch } from '../api.js';
import { set, setData, toast, canEdit, unauthorized, replaceIn } from '../model.js';
import { reload } from '../load.js';
import { goTo } from '../nav.js';
import { STATUSES } from './project.js';
import { optimistic } from '../records.js';

export function update(m, msg) {
  switch (msg.type) {
    case 'PipeDragStart':
      if (!canEdit(m)) return [m, []];
      return [set(m, { pipeDrag: { id: msg.id, over: msg.status, from: msg.status, x: msg.x, y: msg.y, x0: msg.x, y0: msg.y, moved: false, rect: msg.rect || null } }), []];
    case 'PipeDragMove': {
      const p = m.pipeDrag;
      if (!p) return [m, []];
      return [set(m, { pipeDrag: set(p, { over: msg.status || p.over, x: msg.x, y: msg.y, moved: true }) }), []];
    }
    case 'PipeDragCancel':
      return [set(m, { pipeDrag: null }), []];
    case 'PipeDrop': {
      const p = m.pipeDrag;
      const m1 = set(m, { pipeDrag: null });
      if (!p) return [m1, []];
      if (!p.moved) return goTo(m1, '/projects/' + encodeURIComponent(p.id));
      if (!p.over || p.over === p.from) return [m1, []];
      return update(m1, { type: 'SetProjectStatus', id: p.id, status: p.over });
    }
    case 'SetProjectStatus': {
      const before = m.data.projects.find((x) => x.id === msg.id);
      if (!before || before.status === msg.status || !STATUSES.includes(msg.status)) return [m, []];
      // won: its tentative bookings are work now; ask whether to confirm them (one change if
      // yes). All of them, not only those loaded: ask the server which there are first.
      if (msg.status === 'won' && msg.confirm == null) {
        if (msg.tentative == null) return [m, [get('/allocations' + qs({ project_id: msg.id }), 'WonChecked', 'ProjectPatchErr', { id: msg.id, before })]];
        if (msg.tentative > 0) return [set(m, { dialog: { kind: 'won', id: msg.id, form: { name: before.name, count: msg.tentative }, error: null, busy: false } }), []];
      }
      const m1 = m.dialog && m.dialog.kind === 'won' ? set(m, { dialog: null }) : m;
      const after = optimistic(before, { ...before, status: msg.status });
      const path = `/prj/${encodeURIComponent(msg.id)}${msg.confirm ? '?confirm_tentative=true' : ''}`;
      const fx = http('PATCH', path, { status: msg.status }, 'ProjectPatchOk', 'ProjectPatchErr', { id: msg.id, before, confirmed: !!msg.confirm });
      return [setData(m1, { projects: replaceIn(m.data.projects, after) }), [ifMatch(fx, 'project', before)]];
    }
    case 'WonChecked': {
      const tentative = asList(msg.data, 'allocations').filter((a) => a.project_id === msg.id && a.tentative).length;
      return update(m, { type: 'SetProjectStatus', id: msg.id, status: 'won', tentative, confirm: tentative > 0 ? undefined : false });
    }
    case 'ProjectPatchOk': {
      const m1 = msg.data && msg.data.id ? setData(m, { projects: replaceIn(m.data.projects, msg.data) }) : m;
      if (!msg.confirmed) return [m1, []];
      const [m2, fx] = toast(m1, `${msg.data ? msg.data.name : 'The project'} is won; its tentative bookings are confirmed.`, 'info', { label: 'Undo', msg: { type: 'Undo' } });
      return [m2, [...fx, reload('allocations', m2)]];
    }
    case 'ProjectPatchErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      return toast(setData(m, { projects: replaceIn(m.data.projects, msg.before) }), msg.error);
    }
  }
}
