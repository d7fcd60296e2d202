// Accessibility of the timeline in both densities, with its new controls (a
// bar in focus, a day range selected, a booking's split and repeat), and of
// the phone's agenda with its filters open: axe-core against WCAG 2.0/2.1 A
// and AA, no critical or serious violation (as in a11y.test.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signUp, hasRoute, axeBlocking } from './harness.js';
import { seedFirm } from './timeline-fixture.js';


let server, browser;
const errors = [];
const found = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (!(await hasRoute(server.base, '/api/v1/allocations'))) missing = 'the server has no /api/v1/allocations yet';
});
after(async () => { await browser?.close(); await server?.stop(); });

async function check(page, where, within = null) {
  for (const v of await axeBlocking(page, within)) {
    found.push(`${where}: ${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target}\n      ${n.summary}`).join('\n')}`);
  }
}

test('the timeline in both densities, each zoom, with a bar in focus and a range selected; the phone agenda', async (t) => {
  if (missing) return t.skip(missing);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await signUp(page, server.base);
  await seedFirm(page, { people: 30 });
  await page.reload();
  await page.locator('[data-testid="allocation"]').first().waitFor();
  for (const density of ['comfortable', 'compact']) {
    await page.getByTestId('density-' + density).click();
    for (const zoom of ['week', 'day', 'month']) {
      await page.getByTestId('zoom-' + zoom).click();
      await check(page, `timeline, ${density}, ${zoom}`);
    }
    await page.getByTestId('zoom-week').click();
    // keyboard: a range of days, then the bar of a cell in focus, moved
    await page.getByTestId('timeline-grid').focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.getByTestId('selection').waitFor();
    await check(page, `timeline, ${density}, days selected`);
    await page.keyboard.press('ArrowLeft');
    const bar = page.locator('[data-testid="allocation"][tabindex="0"]');
    if (await bar.count()) {
      await bar.first().focus();
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('drag-info').waitFor();
      await check(page, `timeline, ${density}, a bar moved with the keys`);
      await page.keyboard.press('Escape');
    }
  }
  // a booking's dialog with split and repeat
  await page.locator('[data-testid="allocation"]').nth(3).click();
  await page.getByTestId('allocation-dialog').waitFor();
  await check(page, 'booking dialog with split and repeat', '[role="dialog"]');
  await page.keyboard.press('Escape');

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, storageState: await context.storageState() });
  const p2 = await phone.newPage();
  p2.on('pageerror', (e) => errors.push(e.message));
  await p2.goto(server.base + '/schedule');
  await p2.getByTestId('agenda-booking').first().waitFor();
  await check(p2, 'phone agenda');
  await p2.getByTestId('filters-toggle').click();
  await p2.getByTestId('schedule-filters').waitFor();
  await check(p2, 'phone agenda, filters open');
  await p2.getByTestId('agenda-booking').first().click();
  await p2.getByTestId('allocation-dialog').waitFor();
  await check(p2, 'phone: a booking', '[role="dialog"]');
  assert.deepEqual(found, [], '\n' + found.join('\n'));
  assert.deepEqual(errors, []);
});
