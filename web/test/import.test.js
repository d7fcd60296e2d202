// The Import page's pure parts: the requests it sends, when Apply is allowed,
// what an apply refused for errors shows, and the team export read in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, update } from '../update.js';
import { importRequest, canApply, teamReport } from '../page/import.js';

const owner = () => {
  const [m0] = init({ path: '/import', today: '2026-03-04' });
  return { ...m0, session: 'in', user: { id: 'u1', email: 'o@x.io' },
    data: { ...m0.data, team: { members: [{ user_id: 'u1', email: 'o@x.io', role: 'owner' }] } } };
};

test('a CSV is sent as it is, as a dry run first, with the date format asked for', () => {
  const imp = { kind: 'allocations', dateFormat: 'dmy', file: { name: 'a.csv', text: 'Person,Project\n' } };
  const dry = importRequest(imp, true);
  assert.equal(dry.method, 'POST');
  assert.equal(dry.path, '/api/v1/import/allocations?dry_run=true&date_format=dmy');
  assert.equal(dry.text, 'Person,Project\n');
  assert.equal(dry.contentType, 'text/csv');
  assert.equal(dry.body, undefined);
  assert.equal(dry.ok, 'ImportChecked');
  const real = importRequest({ ...imp, dateFormat: 'iso' }, false);
  assert.equal(real.path, '/api/v1/import/allocations?dry_run=false');
  assert.equal(real.ok, 'ImportApplied');
  const tjp = importRequest({ kind: 'taskjuggler', dateFormat: 'dmy', file: { name: 'p.tjp', text: 'project' } }, true);
  assert.equal(tjp.path, '/api/v1/import/taskjuggler?dry_run=true');
  assert.equal(tjp.contentType, 'text/plain');
  assert.ok(importRequest({ kind: 'people', file: null }, true).error);
});

test('Apply waits for a dry run without errors that changes something', () => {
  const file = { name: 'p.csv', text: 'x' };
  const report = (over) => ({ created: 1, updated: 0, unchanged: 0, rows: [], errors: [], warnings: [], ...over });
  assert.equal(canApply({ file, report: report() }), true);
  assert.equal(canApply({ file, report: report({ errors: [{ row: 2, column: 'Email', message: 'bad' }] }) }), false);
  assert.equal(canApply({ file, report: report({ created: 0, unchanged: 3 }) }), false);
  assert.equal(canApply({ file, report: report(), busy: true }), false);
  assert.equal(canApply({ file, report: null }), false);
});

test('a file read is checked at once; an apply refused for errors shows them; an import offers its undo', () => {
  let [m] = update(owner(), { type: 'ImportKind', value: 'people' });
  let fx;
  [m, fx] = update(m, { type: 'ImportFileRead', kind: 'people', name: 'p.csv', size: 9, text: 'Name\nAnn\n' });
  assert.equal(fx.length, 1);
  assert.equal(fx[0].path, '/api/v1/import/people?dry_run=true');
  assert.equal(m.importer.busy, true);
  const ok = { dry_run: true, created: 1, updated: 0, unchanged: 0, rows: [{ row: 2, action: 'create', name: 'Ann' }], errors: [], warnings: [] };
  [m] = update(m, { type: 'ImportChecked', data: ok });
  assert.equal(canApply(m.importer), true);
  [m, fx] = update(m, { type: 'ImportApply' });
  assert.equal(fx[0].path, '/api/v1/import/people?dry_run=false');
  const refused = { ...ok, created: 0, errors: [{ row: 3, column: 'Email', message: 'not an email' }] };
  const [m2] = update(m, { type: 'ImportErr', status: 422, error: '1 problem(s)', body: refused });
  assert.deepEqual(m2.importer.report.errors, refused.errors);
  assert.equal(canApply(m2.importer), false);
  [m, fx] = update(m, { type: 'ImportApplied', data: { ...ok, dry_run: false, activity_id: 'act9' } });
  assert.equal(m.importer.file, null);
  const t = m.toasts[m.toasts.length - 1];
  assert.match(t.text, /1 created/);
  assert.deepEqual(t.action.msg, { type: 'ActivityUndo', id: 'act9' });
  assert.ok(fx.some((f) => f.path === '/api/v1/people'), 'the lists load again');
});

test('a team export is read in the browser: its records to create, or why it is not one', () => {
  const doc = { format: 'kronuz-team', version: 1, team: { name: 'T' }, people: [{ id: 'p1', name: 'Ann' }], clients: [], projects: [{ id: 'x', name: 'Atlas' }], allocations: [{ start: '2026-03-02', end: '2026-03-06' }], timeoff: [], tasks: [], actuals: [] };
  const r = teamReport(JSON.stringify(doc));
  assert.equal(r.report.created, 3);
  assert.deepEqual(r.report.rows.map((x) => x.name), ['Person: Ann', 'Project: Atlas', 'Allocation: 2026-03-02 to 2026-03-06']);
  assert.equal(teamReport('not json').report.errors.length, 1);
  assert.equal(teamReport('{"a": 1}').report.errors.length, 1);
  const req = importRequest({ kind: 'team', file: { name: 't.json', doc } }, false);
  assert.equal(req.path, '/api/v1/team/import');
  assert.deepEqual(req.body, doc);
});
