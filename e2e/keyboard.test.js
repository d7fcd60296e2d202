// The schedule by keyboard alone: a skip link straight to the grid, Shift+arrows
// select days and Enter books them, focus comes back to the new booking after
// Save, Tab reaches the bar of the focused cell, and on a focused bar the
// arrows move it (Up/Down: to another person), Shift+arrows move its end and
// Alt+arrows its start; Enter saves and Escape cancels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, dayFromToday, hasRoute, eventually, expectAttr, pageApi } from './harness.js';

let server, browser, page, ada, ben, project;
const errors = [];
let missing = null;
const mon = nextMonday();

const api = (method, path, body) => pageApi(page, method, path, body);

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (!(await hasRoute(server.base, '/api/v1/allocations'))) { missing = 'the server has no /api/v1/allocations yet'; return; }
  page = await newPage(browser, errors);
  await signUp(page, server.base);
  project = await api('POST', '/prj', { name: 'Apollo' });
  ada = await api('POST', '/people', { name: 'Ada Keys', role: 'Developer' });
  ben = await api('POST', '/people', { name: 'Ben Keys', role: 'Designer' });
  await page.reload();
  await page.getByTestId('timeline-grid').waitFor();
});
after(async () => { await browser?.close(); await server?.stop(); });

const active = () => page.evaluate(() => {
  const e = document.activeElement;
  return { testid: e.getAttribute('data-testid'), id: e.getAttribute('data-allocation-id'), text: e.textContent.trim().slice(0, 40) };
});
const patched = () => page.waitForResponse((r) => r.url().includes('/api/v1/allocations/') && r.request().method() === 'PATCH');

test('the first Tab offers a skip link that lands on the grid', async (t) => {
  if (missing) return t.skip(missing);
  await page.keyboard.press('Tab'); // "Skip to content", on every page
  await page.keyboard.press('Tab');
  assert.deepEqual(await active(), { testid: 'skip-to-grid', id: null, text: 'Skip to the schedule' });
  assert.ok(await page.getByTestId('skip-to-grid').isVisible(), 'visible once focused');
  await page.keyboard.press('Enter');
  assert.equal((await active()).testid, 'timeline-grid');
});

let booking;
test('Shift+arrows select days on a row, Enter books them, and focus returns to the new booking', async (t) => {
  if (missing) return t.skip(missing);
  // the grid starts on the first person, today: walk to next Monday
  const today = dayFromToday(0);
  const steps = Math.round((Date.parse(mon) - Date.parse(today)) / 86400000);
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  // each key is drawn on the next frame: wait for the second Shift+Right's end
  const sel = page.getByTestId('selection');
  await expectAttr(sel, 'data-end', addDays(mon, 2));
  assert.equal(await sel.getAttribute('data-start'), mon);
  await page.keyboard.press('Enter');
  const dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel('Start').inputValue(), mon);
  assert.equal(await dlg.getByLabel('End').inputValue(), addDays(mon, 2));
  assert.equal(await dlg.getByLabel('Person').inputValue(), 'p:' + ada.id);
  await dlg.getByLabel('Hours per day').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('5');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST');
  await page.keyboard.press('Enter');
  const r = await created;
  assert.equal(r.status(), 201);
  booking = await r.json();
  await dlg.waitFor({ state: 'detached' });
  await eventually(async () => (await active()).id === booking.id, 'focus on the new booking');
  assert.deepEqual(errors, []);
});

test('on a focused bar, arrows move it, Shift+arrows move its end, Alt+arrows its start, Up/Down another person; Enter saves', async (t) => {
  if (missing || !booking) return t.skip(missing || 'no booking');
  const bar = page.locator(`[data-testid="allocation"][data-allocation-id="${booking.id}"]`);
  assert.equal(await bar.getAttribute('tabindex'), '0', 'the bar of the focused cell is in the Tab order');
  // move one day later: shown live, saved on Enter
  await page.keyboard.press('ArrowRight');
  const info = page.getByTestId('drag-info');
  await info.waitFor();
  assert.match(await info.innerText(), /3 days.*Enter saves/);
  let p = patched();
  await page.keyboard.press('Enter');
  assert.deepEqual((await p).request().postDataJSON(), { start: addDays(mon, 1), end: addDays(mon, 3) });
  await eventually(async () => (await bar.getAttribute('data-start')) === addDays(mon, 1), 'moved on screen');
  assert.equal((await active()).id, booking.id, 'focus stays on the bar');
  // Shift+Right twice: two days longer
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  p = patched();
  await page.keyboard.press('Enter');
  assert.deepEqual((await p).request().postDataJSON(), { end: addDays(mon, 5) });
  // Alt+Right: starts a day later
  await page.keyboard.press('Alt+ArrowRight');
  p = patched();
  await page.keyboard.press('Enter');
  assert.deepEqual((await p).request().postDataJSON(), { start: addDays(mon, 2) });
  // Down: to Ben
  await page.keyboard.press('ArrowDown');
  p = patched();
  await page.keyboard.press('Enter');
  assert.deepEqual((await p).request().postDataJSON(), { person_id: ben.id });
  await page.locator(`[data-testid="timeline-row"][data-person-id="${ben.id}"] [data-allocation-id="${booking.id}"]`).waitFor();
  await eventually(async () => (await active()).id === booking.id, 'focus follows the bar to its new row');
  // Escape drops a move not saved
  await page.keyboard.press('ArrowLeft');
  await info.waitFor();
  await page.keyboard.press('Escape');
  await info.waitFor({ state: 'detached' });
  const saved = await api('GET', `/allocations/${booking.id}`);
  assert.deepEqual([saved.person_id, saved.start, saved.end], [ben.id, addDays(mon, 2), addDays(mon, 5)]);
  // Enter without a change opens the booking; closing it returns to the grid
  await page.keyboard.press('Enter');
  await page.getByTestId('allocation-dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('allocation-dialog').waitFor({ state: 'detached' });
  await eventually(async () => (await active()).testid === 'timeline-grid', 'focus back on the grid');
  // and Tab from the grid reaches the bar of the focused cell again
  await page.keyboard.press('Tab');
  assert.equal((await active()).id, booking.id);
  assert.deepEqual(errors, []);
});
