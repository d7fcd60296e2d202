// sign up -> add people and a project -> create an allocation by dragging ->
// move it to another day and another person -> resize it -> the utilisation
// shown changes -> reload and it is all still there; a refused edit rolls
// back and shows the server's error; Ctrl+Z undoes through the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, cellCentre, drag, hasRoute, eventually, expectAttr, addPerson, addProject } from './harness.js';

let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const path of ['/api/v1/people', '/api/v1/allocations']) if (!(await hasRoute(server.base, path))) missing = `the server has no ${path} yet`;
});
after(async () => { await browser?.close(); await server?.stop(); });

const bar = (page, id) => page.locator(`[data-testid="allocation"][data-allocation-id="${id}"]`);
const util = (page, personId) => page.locator(`[data-testid="row-head"][data-person-id="${personId}"] [data-testid="row-util"]`).innerText();
const patchDone = (page, id) => page.waitForResponse((r) => r.url().includes(`/api/v1/allocations/${id}`) && r.request().method() === 'PATCH');

test('schedule: create, move, re-assign, resize by dragging; it persists', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base);
  const grace = await addPerson(page, 'Grace Hopper', { role: 'Developer' });
  const alan = await addPerson(page, 'Alan Turing', { role: 'Architect' });
  const project = await addProject(page, 'Apollo');

  await page.getByTestId('nav-schedule').click();
  await page.getByTestId('timeline-grid').waitFor();
  const mon = nextMonday();
  const graceUtil0 = await util(page, grace.id);
  const alanUtil0 = await util(page, alan.id);

  // drag across Monday..Wednesday on Grace's row
  const a = await cellCentre(page, grace.id, mon);
  const b = await cellCentre(page, grace.id, addDays(mon, 2));
  await drag(page, a, b);
  const dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel('Start').inputValue(), mon);
  assert.equal(await dlg.getByLabel('End').inputValue(), addDays(mon, 2));
  await dlg.getByLabel('Project').selectOption(project.id);
  await dlg.getByLabel('Hours per day').fill('6');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  const cr = await created;
  assert.equal(cr.status(), 201, await cr.text());
  const alloc = await cr.json();
  assert.equal(alloc.person_id, grace.id);
  assert.equal(alloc.hours_per_day, 6);
  const el = bar(page, alloc.id);
  await el.waitFor();
  assert.match(await el.innerText(), /Apollo/);
  assert.match(await el.innerText(), /6h\/d/);
  await expectAttr(el, 'data-start', mon);
  await expectAttr(el, 'data-end', addDays(mon, 2));
  await eventually(async () => (await util(page, grace.id)) !== graceUtil0, 'utilisation of Grace changes after booking');

  // move one day later
  let box = await el.boundingBox();
  let from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  let p = patchDone(page, alloc.id);
  await drag(page, from, { x: from.x + a.w, y: from.y });
  assert.equal((await p).status(), 200);
  await expectAttr(el, 'data-start', addDays(mon, 1));
  await expectAttr(el, 'data-end', addDays(mon, 3));

  // move to Alan's row (same days)
  box = await el.boundingBox();
  from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const alanCell = await cellCentre(page, alan.id, addDays(mon, 2));
  p = patchDone(page, alloc.id);
  await drag(page, from, { x: from.x, y: alanCell.y });
  assert.equal((await p).status(), 200);
  await page.locator(`[data-testid="timeline-row"][data-person-id="${alan.id}"] [data-allocation-id="${alloc.id}"]`).waitFor();
  await expectAttr(el, 'data-start', addDays(mon, 1));
  await eventually(async () => (await util(page, alan.id)) !== alanUtil0, 'Alan now shows the booking');
  await eventually(async () => (await util(page, grace.id)) === graceUtil0, 'Grace is free again');

  // resize: drag the right edge two days further
  box = await el.boundingBox();
  const handle = { x: box.x + box.width - 3, y: box.y + box.height / 2 };
  const alanUtil1 = await util(page, alan.id);
  p = patchDone(page, alloc.id);
  await drag(page, handle, { x: handle.x + 2 * a.w, y: handle.y });
  assert.equal((await p).status(), 200);
  await expectAttr(el, 'data-start', addDays(mon, 1));
  await expectAttr(el, 'data-end', addDays(mon, 5));
  await eventually(async () => (await util(page, alan.id)) !== alanUtil1, 'utilisation follows the resize');

  // overbook Alan on one day: a second 6h booking on the same Tuesday
  const t1 = await cellCentre(page, alan.id, addDays(mon, 1));
  await drag(page, { x: t1.x, y: t1.low }, { x: t1.x, y: t1.low }); // below the bars: empty space
  await dlg.waitFor();
  await dlg.getByLabel('Hours per day').fill('6');
  const c2 = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  assert.equal((await c2).status(), 201);
  const over = page.locator(`[data-testid="timeline-row"][data-person-id="${alan.id}"] [data-testid="cell"][data-date="${addDays(mon, 1)}"] [data-testid="overbooked"]`);
  await over.waitFor();
  assert.match(await over.innerText(), /^\+4h?$/);

  // reload: all of it is still there, at the same place
  await page.reload();
  await el.waitFor();
  await expectAttr(el, 'data-start', addDays(mon, 1));
  await expectAttr(el, 'data-end', addDays(mon, 5));
  await page.locator(`[data-testid="timeline-row"][data-person-id="${alan.id}"] [data-allocation-id="${alloc.id}"]`).waitFor();
  assert.equal(await page.locator('[data-testid="allocation"]').count(), 2);
  assert.equal(page.url(), server.base + '/schedule');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a refused edit rolls back and shows the server error', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Bo Refused' });
  // seed through the API as this user
  const ids = await page.evaluate(async (mon) => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const person = await post('/people', { name: 'Rita Roll' });
    const project = await post('/prj', { name: 'Rollback' });
    const alloc = await post('/allocations', { person_id: person.id, project_id: project.id, start: mon, end: mon, hours_per_day: 4 });
    return { person: person.id, alloc: alloc.id };
  }, nextMonday());
  // a screen that misses the change below: its live events stream is cut
  await page.route('**/api/v1/events*', (route) => route.abort());
  await page.goto(server.base + '/schedule');
  const el = bar(page, ids.alloc);
  await el.waitFor();
  // someone else deletes it meanwhile
  const del = await page.evaluate((id) => fetch('/api/v1/allocations/' + id, { method: 'DELETE', credentials: 'same-origin' }).then((r) => r.status), ids.alloc);
  assert.equal(del, 204);
  const box = await el.boundingBox();
  const cell = await cellCentre(page, ids.person, nextMonday());
  const p = patchDone(page, ids.alloc);
  await drag(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, { x: box.x + box.width / 2 + 2 * cell.w, y: box.y + box.height / 2 });
  const r = await p;
  assert.ok(r.status() >= 400, `the server refused (${r.status()})`);
  const message = (await r.json()).error;
  const toast = page.getByTestId('toast-error');
  await toast.waitFor();
  assert.match(await toast.innerText(), new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await expectAttr(el, 'data-start', nextMonday()); // rolled back
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('keyboard: arrows and Enter book a cell, Escape closes, Ctrl+Z undoes on the server', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Kay Board' });
  const ids = await page.evaluate(async () => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const a = await post('/people', { name: 'Aaron Arrow' });
    const b = await post('/people', { name: 'Betty Byte' });
    const project = await post('/prj', { name: 'Keys' });
    return { a: a.id, b: b.id, project: project.id };
  });
  await page.goto(server.base + '/schedule');
  const grid = page.getByTestId('timeline-grid');
  await page.locator(`[data-testid="timeline-row"][data-person-id="${ids.b}"]`).waitFor();
  await grid.focus();
  const focused = page.locator('[data-testid="cell"][aria-selected="true"]');
  // Each key is handled before the next is judged: wait for its effect on the DOM.
  const selection = () => page.evaluate(() => {
    const c = document.querySelector('[data-testid="cell"][aria-selected="true"]');
    return c ? `${c.closest('[data-testid=timeline-row]').getAttribute('data-person-id')}|${c.getAttribute('data-date')}` : '';
  });
  await page.keyboard.press('ArrowDown'); // Aaron -> Betty
  await page.waitForFunction((b) => {
    const c = document.querySelector('[data-testid="cell"][aria-selected="true"]');
    return c && c.closest('[data-testid=timeline-row]').getAttribute('data-person-id') === b;
  }, ids.b);
  const before = await selection();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((prev) => {
    const c = document.querySelector('[data-testid="cell"][aria-selected="true"]');
    return c && `${c.closest('[data-testid=timeline-row]').getAttribute('data-person-id')}|${c.getAttribute('data-date')}` !== prev;
  }, before);
  assert.equal(await focused.evaluate((c) => c.closest('[data-testid=timeline-row]').getAttribute('data-person-id')), ids.b);
  const day = await focused.getAttribute('data-date');
  assert.notEqual(`${ids.b}|${day}`, before, 'ArrowRight moved to the next day');
  assert.equal(await grid.getAttribute('aria-activedescendant'), await focused.getAttribute('id'));
  await page.keyboard.press('Enter');
  const dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  await grid.focus();
  await page.keyboard.press('Enter');
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel('Start').inputValue(), day);
  await dlg.getByLabel('Hours per day').fill('3');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  const alloc = await (await created).json();
  assert.equal(alloc.person_id, ids.b);
  await bar(page, alloc.id).waitFor();

  if (!(await (async () => { const r = await fetch(server.base + '/api/v1/activity'); return r.status !== 404; })())) return;
  await grid.focus();
  const undone = page.waitForResponse((r) => r.url().endsWith('/api/v1/activity/undo'));
  await page.keyboard.press('Control+z');
  assert.ok((await undone).ok());
  await bar(page, alloc.id).waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('dragging a bar to the edge scrolls the timeline and moves it further', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Eddie Edge' });
  const ids = await page.evaluate(async (mon) => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const person = await post('/people', { name: 'Far Mover' });
    const project = await post('/prj', { name: 'Later' });
    const alloc = await post('/allocations', { person_id: person.id, project_id: project.id, start: mon, end: mon, hours_per_day: 2 });
    return { alloc: alloc.id };
  }, nextMonday());
  await page.goto(server.base + '/schedule');
  const el = bar(page, ids.alloc);
  await el.waitFor();
  const grid = await page.getByTestId('timeline-grid').boundingBox();
  const b = await el.boundingBox();
  const p = patchDone(page, ids.alloc);
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(grid.x + grid.width - 12, b.y + b.height / 2, { steps: 10 });
  await page.waitForTimeout(1200);
  await page.mouse.move(grid.x + grid.width - 14, b.y + b.height / 2);
  await page.mouse.up();
  const body = (await p).request().postDataJSON();
  const moved = (Date.parse(body.start) - Date.parse(nextMonday())) / 86400000;
  assert.ok(moved > 45, `moved ${moved} days`);
  await expectAttr(el, 'data-start', body.start);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a fast scroll draws rows light, and their day cells fill in once it settles', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Sam Scroll' });
  await page.evaluate(async () => {
    for (let i = 0; i < 40; i++) {
      await fetch('/api/v1/people', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: `Scroll ${String(i).padStart(2, '0')}` }) });
    }
  });
  await page.goto(server.base + '/schedule');
  await page.locator('[data-testid="timeline-row"] [data-testid="cell"]').first().waitFor();
  // rows in view without day cells, as many as there are rows in view
  const lightRows = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="timeline-row"]')].filter((r) => !r.querySelector('[data-testid="cell"]')).length);
  assert.equal(await lightRows(), 0);
  // jump 1,200 px, then count in the frame after the one that drew it (well before it settles)
  const light = await page.evaluate(async () => {
    const n = window.__kronuzRendered;
    document.querySelector('[data-testid="timeline-grid"]').scrollTop = 1200;
    while (window.__kronuzRendered === n) await new Promise((r) => requestAnimationFrame(r));
    return [...document.querySelectorAll('[data-testid="timeline-row"]')].filter((r) => !r.querySelector('[data-testid="cell"]')).length;
  });
  assert.ok(light > 0, 'rows scrolled into view fast are drawn without cells');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="timeline-row"]')].every((r) => r.querySelector('[data-testid="cell"]')));
  const name = await page.locator('[data-testid="row-head"]').last().innerText();
  assert.match(name, /Scroll \d\d/);
  assert.deepEqual(errors, []);
  await page.context().close();
});
