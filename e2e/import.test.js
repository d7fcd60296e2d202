// The Import page: a good CSV's dry run, a CSV with errors shown by row and
// column (Apply stays off), Apply, the records on their page, and Undo from the
// toast taking the whole import back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, repoRoot } from './harness.js';

let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // the import routes take only POST: without a session a server that has them answers 401
  const r = await fetch(server.base + '/api/v1/import/people', { method: 'POST' });
  if (r.status === 404 || r.status === 405) missing = 'the server has no /api/v1/import yet';
});
after(async () => { await browser?.close(); await server?.stop(); });

const GOOD = 'Full name;E-mail;Job title;Hours/day\nAnn Archer;ann@example.com;Developer;8\n"Brook, Ben";ben@example.com;Designer;6\n';
// row 3: a month 13; row 4: hours that are no number (the header is line 1)
const BAD = 'Name,Email,Start date,Hours per day\nCleo Marsh,cleo@example.com,2026-03-02,8\nDev Vale,dev@example.com,2026-13-01,8\nEli Brook,eli@example.com,,eight\n';

const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

test('a CSV is checked, its errors shown by row and column, then applied and undone in one step', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Ida Importer', email: `ida${Date.now()}@example.com` });
  await page.getByTestId('nav-import').click();
  await page.getByTestId('import-kind').selectOption('people');

  // a good file: two people to create, Apply on
  let checked = page.waitForResponse((r) => r.url().includes('/api/v1/import/people?dry_run=true'));
  await page.getByTestId('import-file').setInputFiles(file('people.csv', GOOD));
  assert.equal((await checked).status(), 200);
  await page.getByTestId('import-dry-run').waitFor();
  assert.equal(await page.getByTestId('import-created').locator('.stat-v').innerText(), '2');
  assert.deepEqual(await page.getByTestId('import-row').evaluateAll((rows) => rows.map((r) => r.dataset.action)), ['create', 'create']);
  assert.match(await page.getByTestId('import-rows').innerText(), /Brook, Ben/);
  assert.equal(await page.getByTestId('import-errors').count(), 0);
  assert.equal(await page.getByTestId('import-apply').isEnabled(), true);
  assert.equal((await page.request.get(server.base + '/api/v1/people').then((r) => r.json())).length, 0, 'a dry run changes nothing');

  // a file with errors: each names its row and column; Apply is off
  await page.getByRole('button', { name: 'Choose another file' }).click();
  checked = page.waitForResponse((r) => r.url().includes('/api/v1/import/people?dry_run=true'));
  await page.getByTestId('import-file').setInputFiles(file('people-with-errors.csv', BAD));
  await checked;
  await page.getByTestId('import-errors').waitFor();
  const found = await page.getByTestId('import-error').evaluateAll((rows) => rows.map((r) => [Number(r.dataset.row), r.dataset.column]));
  assert.deepEqual(found, [[3, 'Start date'], [4, 'Hours per day']]);
  assert.match(await page.getByTestId('import-error').first().innerText(), /\S+/);
  assert.equal(await page.getByTestId('import-error-count').locator('.stat-v').innerText(), '2');
  assert.equal(await page.getByTestId('import-apply').isDisabled(), true);
  await page.screenshot({ path: path.join(repoRoot, 'docs', 'import.png'), fullPage: true });

  // a file without the column kronuz needs: the reason, and no dry run
  await page.getByRole('button', { name: 'Choose another file' }).click();
  await page.getByTestId('import-file').setInputFiles(file('no-names.csv', 'Email\nzoe@example.com\n'));
  assert.match(await page.getByTestId('import-error-message').innerText(), /needs a "name" column/);
  assert.equal(await page.getByTestId('import-dry-run').count(), 0);

  // the good file again, applied: one toast with Undo, the people on their page
  checked = page.waitForResponse((r) => r.url().includes('/api/v1/import/people?dry_run=true'));
  await page.getByTestId('import-file').setInputFiles(file('people.csv', GOOD));
  await checked;
  await page.getByTestId('import-apply').waitFor();
  assert.equal(await page.getByTestId('import-errors').count(), 0);
  const applied = page.waitForResponse((r) => r.url().includes('/api/v1/import/people?dry_run=false'));
  await page.getByTestId('import-apply').click();
  const ar = await applied;
  assert.equal(ar.status(), 200, await ar.text());
  const toast = page.getByTestId('toast').filter({ hasText: 'Imported people: 2 created' });
  await toast.waitFor();
  await page.getByTestId('import-done').waitFor();
  await page.getByTestId('nav-people').click();
  await page.getByTestId('person-row').filter({ hasText: 'Ann Archer' }).waitFor();
  await page.getByTestId('person-row').filter({ hasText: 'Brook, Ben' }).waitFor();

  // Undo takes both back at once
  await toast.getByTestId('toast-action').click();
  await page.getByTestId('person-row').first().waitFor({ state: 'detached' });
  assert.equal((await page.request.get(server.base + '/api/v1/people').then((r) => r.json())).length, 0);

  assert.deepEqual(errors, []);
  await page.context().close();
});

