// The activity page: who changed what, when, newest first, with Undo on each.
import { h } from '../vdom.js';
import { button, pageHeader, empty } from './ui.js';
import { canEdit } from '../update.js';
import { timeAgo } from '../page/activity.js';
import { initials, hashColor } from '../schedule.js';

export function activityView(m, dispatch) {
  const a = m.activity;
  const editable = canEdit(m);
  const now = a.now || Date.now();
  const list = a.list || [];
  return h('div', { class: 'page' },
    pageHeader('Activity', 'Every change to the schedule, newest first. Undo any of them here; Ctrl+Z undoes your own last change.', []),
    a.error ? h('div', { class: 'form-error', role: 'alert' }, a.error) : null,
    list.length === 0 ? empty(a.list ? 'No changes yet.' : 'Loading…') :
      h('ul', { class: 'activity', 'data-testid': 'activity-list' }, list.map((e) => {
        const who = e.user_name || 'Someone';
        const cannot = e.undoable === false || !!e.undone_by;
        const why = e.why_not || (e.undone_by ? 'Already undone' : null);
        return h('li', { key: e.id, class: 'activity-entry' + (e.undo_of ? ' is-undo' : ''), 'data-testid': 'activity-entry', 'data-activity-id': e.id, 'data-user-id': e.user_id || '' },
          h('span', { class: 'avatar sm', style: { '--av': hashColor(who) }, 'aria-hidden': 'true' }, initials(who)),
          h('span', { class: 'what' },
            h('span', { class: 'summary', 'data-testid': 'activity-summary' }, e.summary || 'A change'),
            h('span', { class: 'muted block' }, h('span', { 'data-testid': 'activity-who' }, who), ' · ', h('time', { datetime: new Date((e.at || 0) * 1000).toISOString(), title: new Date((e.at || 0) * 1000).toLocaleString() }, timeAgo(e.at || 0, now)))),
          editable ? h('span', { class: 'undo' },
            cannot && why ? h('span', { class: 'muted why', 'data-testid': 'activity-why-not' }, why) : null,
            button(a.busy === e.id ? 'Undoing…' : (e.action === 'undo' ? 'Redo' : 'Undo'), () => dispatch({ type: 'ActivityUndo', id: e.id }), 'small ghost', {
              disabled: cannot || !!a.busy, title: cannot ? why || 'Cannot be undone' : `${e.action === 'undo' ? 'Redo' : 'Undo'}: ${e.summary || 'this change'}`, 'data-testid': 'activity-undo',
            })) : null);
      })));
}
