// The compare view's timeline: which rows it shows and how each booking changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRows, COMPARE_ROWS } from '../page/scenarios.js';

const alloc = (id, over) => ({ id, project_id: 'bank', start: '2026-03-02', end: '2026-03-06', hours_per_day: 8, ...over });

test('the timeline shows each person and placeholder role the scenario changes, and how each booking changed', () => {
  const c = {
    from: '2026-03-01', to: '2026-03-31',
    utilisation: [{ person_id: 'ben', name: 'Ben', months: [] }],
    allocations: {
      added: [alloc('a1', { person_id: 'ben' }), alloc('a2', { placeholder_role: 'Developer' })],
      removed: [alloc('a3', { person_id: 'cleo' })],
      changed: [{ before: alloc('a4', { person_id: 'dev' }), after: alloc('a4', { person_id: 'eli' }) }],
    },
  };
  const t = compareRows(c);
  assert.deepEqual(t.rows.map((r) => r.key), ['p:ben', 'p:cleo', 'p:dev', 'p:eli', 'ph:Developer']);
  assert.deepEqual(t.changes, { a1: 'added', a2: 'added', a3: 'removed', a4: 'changed' });
  assert.equal(t.more, 0);
  // a change near a month's end keeps the next month in view
  assert.deepEqual([t.from, t.to], ['2026-03-01', '2026-04-30']);
  assert.equal(compareRows({ ...c, to: '2026-06-30' }).to, '2026-06-30');
});

test('a scenario that changes many people shows the first rows and counts the rest', () => {
  const added = Array.from({ length: COMPARE_ROWS + 5 }, (_, i) => alloc('a' + i, { person_id: 'p' + i }));
  const t = compareRows({ from: '2026-03-01', to: '2026-03-31', utilisation: [], allocations: { added, removed: [], changed: [] } });
  assert.equal(t.rows.length, COMPARE_ROWS);
  assert.equal(t.more, 5);
});
