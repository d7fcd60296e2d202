// Booking on a busy row: dragging across days that hold a bar, in the row's
// free lane, books again (it does not move the bar); the dates and hours show
// while dragging and resizing; a booking can be duplicated, split at a day,
// repeated weekly (each one change that one undo reverts), and copied with Alt+drag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, cellCentre, hasRoute, eventually, pageApi } from './harness.js';

let server, browser, page, person, project, booking;
const errors = [];
let missing = null;
const mon = nextMonday();

const api = (method, path, body) => pageApi(page, method, path, body);
const bookingsOf = async (id) => (await api('GET', `/allocations?person_id=${id}`)).map((a) => [a.start, a.end, a.hours_per_day]).sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1]));

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (!(await hasRoute(server.base, '/api/v1/allocations'))) { missing = 'the server has no /api/v1/allocations yet'; return; }
  page = await newPage(browser, errors);
  await signUp(page, server.base);
  project = await api('POST', '/prj', { name: 'Apollo', color: '#4a65e8' });
  person = await api('POST', '/people', { name: 'Grace Hopper', role: 'Developer' });
  booking = await api('POST', '/allocations', { person_id: person.id, project_id: project.id, start: mon, end: addDays(mon, 4), hours_per_day: 4 });
  await page.reload();
  await page.locator(`[data-allocation-id="${booking.id}"]`).waitFor();
});
after(async () => { await browser?.close(); await server?.stop(); });

const row = () => page.locator(`[data-testid="timeline-row"][data-person-id="${person.id}"]`);
const barsOf = () => row().locator('[data-testid="allocation"]');

test('dragging across days that hold a bar, in the free lane below it, books again; the dates and hours show as it goes', async (t) => {
  if (missing) return t.skip(missing);
  const patches = [];
  page.on('request', (r) => { if (r.method() === 'PATCH') patches.push(r.url()); });
  const rowBox = await row().boundingBox();
  const barBox = await page.locator(`[data-allocation-id="${booking.id}"]`).boundingBox();
  const tue = await cellCentre(page, person.id, addDays(mon, 1));
  const thu = await cellCentre(page, person.id, addDays(mon, 3));
  // the free lane: below the bar, above the row's end, and tall enough to aim at
  const y = barBox.y + barBox.height + (rowBox.y + rowBox.height - barBox.y - barBox.height) / 2;
  assert.ok(rowBox.y + rowBox.height - (barBox.y + barBox.height) >= 20, 'a free lane of 20 px or more under the bar');
  await page.mouse.move(tue.x, y);
  await page.mouse.down();
  await page.mouse.move(thu.x, y, { steps: 6 });
  const info = page.getByTestId('drag-info');
  await info.waitFor();
  const text = await info.innerText();
  assert.match(text, /3 days/);
  assert.match(text, new RegExp(`${+addDays(mon, 1).slice(8)} .*${+addDays(mon, 3).slice(8)}`));
  assert.match(text, /h\/d · \d+(\.\d+)?h/, `hours in "${text}"`);
  await page.mouse.up();
  const dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel('Start').inputValue(), addDays(mon, 1));
  assert.equal(await dlg.getByLabel('End').inputValue(), addDays(mon, 3));
  await dlg.getByLabel('Hours per day').fill('2');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  assert.equal((await created).status(), 201);
  assert.deepEqual(patches, [], 'nothing was moved');
  await eventually(async () => (await barsOf().count()) === 2, 'two bars on the row');
  const tops = await barsOf().evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
  assert.notEqual(tops[0], tops[1], 'the new booking has its own lane');
  assert.deepEqual(await bookingsOf(person.id), [[mon, addDays(mon, 4), 4], [addDays(mon, 1), addDays(mon, 3), 2]]);
  // the row grew a lane: there is still a free one under both
  const rb = await row().boundingBox();
  const lowest = Math.max(...(await barsOf().evaluateAll((els) => els.map((e) => e.getBoundingClientRect().bottom))));
  assert.ok(rb.y + rb.height - lowest >= 20, 'a free lane under the new bar too');
  assert.deepEqual(errors, []);
});

test('resizing shows the new dates before the drop', async (t) => {
  if (missing) return t.skip(missing);
  const bar = page.locator(`[data-allocation-id="${booking.id}"]`);
  const b = await bar.boundingBox();
  const day = (await cellCentre(page, person.id, mon)).w;
  await page.mouse.move(b.x + b.width - 3, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width - 3 + 2 * day, b.y + b.height / 2, { steps: 6 });
  const text = await page.getByTestId('drag-info').innerText();
  assert.match(text, /7 days/, text);
  assert.ok(text.includes(`${+addDays(mon, 6).slice(8)} `), `ends ${addDays(mon, 6)}: ${text}`);
  assert.match(text, /4h\/d/);
  await page.keyboard.press('Escape');
  await page.mouse.up();
  await page.getByTestId('drag-info').waitFor({ state: 'detached' });
  assert.deepEqual(await bookingsOf(person.id), [[mon, addDays(mon, 4), 4], [addDays(mon, 1), addDays(mon, 3), 2]], 'Escape changed nothing');
});

