// The timeline of a 60-person firm: the compact density (25 people or more at
// 1440x900, remembered per login), zoom that keeps the date in view, the day
// scale's week labels clear of each other, weekday letters in the week scale,
// and bar labels at the month scale that are never a letter or two.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, signUp, hasRoute, eventually, expectAttr, repoRoot } from './harness.js';
import { seedFirm } from './timeline-fixture.js';

// KRONUZ_E2E_SCREENSHOTS=DIR saves the compact timeline as DIR/timeline-compact-60.png
const SHOTS = process.env.KRONUZ_E2E_SCREENSHOTS || null;

let server, browser, context, page, firm;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (!(await hasRoute(server.base, '/api/v1/allocations'))) { missing = 'the server has no /api/v1/allocations yet'; return; }
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.setDefaultTimeout(10_000);
  await signUp(page, server.base);
  firm = await seedFirm(page, { people: 60 });
  await page.reload();
  await page.locator('[data-testid="allocation"]').first().waitFor();
});
after(async () => { await browser?.close(); await server?.stop(); });

const grid = () => page.getByTestId('timeline-grid');
const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** People whose whole row is in view below the header. */
const rowsInView = () => page.evaluate(() => {
  const g = document.querySelector('[data-testid="timeline-grid"]').getBoundingClientRect();
  const top = g.top + 52;
  return [...document.querySelectorAll('[data-testid="timeline-row"][data-person-id]')]
    .map((r) => r.getBoundingClientRect()).filter((b) => b.top >= top - 1 && b.bottom <= g.bottom + 1).length;
});

/** The first day whose column is wholly in view, right of the people column. */
const leftDate = () => page.evaluate(() => {
  const g = document.querySelector('[data-testid="timeline-grid"]').getBoundingClientRect();
  const heads = [...document.querySelectorAll('[data-testid="day-header"]')].map((e) => [e.getAttribute('data-date'), e.getBoundingClientRect()]);
  const inView = heads.filter(([, b]) => b.left >= g.left + 264 - 1).sort((a, b) => a[1].left - b[1].left);
  return inView[0][0];
});
const daysBetween = (a, b) => Math.round((Date.parse(b) - Date.parse(a)) / 86400000);

test('compact density shows 25 people or more at 1440x900, and each login keeps its own', async (t) => {
  if (missing) return t.skip(missing);
  assert.equal(await page.getByTestId('density-comfortable').getAttribute('aria-pressed'), 'true', 'comfortable by default');
  const comfortable = await rowsInView();
  assert.ok(comfortable < 25, `comfortable shows fewer (${comfortable})`);
  await page.getByTestId('density-compact').click();
  await expectAttr(page.getByTestId('density-compact'), 'aria-pressed', 'true');
  let compact = 0;
  await eventually(async () => (compact = await rowsInView()) >= 25, 'at least 25 people in view in compact')
    .catch(async (e) => {
      const grid = await page.evaluate(() => { const g = document.querySelector('[data-testid="timeline-grid"]'); const b = g.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, scrollTop: g.scrollTop }; });
      throw new Error(`${e.message}: ${compact} whole rows in view, the grid at ${JSON.stringify(grid)}`);
    });
  // bars stay readable: their text is at least 10 px
  const font = await page.locator('[data-testid="allocation"]').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(font >= 10, `bar text ${font}px`);
  if (SHOTS) { fs.mkdirSync(path.resolve(repoRoot, SHOTS), { recursive: true }); await frame(); await page.screenshot({ path: path.resolve(repoRoot, SHOTS, 'timeline-compact-60.png') }); }

  // remembered for this login after a reload
  await page.reload();
  await page.locator('[data-testid="allocation"]').first().waitFor();
  await eventually(async () => (await page.getByTestId('density-compact').getAttribute('aria-pressed')) === 'true', 'compact after a reload');
  assert.ok((await rowsInView()) >= 25);

  // another login in the same browser starts comfortable
  const other = await context.newPage();
  await other.context().clearCookies();
  await signUp(other, server.base, { name: 'Bea Other' });
  assert.equal(await other.getByTestId('density-comfortable').getAttribute('aria-pressed'), 'true');
  await other.close();
  // (signing up replaced this page's session cookie: log back in for the next tests)
  await context.clearCookies();
  assert.deepEqual(errors, []);
});

