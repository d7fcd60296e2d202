// The dialog for a write refused because someone changed the record first:
// what they changed, field by field, and the two ways on.
import { h } from '../vdom.js';
import { button } from './ui.js';
import { fieldChanges, kindWord } from '../conflict.js';

function changeList(rows, testid) {
  if (!rows.length) return h('p', { class: 'muted' }, 'Nothing that differs.');
  return h('ul', { class: 'changes', 'data-testid': testid },
    rows.map((c) => h('li', { key: c.field, 'data-field': c.field },
      h('span', { class: 'label' }, c.label + ': '), h('span', { class: 'before' }, c.before), ' → ', h('strong', { class: 'now' }, c.now))));
}

export function conflictView(m, dispatch) {
  const d = m.dialog;
  const theirs = fieldChanges(d.base, d.current, m.data);
  const deleting = d.request && d.request.method === 'DELETE';
  const yours = deleting ? null : fieldChanges(d.current, { ...d.current, ...(d.mine || {}) }, m.data);
  const what = kindWord(d.what);
  return h('div', { class: 'overlay' },
    h('div', { class: 'dialog conflict', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'dialog-title', 'data-testid': 'conflict-dialog' },
      h('div', { class: 'dialog-head' }, h('h2', { id: 'dialog-title' }, `This ${what} changed while you worked`),
        button('×', () => dispatch({ type: 'ConflictTheirs' }), 'icon ghost', { 'aria-label': 'Close' })),
      h('div', { class: 'dialog-body' },
        h('p', { 'data-testid': 'conflict-who' }, d.error),
        h('h3', {}, 'Their change'),
        changeList(theirs, 'conflict-theirs'),
        h('h3', {}, 'Yours'),
        deleting ? h('p', { 'data-testid': 'conflict-yours' }, `Delete this ${what}.`) : changeList(yours, 'conflict-yours')),
      h('div', { class: 'dialog-foot' },
        h('span', { class: 'spacer' }),
        button('Drop mine', () => dispatch({ type: 'ConflictTheirs' }), 'ghost', { 'data-testid': 'conflict-theirs-button' }),
        button(deleting ? 'Delete anyway' : 'Apply mine on top', () => dispatch({ type: 'ConflictMine' }), 'primary', { 'data-testid': 'conflict-mine' }))));
}
