// Team settings (name, time zone, first day of the week) and actual hours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, dayFromToday, hasRoute } from './harness.js';

let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const path of ['/api/v1/team', '/api/v1/people', '/api/v1/actuals']) if (!(await hasRoute(server.base, path))) missing = `the server has no ${path} yet`;
});
after(async () => { await browser?.close(); await server?.stop(); });

test('team settings persist, and actual hours can be recorded and deleted', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Sam Settings' });

  // team settings: rename, set the time zone, reload, still there
  await page.getByTestId('nav-team').click();
  let form = page.getByTestId('team-settings');
  await form.getByLabel('Name').fill('Settings Squad');
  await form.getByLabel('Time zone').fill('Europe/London');
  await form.getByLabel('Week starts on').selectOption('sunday');
  const patched = page.waitForResponse((r) => r.url().endsWith('/api/v1/team') && r.request().method() === 'PATCH');
  await form.getByTestId('team-settings-submit').click();
  const r = await patched;
  assert.equal(r.status(), 200, await r.text());
  const team = await r.json();
  assert.equal(team.name, 'Settings Squad');
  assert.equal(team.timezone, 'Europe/London');
  assert.equal(team.week_start, 'sunday');
  await page.evaluate(() => { window.__beforeReload = true; });
  await page.reload();
  form = page.getByTestId('team-settings');
  await page.waitForFunction(() => !window.__beforeReload && document.querySelector('[data-testid="team-settings"] input[name="name"]')?.value === 'Settings Squad');
  assert.equal(await form.getByLabel('Time zone').inputValue(), 'Europe/London');
  assert.equal(await form.getByLabel('Week starts on').inputValue(), 'sunday');

  // a bad time zone: the server's message beside the form
  await form.getByLabel('Time zone').fill('not a zone');
  await form.getByTestId('team-settings-submit').click();
  await form.getByTestId('team-settings-error').waitFor();
  assert.match(await form.getByTestId('team-settings-error').innerText(), /time ?zone/i);
  await form.getByRole('button', { name: 'Reset' }).click();

  // a person and a project
  await page.getByTestId('nav-people').click();
  await page.getByTestId('add-person').click();
  let dlg = page.getByTestId('person-dialog');
  await dlg.getByLabel('Name').fill('Hana Hours');
  let created = page.waitForResponse((r) => r.url().endsWith('/api/v1/people') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  const person = await (await created).json();
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('new-project').click();
  dlg = page.getByTestId('project-dialog');
  await dlg.getByLabel('Name').fill('Timesheet');
  created = page.waitForResponse((r) => r.url().endsWith('/api/v1/prj') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  const project = await (await created).json();
  await dlg.waitFor({ state: 'detached' });

  // record 3 hours for today, see it listed, delete it
  await page.getByTestId('nav-people').click();
  const af = page.getByTestId('actual-form');
  await af.getByLabel('Person').selectOption(person.id);
  await af.getByLabel('Project').selectOption(project.id);
  const today = dayFromToday(0);
  await af.getByLabel('Date').fill(today);
  await af.getByLabel('Hours').fill('3');
  await af.getByLabel('Note').fill('Timesheets');
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/actuals') && r.request().method() === 'POST');
  await af.getByTestId('actual-submit').click();
  const pr = await posted;
  assert.equal(pr.status(), 201, await pr.text());
  const actual = await pr.json();
  assert.equal(actual.hours, 3);
  assert.equal(actual.date, today);
  const row = page.locator(`[data-testid="actual-row"][data-actual-id="${actual.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /3h/);
  assert.match(await row.innerText(), /Timesheet/);
  const deleted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/actuals/${actual.id}`) && r.request().method() === 'DELETE');
  await row.getByTestId('actual-delete').click();
  assert.equal((await deleted).status(), 204);
  await row.waitFor({ state: 'detached' });

  // still gone after a reload
  await page.reload();
  await page.getByTestId('actual-form').getByLabel('Person').selectOption(person.id);
  await page.getByText('No hours recorded for this person yet.').waitFor();

  assert.deepEqual(errors, []);
  await page.context().close();
});
