// Two planners at once, each in their own browser context: the owner (Ada)
// and a manager she invited (Bea). A colleague's booking appears live; Ctrl+Z
// undoes your own change, not theirs, and says what it undid; Redo re-applies
// it; a stale edit shows the conflict and each choice does what it says; the
// activity page lists both people's changes and undoes Bea's explicitly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, hasRoute, expectAttr, eventually } from './harness.js';

let server, browser;
const errors = [];
let missing = null;
let ada, bea; // pages
let ids; // {person, project, mine}
const mon = nextMonday();

const bar = (page, id) => page.locator(`[data-testid="allocation"][data-allocation-id="${id}"]`);

/** fetch inside the page, with its session: {status, body}. */
function api(page, method, path, body, headers = {}) {
  return page.evaluate(async ([method, path, body, headers]) => {
    const init = { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json', ...headers } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const r = await fetch('/api/v1' + path, init);
    const text = await r.text();
    let data = null;
    try { data = JSON.parse(text); } catch { data = text; }
    return { status: r.status, body: data };
  }, [method, path, body, headers]);
}

const liveOpen = (page) => page.waitForFunction(() => window.__kronuz && window.__kronuz.model.live.status === 'open');

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (!(await hasRoute(server.base, '/api/v1/events'))) missing = 'the server has no /api/v1/events yet';
  for (const path of ['/api/v1/activity/undo', '/api/v1/activity/redo']) {
    const r = await fetch(server.base + path, { method: 'POST' });
    if (r.status === 404 || r.status === 405) missing = `the server has no POST ${path} yet`;
  }
  if (missing) return;
  ada = await newPage(browser, errors);
  await signUp(ada, server.base, { name: 'Ada Owner', email: 'ada.owner@example.com' });
  const person = (await api(ada, 'POST', '/people', { name: 'Ben Okafor' })).body;
  const project = (await api(ada, 'POST', '/prj', { name: 'Store ops' })).body;
  const mine = (await api(ada, 'POST', '/allocations', { person_id: person.id, project_id: project.id, start: mon, end: addDays(mon, 2), hours_per_day: 6 })).body;
  const invite = (await api(ada, 'POST', '/team/invites', { email: 'bea.manager@example.com', role: 'manager' })).body;
  ids = { person: person.id, project: project.id, mine: mine.id };

  bea = await newPage(browser, errors);
  await bea.goto(server.base + (invite.url || `/signup?invite=${invite.token}`));
  await bea.getByLabel('Name').fill('Bea Manager');
  await bea.getByLabel('Email').fill('bea.manager@example.com');
  await bea.getByLabel('Password').fill('manager password');
  await bea.getByRole('button', { name: 'Sign up' }).click();
  await bea.getByTestId('nav-schedule').waitFor();

  await ada.goto(server.base + '/schedule');
  await bar(ada, ids.mine).waitFor();
  await liveOpen(ada);
  await ada.evaluate(() => { window.__sameDocument = true; });
});
after(async () => { await browser?.close(); await server?.stop(); });

