// One meaning of booked: the project page, the project's card on the pipeline
// board and the timeline row of the person booked on it show the same
// scheduled and tentative hours; a new booking starts with the person's free
// hours and says when it will overbook them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, dayFromToday, cellCentre, drag } from './harness.js';

let server, browser;
const errors = [];
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// A part-timer working 6h every day (so the numbers do not depend on today's
// weekday): confirmed 4h/day for three days from today, tentative 2h/day for
// three days from tomorrow. Scheduled 12h, tentative 6h.
const WANT = 'Scheduled 12h · Tentative 6h';

test('the project page, its pipeline card and the timeline row agree on scheduled and tentative hours', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base);
  const d = (n) => dayFromToday(n);
  const { person, project } = await page.evaluate(async (days) => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const person = await post('/people', { name: 'Tess Parttime', weekly_hours: [6, 6, 6, 6, 6, 6, 6] });
    const project = await post('/prj', { name: 'Orion', status: 'proposal' });
    await post('/allocations', { person_id: person.id, project_id: project.id, start: days[0], end: days[2], hours_per_day: 4 });
    await post('/allocations', { person_id: person.id, project_id: project.id, start: days[1], end: days[3], hours_per_day: 2, tentative: true });
    return { person, project };
  }, [d(0), d(1), d(2), d(3)]);

  // the timeline row, over the days in view (today and the days around it)
  await page.reload();
  await page.getByTestId('timeline-grid').waitFor();
  const util = page.locator(`[data-testid="row-head"][data-person-id="${person.id}"] [data-testid="row-util"]`);
  await util.waitFor();
  assert.equal(await util.getAttribute('data-hours'), WANT);
  assert.match(await util.innerText(), /\+\d+%/, 'the tentative share is shown beside the utilisation');

  // the pipeline card
  await page.getByTestId('nav-projects').click();
  const card = page.locator(`[data-testid="project-card"][data-project-id="${project.id}"] [data-testid="card-hours"]`);
  await card.waitFor();
  assert.equal(await card.innerText(), WANT);

  // the project page, from the server's summary
  const summary = page.waitForResponse((r) => r.url().endsWith(`/api/v1/prj/${project.id}/summary`));
  await page.goto(`${server.base}/projects/${project.id}`);
  assert.equal((await summary).status(), 200);
  await page.getByTestId('project-hours').waitFor();
  assert.equal(await page.getByTestId('project-hours').innerText(), WANT);
  assert.match(await page.getByTestId('sum-scheduled').innerText(), /^12h/);
  assert.match(await page.getByTestId('sum-tentative').innerText(), /^6h/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a new booking starts with the hours left free, and says when it will overbook', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base);
  const d = (n) => dayFromToday(n);
  const { person } = await page.evaluate(async (days) => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const person = await post('/people', { name: 'Tess Parttime', weekly_hours: [6, 6, 6, 6, 6, 6, 6] });
    const project = await post('/prj', { name: 'Orion' });
    await post('/allocations', { person_id: person.id, project_id: project.id, start: days[0], end: days[0], hours_per_day: 4 });
    await post('/allocations', { person_id: person.id, project_id: project.id, start: days[1], end: days[1], hours_per_day: 4 });
    await post('/allocations', { person_id: person.id, project_id: project.id, start: days[1], end: days[1], hours_per_day: 2, tentative: true });
    return { person };
  }, [d(0), d(1)]);
  await page.reload();
  await page.getByTestId('timeline-grid').waitFor();
  const dlg = page.getByTestId('allocation-dialog');

  // today: 6h less 4h booked leaves 2h
  // (low in the cell: below the bars, which open their own dialog)
  let c = await cellCentre(page, person.id, d(0));
  let at = { x: c.x, y: c.low };
  await drag(page, at, at);
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel('Hours per day').inputValue(), '2');
  assert.equal(await dlg.getByTestId('overbook-warning').count(), 0);
  await dlg.getByLabel('Hours per day').fill('3');
  await dlg.getByTestId('overbook-warning').waitFor();
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });

  // tomorrow: nothing free (4h confirmed, 2h tentative): the capacity, with a warning
  c = await cellCentre(page, person.id, d(1));
  at = { x: c.x, y: c.low };
  await drag(page, at, at);
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel('Start').inputValue(), d(1));
  assert.equal(await dlg.getByLabel('Hours per day').inputValue(), '6');
  assert.match(await dlg.getByTestId('overbook-warning').innerText(), /Tess Parttime will be overbooked/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the plan banner: tentative work is kept free; planning over it names whom it overbooks', async () => {
  const page = await newPage(browser, errors);
  await signUp(page, server.base);
  const d = (n) => dayFromToday(n);
  // Dee works 8h every day and has 6h a day of tentative work all week.
  const { dee, site } = await page.evaluate(async (days) => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const dee = await post('/people', { name: 'Dee Designer', role: 'Designer', weekly_hours: [8, 8, 8, 8, 8, 8, 8] });
    const pitch = await post('/prj', { name: 'Pitch', status: 'proposal' });
    await post('/allocations', { person_id: dee.id, project_id: pitch.id, start: days[0], end: days[6], hours_per_day: 6, tentative: true });
    const site = await post('/prj', { name: 'Site' });
    await post(`/prj/${site.id}/tasks`, { name: 'Design', effort_hours: 16, role: 'Designer' });
    return { dee, site };
  }, [d(0), d(1), d(2), d(3), d(4), d(5), d(6)]);
  await page.goto(`${server.base}/projects/${site.id}`);
  await page.getByTestId('tasks-section').waitFor();

  let previewed = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/preview'));
  await page.getByTestId('plan-auto').click();
  let proposal = await (await previewed).json();
  assert.equal(proposal.tentative, 'blocks');
  const banner = page.getByTestId('plan-banner');
  await banner.waitFor();
  await banner.getByTestId('plan-ok').waitFor();
  assert.equal(await banner.getByTestId('plan-overbooked').count(), 0);
  assert.match(await banner.getByTestId('plan-tentative').innerText(), /Tentative bookings count as taken/);

  previewed = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/preview'));
  await banner.getByTestId('plan-tentative-toggle').click();
  proposal = await (await previewed).json();
  assert.equal(proposal.tentative, 'ignore');
  assert.equal(proposal.overbooked.length, 2);
  const over = banner.getByTestId('plan-overbooked');
  await over.waitFor();
  assert.match(await over.innerText(), /Dee Designer overbooked by 12h/);
  assert.equal(await banner.getByTestId('plan-ok').count(), 0, 'not "on time" while it overbooks someone');
  // the timeline shows the same days in red
  const red = page.locator(`[data-testid="timeline-row"][data-person-id="${dee.id}"] [data-testid="overbooked"]`);
  await red.first().waitFor();
  assert.equal(await red.count(), 2);
  assert.deepEqual(errors, []);
  await page.context().close();
});
