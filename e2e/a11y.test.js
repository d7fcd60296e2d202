// Accessibility: axe-core checks every page and every dialog of a seeded team
// against WCAG 2.0/2.1 A and AA; no violation may be critical or serious.
// Each violation is printed with its page, rule, impact, elements and summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, cellCentre, drag, hasRoute, eventually, axeBlocking, twoFrames } from './harness.js';

// KRONUZ_E2E_A11Y_SHOTS=DIR saves a screenshot of each state checked, to look at
const SHOTS = process.env.KRONUZ_E2E_A11Y_SHOTS || null;
if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });

let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const route of ['/api/v1/people', '/api/v1/allocations', '/api/v1/clients', '/api/v1/timeoff', '/api/v1/team', '/api/v1/prj/none/tasks']) {
    if (!(await hasRoute(server.base, route))) missing = `the server has no ${route} yet`;
  }
});
after(async () => { await browser?.close(); await server?.stop(); });

// every blocking violation found: where, rule, impact, summary and elements
const found = [];
const report = () => {
  const rules = new Map();
  for (const v of found) rules.set(v.id, (rules.get(v.id) || 0) + v.nodes.length);
  const lines = [`${found.length} serious or critical violations (${[...rules].map(([id, n]) => `${id}: ${n} elements`).join(', ')}):`];
  for (const v of found) {
    lines.push(`${v.where}: ${v.id} (${v.impact}, ${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}): ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) lines.push(`    ${n.target}\n      ${String(n.summary).replace(/\n/g, '\n      ')}`);
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`);
  }
  return lines.join('\n');
};

/**
 * Runs axe on the page as it is now (or only on what `within` selects) and
 * records each critical or serious violation under `where`. The source goes in
 * through evaluate, which the page's Content-Security-Policy (no inline
 * scripts) does not apply to.
 */
async function check(page, where, within = null) {
  await twoFrames(page);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, where.replace(/[^a-z0-9]+/gi, '-') + '.png') });
  for (const v of await axeBlocking(page, within)) found.push({ where, ...v });
}

/** Checks an open dialog on its own (the page under it is checked without it). */
const checkDialog = (page, where) => check(page, where, '[role="dialog"], [role="alertdialog"]');

async function closeDialog(page, dlg) {
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
}

test("login, sign-up, their errors and a new team's schedule have no serious accessibility violations", async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await page.goto(server.base + '/login');
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await check(page, 'login');
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('auth-error').waitFor();
  await check(page, 'login with an error');
  await page.goto(server.base + '/signup');
  await page.getByRole('button', { name: 'Sign up' }).waitFor();
  await check(page, 'signup');
  // a new team: nothing to schedule yet
  await signUp(page, server.base, { name: 'Nell New' });
  await page.getByText('No people yet').waitFor();
  await page.getByTestId('first-run').waitFor();
  await check(page, 'empty schedule');
  // the sample team, and the banner that removes it
  await page.getByTestId('sample-load').click();
  await page.getByTestId('sample-banner').waitFor();
  await page.locator('[data-testid="allocation"]').first().waitFor();
  await check(page, 'schedule with the sample team');
  // a password reset link's page
  await page.goto(server.base + '/reset?token=0123456789abcdef');
  await page.locator('main#main').waitFor();
  await check(page, 'password reset');
  await page.context().close();
  assert.deepEqual(errors, []);
  assert.equal(found.length, 0, report());
});

