// The pipeline: project cards in status columns; dragging a card changes its status.

import { http, ifMatch } from '../api.js';
import { set, setData, toast, canEdit, unauthorized, replaceIn } from '../model.js';
import { goTo } from '../nav.js';
import { STATUSES } from './project.js';
import { optimistic } from '../records.js';

export function update(m, msg) {
  switch (msg.type) {
    case 'PipeDragStart':
      if (!canEdit(m)) return [m, []];
      return [set(m, { pipeDrag: { id: msg.id, over: msg.status, from: msg.status, x: msg.x, y: msg.y, x0: msg.x, y0: msg.y, moved: false } }), []];
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
      const after = optimistic(before, { ...before, status: msg.status });
      const fx = http('PATCH', `/prj/${encodeURIComponent(msg.id)}`, { status: msg.status }, 'ProjectPatchOk', 'ProjectPatchErr', { id: msg.id, before });
      return [setData(m, { projects: replaceIn(m.data.projects, after) }), [ifMatch(fx, 'project', before)]];
    }
    case 'ProjectPatchOk':
      return [msg.data && msg.data.id ? setData(m, { projects: replaceIn(m.data.projects, msg.data) }) : m, []];
    case 'ProjectPatchErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      return toast(setData(m, { projects: replaceIn(m.data.projects, msg.before) }), msg.error);
    }
  }
}