test('switching zoom keeps the date in view; with a focused day, that day', async (t) => {
  if (missing) return t.skip(missing);
  await page.goto(server.base + '/login');
  // the first sign-up's credentials are lost with the cookie: sign up again with the firm
  await signUp(page, server.base, { name: 'Zoe Zoom' });
  await seedFirm(page, { people: 8 });
  await page.reload();
  await page.locator('[data-testid="allocation"]').first().waitFor();
  await page.getByTestId('zoom-week').waitFor();
  const start = await leftDate();
  for (const zoom of ['day', 'month', 'week', 'day', 'week']) {
    await page.getByTestId('zoom-' + zoom).click();
    await frame(); await frame();
    const now = await leftDate();
    // the month scale shows whole weeks: the week holding the date
    const drift = daysBetween(start, now);
    assert.ok(zoom === 'month' ? drift <= 0 && drift > -7 : Math.abs(drift) <= 1, `${zoom}: the view starts ${now}, it started ${start}`);
  }
  // a focused day far right in the view stays in view when zooming in
  const g = await grid().boundingBox();
  await page.mouse.click(g.x + g.width - 60, g.y + 52 + 20);
  await page.keyboard.press('Escape');
  const focused = await page.evaluate(() => window.__kronuz.model.sched.focus.day);
  await page.getByTestId('zoom-day').click();
  await frame(); await frame();
  const cell = page.locator(`[data-testid="day-header"][data-date="${await page.evaluate((d) => new Date(d * 86400000).toISOString().slice(0, 10), focused)}"]`);
  const b = await cell.boundingBox();
  assert.ok(b && b.x >= g.x + 264 - 1 && b.x + b.width <= g.x + g.width + 1, 'the focused day is still in view');
  await page.getByTestId('zoom-week').click();
  assert.deepEqual(errors, []);
});

test('the day scale labels each week with its dates, clear of one another; the week scale has weekday letters', async (t) => {
  if (missing) return t.skip(missing);
  await page.getByTestId('zoom-day').click();
  await frame(); await frame();
  const labels = await page.evaluate(() => [...document.querySelectorAll('.tl-head .head-week, .tl-head .head-month')].map((e) => {
    const r = document.createRange(); r.selectNodeContents(e);
    const t = r.getBoundingClientRect();
    return { text: e.textContent, left: t.left, right: t.right, top: t.top, bottom: t.bottom };
  }));
  assert.ok(labels.length >= 2, 'week labels');
  assert.ok(labels.every((l) => /^W\d+ · /.test(l.text)), labels.map((l) => l.text).join(' | '));
  assert.ok(labels.some((l) => /\d{4}$/.test(l.text)), 'the week labels name month and year');
  for (const a of labels) for (const b of labels) {
    if (a === b) continue;
    const overlap = a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom && b.top < a.bottom;
    assert.ok(!overlap, `"${a.text}" overlaps "${b.text}"`);
  }
  await page.getByTestId('zoom-week').click();
  await frame(); await frame();
  const heads = await page.locator('[data-testid="day-header"]').evaluateAll((els) => els.slice(0, 7).map((e) => [e.getAttribute('data-date'), e.innerText.replace(/\s+/g, ' ').trim()]));
  for (const [date, text] of heads) {
    const wd = 'MTWTFSS'[(new Date(date + 'T12:00:00Z').getUTCDay() + 6) % 7];
    assert.equal(text, `${wd} ${+date.slice(8)}`, `header of ${date}`);
  }
  assert.deepEqual(errors, []);
});

test('at the month scale no bar shows a cut-off letter or two: its label is beside it, or the project’s short form', async (t) => {
  if (missing) return t.skip(missing);
  await page.getByTestId('zoom-month').click();
  await frame(); await frame();
  const bars = await page.locator('[data-testid="timeline-grid"] [data-testid="allocation"]').evaluateAll((els) => els.map((e) => {
    const own = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    const out = e.querySelector('.out-label');
    const outBox = out && out.getBoundingClientRect();
    return { own, out: out ? out.textContent : null, outVisible: !!outBox && outBox.width > 20, width: e.getBoundingClientRect().width, cut: e.scrollWidth > e.clientWidth + 1, label: e.getAttribute('aria-label') };
  }));
  assert.ok(bars.length > 20);
  let beside = 0;
  for (const b of bars) {
    if (b.out) { beside++; assert.ok(b.outVisible, `the label beside ${b.label} shows`); continue; }
    if (!b.own) continue; // too narrow for any text: the tooltip and the accessible name hold it
    // either the whole "name · hours" (maybe ending in an ellipsis) or a short form that fits
    // (a label cut short keeps at least a word in view)
    assert.ok(b.cut ? b.width >= 56 : b.own.length >= 2, `bar ${b.label} (${Math.round(b.width)} px) shows "${b.own}"${b.cut ? ' cut short' : ''}`);
  }
  assert.ok(beside > 0, 'some narrow bars carry their label beside them');
  await page.getByTestId('zoom-week').click();
  assert.deepEqual(errors, []);
});