test('bookings import with day-first dates, against people and projects already there', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Ivo Importer', email: `ivo${Date.now()}@example.com` });
  const post = (p, body) => page.request.post(server.base + '/api/v1' + p, { data: body, headers: { origin: server.base } }).then((r) => r.json());
  await post('/people', { name: 'Ann Archer' });
  await post('/prj', { name: 'Atlas' });
  const mon = nextMonday();
  const dmy = (s) => `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
  const csv = `Person,Project,Start,End,Hours\nAnn Archer,Atlas,${dmy(mon)},${dmy(addDays(mon, 4))},6\n`;
  await page.getByTestId('nav-import').click();
  await page.getByTestId('import-kind').selectOption('allocations');
  // read year first, the dates are errors with a way out: read them day first
  await page.getByTestId('import-file').setInputFiles(file('bookings.csv', csv));
  await page.getByTestId('import-errors').waitFor();
  assert.deepEqual(await page.getByTestId('import-error').evaluateAll((rows) => rows.map((r) => r.dataset.column)), ['Start', 'End']);
  const checked = page.waitForResponse((r) => r.url().includes('/api/v1/import/allocations?dry_run=true&date_format=dmy'));
  await page.getByTestId('import-day-first').click();
  assert.equal((await checked).status(), 200);
  await page.getByTestId('import-row').filter({ hasText: 'Ann Archer' }).waitFor();
  assert.equal(await page.getByTestId('import-date-format').inputValue(), 'dmy');
  assert.equal(await page.getByTestId('import-errors').count(), 0);
  await page.getByTestId('import-apply').click();
  await page.getByTestId('toast').filter({ hasText: '1 created' }).waitFor();
  await page.getByTestId('nav-schedule').click();
  await page.locator(`[data-testid="allocation"][data-start="${mon}"]`).waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

const PLAN = `project acme "Acme rollout" 2026-03-02 +3m {
  dailyworkinghours 8
}
resource ann "Ann Archer" { efficiency 0.9 }
resource bo "Bo Brook"
task rollout "Rollout" {
  task design "Design" {
    effort 5d
    allocate ann
  }
  task build "Build" {
    effort 80h
    depends !design
    allocate ann { alternative bo }
  }
}
`;

test('a TaskJuggler plan: its warnings by line, then people and a project with tasks to plan', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Tia Juggler', email: `tia${Date.now()}@example.com` });
  await page.getByTestId('nav-import').click();
  await page.getByTestId('import-kind').selectOption('taskjuggler');
  // a plan has its own dates: the date-format choice goes once the kind is chosen
  await page.getByTestId('import-date-format').waitFor({ state: 'detached' });
  const checked = page.waitForResponse((r) => r.url().includes('/api/v1/import/taskjuggler?dry_run=true'));
  await page.getByTestId('import-file').setInputFiles({ name: 'acme.tjp', mimeType: 'text/plain', buffer: Buffer.from(PLAN) });
  assert.equal((await checked).status(), 200);
  assert.match(await page.getByTestId('import-warnings').innerText(), /Line 4:.*efficiency/);
  await page.getByTestId('import-row').filter({ hasText: 'Rollout' }).first().waitFor();
  await page.getByTestId('import-apply').click();
  await page.getByTestId('import-done').waitFor();
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('project-card').filter({ hasText: 'Rollout' }).click();
  await page.getByTestId('task-row').filter({ hasText: 'Build' }).waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a whole-team export loads into a new, empty team from the same page', async (t) => {
  if (missing) return t.skip(missing);
  const first = await newPage(browser, errors);
  await signUp(first, server.base, { name: 'Una Export', email: `una${Date.now()}@example.com` });
  const post = (p, body) => first.request.post(server.base + '/api/v1' + p, { data: body, headers: { origin: server.base } }).then((r) => r.json());
  await post('/people', { name: 'Vic Vale', role: 'Designer' });
  await post('/prj', { name: 'Harbour' });
  const exported = await first.request.get(server.base + '/api/v1/team/export');
  assert.equal(exported.status(), 200);
  const doc = await exported.text();
  await first.context().close();

  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Wes New', email: `wes${Date.now()}@example.com` });
  await page.getByTestId('nav-import').click();
  await page.getByTestId('import-kind').selectOption('team');
  await page.getByTestId('import-file').setInputFiles({ name: 'kronuz-team.json', mimeType: 'application/json', buffer: Buffer.from(doc) });
  await page.getByTestId('import-row').filter({ hasText: 'Person: Vic Vale' }).waitFor();
  assert.equal(await page.getByTestId('import-created').locator('.stat-v').innerText(), '2');
  const loaded = page.waitForResponse((r) => r.url().endsWith('/api/v1/team/import'));
  await page.getByTestId('import-apply').click();
  const r = await loaded;
  assert.equal(r.status(), 200, await r.text());
  await page.getByTestId('toast').filter({ hasText: 'Imported the team export: 2 records' }).waitFor();
  await page.getByTestId('nav-people').click();
  await page.getByTestId('person-row').filter({ hasText: 'Vic Vale' }).waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});
