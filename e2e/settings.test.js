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

test('an owner makes a reset link for a member, who sets a new password with it and logs in', async (t) => {
  if (missing) return t.skip(missing);
  const owner = await newPage(browser, errors);
  await signUp(owner, server.base, { name: 'Rita Reset' });
  const invite = await owner.evaluate(async () => {
    const r = await fetch('/api/v1/team/invites', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'forgetful@example.com', role: 'member' }) });
    return r.json();
  });
  const member = await newPage(browser, errors);
  await member.goto(server.base + invite.url);
  await member.getByLabel('Name').fill('Fred Forgetful');
  await member.getByLabel('Email').fill('forgetful@example.com');
  await member.getByLabel('Password').fill('first password');
  await member.getByRole('button', { name: 'Sign up' }).click();
  await member.getByTestId('nav-schedule').waitFor();
  await member.context().close();

  await owner.goto(server.base + '/team'); // the team as it is now, with Fred
  await owner.getByRole('button', { name: 'Reset password of Fred Forgetful' }).click();
  const link = await owner.getByTestId('reset-link').inputValue();
  assert.match(link, /\/reset\?token=[0-9a-f]+\.[0-9a-f]{64}$/, "the team, then the secret");
  await owner.context().close();

  const page = await newPage(browser, errors);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password').fill('second password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await page.getByLabel('Email').fill('forgetful@example.com');
  await page.getByLabel('Password').fill('second password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('nav-schedule').waitFor();

  // In the team page, the password section changes it again.
  await page.getByTestId('nav-team').click();
  const section = page.getByTestId('password-section');
  await section.getByLabel('Current password').fill('second password');
  await section.getByLabel('New password').fill('third password');
  const changed = page.waitForResponse((r) => r.url().endsWith('/api/v1/usr/password'));
  await section.getByRole('button', { name: 'Change password' }).click();
  assert.equal((await changed).status(), 204);
  assert.deepEqual(errors, []);
  await page.context().close();
});
