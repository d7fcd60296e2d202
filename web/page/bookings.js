// Working with one booking from its dialog: duplicate it, split it at a day
// (the booking ends the day before; a new one takes the rest), or repeat it
// weekly for a number of weeks. Each is one request to the allocations API
// (a split or a repeat is one change on the server), so every booking is one
// the server checked, and one undo reverts the whole of it.

import { http, ifMatch, asList } from '../api.js';
import { toDay, fromDay, isDate, longLabel } from '../dates.js';
import { allocSpan } from '../capacity.js';
import { set, toast, canEdit, withAlloc, withAllocs, allocById } from '../model.js';
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
      // one request, one change on the server: one undo puts the whole booking back
      const fx = http('POST', `/allocations/${a.id}/split`, { at: fromDay(at) }, 'AllocSplitDone', 'DialogErr');
      return [set(m, { dialog: set(m.dialog, { busy: true, error: null }) }), [ifMatch(fx, 'allocation', (m.dialog && m.dialog.base) || a)]];
    }
    case 'AllocSplitDone': {
      const parts = asList(msg.data);
      const rest = parts[parts.length - 1];
      if (!rest) return [set(m, { dialog: null }), []];
      const [m2, fx] = toast(withAllocs(set(m, { dialog: null }), parts), `Booking split: the second part starts ${longLabel(rest.start)}`, 'info', { label: 'Undo', msg: { type: 'Undo' } });
      return [m2, [...fx, focusBar(rest.id)]];
    }
    case 'AllocRepeat': {
      const a = allocById(m, msg.id);
      if (!a || !canEdit(m) || !m.dialog) return [m, []];
      const n = Number(msg.weeks);
      if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT_WEEKS) return dialogError(m, `Repeat for 1 to ${MAX_REPEAT_WEEKS} weeks.`);
      const fx = http('POST', `/allocations/${a.id}/repeat`, { weeks: n }, 'AllocRepeated', 'DialogErr');
      return [set(m, { dialog: set(m.dialog, { busy: true, error: null }) }), [ifMatch(fx, 'allocation', (m.dialog && m.dialog.base) || a)]];
    }
    case 'AllocRepeated': {
      const copies = asList(msg.data);
      return toast(withAllocs(set(m, { dialog: null }), copies), `Repeated weekly: ${copies.length} ${copies.length === 1 ? 'booking' : 'bookings'} added`, 'info', { label: 'Undo', msg: { type: 'Undo' } });
    }
  }
}
