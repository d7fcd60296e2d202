// People, clients, time off and team pages: create, edit, archive / delete,
// and what they change on the schedule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, hasRoute, expectAttr } from './harness.js';

let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const path of ['/api/v1/people', '/api/v1/clients', '/api/v1/timeoff', '/api/v1/team']) if (!(await hasRoute(server.base, path))) missing = `the server has no ${path} yet`;
});
after(async () => { await browser?.close(); await server?.stop(); });

const submit = async (page, dlg, urlEnd, method) => {
  const resp = page.waitForResponse((r) => r.url().includes(urlEnd) && r.request().method() === method);
  await dlg.getByTestId('dialog-submit').click();
  const r = await resp;
  assert.ok(r.ok(), `${method} ${urlEnd}: ${r.status()} ${await r.text()}`);
  await dlg.waitFor({ state: 'detached' });
  return r.status() === 204 ? null : r.json();
};

test('people, clients, time off and team', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Lisa Lists' });

  // people: add, edit, then (later) archive
  await page.getByTestId('nav-people').click();
  await page.getByTestId('add-person').click();
  let dlg = page.getByTestId('person-dialog');
  await dlg.getByLabel('Name').fill('Nina Node');
  await dlg.getByLabel('Role').fill('Developer');
  await dlg.getByLabel('Skills').fill('Rust, SQL');
  // the work-day picker: Monday to Friday are on at 8h; Friday is a half day
  await dlg.getByLabel('Friday hours').fill('4');
  const nina = await submit(page, dlg, '/api/v1/people', 'POST');
  assert.deepEqual(nina.skills, ['Rust', 'SQL']);
  assert.deepEqual(nina.weekly_hours, [8, 8, 8, 8, 4, 0, 0]);
  const row = page.locator(`[data-testid="person-row"][data-person-id="${nina.id}"]`);
  await page.getByRole('button', { name: 'Edit Nina Node' }).click();
  dlg = page.getByTestId('person-dialog');
  await dlg.getByLabel('Role').fill('Lead developer');
  await submit(page, dlg, `/api/v1/people/${nina.id}`, 'PATCH');
  await page.waitForFunction((id) => document.querySelector(`[data-person-id="${id}"]`)?.textContent.includes('Lead developer'), nina.id);
  assert.match(await row.innerText(), /36h/);

  // clients: add, rename, delete
  await page.getByTestId('nav-clients').click();
  await page.getByTestId('add-client').click();
  dlg = page.getByTestId('client-dialog');
  await dlg.getByLabel('Name').fill('Initech');
  await submit(page, dlg, '/api/v1/clients', 'POST');
  await page.getByRole('button', { name: 'Rename' }).click();
  dlg = page.getByTestId('client-dialog');
  await dlg.getByLabel('Name').fill('Initrode');
  await submit(page, dlg, '/api/v1/clients/', 'PATCH');
  await page.getByTestId('client-row').filter({ hasText: 'Initrode' }).waitFor();
  await page.getByRole('button', { name: 'Delete Initrode' }).click();
  await page.getByTestId('client-row').waitFor({ state: 'detached' });

  // a client with projects is archived, not deleted: its project keeps it, pickers drop it
  const globex = await page.evaluate(async () => {
    const post = async (u, b) => (await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) })).json();
    const c = await post('/clients', { name: 'Globex' });
    await post('/prj', { name: 'Globex rollout', client_id: c.id });
    return c;
  });
  await page.reload();
  const globexRow = page.locator(`[data-testid="client-row"][data-client-id="${globex.id}"]`);
  await globexRow.waitFor();
  assert.equal(await page.getByRole('button', { name: 'Delete Globex' }).count(), 0, 'a client with projects cannot be deleted');
  const archiving = page.waitForResponse((r) => r.url().endsWith(`/api/v1/clients/${globex.id}`) && r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Archive Globex' }).click();
  assert.equal((await (await archiving).json()).archived, true);
  await page.locator('.archived-clients [data-testid="client-row"]').filter({ hasText: 'Globex' }).waitFor();
  await page.getByTestId('nav-schedule').click();
  await page.locator('select[name="f-client"]').waitFor();
  assert.deepEqual(await page.locator('select[name="f-client"] option').allInnerTexts(), ['All clients'], 'archived clients are not offered as a filter');
  await page.getByTestId('nav-clients').click();
  await page.getByRole('button', { name: 'Restore Globex' }).click();
  await page.locator('.archived-clients').waitFor({ state: 'detached' });

  // time off: shows as days off on the schedule
  const mon = nextMonday();
  await page.getByTestId('nav-timeoff').click();
  await page.getByTestId('add-timeoff').click();
  dlg = page.getByTestId('timeoff-dialog');
  await dlg.getByLabel('Person').selectOption(nina.id);
  await dlg.getByLabel('Start').fill(mon);
  await dlg.getByLabel('End').fill(addDays(mon, 1));
  await dlg.getByLabel('Reason').fill('Holiday');
  await submit(page, dlg, '/api/v1/timeoff', 'POST');
  await page.getByRole('cell', { name: 'Holiday', exact: true }).waitFor();
  // edit it: one day longer, another reason
  await page.getByTestId('timeoff-edit').click();
  dlg = page.getByTestId('timeoff-dialog');
  assert.equal(await dlg.getByLabel('Person').inputValue(), nina.id);
  assert.equal(await dlg.getByLabel('Start').inputValue(), mon);
  await dlg.getByLabel('End').fill(addDays(mon, 2));
  await dlg.getByLabel('Reason').fill('Ski trip');
  const edited = await submit(page, dlg, '/api/v1/timeoff/', 'PATCH');
  assert.equal(edited.end, addDays(mon, 2));
  await page.getByRole('cell', { name: 'Ski trip', exact: true }).waitFor();
  assert.equal(await page.getByTestId('timeoff-row').count(), 1);
  await page.getByTestId('nav-schedule').click();
  const cell = (d) => page.locator(`[data-testid="timeline-row"][data-person-id="${nina.id}"] [data-testid="cell"][data-date="${d}"]`);
  await cell(mon).waitFor();
  assert.match(await cell(mon).getAttribute('class'), /\boff\b/);
  assert.match(await cell(addDays(mon, 1)).getAttribute('class'), /\boff\b/);
  assert.match(await cell(addDays(mon, 2)).getAttribute('class'), /\boff\b/);
  assert.doesNotMatch(await cell(addDays(mon, 3)).getAttribute('class'), /\boff\b/);
  assert.match(await cell(mon).getAttribute('aria-label'), /day off/);

  // a private calendar feed of Nina's bookings and days off
  await page.getByTestId('nav-people').click();
  const feedResp = page.waitForResponse((r) => r.url().endsWith(`/api/v1/people/${nina.id}/ical`));
  await page.getByRole('button', { name: 'Calendar feed for Nina Node' }).click();
  if ((await feedResp).ok()) {
    const url = await page.getByTestId('feed-url').inputValue();
    assert.match(url, /\/ical\/.+\.ics$/);
    const r = await fetch(url); // no cookies: the token is the credential
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/calendar/);
    const ics = await r.text();
    assert.match(ics, /BEGIN:VCALENDAR/);
    assert.match(ics, /Ski trip/);
  }
  await page.keyboard.press('Escape');

  // archive: gone from the list and the schedule, back with "Show archived"
  const archived = page.waitForResponse((r) => r.url().endsWith(`/api/v1/people/${nina.id}`) && r.request().method() === 'DELETE');
  await page.getByRole('button', { name: 'Archive Nina Node' }).click();
  assert.ok((await archived).ok());
  await row.waitFor({ state: 'detached' });
  await page.getByLabel('Show archived').check();
  await row.waitFor();
  assert.match(await row.innerText(), /archived/);
  await page.getByTestId('nav-schedule').click();
  await page.getByTestId('timeline-grid').waitFor();
  assert.equal(await page.locator(`[data-testid="timeline-row"][data-person-id="${nina.id}"]`).count(), 0);

  // team: the owner sees themself and can make an invite link
  await page.getByTestId('nav-team').click();
  await page.getByText('Lisa Lists').first().waitFor();
  await page.getByTestId('invite').click();
  dlg = page.getByTestId('invite-dialog');
  await dlg.getByLabel('Email').fill('new.hire@example.com');
  await dlg.getByLabel('Role').selectOption('manager');
  const inv = page.waitForResponse((r) => r.url().endsWith('/api/v1/team/invites'));
  await dlg.getByTestId('dialog-submit').click();
  assert.equal((await inv).status(), 201);
  const link = await dlg.getByTestId('invite-link').inputValue();
  assert.match(link, /\/signup\?invite=/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('an invited member signs up into the team and reads the schedule without editing it', async (t) => {
  if (missing) return t.skip(missing);
  const owner = await newPage(browser, errors);
  await signUp(owner, server.base, { name: 'Olga Owner' });
  const seeded = await owner.evaluate(async (mon) => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const person = await post('/people', { name: 'Walt Worker' });
    const project = await post('/prj', { name: 'Shared' });
    const alloc = await post('/allocations', { person_id: person.id, project_id: project.id, start: mon, end: mon, hours_per_day: 5 });
    const invite = await post('/team/invites', { email: 'mo.member@example.com', role: 'member' });
    return { person: person.id, alloc: alloc.id, url: invite.url || `/signup?invite=${invite.token}` };
  }, nextMonday());
  await owner.context().close();

  const page = await newPage(browser, errors);
  await page.goto(server.base + seeded.url);
  await page.getByRole('heading', { name: 'Join your team' }).waitFor();
  await page.getByLabel('Name').fill('Mo Member');
  await page.getByLabel('Email').fill('mo.member@example.com');
  await page.getByLabel('Password').fill('member password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByTestId('nav-schedule').waitFor();
  await page.goto(server.base + '/schedule');
  const bar = page.locator(`[data-testid="allocation"][data-allocation-id="${seeded.alloc}"]`);
  await bar.waitFor();
  assert.equal(await bar.getAttribute('data-editable'), null, 'members cannot resize');
  // dragging does nothing; clicking opens a read-only view
  const b = await bar.boundingBox();
  let patched = false;
  page.on('request', (r) => { if (r.method() === 'PATCH') patched = true; });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2 + 60, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.getByTestId('allocation-dialog').waitFor();
  assert.equal(await page.getByTestId('dialog-submit').count(), 0);
  assert.equal(patched, false);
  await expectAttr(bar, 'data-start', nextMonday());
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-team').click();
  await page.getByText('Olga Owner', { exact: true }).waitFor();
  assert.equal(await page.getByTestId('invite').count(), 0, 'only owners invite');
  assert.deepEqual(errors, []);
  await page.context().close();
});