test('every page and dialog of a seeded team has no serious accessibility violations', async (t) => {
  if (missing) return t.skip(missing);
  found.length = 0;
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Ada Access' });
  const mon = nextMonday();
  // people whose avatars take every colour the app gives, projects in every
  // status and colour, bookings (tentative, overbooked, unstaffed), time off and tasks
  const seeded = await page.evaluate(async (mon) => {
    const { PALETTE, hashColor } = await import('/schedule.js');
    const add = (d, n) => { const x = new Date(d + 'T12:00:00Z'); x.setUTCDate(x.getUTCDate() + n); return x.toISOString().slice(0, 10); };
    const post = async (u, b) => {
      const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
      if (!r.ok) throw new Error(`POST ${u}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const first = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Max', 'Noor', 'Oto', 'Pia'];
    const last = ['Stone', 'Rivers', 'Marsh', 'Vale', 'Brook', 'Field', 'Hill', 'Wood'];
    const names = [];
    const colours = new Set();
    for (const f of first) for (const l of last) {
      const n = `${f} ${l}`;
      if (!colours.has(hashColor(n))) { colours.add(hashColor(n)); names.push(n); }
    }
    const roles = ['Designer', 'Developer', 'Architect', 'Producer'];
    const people = [];
    for (const [i, name] of names.entries()) people.push(await post('/people', { name, role: roles[i % roles.length], skills: i % 2 ? ['rust', 'sql'] : ['figma'] }));
    const client = await post('/clients', { name: 'Initech' });
    await post('/clients', { name: 'Globex' });
    const statuses = ['lead', 'proposal', 'won', 'active', 'done', 'lost'];
    const projects = [];
    for (const [i, color] of PALETTE.entries()) {
      projects.push(await post('/prj', { name: `Project ${String.fromCharCode(65 + i)}`, client_id: i % 2 ? client.id : null, status: statuses[i % statuses.length], color, budget_hours: 40 + 10 * i, start: mon, end: add(mon, 60) }));
    }
    // from 1 to 9 hours a day over the next weeks: every shade of the utilisation
    // heatmap (the third person stays free from the second week, to drag a booking on)
    for (const [i, p] of people.entries()) {
      const project = projects[(i * 5) % projects.length];
      await post('/allocations', { person_id: p.id, project_id: project.id, start: add(mon, i % 3), end: add(mon, i === 2 ? 4 : 25 + (i % 5)), hours_per_day: 1 + (i % 9), tentative: i % 3 === 2 });
    }
    await post('/allocations', { person_id: people[0].id, project_id: projects[1].id, start: mon, end: add(mon, 4), hours_per_day: 8 });
    await post('/allocations', { placeholder_role: 'Senior developer', project_id: projects[3].id, start: add(mon, 7), end: add(mon, 11), hours_per_day: 8 });
    await post('/timeoff', { person_id: people[1].id, start: add(mon, 7), end: add(mon, 11), reason: 'Holiday' });
    await post('/timeoff', { start: add(mon, 14), end: add(mon, 14), reason: 'Public holiday' });
    const design = await post(`/prj/${projects[0].id}/tasks`, { name: 'Design', effort_hours: 16, role: 'Designer' });
    await post(`/prj/${projects[0].id}/tasks`, { name: 'Build', effort_hours: 24, skills: ['rust'], depends_on: [design.id], deadline: add(mon, 30) });
    return { people: people.map((p) => p.id), project: projects[0].id, colours: colours.size, palette: PALETTE.length };
  }, mon);
  assert.equal(seeded.colours, seeded.palette, 'a person for every avatar colour');

  // the schedule, in each zoom, with the keyboard on a cell
  await page.goto(server.base + '/schedule');
  await page.locator(`[data-testid="allocation"]`).first().waitFor();
  await check(page, 'schedule (week)');
  await page.getByTestId('timeline-grid').focus();
  await page.keyboard.press('ArrowRight');
  await check(page, 'schedule with a focused cell');
  for (const zoom of ['day', 'month']) {
    await page.getByTestId('zoom-' + zoom).click();
    await page.locator(`[data-testid="day-header"]`).first().waitFor();
    await check(page, `schedule (${zoom})`);
  }
  await page.getByTestId('zoom-week').click();
  // a project filter dims the other bookings
  await page.locator('select[name="f-project"]').selectOption(seeded.project);
  await check(page, 'schedule filtered by project');
  await page.locator('select[name="f-project"]').selectOption('');
  // a search for a client, two skills and who is free next week
  const rowsBefore = await page.getByTestId('timeline-row').count();
  await page.getByTestId('schedule-search').fill('initech');
  await page.locator('select[name="f-skill"]').selectOption('rust');
  await page.locator('select[name="f-skill"]').selectOption('sql');
  await page.locator('select[name="f-free"]').selectOption('week');
  await page.getByTestId('skill-chip').nth(1).waitFor();
  await check(page, 'schedule searched, two skills, free next week');
  await page.getByTestId('schedule-search').fill('');
  for (const x of ['sql', 'rust']) await page.getByRole('button', { name: `Remove skill ${x}` }).click();
  await page.locator('select[name="f-free"]').selectOption('');
  // every row back in place before dragging on one
  await eventually(async () => (await page.getByTestId('skill-chip').count()) === 0 && (await page.getByTestId('timeline-row').count()) === rowsBefore, 'the schedule unfiltered again');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  // new booking (drag on a row) and edit booking (click a bar)
  const who = seeded.people[2];
  const a = await cellCentre(page, who, addDays(mon, 14));
  const b = await cellCentre(page, who, addDays(mon, 16));
  await drag(page, a, b);
  let dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  await checkDialog(page, 'new booking dialog');
  await closeDialog(page, dlg);
  const booking = page.locator(`[data-testid="timeline-row"][data-person-id="${who}"] [data-testid="allocation"]`).first();
  const bookingId = await booking.getAttribute('data-allocation-id');
  await booking.click();
  await dlg.waitFor();
  await checkDialog(page, 'edit booking dialog');
  // an edit refused because the booking changed meanwhile: the conflict dialog
  await dlg.getByLabel('Note').fill('mine');
  await page.evaluate(async (id) => {
    const r = await fetch(`/api/v1/allocations/${id}`, { method: 'PATCH', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ hours_per_day: 3 }) });
    if (!r.ok) throw new Error(`PATCH: ${r.status}`);
  }, bookingId);
  await dlg.getByTestId('dialog-submit').click();
  const conflict = page.getByTestId('conflict-dialog');
  await conflict.waitFor();
  await checkDialog(page, 'conflict dialog');
  await conflict.getByTestId('conflict-theirs-button').click();
  await conflict.waitFor({ state: 'detached' });

  // projects: the pipeline, the new project dialog, a project page with tasks and its task form
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('project-card').first().waitFor();
  await check(page, 'projects');
  await page.getByTestId('projects-search').fill('project');
  await page.getByTestId('projects-view-list').click();
  await page.getByTestId('projects-table').waitFor();
  await check(page, 'projects as a list, searched');
  await page.getByTestId('projects-search').fill('');
  await page.getByTestId('projects-view-board').click();
  // moving a project with tentative bookings to Won asks about them
  const wonCard = page.locator('[data-testid="pipeline-column"][data-status="proposal"] [data-testid="project-card"]').first();
  await wonCard.locator('select').selectOption('won');
  dlg = page.getByTestId('won-dialog');
  await dlg.waitFor();
  await checkDialog(page, 'won dialog');
  await closeDialog(page, dlg);
  await page.getByTestId('new-project').click();
  dlg = page.getByTestId('project-dialog');
  await dlg.waitFor();
  await checkDialog(page, 'project dialog');
  await closeDialog(page, dlg);
  await page.goto(server.base + '/projects/' + seeded.project);
  await page.getByTestId('task-row').first().waitFor();
  await check(page, 'project page');
  await page.getByTestId('add-task').click();
  await page.getByTestId('task-form').waitFor();
  await check(page, 'task form');
  await page.getByTestId('task-form').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('task-form').waitFor({ state: 'detached' });

  // plan preview: the banner and the proposed bars on the schedule
  const previewed = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/preview'));
  await page.getByTestId('plan-auto').click();
  const pr = await previewed;
  assert.equal(pr.status(), 200, await pr.text());
  await page.getByTestId('plan-banner').waitFor();
  await page.getByTestId('ghost-allocation').first().waitFor();
  await check(page, 'plan preview');
  await page.getByTestId('plan-discard').click();
  await page.getByTestId('plan-banner').waitFor({ state: 'detached' });

  // people, their dialog and the calendar feed dialog
  await page.getByTestId('nav-people').click();
  await page.getByTestId('person-row').first().waitFor();
  await check(page, 'people');
  await page.getByTestId('add-person').click();
  dlg = page.getByTestId('person-dialog');
  await dlg.waitFor();
  await checkDialog(page, 'person dialog');
  await closeDialog(page, dlg);
  await page.getByRole('button', { name: /^Calendar feed for / }).first().click();
  dlg = page.getByTestId('feed-dialog');
  await dlg.waitFor();
  await dlg.getByTestId('feed-url').or(dlg.getByTestId('form-error')).waitFor();
  await checkDialog(page, 'calendar feed dialog');
  await closeDialog(page, dlg);

  // clients and their dialog
  await page.getByTestId('nav-clients').click();
  await page.getByTestId('client-row').first().waitFor();
  await check(page, 'clients');
  await page.getByTestId('add-client').click();
  dlg = page.getByTestId('client-dialog');
  await dlg.waitFor();
  await checkDialog(page, 'client dialog');
  await closeDialog(page, dlg);

  // time off and its dialog
  await page.getByTestId('nav-timeoff').click();
  await page.getByTestId('timeoff-row').first().waitFor();
  await check(page, 'time off');
  await page.getByTestId('add-timeoff').click();
  dlg = page.getByTestId('timeoff-dialog');
  await dlg.waitFor();
  await checkDialog(page, 'time off dialog');
  await closeDialog(page, dlg);

  // reports
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('utilisation-heatmap').waitFor();
  await page.getByTestId('demand-chart').waitFor();
  await check(page, 'reports');
  await page.locator('select[name="r-role"]').selectOption('Developer');
  await page.getByTestId('report-filters-clear').waitFor();
  await check(page, 'reports filtered by role');
  await page.getByTestId('report-filters-clear').click();

  // financials, with the same filters
  await page.getByTestId('nav-financials').click();
  await page.getByTestId('report-filters').waitFor();
  await page.locator('.page.financials').waitFor();
  await check(page, 'financials');

  // team, the invite dialog and the link it makes
  await page.getByTestId('nav-team').click();
  await page.getByTestId('team-settings').waitFor();
  await check(page, 'team');
  await page.getByTestId('invite').click();
  dlg = page.getByTestId('invite-dialog');
  await dlg.waitFor();
  await checkDialog(page, 'invite dialog');
  await dlg.getByLabel('Email').fill('new.hire@example.com');
  await dlg.getByTestId('dialog-submit').click();
  await dlg.getByTestId('invite-link').waitFor();
  await checkDialog(page, 'invite dialog with its link');
  await closeDialog(page, dlg);

  // the activity: who changed what
  await page.getByTestId('nav-activity').click();
  await page.getByTestId('activity-list').waitFor();
  await check(page, 'activity');

  // money: the Financials page by month and by week
  await page.getByTestId('nav-financials').click();
  await page.getByTestId('financials-chart').waitFor();
  await check(page, 'financials (by month)');
  await page.getByTestId('fin-interval-week').click();
  await page.getByTestId('financials-week').first().waitFor();
  await check(page, 'financials (by week)');

  // import: the page, then a dry run with rows and errors
  await page.getByTestId('nav-import').click();
  await page.getByTestId('import-file').waitFor();
  await check(page, 'import');
  await page.getByTestId('import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('Name,Email,Start date\nZoe Field,zoe@example.com,2026-03-02\nYan Hill,yan@example.com,not a date\n') });
  await page.getByTestId('import-errors').waitFor();
  await check(page, 'import dry run with an error');

  // a scenario compared with live: the timeline of live and scenario bars, the deltas
  if (await hasRoute(server.base, '/api/v1/scenarios')) {
    const sc = await page.evaluate(async ([person, project, mon]) => {
      const call = async (method, u, b, headers = {}) => {
        const r = await fetch('/api/v1' + u, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json', ...headers }, body: b === undefined ? undefined : JSON.stringify(b) });
        if (!r.ok) throw new Error(`${method} ${u}: ${r.status} ${await r.text()}`);
        return r.status === 204 ? null : r.json();
      };
      const scenario = await call('POST', '/scenarios', { name: 'What if' });
      await call('POST', '/allocations', { person_id: person, project_id: project, start: mon, end: mon, hours_per_day: 4 }, { 'Kronuz-Scenario': scenario.id });
      return scenario.id;
    }, [seeded.people[3], seeded.project, mon]);
    await page.goto(server.base + '/schedule'); // the switcher lists the scenarios there were at login
    await page.getByTestId('scenario-switcher').selectOption(sc);
    await page.getByTestId('scenario-banner').waitFor();
    await check(page, 'inside a scenario');
    await page.getByTestId('scenario-compare').click();
    await page.locator('[data-testid="compare-bar"][data-side="scenario"][data-change="added"]').waitFor();
    await checkDialog(page, 'compare with live');
    await page.getByTestId('compare-close').click();
    await page.getByTestId('scenario-leave').click();
    await page.getByTestId('scenario-banner').waitFor({ state: 'detached' });
  }

  // an address that is no page
  await page.goto(server.base + '/no-such-page');
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  await check(page, 'not found');

  // the Projects page on a phone
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(server.base + '/projects');
  await page.getByTestId('project-card').first().waitFor();
  await page.getByTestId('projects-view-list').click();
  await page.getByTestId('projects-table').waitFor();
  await check(page, 'projects on a phone');

  await page.context().close();
  assert.deepEqual(errors, []);
  assert.equal(found.length, 0, report());
});
