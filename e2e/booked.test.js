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
