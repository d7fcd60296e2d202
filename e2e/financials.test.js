// The Financials page: revenue per month from the booked hours and the rate
// card, the pipeline weighted by probability, each budget's burn and the day
// it runs out; money on the project page; a member sees none of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays } from './harness.js';

let server, browser;
const errors = [];
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** A JSON API call in the page's session; asserts the status. */
async function api(page, method, p, body, status = 200) {
  const r = await page.request.fetch(server.base + '/api/v1' + p, { method, data: body, headers: { 'content-type': 'application/json', origin: server.base } });
  assert.equal(r.status(), status, `${method} ${p}: ${await r.text()}`);
  return r.status() === 204 ? null : r.json();
}

const longDate = (s) => {
  const M = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${+s.slice(8, 10)} ${M[+s.slice(5, 7) - 1]} ${s.slice(0, 4)}`;
};

test('financials: revenue by month three ways, budget burn, the rate card; a member sees no money', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Owen Owner', email: `owen${Date.now()}@example.com` });
  await api(page, 'PATCH', '/team', { currency: 'EUR' });
  await api(page, 'PUT', '/team/rates', { roles: { Developer: { cost_rate: 60, bill_rate: 120 } } });
  const ann = await api(page, 'POST', '/people', { name: 'Ann Archer', role: 'Developer', cost_rate: 70, bill_rate: 150 }, 201);
  const time = await api(page, 'POST', '/prj', { name: 'Atlas rebuild', status: 'active', budget_amount: 5000 }, 201);
  const fee = await api(page, 'POST', '/prj', { name: 'Beacon pitch', status: 'proposal', billing: 'fixed_fee', fee: 3000 }, 201);
  const mon = nextMonday();
  const fri = addDays(mon, 4);
  await api(page, 'POST', '/allocations', { project_id: time.id, person_id: ann.id, start: mon, end: fri, hours_per_day: 8 }, 201);
  await api(page, 'POST', '/allocations', { project_id: fee.id, placeholder_role: 'Developer', start: mon, end: fri, hours_per_day: 4, tentative: true }, 201);

  // Ann: 40 h × 150 = 6,000 confirmed; the fee: 3,000 tentative, 1,500 weighted (50 %).
  const loaded = page.waitForResponse((r) => r.url().includes('/api/v1/reports/financials'));
  await page.getByTestId('nav-financials').click();
  assert.equal((await loaded).status(), 200);
  await page.getByTestId('financials-chart').waitFor();
  assert.equal(await page.getByTestId('financials-month').count(), 12);
  assert.equal(await page.getByTestId('fin-confirmed').locator('.stat-v').innerText(), '€6,000.00');
  assert.equal(await page.getByTestId('fin-tentative').locator('.stat-v').innerText(), '€3,000.00');
  assert.equal(await page.getByTestId('fin-weighted').locator('.stat-v').innerText(), '€7,500.00');
  // cost: 40 × 70 + 20 × 60 × 50 % = 3,400; margin 4,100
  assert.equal(await page.getByTestId('fin-margin').locator('.stat-v').innerText(), '€4,100.00');
  const row = page.getByTestId('financials-row').filter({ hasText: 'Atlas rebuild' });
  // 1,200 a day: the 5,000 budget is passed on Friday
  assert.equal(await row.getByTestId('runs-out').innerText(), longDate(fri));
  assert.match(await row.locator('.burn-l').innerText(), /120%/);
  const svg = page.getByTestId('financials-chart').locator('svg');
  assert.match(await svg.getAttribute('aria-label'), /Revenue per month in EUR/);
  assert.equal(await page.locator('.margin-line').count(), 1);
  await page.screenshot({ path: path.join(os.tmpdir(), 'kronuz-financials.png'), fullPage: true });

  // by week: the same money over the weeks of the same twelve months
  const weekly = page.waitForResponse((r) => r.url().includes('/api/v1/reports/financials') && r.url().includes('interval=week'));
  await page.getByTestId('fin-interval-week').click();
  assert.equal((await weekly).status(), 200);
  await page.getByTestId('financials-week').first().waitFor();
  assert.ok(await page.getByTestId('financials-week').count() >= 52);
  assert.equal(await page.getByTestId('financials-month').count(), 0);
  assert.equal(await page.getByTestId('fin-interval-week').getAttribute('aria-pressed'), 'true');
  assert.match(await svg.getAttribute('aria-label'), /Revenue per week in EUR/);
  assert.equal(await page.getByTestId('fin-confirmed').locator('.stat-v').innerText(), '€6,000.00');
  assert.match(await page.getByTestId('csv-financials').getAttribute('href'), /interval=week/);
  await page.screenshot({ path: path.join(os.tmpdir(), 'kronuz-financials-weekly.png'), fullPage: true });
  await page.getByTestId('fin-interval-month').click();
  await page.getByTestId('financials-month').first().waitFor();

  // money on the project page
  await row.getByRole('link', { name: 'Atlas rebuild' }).click();
  await page.getByTestId('project-money').waitFor();
  assert.equal(await page.getByTestId('money-revenue').locator('.stat-v').innerText(), '€6,000.00');
  assert.equal(await page.getByTestId('money-runs-out').locator('.stat-v').innerText(), longDate(fri));
  await page.screenshot({ path: path.join(os.tmpdir(), 'kronuz-project-money.png'), fullPage: true });

  // the project's own rate for Ann: 40 h × 200 = 8,000
  const overrides = page.getByTestId('rate-overrides');
  await overrides.getByTestId('rate-override-add').click();
  await overrides.getByLabel('Who rate 1 is for').selectOption({ label: 'Ann Archer (Developer)' });
  await overrides.getByLabel('Bill rate for Ann Archer (Developer)').fill('200');
  const patched = page.waitForResponse((r) => r.url().endsWith('/api/v1/prj/' + time.id) && r.request().method() === 'PATCH');
  await overrides.getByTestId('rate-overrides-save').click();
  const pr = await patched;
  assert.equal(pr.status(), 200, await pr.text());
  assert.deepEqual((await pr.json()).rate_overrides, [{ person_id: ann.id, bill_rate: 200 }]);
  await page.getByTestId('money-revenue').locator('.stat-v').filter({ hasText: '€8,000.00' }).waitFor();
  // a rate without whom it is for is refused before it is sent
  await overrides.getByTestId('rate-override-add').click();
  await overrides.getByLabel('Bill rate for rate 2').fill('50');
  await overrides.getByTestId('rate-overrides-save').click();
  assert.match(await overrides.getByTestId('rate-override-error').innerText(), /Choose who/);
  await overrides.getByRole('button', { name: 'Cancel' }).click();
  await overrides.getByTestId('rate-override').nth(1).waitFor({ state: 'detached' });
  assert.equal(await overrides.getByTestId('rate-override').count(), 1);
  await page.screenshot({ path: path.join(os.tmpdir(), 'kronuz-project-rates.png'), fullPage: true });

  // the rate card on the team page
  await page.getByTestId('nav-team').click();
  const card = page.getByTestId('rate-card');
  await card.waitFor();
  assert.equal(await card.getByTestId('currency').inputValue(), 'EUR');
  await card.getByLabel('Bill rate of Developer').fill('130');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/team/rates') && r.request().method() === 'PUT');
  await card.getByTestId('rates-save').click();
  const r = await saved;
  assert.equal(r.status(), 200);
  assert.equal((await r.json()).roles.Developer.bill_rate, 130);
  await page.screenshot({ path: path.join(os.tmpdir(), 'kronuz-rate-card.png'), fullPage: true });

  // a member: no Financials link, no money on the project page, no rates anywhere
  const invite = await api(page, 'POST', '/team/invites', { email: 'mia@example.com', role: 'member' }, 201);
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const mia = await ctx.newPage();
  mia.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await mia.goto(server.base + '/signup?invite=' + encodeURIComponent(invite.token));
  await mia.getByLabel('Name').fill('Mia Member');
  await mia.getByLabel('Email').fill('mia@example.com');
  await mia.getByLabel('Password').fill('correct horse battery');
  await mia.getByRole('button', { name: 'Sign up' }).click();
  await mia.getByTestId('nav-schedule').waitFor();
  await mia.getByTestId('nav-team').click();
  await mia.getByRole('cell', { name: 'mia@example.com' }).waitFor();
  assert.equal(await mia.getByTestId('nav-financials').count(), 0);
  assert.equal(await mia.getByTestId('rate-card').count(), 0);
  await mia.goto(server.base + '/financials');
  await mia.getByText('Only owners and managers see rates and money.').waitFor();
  await mia.goto(server.base + '/projects/' + time.id);
  await mia.getByRole('heading', { name: 'Atlas rebuild' }).waitFor();
  assert.equal(await mia.getByTestId('project-money').count(), 0);
  assert.equal(await mia.getByTestId('rate-overrides').count(), 0);
  const people = await (await mia.request.get(server.base + '/api/v1/people')).json();
  assert.equal(people[0].name, 'Ann Archer');
  assert.equal(people[0].bill_rate, undefined);
  await ctx.close();

  assert.deepEqual(errors, []);
  await page.context().close();
});