test('a booking can be duplicated, split at a day and repeated weekly from its dialog', async (t) => {
  if (missing) return t.skip(missing);
  const open = async () => {
    await page.locator(`[data-allocation-id="${booking.id}"]`).click();
    const dlg = page.getByTestId('allocation-dialog');
    await dlg.waitFor();
    return dlg;
  };
  // duplicate: the same booking once more
  let dlg = await open();
  let posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST');
  await dlg.getByTestId('duplicate-allocation').click();
  assert.equal((await posted).status(), 201);
  await dlg.waitFor({ state: 'detached' });
  await eventually(async () => (await barsOf().count()) === 3, 'the copy is drawn');
  assert.deepEqual(await bookingsOf(person.id), [[mon, addDays(mon, 4), 4], [mon, addDays(mon, 4), 4], [addDays(mon, 1), addDays(mon, 3), 2]]);
  const copy = (await api('GET', `/allocations?person_id=${person.id}`)).find((a) => a.id !== booking.id && a.start === mon);
  await api('DELETE', `/allocations/${copy.id}`);
  await eventually(async () => (await barsOf().count()) === 2, 'the copy is gone');

  // split at Wednesday: Mon-Tue and Wed-Fri
  dlg = await open();
  assert.equal(await dlg.getByLabel('Split at').inputValue(), addDays(mon, 2), 'the middle day is offered');
  await dlg.getByLabel('Split at').fill(addDays(mon, 5));
  await dlg.getByTestId('split-allocation').click();
  await dlg.getByTestId('form-error').waitFor();
  assert.match(await dlg.getByTestId('form-error').innerText(), /no later than/);
  await dlg.getByLabel('Split at').fill(addDays(mon, 2));
  // one request, one change on the server
  const sent = [];
  const count = (r) => { if (r.url().includes('/api/v1/allocations') && ['POST', 'PATCH'].includes(r.method())) sent.push(`${r.method()} ${new URL(r.url()).pathname}`); };
  page.on('request', count);
  posted = page.waitForResponse((r) => r.url().endsWith('/split') && r.request().method() === 'POST');
  await dlg.getByTestId('split-allocation').click();
  assert.equal((await posted).status(), 201);
  await dlg.waitFor({ state: 'detached' });
  const split = [[mon, addDays(mon, 1), 4], [addDays(mon, 1), addDays(mon, 3), 2], [addDays(mon, 2), addDays(mon, 4), 4]];
  assert.deepEqual(await bookingsOf(person.id), split);
  await eventually(async () => (await barsOf().count()) === 3, 'both parts are drawn');
  assert.deepEqual(sent, [`POST /api/v1/allocations/${booking.id}/split`]);
  // one undo puts the whole booking back; one redo splits it again
  await page.getByTestId('toast').filter({ hasText: 'Booking split' }).getByTestId('toast-action').click();
  await eventually(async () => (await barsOf().count()) === 2, 'one undo joins the parts');
  assert.deepEqual(await bookingsOf(person.id), [[mon, addDays(mon, 4), 4], [addDays(mon, 1), addDays(mon, 3), 2]]);
  await page.locator(`[data-allocation-id="${booking.id}"]`).focus();
  await page.keyboard.press('Control+Shift+Z');
  await eventually(async () => (await barsOf().count()) === 3, 'one redo splits it again');
  assert.deepEqual(await bookingsOf(person.id), split);

  // repeat Mon-Tue weekly for 3 weeks: one request, one undo
  sent.length = 0;
  dlg = await open();
  await dlg.getByLabel('Weeks').fill('3');
  posted = page.waitForResponse((r) => r.url().endsWith('/repeat') && r.request().method() === 'POST');
  await dlg.getByTestId('repeat-allocation').click();
  assert.equal((await posted).status(), 201);
  await page.getByTestId('toast').filter({ hasText: 'Repeated weekly: 3 bookings added' }).waitFor();
  assert.deepEqual(sent, [`POST /api/v1/allocations/${booking.id}/repeat`]);
  const all = await bookingsOf(person.id);
  for (const k of [1, 2, 3]) assert.ok(all.some(([s, e, h]) => s === addDays(mon, 7 * k) && e === addDays(mon, 7 * k + 1) && h === 4), `week ${k}`);
  await page.locator(`[data-allocation-id="${booking.id}"]`).focus();
  await page.keyboard.press('Control+z');
  await eventually(async () => (await bookingsOf(person.id)).length === 3, 'one undo removes every copy');
  assert.deepEqual(await bookingsOf(person.id), split);
  page.off('request', count);
  assert.deepEqual(errors, []);
});

test('Alt+drag copies a booking to where it is dropped', async (t) => {
  if (missing) return t.skip(missing);
  const bar = page.locator(`[data-allocation-id="${booking.id}"]`);
  const b = await bar.boundingBox();
  const from = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  const day = (await cellCentre(page, person.id, mon)).w;
  const before = (await bookingsOf(person.id)).length;
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/allocations') && r.request().method() === 'POST');
  await page.keyboard.down('Alt');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 3 * day, from.y, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up('Alt');
  assert.equal((await posted).status(), 201);
  const all = await bookingsOf(person.id);
  assert.equal(all.length, before + 1);
  assert.ok(all.some(([s, e]) => s === mon && e === addDays(mon, 1)), 'the original stays');
  assert.ok(all.some(([s, e]) => s === addDays(mon, 3) && e === addDays(mon, 4)), 'the copy is three days later');
  assert.deepEqual(errors, []);
});
