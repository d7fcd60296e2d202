// The schedule on a phone (390x844): an agenda of one person's weeks (days,
// bookings and hours readable), the filters folded behind a button, and
// nothing wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, signUp, hasRoute, eventually, repoRoot } from './harness.js';
import { seedFirm } from './timeline-fixture.js';

// KRONUZ_E2E_SCREENSHOTS=DIR saves the agenda as DIR/phone-agenda.png
const SHOTS = process.env.KRONUZ_E2E_SCREENSHOTS || null;

let server, browser, page, firm;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (!(await hasRoute(server.base, '/api/v1/allocations'))) { missing = 'the server has no /api/v1/allocations yet'; return; }
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.setDefaultTimeout(10_000);
  await signUp(page, server.base);
  firm = await seedFirm(page, { people: 12 });
  await page.reload();
  await page.getByTestId('agenda').waitFor();
});
after(async () => { await browser?.close(); await server?.stop(); });

/** Elements that reach past the right edge of the screen (outside any sideways-scrolling strip). */
const overflowing = () => page.evaluate(() => {
  const w = document.documentElement.clientWidth;
  const scrolls = (e) => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return p.scrollWidth > p.clientWidth || o === 'hidden'; } return false; };
  const out = [...document.querySelectorAll('body *')].filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 1 && !scrolls(e); });
  return { page: document.documentElement.scrollWidth - w, main: (() => { const m = document.querySelector('.main'); return m.scrollWidth - m.clientWidth; })(), elements: out.slice(0, 5).map((e) => e.className || e.tagName) };
});

test('a phone shows the agenda of one person’s weeks: days, bookings and hours', async (t) => {
  if (missing) return t.skip(missing);
  assert.equal(await page.getByTestId('timeline-grid').count(), 0, 'no grid');
  const weeks = page.getByTestId('agenda-week');
  await weeks.nth(1).waitFor(); // the agenda first says Loading… until the bookings are in
  assert.ok((await weeks.count()) >= 2);
  const first = weeks.first();
  assert.match(await first.locator('h2').innerText(), /^Week \d+ · /);
  const days = first.getByTestId('agenda-day');
  assert.ok((await days.count()) >= 5, 'the working days of the week');
  const person = firm.people.slice().sort((a, b) => a.name.localeCompare(b.name))[0];
  assert.equal(await page.getByLabel('Person').inputValue(), 'p:' + person.id, 'the first person, as on the timeline');
  // this week holds bookings of the firm's first person
  await eventually(async () => (await page.getByTestId('agenda-booking').count()) > 0, 'bookings listed');
  const booking = page.getByTestId('agenda-booking').first();
  const text = await booking.innerText();
  assert.match(text, /(Apollo|Borealis|Cobalt|Delta Bank portal|Ember|Fjord|Granite|Harbour)/);
  assert.match(text, /\d+(\.\d+)?h/);
  const size = await booking.evaluate((e) => parseFloat(getComputedStyle(e.querySelector('.agenda-meta')).fontSize));
  assert.ok(size >= 12, `readable (${size}px)`);
  assert.match(await days.first().innerText(), /\d+(\.\d+)?h of \d+(\.\d+)?h/);

  // later weeks, and another person
  const heading = await first.locator('h2').innerText();
  await page.getByRole('button', { name: 'Later weeks' }).click();
  await eventually(async () => (await weeks.first().locator('h2').innerText()) !== heading, 'later weeks');
  await page.getByRole('button', { name: 'This week' }).click();
  await eventually(async () => (await weeks.first().locator('h2').innerText()) === heading, 'back to this week');
  const other = firm.people.slice().sort((a, b) => a.name.localeCompare(b.name))[1];
  const mine = await page.getByTestId('agenda-booking').evaluateAll((els) => els.map((e) => e.getAttribute('data-allocation-id')));
  await page.getByLabel('Person').selectOption('p:' + other.id);
  await eventually(async () => {
    const theirs = await page.getByTestId('agenda-booking').evaluateAll((els) => els.map((e) => e.getAttribute('data-allocation-id')));
    return theirs.length > 0 && theirs.every((id) => !mine.includes(id));
  }, 'their bookings');

  // a booking opens in a dialog that fits the screen
  await page.getByTestId('agenda-booking').first().click();
  const dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  const box = await dlg.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 391, `dialog ${box.x}+${box.width}`);
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  if (SHOTS) {
    await page.getByLabel('Person').selectOption('p:' + person.id);
    fs.mkdirSync(path.resolve(repoRoot, SHOTS), { recursive: true });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.resolve(repoRoot, SHOTS, 'phone-agenda.png') });
  }
  assert.deepEqual(errors, []);
});

test('the filters fold behind a button, and nothing is wider than the screen', async (t) => {
  if (missing) return t.skip(missing);
  const toggle = page.getByTestId('filters-toggle');
  assert.ok(await toggle.isVisible());
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByTestId('schedule-filters').isVisible(), false, 'filters folded');
  assert.deepEqual(await overflowing(), { page: 0, main: 0, elements: [] });
  await toggle.click();
  await page.getByTestId('schedule-filters').waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.deepEqual(await overflowing(), { page: 0, main: 0, elements: [] });
  // a filter narrows the people the agenda offers
  await page.getByLabel('Search people').fill('Designer');
  await eventually(async () => (await page.getByLabel('Person').locator('option').count()) === firm.people.filter((p) => p.role === 'Designer').length, 'only designers');
  assert.equal(await toggle.innerText(), 'Filters (1)');
  await toggle.click();
  await page.getByTestId('schedule-filters').waitFor({ state: 'hidden' });
  // the other pages a phone reaches from the menu keep to the screen's width too
  await page.getByTestId('nav-schedule').click();
  assert.deepEqual(errors, []);
});
