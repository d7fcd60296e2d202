// A write refused with 412 because someone changed the record since it was
// shown: the dialog shows what they changed, and the person either applies
// their own change on top of the current record or drops it.

import { ifMatch } from '../api.js';
import { set, toast } from '../model.js';
import { applyRecords, optimistic } from '../records.js';
import { ownChanges } from '../conflict.js';

export function update(m, msg) {
  switch (msg.type) {
    case 'Conflict': {
      const req = msg.request || {};
      const current = msg.current || null;
      // show theirs now: the current record replaces what was shown, optimistic or not
      let m2 = current ? applyRecords(m, [{ kind: msg.kind, id: current.id, record: current }], { force: true }) : m;
      if (msg.kind === 'task') m2 = set(m2, { taskForm: null });
      if (!current) return toast(set(m2, { dialog: null }), msg.error);
      const mine = req.method === 'DELETE' ? null : ownChanges(req.body, msg.base);
      return [set(m2, {
        dialog: { kind: 'conflict', what: msg.kind, error: msg.error, base: msg.base, current, mine, request: req, busy: false },
      }), [{ type: 'focus', selector: '[data-testid="conflict-mine"]' }]];
    }
    case 'ConflictMine': {
      const d = m.dialog;
      if (!d || d.kind !== 'conflict') return [m, []];
      const req = d.request;
      if (d.mine && !Object.keys(d.mine).length) return [set(m, { dialog: null }), []];
      // the same write again, on top of the current version; optimistic as before
      const ctx = req.ctx && 'before' in req.ctx ? { ...req.ctx, before: d.current } : req.ctx;
      const { headers, on412, ...plain } = req;
      const fx = ifMatch({ ...plain, body: d.mine ? d.mine : req.body, ctx }, d.what, d.current);
      const shown = req.method === 'DELETE' ? { kind: d.what, id: d.current.id, record: null } : { kind: d.what, id: d.current.id, record: optimistic(d.current, { ...d.current, ...d.mine }) };
      const m2 = d.what === 'allocation' ? applyRecords(m, [shown], { force: true }) : m;
      return [set(m2, { dialog: null }), [fx]];
    }
    case 'ConflictTheirs': {
      const d = m.dialog;
      if (!d || d.kind !== 'conflict') return [m, []];
      return toast(set(m, { dialog: null }), 'Your change was dropped; theirs stays.', 'info');
    }
  }
}
