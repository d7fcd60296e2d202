// Finding things and getting started: the schedule's search (people, roles,
// skills, projects, clients), several skills at once, who is free over a
// window; search and filters on People and Projects, the projects list; report
// filters, tentative work and the drill-down to the timeline; the first-run
// checklist and the sample team; the work-day picker and "Save and add
// another"; undoing a deleted project; the pipeline board's fixes; the skip
// link; the Projects page on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, eventually, expectAttr } from './harness.js';

let server, browser;
const errors = [];
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** A call to the API as the logged-in page. */
async function api(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const r = await fetch('/api/v1' + path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }, [method, path, body]);
}

const rowIds = (page) => page.locator('[data-testid="timeline-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-person-id')));
const sameSet = (a, b) => assert.deepEqual([...a].sort(), [...b].sort());
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

test('first run: a checklist on an empty team; a sample team loads in one click and one click removes exactly it', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Fay First' });
  const steps = page.getByTestId('first-run-step');
  await page.getByTestId('first-run').waitFor();
  const done = () => steps.evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-done')]));
  assert.deepEqual(await done(), [['people', 'false'], ['project', 'false'], ['book', 'false'], ['invite', 'false']]);

  const loading = page.waitForResponse((r) => r.url().endsWith('/api/v1/team/sample') && r.request().method() === 'POST');
  await page.getByTestId('sample-load').click();
  assert.equal((await loading).status(), 201);
  await page.getByTestId('sample-banner').waitFor();
  await eventually(async () => (await rowIds(page)).length === 6, 'the six sample people on the timeline');
  assert.deepEqual(await done(), [['people', 'false'], ['project', 'false'], ['book', 'false'], ['invite', 'false']], 'the sample does not do the team\'s steps');

  // the team's own person, added meanwhile, stays when the sample goes
  await page.getByTestId('schedule-add-person').click();
  const dlg = page.getByTestId('person-dialog');
  await dlg.getByLabel('Name').fill('Rita Real');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/people') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  const rita = await (await created).json();
  await eventually(async () => (await rowIds(page)).length === 7, 'Rita beside the sample');
  await eventually(async () => JSON.stringify(await done()) === JSON.stringify([['people', 'true'], ['project', 'false'], ['book', 'false'], ['invite', 'false']]), 'adding a person is done');

  // hiding the checklist leaves the page whole (one toolbar, one timeline)
  await page.getByTestId('first-run-hide').click();
  await page.getByTestId('first-run').waitFor({ state: 'detached' });
  await settle(page);
  assert.equal(await page.getByRole('toolbar', { name: 'Schedule controls' }).count(), 1);
  assert.equal(await page.getByTestId('timeline-grid').count(), 1);
  const removing = page.waitForResponse((r) => r.url().endsWith('/api/v1/team/sample') && r.request().method() === 'DELETE');
  await page.getByTestId('sample-remove').click();
  assert.equal((await removing).status(), 200);
  await page.getByTestId('sample-banner').waitFor({ state: 'detached' });
  await eventually(async () => JSON.stringify(await rowIds(page)) === JSON.stringify([rita.id]), 'only Rita left');
  const toast = page.getByTestId('toast').filter({ hasText: 'Removed the sample team' });
  await toast.waitFor();
  assert.equal(await toast.getByTestId('toast-action').innerText(), 'Undo');
  assert.deepEqual((await api(page, 'GET', '/people?include_archived=true')).map((p) => p.name), ['Rita Real']);
  assert.deepEqual(await api(page, 'GET', '/prj/list'), []);
  assert.deepEqual(await api(page, 'GET', '/clients?include_archived=true'), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

/** A team to search: people with skills, projects of clients, bookings this week and next. */
async function seedTeam(page) {
  const mon = nextMonday();
  const thisMon = addDays(mon, -7);
  return page.evaluate(async ([mon, thisMon]) => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); if (!r.ok) throw new Error(u + ' ' + r.status + ' ' + await r.text()); return r.json(); };
    const plus = (s, n) => { const d = new Date(s + 'T12:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
    const acme = await post('/clients', { name: 'Acme Bank' });
    const shopCo = await post('/clients', { name: 'ShopCo' });
    const bank = await post('/prj', { name: 'Bank rollout', client_id: acme.id, status: 'active', budget_hours: 300 });
    const shop = await post('/prj', { name: 'Shop redesign', client_id: shopCo.id, status: 'proposal', budget_hours: 100 });
    const pia = await post('/people', { name: 'Pia Python', role: 'Developer', skills: ['Python', 'SQL'] });
    const quinn = await post('/people', { name: 'Quinn Quick', role: 'Developer', skills: ['Python'] });
    const ravi = await post('/people', { name: 'Ravi Rust', role: 'Designer', skills: ['Rust'] });
    const sol = await post('/people', { name: 'Sol Sequel', role: 'Analyst', skills: ['Python', 'SQL'] });
    await post('/allocations', { project_id: bank.id, person_id: pia.id, start: thisMon, end: plus(thisMon, 4), hours_per_day: 6 });
    await post('/allocations', { project_id: shop.id, person_id: ravi.id, start: thisMon, end: plus(thisMon, 4), hours_per_day: 4, tentative: true });
    await post('/allocations', { project_id: shop.id, person_id: sol.id, start: mon, end: plus(mon, 4), hours_per_day: 8 });
    return { acme, shopCo, bank, shop, pia, quinn, ravi, sol, mon, thisMon };
  }, [mon, thisMon]);
}

test('schedule: one search finds people, roles, skills, projects and clients; skills combine; who is free over a window', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Sam Search' });
  const t = await seedTeam(page);
  await page.reload();
  await eventually(async () => (await rowIds(page)).length === 4, 'four people');
  const search = page.getByTestId('schedule-search');
  const expectRows = async (ids, what) => eventually(async () => JSON.stringify((await rowIds(page)).sort()) === JSON.stringify(ids.slice().sort()), what);

  await search.fill('bank rollout');
  await expectRows([t.pia.id], 'a project finds the people booked on it');
  assert.equal(await page.getByTestId('search-hint').innerText(), 'Also people booked on Bank rollout');
  await search.fill('shopco');
  await expectRows([t.ravi.id, t.sol.id], 'a client finds the people booked on its projects');
  await search.fill('analyst');
  await expectRows([t.sol.id], 'a role');
  await search.fill('rust');
  await expectRows([t.ravi.id], 'a skill');
  await search.fill('');

  // several skills: people with all of them
  await page.locator('select[name="f-skill"]').selectOption('Python');
  await expectRows([t.pia.id, t.quinn.id, t.sol.id], 'Python');
  await page.locator('select[name="f-skill"]').selectOption('SQL');
  await expectRows([t.pia.id, t.sol.id], 'Python and SQL');
  assert.equal(await page.getByTestId('skill-chip').count(), 2);

  // who is free next week with Python and SQL: Sol is booked all week
  await page.locator('select[name="f-free"]').selectOption('week');
  await page.locator('select[name="f-free-min"]').selectOption('8');
  await expectRows([t.pia.id], 'free next week');
  assert.match(await page.getByTestId('free-span').innerText(), new RegExp(String(+t.mon.slice(8, 10))));
  // any window: the week after next, Sol is free again
  await page.locator('select[name="f-free"]').selectOption('custom');
  await page.locator('input[name="f-free-from"]').fill(addDays(t.mon, 7));
  await page.locator('input[name="f-free-to"]').fill(addDays(t.mon, 11));
  await expectRows([t.pia.id, t.sol.id], 'free the week after next');
  // a chip removes its skill
  await page.getByRole('button', { name: 'Remove skill SQL' }).click();
  await expectRows([t.pia.id, t.quinn.id, t.sol.id], 'free with Python');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('people and projects: search and filters, a sortable projects list remembered per login, and a deleted project comes back with Undo', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Lia Lists' });
  const t = await seedTeam(page);
  await page.reload();
  const names = (sel) => page.locator(sel).evaluateAll((els) => els.map((e) => e.querySelector('.name, .row-title, .card-title').textContent));

  await page.getByTestId('nav-people').click();
  await page.getByTestId('person-row').first().waitFor();
  await page.getByTestId('people-search').fill('sql');
  await eventually(async () => JSON.stringify(await names('[data-testid="person-row"]')) === JSON.stringify(['Pia Python', 'Sol Sequel']), 'people with SQL');
  await page.getByTestId('people-search').fill('');
  await page.locator('select[name="people-role"]').selectOption('Developer');
  await page.locator('select[name="people-skill"]').selectOption('SQL');
  await eventually(async () => JSON.stringify(await names('[data-testid="person-row"]')) === JSON.stringify(['Pia Python']), 'developers with SQL');

  await page.getByTestId('nav-projects').click();
  await page.getByTestId('project-card').first().waitFor();
  await page.getByTestId('projects-search').fill('acme');
  await eventually(async () => JSON.stringify(await names('[data-testid="project-card"]')) === JSON.stringify(['Bank rollout']), 'a client name finds its projects');
  await page.getByTestId('projects-search').fill('');
  await page.locator('select[name="projects-status"]').selectOption('proposal');
  await eventually(async () => JSON.stringify(await names('[data-testid="project-card"]')) === JSON.stringify(['Shop redesign']), 'by status');
  await page.locator('select[name="projects-status"]').selectOption('');
  await page.locator('select[name="projects-client"]').selectOption(t.acme.id);
  await eventually(async () => JSON.stringify(await names('[data-testid="project-card"]')) === JSON.stringify(['Bank rollout']), 'by client');
  await page.locator('select[name="projects-client"]').selectOption('');

  // the list: one row per project, sorted by any column
  await page.getByTestId('projects-view-list').click();
  await page.getByTestId('projects-table').waitFor();
  assert.deepEqual(await names('[data-testid="project-row"]'), ['Bank rollout', 'Shop redesign']);
  await page.getByTestId('sort-name').click();
  await expectAttr(page.locator('th[aria-sort]'), 'aria-sort', 'descending');
  assert.deepEqual(await names('[data-testid="project-row"]'), ['Shop redesign', 'Bank rollout']);
  await page.getByTestId('sort-budget').click();
  assert.deepEqual(await names('[data-testid="project-row"]'), ['Shop redesign', 'Bank rollout'], '100h before 300h');
  await page.getByTestId('sort-hours').click();
  await page.getByTestId('sort-hours').click();
  // (once every booking is loaded: the projects page loads the timeline's whole span)
  await eventually(async () => JSON.stringify(await names('[data-testid="project-row"]')) === JSON.stringify(['Shop redesign', 'Bank rollout']), 'most scheduled first: 40h before 30h');

  // deleting a project says so and offers Undo, which brings it back with its bookings
  await page.getByRole('link', { name: 'Bank rollout' }).click();
  await page.getByRole('heading', { name: 'Bank rollout' }).waitFor();
  const deleting = page.waitForResponse((r) => r.url().endsWith('/api/v1/prj/' + t.bank.id) && r.request().method() === 'DELETE');
  await page.getByRole('button', { name: 'Delete' }).click();
  assert.equal((await deleting).status(), 204);
  const toast = page.getByTestId('toast').filter({ hasText: 'Deleted Bank rollout.' });
  await toast.waitFor();
  assert.equal(new URL(page.url()).pathname, '/projects');
  const undone = page.waitForResponse((r) => r.url().endsWith('/api/v1/activity/undo'));
  await toast.getByTestId('toast-action').click();
  assert.equal((await undone).status(), 200);
  await page.locator(`[data-testid="project-row"][data-project-id="${t.bank.id}"]`).waitFor();
  assert.equal((await api(page, 'GET', '/allocations')).filter((a) => a.project_id === t.bank.id).length, 1);

  // the list is remembered for this login: a new visit opens it again, and the board likewise
  await page.reload();
  await page.getByTestId('projects-table').waitFor();
  assert.equal(await page.getByTestId('projects-view-list').getAttribute('aria-pressed'), 'true');
  await page.getByTestId('projects-view-board').click();
  await page.reload();
  await page.getByTestId('project-card').first().waitFor();
  assert.equal(await page.getByTestId('projects-view-board').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('pipeline: a card drags by its title, unclipped; dots stay beside hours; moving to Won offers to confirm tentative bookings in one change', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Pip Pipeline' });
  const mon = nextMonday();
  const ids = await page.evaluate(async (mon) => {
    const post = async (u, b) => (await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) })).json();
    const person = await post('/people', { name: 'Tia Tentative' });
    const deal = await post('/prj', { name: 'Big deal', status: 'proposal' });
    const other = await post('/prj', { name: 'Small deal', status: 'proposal' });
    for (const [p, start] of [[deal, mon], [deal, '2030-01-07'], [other, '2030-02-04']]) await post('/allocations', { project_id: p.id, person_id: person.id, start, end: start, hours_per_day: 4, tentative: true });
    return { deal: deal.id, other: other.id };
  }, mon);
  await page.getByTestId('nav-projects').click();
  const card = page.locator(`[data-testid="project-card"][data-project-id="${ids.deal}"]`);
  await card.waitFor();

  // drag by the title link, to below the board first: the card follows the pointer, fixed to the viewport
  const title = card.locator('.card-title');
  const tb = await title.boundingBox();
  const board = await page.locator('.board').boundingBox();
  await page.mouse.move(tb.x + tb.width / 2, tb.y + tb.height / 2);
  await page.mouse.down();
  const below = { x: tb.x + tb.width / 2 + 40, y: board.y + board.height + 120 };
  await page.mouse.move(below.x, below.y, { steps: 6 });
  await expectAttr(card, 'class', 'card lifted');
  assert.equal(await card.evaluate((el) => getComputedStyle(el).position), 'fixed', 'no column or board clips it');
  const cb = await card.boundingBox();
  assert.ok(cb.y > board.y + board.height, `the card left the board (${cb.y} > ${board.y + board.height})`);
  const won = await page.locator('[data-testid="pipeline-column"][data-status="won"]').boundingBox();
  await page.mouse.move(won.x + won.width / 2, won.y + 60, { steps: 6 });
  await page.mouse.up();

  // Won: confirm its two tentative bookings, in one change
  const dlg = page.getByTestId('won-dialog');
  await dlg.waitFor();
  assert.match(await dlg.innerText(), /2 tentative bookings/);
  const patched = page.waitForResponse((r) => r.url().includes(`/api/v1/prj/${ids.deal}`) && r.request().method() === 'PATCH');
  await dlg.getByTestId('dialog-submit').click();
  const r = await patched;
  assert.equal(r.status(), 200);
  assert.match(r.url(), /confirm_tentative=true/);
  await page.locator(`[data-testid="pipeline-column"][data-status="won"] [data-project-id="${ids.deal}"]`).waitFor();
  const allocs = await api(page, 'GET', '/allocations');
  assert.deepEqual(allocs.filter((a) => a.project_id === ids.deal).map((a) => a.tentative), [false, false]);
  const activity = await api(page, 'GET', '/activity?limit=1');
  assert.match(JSON.stringify(activity), /confirmed its 2 tentative bookings/);

  // or keep them tentative: the status alone changes
  await page.locator(`[data-testid="project-card"][data-project-id="${ids.other}"] select`).selectOption('won');
  await page.getByTestId('won-dialog').waitFor();
  const patched2 = page.waitForResponse((r) => r.url().includes(`/api/v1/prj/${ids.other}`) && r.request().method() === 'PATCH');
  await page.getByTestId('won-keep').click();
  assert.doesNotMatch((await patched2).url(), /confirm_tentative/);
  assert.deepEqual((await api(page, 'GET', '/allocations')).filter((a) => a.project_id === ids.other).map((a) => a.tentative), [true]);

  // every column keeps its status dot, hours or not
  await settle(page);
  const dots = await page.locator('[data-testid="pipeline-column"] .col-head .dot').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  assert.equal(dots.length, 6);
  for (const w of dots) assert.ok(w >= 8, `a status dot ${w}px wide`);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('reports: filters on every report page, tentative work shown, a heatmap cell opens the timeline at that person and week', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Rex Reports' });
  const t = await seedTeam(page);
  await page.getByTestId('nav-reports').click();
  const heat = page.getByTestId('utilisation-heatmap');
  await heat.waitFor();
  const people = () => heat.locator('tbody th').allInnerTexts();
  await eventually(async () => (await people()).length === 4, 'everyone');

  // tentative work: its own hatched share in the heatmap, its own series in the chart
  await heat.locator('tr', { hasText: 'Ravi Rust' }).locator('.heat-tbar').first().waitFor();
  await page.getByTestId('demand-chart').waitFor();
  const tentative = await page.getByTestId('tentative-bar').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  assert.ok(tentative.some((hgt) => hgt > 0), 'a tentative bar has height');

  // filters go to the server and narrow the report
  const filtered = (name) => page.waitForResponse((r) => r.url().includes('/api/v1/reports/utilisation') && r.url().includes(name));
  let req = filtered('role=Developer');
  await page.locator('select[name="r-role"]').selectOption('Developer');
  await req;
  await eventually(async () => JSON.stringify(await people()) === JSON.stringify(['Pia Python', 'Quinn Quick']), 'developers');
  req = filtered(`project=${t.shop.id}`);
  await page.locator('select[name="r-role"]').selectOption('');
  await page.locator('select[name="r-project"]').selectOption(t.shop.id);
  await req;
  await eventually(async () => JSON.stringify(await people()) === JSON.stringify(['Ravi Rust', 'Sol Sequel']), 'people on Shop redesign');
  req = filtered(`person=${t.sol.id}`);
  await page.locator('select[name="r-person"]').selectOption(t.sol.id);
  await req;
  await eventually(async () => JSON.stringify(await people()) === JSON.stringify(['Sol Sequel']), 'Sol');
  await page.getByTestId('report-filters-clear').click();
  await eventually(async () => (await people()).length === 4, 'everyone again');
  req = filtered(`client=${t.acme.id}`);
  await page.locator('select[name="r-client"]').selectOption(t.acme.id);
  await req;
  await eventually(async () => JSON.stringify(await people()) === JSON.stringify(['Pia Python']), 'people on Acme Bank work');

  // the financials page has the same filters, sent to its report
  const money = page.waitForResponse((r) => r.url().includes('/api/v1/reports/financials') && r.url().includes(`client=${t.acme.id}`));
  await page.getByTestId('nav-financials').click();
  await page.getByTestId('report-filters').waitFor();
  assert.equal((await money).status(), 200);
  assert.equal(await page.locator('select[name="r-client"]').inputValue(), t.acme.id);

  // drill down: Sol's cell of next week opens the timeline there
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-filters-clear').click();
  const cell = page.locator(`[data-testid="heat-cell"][data-person-id="${t.sol.id}"][data-date="${t.mon}"]`);
  await cell.click();
  await page.getByTestId('timeline-grid').waitFor();
  assert.equal(new URL(page.url()).pathname, '/schedule');
  const grid = await page.getByTestId('timeline-grid').boundingBox();
  const day = page.locator(`[data-testid="timeline-row"][data-person-id="${t.sol.id}"] [data-testid="cell"][data-date="${t.mon}"]`);
  await day.waitFor();
  await eventually(async () => {
    const b = await day.boundingBox();
    return b && b.x >= grid.x && b.x + b.width <= grid.x + grid.width && b.y >= grid.y && b.y + b.height <= grid.y + grid.height;
  }, 'the week of that person is in view');
  // and the keyboard is there: the cell is ringed, the grid has focus
  await expectAttr(day, 'aria-selected', 'true');
  assert.match(await day.getAttribute('class'), /focused/);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-testid')), 'timeline-grid');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('person and project forms: a work-day picker, and "Save and add another"', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Wes Workdays' });
  await page.getByTestId('nav-people').click();
  await page.getByTestId('add-person').click();
  let dlg = page.getByTestId('person-dialog');
  await dlg.getByLabel('Name').fill('Ona Fourday');
  // Monday to Friday are on by default; Friday off, Saturday on at 5h
  await expectAttr(dlg.getByTestId('workday-fri'), 'aria-pressed', 'true');
  await dlg.getByTestId('workday-fri').click();
  await expectAttr(dlg.getByTestId('workday-fri'), 'aria-pressed', 'false');
  assert.equal(await dlg.getByLabel('Friday hours').isDisabled(), true);
  await dlg.getByTestId('workday-sat').click();
  await dlg.getByLabel('Saturday hours').fill('5');
  await dlg.getByText('37h a week').waitFor();
  let created = page.waitForResponse((r) => r.url().endsWith('/api/v1/people') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit-another').click();
  const ona = await (await created).json();
  assert.deepEqual(ona.weekly_hours, [8, 8, 8, 8, 0, 5, 0]);
  // the form is open again, empty, focused on the name
  await page.getByTestId('toast').filter({ hasText: 'Added Ona Fourday' }).waitFor();
  dlg = page.getByTestId('person-dialog');
  await eventually(async () => (await dlg.getByLabel('Name').inputValue()) === '' && (await page.evaluate(() => document.activeElement && document.activeElement.name)) === 'name', 'an empty form, its name focused');
  await dlg.getByLabel('Name').fill('Pete Second');
  created = page.waitForResponse((r) => r.url().endsWith('/api/v1/people') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  assert.deepEqual((await (await created).json()).weekly_hours, [8, 8, 8, 8, 8, 0, 0]);
  await dlg.waitFor({ state: 'detached' });
  await page.getByTestId('person-row').nth(1).waitFor();

  await page.getByTestId('nav-projects').click();
  await page.getByTestId('new-project').click();
  dlg = page.getByTestId('project-dialog');
  await dlg.getByLabel('Name').fill('First of many');
  created = page.waitForResponse((r) => r.url().endsWith('/api/v1/prj') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit-another').click();
  assert.equal((await created).status(), 201);
  await page.getByTestId('toast').filter({ hasText: 'Added First of many' }).waitFor();
  assert.equal(await page.getByTestId('project-dialog').getByLabel('Name').inputValue(), '');
  await page.keyboard.press('Escape');
  await page.getByTestId('project-card').waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('every page starts with a skip link to its content', async () => {
  const page = await newPage(browser, errors);
  const skip = async (where) => {
    await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => [document.activeElement.textContent, document.activeElement.getAttribute('href')]);
    assert.deepEqual(first, ['Skip to content', '#main'], `${where}: the first Tab stop`);
    assert.ok(await page.getByTestId('skip-link').isVisible(), `${where}: visible once focused`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main', `${where}: Enter moves to the content`);
  };
  await page.goto(server.base + '/login');
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await skip('login');
  await signUp(page, server.base, { name: 'Kai Keyboard' });
  for (const nav of ['schedule', 'projects', 'people', 'clients', 'timeoff', 'reports', 'financials', 'team', 'activity']) {
    await page.goto(server.base + '/' + nav);
    await page.getByTestId('nav-' + nav).waitFor();
    await settle(page);
    await skip(nav);
  }
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('phone (390x844): the Projects page fits the screen and lists every project', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.setDefaultTimeout(10_000);
  await signUp(page, server.base, { name: 'Mo Mobile' });
  await seedTeam(page);
  await page.goto(server.base + '/projects');
  await page.getByTestId('project-card').first().waitFor();
  const overflow = () => page.evaluate(() => {
    const main = document.querySelector('.main');
    return { page: document.documentElement.scrollWidth - window.innerWidth, main: main.scrollWidth - main.clientWidth };
  });
  assert.deepEqual(await overflow(), { page: 0, main: 0 }, 'the board: no horizontal overflow');
  await page.getByTestId('projects-view-list').click();
  await page.getByTestId('projects-table').waitFor();
  await settle(page);
  assert.deepEqual(await overflow(), { page: 0, main: 0 }, 'the list: no horizontal overflow');
  assert.equal(await page.getByTestId('project-row').count(), 2);
  for (const row of await page.getByTestId('project-row').all()) {
    const b = await row.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 390, `a row within the screen (${b.x}..${b.x + b.width})`);
  }
  await page.locator('select[name="projects-sort"]').selectOption('budget');
  const titles = () => page.getByTestId('project-row').evaluateAll((els) => els.map((e) => e.querySelector('.row-title').textContent));
  await eventually(async () => (await titles()).join() === 'Shop redesign,Bank rollout', 'the list sorted by budget');
  assert.deepEqual(errors, []);
  await context.close();
});
