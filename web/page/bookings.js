// Working with one booking from its dialog: duplicate it, split it at a day
// (the booking ends the day before; a new one takes the rest), or repeat it
// weekly for a number of weeks. Each goes through the allocations API, so
// every new booking is one the server checked, and each can be undone.

import { http, ifMatch } from '../api.js';
import { toDay, fromDay, isDate, longLabel } from '../dates.js';
import { allocSpan } from '../capacity.js';
import { set, toast, canEdit, unauthorized, withAlloc, allocById } from '../model.js';
import { copyBody, focusBar } from './schedule.js';

/** At most this many weekly repeats at once. */
export const MAX_REPEAT_WEEKS = 52;

const dialogError = (m, error) => [set(m, { dialog: set(m.dialog, { error, busy: false }) }), []];

export function update(m, msg) {
  switch (msg.type) {
    case 'AllocDuplicate': {
      const a = allocById(m, msg.id);
      if (!a || !canEdit(m)) return [m, []];
      return [set(m, { dialog: set(m.dialog, { busy: true, error: null }) }), [http('POST', '/allocations', copyBody(a), 'AllocDuplicated', 'DialogErr')]];
    }
    case 'AllocDuplicated': {
      const [m2, fx] = toast(withAlloc(set(m, { dialog: null }), msg.data), 'Booking duplicated: the copy is in the row’s free lane', 'info');
      return [m2, [...fx, focusBar(msg.data.id)]];
    }
    case 'AllocSplit': {
      const a = allocById(m, msg.id);
      if (!a || !canEdit(m) || !m.dialog) return [m, []];
      const [s, e] = allocSpan(a);
      if (!isDate(msg.at)) return dialogError(m, 'Choose the day the second part starts (YYYY-MM-DD).');
      const at = toDay(msg.at);
      if (at <= s || at > e) return dialogError(m, `Split on a day after ${longLabel(a.start)} and no later than ${longLabel(a.end)}.`);
      const rest = copyBody(a, { start: msg.at, end: a.end });
      const fx = http('PATCH', `/allocations/${a.id}`, { end: fromDay(at - 1) }, 'AllocSplitPatched', 'DialogErr', { rest });
      return [set(m, { dialog: set(m.dialog, { busy: true, error: null }) }), [ifMatch(fx, 'allocation', (m.dialog && m.dialog.base) || a)]];
    }
    case 'AllocSplitPatched':
      return [withAlloc(m, msg.data), [http('POST', '/allocations', msg.rest, 'AllocSplitDone', 'AllocActionErr')]];
    case 'AllocSplitDone': {
      const [m2, fx] = toast(withAlloc(set(m, { dialog: null }), msg.data), `Booking split: the second part starts ${longLabel(msg.data.start)}`, 'info');
      return [m2, [...fx, focusBar(msg.data.id)]];
    }
    case 'AllocRepeat': {
      const a = allocById(m, msg.id);
      if (!a || !canEdit(m) || !m.dialog) return [m, []];
      const n = Number(msg.weeks);
      if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT_WEEKS) return dialogError(m, `Repeat for 1 to ${MAX_REPEAT_WEEKS} weeks.`);
      const [s, e] = allocSpan(a);
      const fx = [];
      for (let k = 1; k <= n; k++) fx.push(http('POST', '/allocations', copyBody(a, { start: fromDay(s + 7 * k), end: fromDay(e + 7 * k) }), 'AllocRepeated', 'AllocActionErr'));
      return [set(m, { dialog: null, repeating: { left: n, made: 0, of: n } }), fx];
    }
    case 'AllocRepeated': {
      const r = m.repeating || { left: 1, made: 0, of: 1 };
      const next = { ...r, left: r.left - 1, made: r.made + 1 };
      const m2 = set(withAlloc(m, msg.data), { repeating: next.left > 0 ? next : null });
      return next.left > 0 ? [m2, []] : toast(m2, `Repeated weekly: ${next.made} ${next.made === 1 ? 'booking' : 'bookings'} added`, 'info');
    }
    case 'AllocActionErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      const left = m.repeating ? m.repeating.left - 1 : 0;
      return toast(set(m, { repeating: left > 0 ? { ...m.repeating, left } : null }), msg.error);
    }
  }
}
