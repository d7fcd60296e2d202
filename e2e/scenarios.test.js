// Scenarios in the browser: fork from the switcher beside the team name, see
// the banner, see the scenario's booking on the timeline (and not on live),
// undo inside the scenario with Ctrl+Z, compare with live, and merge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, hasRoute } from './harness.js';

let server, browser, page;
const errors = [];
let missing = null;
const mon = nextMonday();

const bar = (id) => page.locator(`[data-testid="allocation"][data-allocation-id="${id}"]`);

/** fetch inside the page, with its session: {status, body}. */
function api(method, path, body, headers = {}) {
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

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  if (!(await hasRoute(server.base, '/api/v1/scenarios'))) missing = 'the server has no /api/v1/scenarios yet';
  if (missing) return;
  page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Ada Owner', email: 'ada.scenarios@example.com' });
});
after(async () => { await browser?.close(); await server?.stop(); });

test('a scenario is forked, edited apart from live, compared and merged from the browser', async (t) => {
  if (missing) return t.skip(missing);
  const person = (await api('POST', '/people', { name: 'Ben Okafor' })).body;
  const project = (await api('POST', '/prj', { name: 'Bank' })).body;
  await page.goto(server.base + '/schedule');

  // Fork beside the team name: the banner says where you are.
  await page.getByTestId('scenario-name').fill('Win the bank');
  await page.getByTestId('scenario-create').click();
  const banner = page.getByTestId('scenario-banner');
  await banner.waitFor();
  assert.match(await banner.textContent(), /Win the bank/);
  const scenario = await page.evaluate(() => window.__kronuz.model.scenario.id);

  // A booking made in the scenario shows on the timeline while in it...
  const made = await api('POST', '/allocations', { person_id: person.id, project_id: project.id, start: mon, end: addDays(mon, 4), hours_per_day: 8 }, { 'Kronuz-Scenario': scenario });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const booking = made.body.id;
  await page.getByTestId('scenario-leave').click();
  await page.waitForFunction(() => window.__kronuz.model.scenario === null);
  assert.equal(await page.getByTestId('scenario-banner').count(), 0);
  await page.getByTestId('scenario-switcher').selectOption(scenario);
  await bar(booking).waitFor();

  // ...Ctrl+Z there undoes it in the scenario only, and Ctrl+Shift+Z brings it back.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await bar(booking).waitFor({ state: 'detached' });
  await page.keyboard.press('Control+Shift+z');
  await bar(booking).waitFor();
  assert.equal((await api('GET', '/allocations')).body.length, 0, 'live has no booking');

  // Back on live, the bar is gone.
  await page.getByTestId('scenario-leave').click();
  await bar(booking).waitFor({ state: 'detached' });

  // Compare from inside the scenario, then merge.
  await page.getByTestId('scenario-switcher').selectOption(scenario);
  await page.getByTestId('scenario-compare').click();
  const summary = page.getByTestId('compare-summary');
  await summary.waitFor();
  assert.match(await summary.textContent(), /1 booking\(s\) added/);
  await page.locator(`[data-testid="compare-person"][data-person-id="${person.id}"] td.delta.up`).first().waitFor();
  await page.getByTestId('scenario-merge').click();
  await page.getByTestId('compare-view').waitFor({ state: 'detached' });
  await page.waitForFunction(() => window.__kronuz.model.scenario === null);
  await bar(booking).waitFor();
  const live = (await api('GET', '/allocations')).body;
  assert.deepEqual(live.map((a) => a.id), [booking]);
  const list = (await api('GET', '/scenarios')).body;
  assert.equal(list[0].status, 'merged');
  assert.deepEqual(errors, []);
});

test('the compare view draws live and scenario bars in one row per person, marked for the eye and the screen reader', async (t) => {
  if (missing) return t.skip(missing);
  const cleo = (await api('POST', '/people', { name: 'Cleo Marsh' })).body;
  const atlas = (await api('POST', '/prj', { name: 'Atlas' })).body;
  const book = (start, hours, headers = {}) => api('POST', '/allocations', { person_id: cleo.id, project_id: atlas.id, start, end: addDays(start, 4), hours_per_day: hours }, headers);
  const moved = (await book(mon, 8)).body; // changed in the scenario: 8 → 4 h a day
  const kept = (await book(addDays(mon, 7), 4)).body; // the same on both sides
  const dropped = (await book(addDays(mon, 14), 4)).body; // removed in the scenario
  const sc = (await api('POST', '/scenarios', { name: 'Cleo part-time' })).body;
  const inScenario = { 'Kronuz-Scenario': sc.id };
  assert.equal((await api('PATCH', `/allocations/${moved.id}`, { hours_per_day: 4 }, inScenario)).status, 200);
  assert.equal((await api('DELETE', `/allocations/${dropped.id}`, undefined, inScenario)).status, 204);
  const added = (await book(addDays(mon, 21), 2, inScenario)).body;

  await page.goto(server.base + '/schedule');
  await page.getByTestId('scenario-switcher').selectOption(sc.id);
  await page.getByTestId('scenario-banner').waitFor();
  await page.getByTestId('scenario-compare').click();
  const row = page.locator(`[data-testid="compare-row"][data-person-id="${cleo.id}"]`);
  await row.waitFor();
  const sideBars = (side) => row.locator(`[data-testid="compare-bar"][data-side="${side}"]`);
  await sideBars('live').first().waitFor();
  await sideBars('scenario').first().waitFor();
  const changes = (side) => sideBars(side).evaluateAll((bars) => Object.fromEntries(bars.map((b) => [b.dataset.allocationId, b.dataset.change])));
  assert.deepEqual(await changes('live'), { [moved.id]: 'changed', [kept.id]: 'same', [dropped.id]: 'removed' });
  assert.deepEqual(await changes('scenario'), { [moved.id]: 'changed', [kept.id]: 'same', [added.id]: 'added' });

  // the same booking sits at the same place on both lanes of the row
  const box = async (side, id) => row.locator(`[data-testid="compare-bar"][data-side="${side}"][data-allocation-id="${id}"]`).boundingBox();
  const [l, s] = [await box('live', kept.id), await box('scenario', kept.id)];
  assert.ok(Math.abs(l.x - s.x) < 1 && Math.abs(l.width - s.width) < 1, 'unchanged bars line up');
  assert.ok(s.y > l.y, 'the scenario lane is under the live one');

  // a screen reader hears which side each bar is on and what changed
  const scenarioList = page.getByRole('list', { name: 'Scenario bookings of Cleo Marsh' });
  assert.match(await scenarioList.getByRole('listitem').filter({ hasText: 'added in the scenario' }).innerText(), /Atlas/);
  assert.match(await page.getByRole('list', { name: 'Live bookings of Cleo Marsh' }).getByRole('listitem').filter({ hasText: 'removed in the scenario' }).textContent(), /4 hours a day/);

  // utilisation deltas in colour, with the direction in words
  const cell = page.locator(`[data-testid="compare-person"][data-person-id="${cleo.id}"] td.delta.down`).first();
  await cell.waitFor();
  assert.match(await cell.textContent(), /\(down\)/);
  const bg = await cell.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(bg, 'rgba(0, 0, 0, 0)');
  if (process.env.KRONUZ_E2E_SCREENSHOT) await page.screenshot({ path: process.env.KRONUZ_E2E_SCREENSHOT });
  await page.getByTestId('compare-close').click();
  await page.getByTestId('scenario-leave').click();
  await page.waitForFunction(() => window.__kronuz.model.scenario === null);
  assert.deepEqual(errors, []);
});