test("Bea's new booking appears on Ada's open timeline within 2 s, without a reload", async (t) => {
  if (missing) return t.skip(missing);
  const r = await api(bea, 'POST', '/allocations', { person_id: ids.person, project_id: ids.project, start: addDays(mon, 3), end: addDays(mon, 4), hours_per_day: 2 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const t0 = Date.now();
  await bar(ada, r.body.id).waitFor({ timeout: 2000 });
  const ms = Date.now() - t0;
  assert.ok(ms < 2000, `took ${ms} ms`);
  t.diagnostic(`Bea's booking appeared on Ada's timeline ${ms} ms after Bea's POST answered`);
  assert.equal(await ada.evaluate(() => window.__sameDocument), true, 'no reload');
  ids.beas = r.body.id;
  assert.deepEqual(errors, []);
});

test("a bar Ada is dragging stays in her hand while Bea's unrelated booking arrives", async (t) => {
  if (missing) return t.skip(missing);
  const el = bar(ada, ids.mine);
  const box = await el.boundingBox();
  const cell = await ada.locator(`[data-testid="timeline-row"][data-person-id="${ids.person}"] [data-testid="cell"][data-date="${mon}"]`).boundingBox();
  const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await ada.mouse.move(from.x, from.y);
  await ada.mouse.down();
  await ada.mouse.move(from.x + cell.width, from.y, { steps: 6 });
  await ada.waitForFunction(() => window.__kronuz.model.drag && window.__kronuz.model.drag.moved);
  const r = await api(bea, 'POST', '/allocations', { person_id: ids.person, project_id: ids.project, start: addDays(mon, 9), end: addDays(mon, 9), hours_per_day: 1 });
  assert.equal(r.status, 201);
  await bar(ada, r.body.id).waitFor({ timeout: 2000 });
  assert.equal(await ada.evaluate(() => !!window.__kronuz.model.drag), true, 'still dragging');
  // and back where it started: no change, nothing sent
  await ada.mouse.move(from.x, from.y, { steps: 6 });
  await ada.mouse.up();
  await expectAttr(el, 'data-start', mon);
  assert.equal((await api(bea, 'DELETE', `/allocations/${r.body.id}`)).status, 204);
  await bar(ada, r.body.id).waitFor({ state: 'detached', timeout: 2000 });
  assert.deepEqual(errors, []);
});

test("Ada's Ctrl+Z undoes Ada's own change, not Bea's newer one, and says what it undid; Redo re-applies it", async (t) => {
  if (missing) return t.skip(missing);
  // Ada moves her booking one day later by dragging it
  const el = bar(ada, ids.mine);
  const box = await el.boundingBox();
  const cell = await ada.locator(`[data-testid="timeline-row"][data-person-id="${ids.person}"] [data-testid="cell"][data-date="${mon}"]`).boundingBox();
  const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const patched = ada.waitForResponse((r) => r.url().endsWith(`/api/v1/allocations/${ids.mine}`) && r.request().method() === 'PATCH');
  await ada.mouse.move(from.x, from.y);
  await ada.mouse.down();
  await ada.mouse.move(from.x + cell.width / 2, from.y, { steps: 4 });
  await ada.mouse.move(from.x + cell.width, from.y, { steps: 4 });
  await ada.mouse.up();
  const p = await patched;
  assert.equal(p.status(), 200, await p.text());
  assert.equal(p.request().headers()['if-match'], '"1"', 'the write names the version Ada saw');
  await expectAttr(el, 'data-start', addDays(mon, 1));

  // then Bea changes something: her own booking, newer than Ada's move
  const later = await api(bea, 'POST', '/allocations', { person_id: ids.person, project_id: ids.project, start: addDays(mon, 7), end: addDays(mon, 7), hours_per_day: 1 });
  assert.equal(later.status, 201);
  await bar(ada, later.body.id).waitFor({ timeout: 2000 });

  // Ada: Ctrl+Z
  await ada.getByTestId('timeline-grid').focus();
  const undone = ada.waitForResponse((r) => r.url().endsWith('/api/v1/activity/undo'));
  await ada.keyboard.press('Control+z');
  const u = await undone;
  assert.equal(u.status(), 200, await u.text());
  await expectAttr(el, 'data-start', mon);
  const toast = ada.getByTestId('toast').filter({ hasText: 'Undid' });
  await toast.waitFor();
  const text = await toast.innerText();
  assert.match(text, /Undid: moved Ben Okafor's Store ops booking/i);
  assert.equal(await bar(ada, later.body.id).count(), 1, "Bea's booking stays");
  assert.equal((await api(ada, 'GET', `/allocations/${later.body.id}`)).status, 200);

  // Redo from the toast
  const redone = ada.waitForResponse((r) => r.url().endsWith('/api/v1/activity/redo'));
  await toast.getByTestId('toast-action').click();
  assert.equal((await redone).status(), 200);
  await expectAttr(el, 'data-start', addDays(mon, 1));
  await ada.getByTestId('toast').filter({ hasText: 'Redid' }).waitFor();
  // and Ctrl+Y is redo too: undo with Ctrl+Z, redo with Ctrl+Y
  await ada.getByTestId('timeline-grid').focus();
  await ada.keyboard.press('Control+z');
  await expectAttr(el, 'data-start', mon);
  await ada.keyboard.press('Control+y');
  await expectAttr(el, 'data-start', addDays(mon, 1));
  assert.deepEqual(errors, []);
});

/** Open the edit dialog of a bar with a click. */
async function openEdit(page, id) {
  const b = await bar(page, id).boundingBox();
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  const dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  return dlg;
}

test('a stale edit shows what the other person changed; "Apply mine on top" and "Drop mine" each do what they say', async (t) => {
  if (missing) return t.skip(missing);
  // Ada edits the note while Bea changes the hours
  let dlg = await openEdit(ada, ids.mine);
  await dlg.getByLabel('Note').fill('from Ada');
  const cur = await api(bea, 'GET', `/allocations/${ids.mine}`);
  const hoursBefore = cur.body.hours_per_day;
  assert.equal((await api(bea, 'PATCH', `/allocations/${ids.mine}`, { hours_per_day: 4 })).status, 200);
  let refused = ada.waitForResponse((r) => r.url().endsWith(`/api/v1/allocations/${ids.mine}`) && r.request().method() === 'PATCH');
  await dlg.getByTestId('dialog-submit').click();
  assert.equal((await refused).status(), 412);
  let conflict = ada.getByTestId('conflict-dialog');
  await conflict.waitFor();
  assert.match(await conflict.getByTestId('conflict-who').innerText(), /Bea Manager/);
  const theirs = await conflict.getByTestId('conflict-theirs').innerText();
  assert.match(theirs, new RegExp(`Hours per day: ${hoursBefore}h a day\\s*→\\s*4h a day`));
  assert.match(await conflict.getByTestId('conflict-yours').innerText(), /Note: none\s*→\s*from Ada/);
  let saved = ada.waitForResponse((r) => r.url().endsWith(`/api/v1/allocations/${ids.mine}`) && r.request().method() === 'PATCH');
  await conflict.getByTestId('conflict-mine').click();
  assert.equal((await saved).status(), 200);
  await conflict.waitFor({ state: 'detached' });
  let now = (await api(ada, 'GET', `/allocations/${ids.mine}`)).body;
  assert.equal(now.note, 'from Ada', 'mine applied');
  assert.equal(now.hours_per_day, 4, 'on top of theirs');

  // again, and this time Ada drops hers
  dlg = await openEdit(ada, ids.mine);
  await dlg.getByLabel('Hours per day').fill('2');
  assert.equal((await api(bea, 'PATCH', `/allocations/${ids.mine}`, { note: 'from Bea' })).status, 200);
  refused = ada.waitForResponse((r) => r.url().endsWith(`/api/v1/allocations/${ids.mine}`) && r.request().method() === 'PATCH');
  await dlg.getByTestId('dialog-submit').click();
  assert.equal((await refused).status(), 412);
  conflict = ada.getByTestId('conflict-dialog');
  await conflict.waitFor();
  assert.match(await conflict.getByTestId('conflict-theirs').innerText(), /Note: from Ada\s*→\s*from Bea/);
  let patches = 0;
  const count = (r) => { if (r.method() === 'PATCH') patches++; };
  ada.on('request', count);
  await conflict.getByTestId('conflict-theirs-button').click();
  await conflict.waitFor({ state: 'detached' });
  now = (await api(ada, 'GET', `/allocations/${ids.mine}`)).body;
  assert.equal(now.note, 'from Bea');
  assert.equal(now.hours_per_day, 4, 'theirs stays');
  await eventually(async () => /4h\/d/.test(await bar(ada, ids.mine).innerText()), 'the bar shows their hours');
  ada.off('request', count);
  assert.equal(patches, 0, 'nothing sent');
  assert.deepEqual(errors, []);
});

test("the activity page lists both people's changes and undoes Bea's explicitly", async (t) => {
  if (missing) return t.skip(missing);
  await ada.getByTestId('nav-activity').click();
  const list = ada.getByTestId('activity-list');
  await list.waitFor();
  const who = await list.getByTestId('activity-who').allInnerTexts();
  assert.ok(who.includes('Ada Owner') && who.includes('Bea Manager'), who.join(', '));
  // Bea's first booking, undone by Ada
  const entry = list.getByTestId('activity-entry')
    .filter({ has: ada.getByTestId('activity-who').getByText('Bea Manager', { exact: true }) })
    .filter({ has: ada.getByTestId('activity-summary').filter({ hasText: /^Booked/ }) })
    .last(); // newest first: her first booking is the last of them
  await entry.waitFor();
  const entryId = await entry.getAttribute('data-activity-id');
  await bar(bea, ids.beas).waitFor();
  const undone = ada.waitForResponse((r) => /\/api\/v1\/activity\/[^/]+\/undo$/.test(r.url()));
  await entry.getByTestId('activity-undo').click();
  const u = await undone;
  assert.equal(u.status(), 200, await u.text());
  await ada.getByTestId('toast').filter({ hasText: 'Undid: booked' }).last().waitFor();
  assert.equal((await api(ada, 'GET', `/allocations/${ids.beas}`)).status, 404, "Bea's booking is gone");
  // the entry can no longer be undone, and says why
  const again = list.locator(`[data-activity-id="${entryId}"]`);
  await again.getByTestId('activity-why-not').waitFor();
  assert.equal(await again.getByTestId('activity-undo').isDisabled(), true);
  // and Bea's open timeline lost the bar without a reload
  await bar(bea, ids.beas).waitFor({ state: 'detached', timeout: 2000 });
  assert.deepEqual(errors, []);
});
