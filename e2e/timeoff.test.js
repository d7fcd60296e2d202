// Time off on the timeline and members who serve themselves: a manager and a
// member logged in at once; time off drawn by drag, with a type, part days and
// a conflict marker; a member's request approved by the manager; My schedule;
// linking a login to a person; members' screens without editing affordances;
// time off reached and opened by keyboard; axe on each of these screens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays, dayFromToday, cellCentre, drag, eventually, repoRoot, axeBlocking } from './harness.js';


let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const link = await fetch(server.base + '/api/v1/team/members/x/person', { method: 'PUT' });
  if (link.status === 404 || link.status === 405) missing = 'the server cannot link a login to a person yet';
});
after(async () => { await browser?.close(); await server?.stop(); });

async function api(page, method, p, body, status = 200) {
  const r = await page.request.fetch(server.base + '/api/v1' + p, { method, data: body, headers: { 'content-type': 'application/json', origin: server.base } });
  assert.equal(r.status(), status, `${method} ${p}: ${await r.text()}`);
  return r.status() === 204 ? null : r.json();
}

/** axe on what `within` selects (or the page): the serious and critical violations, as text. */
async function axe(page, where, within = null) {
  return (await axeBlocking(page, within))
    .map((v) => `${where}: ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 4).map((n) => n.target + ' ' + n.summary).join('\n    ')}`);
}

const block = (page, personId, status) => page.locator(`[data-testid="timeline-row"][data-person-id="${personId}"] [data-testid="timeoff-block"]${status ? `[data-status="${status}"]` : ''}`);

/** The owner's team: Ann (whose email is the member's), Ben booked on Apollo all next week. */
async function seed(page) {
  const mon = nextMonday();
  const ann = await api(page, 'POST', '/people', { name: 'Ann Archer', role: 'Designer', email: 'ann@example.com' }, 201);
  const ben = await api(page, 'POST', '/people', { name: 'Ben Baker', role: 'Developer' }, 201);
  const apollo = await api(page, 'POST', '/prj', { name: 'Apollo', color: '#3b5bdb' }, 201);
  await api(page, 'POST', '/allocations', { project_id: apollo.id, person_id: ben.id, start: mon, end: addDays(mon, 4), hours_per_day: 6 }, 201);
  await api(page, 'POST', '/allocations', { project_id: apollo.id, person_id: ann.id, start: addDays(mon, 7), end: addDays(mon, 8), hours_per_day: 8 }, 201);
  const invite = await api(page, 'POST', '/team/invites', { email: 'ann@example.com', role: 'member' }, 201);
  return { mon, ann, ben, apollo, invite };
}

async function joinAsMember(token) {
  const page = await newPage(browser, errors);
  await page.goto(`${server.base}/signup?invite=${encodeURIComponent(token)}`);
  await page.getByLabel('Name').fill('Ann Archer');
  await page.getByLabel('Email').fill('ann@example.com');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: /Sign up|Join/ }).click();
  await page.getByTestId('nav-schedule').waitFor();
  return page;
}

test('a member requests time off on My schedule and a manager approves it on the timeline', async (t) => {
  if (missing) return t.skip(missing);
  const boss = await newPage(browser, errors);
  await signUp(boss, server.base, { name: 'Olive Owner', email: 'olive@example.com' });
  const { mon, ann, ben, invite } = await seed(boss);
  const member = await joinAsMember(invite.token);
  const problems = [];

  // before a manager links her login, My schedule says how to get linked
  await member.getByTestId('nav-me').click();
  await member.getByText('Ask a manager to link it on the Team page').waitFor();

  // the manager links the login to Ann: offered because the emails match
  await boss.goto(server.base + '/team');
  const suggested = boss.getByTestId('link-suggested');
  await suggested.waitFor();
  const linked = boss.waitForResponse((r) => r.url().includes('/person') && r.request().method() === 'PUT');
  await suggested.click();
  const link = await linked;
  assert.equal(link.status(), 200);
  const { user_id: annLogin } = await link.json();
  const select = boss.locator(`[data-testid="member-person"][data-user-id="${annLogin}"] select`);
  await eventually(async () => (await select.inputValue()) === ann.id, 'the select shows Ann');
  assert.equal(await boss.getByTestId('link-suggested').count(), 0, 'nothing left to suggest');
  problems.push(...await axe(boss, 'team page with a linked login'));

  // the member's screens: no booking affordances, a read-only booking
  await member.reload();
  await member.getByTestId('nav-schedule').click();
  await member.locator('[data-testid="allocation"]').first().waitFor();
  const sub = await member.locator('.page-head .sub').innerText();
  assert.doesNotMatch(sub, /Drag on a row to book someone/);
  assert.match(sub, /request time off/);
  const bar = member.locator(`[data-testid="timeline-row"][data-person-id="${ben.id}"] [data-testid="allocation"]`).first();
  await bar.click();
  const view = member.getByTestId('allocation-dialog');
  await view.getByTestId('allocation-readonly').waitFor();
  assert.equal(await view.getByTestId('dialog-submit').count(), 0, 'no Save');
  assert.equal(await view.locator('input, select, textarea').count(), 0, 'nothing that looks editable');
  problems.push(...await axe(member, 'a booking as a member sees it', '[role="dialog"]'));
  await view.getByText('Close', { exact: true }).click();

  // My schedule: her weeks, then a request for Monday and Tuesday of the week after next
  await member.getByTestId('nav-me').click();
  await member.getByTestId('my-weeks').waitFor();
  await eventually(async () => (await member.getByTestId('my-booking').count()) > 0, 'her booking is listed');
  const form = member.getByTestId('request-form');
  const start = addDays(mon, 7), end = addDays(mon, 8);
  await form.getByLabel('Type').selectOption('holiday');
  await form.getByLabel('Start').fill(start);
  await form.getByLabel('End').fill(end);
  await form.getByLabel('Reason').fill('Wedding');
  const posted = member.waitForResponse((r) => r.url().endsWith('/api/v1/timeoff') && r.request().method() === 'POST');
  await form.getByTestId('request-submit').click();
  const req = await (await posted).json();
  assert.equal(req.status, 'pending');
  assert.equal(req.person_id, ann.id);
  const mine = member.locator(`[data-testid="my-request"][data-timeoff-id="${req.id}"]`);
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-status'), 'pending');
  assert.match(await mine.innerText(), /Waiting for approval/);
  problems.push(...await axe(member, 'My schedule with a pending request'));

  // the manager sees the request on the timeline, dashed, named for a screen reader
  await boss.getByTestId('nav-schedule').click();
  const pending = block(boss, ann.id, 'pending');
  await pending.waitFor();
  const label = await pending.getAttribute('aria-label');
  assert.match(label, /Ann Archer, Holiday \(requested\), .*waiting for approval: Wedding/);
  assert.match(label, /would conflict with 1 booking/, 'her booking those days');
  await pending.click();
  const dlg = boss.getByTestId('timeoff-dialog');
  await dlg.waitFor();
  problems.push(...await axe(boss, 'a request in the time-off dialog', '[role="dialog"]'));
  const approved = boss.waitForResponse((r) => r.url().includes(`/timeoff/${req.id}`) && r.request().method() === 'PATCH');
  await dlg.getByTestId('timeoff-approve').click();
  assert.equal((await approved).status(), 200);
  await block(boss, ann.id, 'approved').waitFor();
  assert.equal(await block(boss, ann.id, 'approved').getAttribute('data-conflicts'), '1');

  // the member's screen learns it without a reload (live events)
  await eventually(async () => (await mine.getAttribute('data-status')) === 'approved', 'the member sees the approval', 8000);
  // and cannot change approved time off any more
  assert.equal(await mine.getByRole('button', { name: /Withdraw/ }).count(), 0);
  await member.getByTestId('nav-schedule').click();
  await block(member, ann.id, 'approved').click();
  await member.getByTestId('timeoff-readonly').waitFor();
  assert.equal(await member.getByTestId('dialog-submit').count(), 0);
  problems.push(...await axe(member, 'approved time off as a member sees it', '[role="dialog"]'));
  await member.keyboard.press('Escape');

  // a member dragging on her own row asks for time off; on a colleague's row nothing happens
  await member.getByTestId('dialog-submit').waitFor({ state: 'detached' }).catch(() => {});
  const a = await cellCentre(member, ann.id, addDays(mon, 14));
  const b = await cellCentre(member, ann.id, addDays(mon, 15));
  await drag(member, a, b);
  const reqDlg = member.getByTestId('timeoff-dialog');
  await reqDlg.waitFor();
  assert.match(await reqDlg.locator('h2').innerText(), /Request time off/);
  assert.equal(await reqDlg.getByLabel('Start').inputValue(), addDays(mon, 14));
  assert.equal(await reqDlg.getByLabel('End').inputValue(), addDays(mon, 15));
  problems.push(...await axe(member, 'the request dialog', '[role="dialog"]'));
  await reqDlg.getByRole('button', { name: 'Cancel' }).click();
  const c = await cellCentre(member, ben.id, addDays(mon, 14));
  await drag(member, c, { ...c, x: c.x + 30 });
  // a dialog the drag opened would be drawn by the second frame after it
  await member.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await member.locator('[role="dialog"]').count(), 0, 'no dialog on a colleague\'s row');

  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(errors, []);
  await member.context().close();
  await boss.context().close();
});

test('a manager draws time off by drag, with a type and part days, and sees where bookings conflict', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { name: 'Mia Manager', email: 'mia@example.com' });
  const mon = nextMonday();
  const ben = await api(page, 'POST', '/people', { name: 'Ben Baker', role: 'Developer' }, 201);
  const cy = await api(page, 'POST', '/people', { name: 'Cy Cooper', role: 'Designer' }, 201);
  const apollo = await api(page, 'POST', '/prj', { name: 'Apollo', color: '#3b5bdb' }, 201);
  await api(page, 'POST', '/allocations', { project_id: apollo.id, person_id: ben.id, start: mon, end: addDays(mon, 4), hours_per_day: 6 }, 201);
  await api(page, 'POST', '/allocations', { project_id: apollo.id, person_id: cy.id, start: mon, end: addDays(mon, 1), hours_per_day: 6 }, 201);
  await page.goto(server.base + '/schedule');
  await page.locator(`[data-testid="timeline-row"][data-person-id="${ben.id}"] [data-testid="allocation"]`).waitFor();

  // drag across Wednesday and Thursday on Ben's row (low in the row, under the bar), then choose Time off
  const a = await cellCentre(page, ben.id, addDays(mon, 2));
  const b = await cellCentre(page, ben.id, addDays(mon, 3));
  await drag(page, { x: a.x, y: a.low }, { x: b.x, y: b.low });
  const alloc = page.getByTestId('allocation-dialog');
  await alloc.waitFor();
  await alloc.getByTestId('alloc-as-timeoff').click();
  const dlg = page.getByTestId('timeoff-dialog');
  await dlg.waitFor();
  assert.equal(await dlg.getByLabel('Person').inputValue(), ben.id);
  assert.equal(await dlg.getByLabel('Start').inputValue(), addDays(mon, 2));
  assert.equal(await dlg.getByLabel('End').inputValue(), addDays(mon, 3));
  await dlg.getByLabel('Type').selectOption('sick');
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/timeoff') && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  const sick = await (await posted).json();
  assert.equal(sick.type, 'sick');
  assert.equal(sick.status, 'approved');

  // drawn as a block labelled Sick, with a conflict marker over the booked days
  const benBlock = block(page, ben.id, 'approved');
  await benBlock.waitFor();
  assert.equal(await benBlock.getAttribute('data-type'), 'sick');
  assert.match(await benBlock.getAttribute('aria-label'), /^Ben Baker, Sick, .*; conflicts with 1 booking$/);
  const marker = page.locator(`[data-testid="timeline-row"][data-person-id="${ben.id}"] [data-testid="timeoff-conflict"]`);
  await marker.waitFor();
  assert.equal(await marker.getAttribute('data-from'), addDays(mon, 2));
  assert.equal(await marker.getAttribute('data-to'), addDays(mon, 3));
  assert.ok((await marker.boundingBox()).width > 20, 'the marker is visible');

  // part of a day: Cy is off 4 of 8 hours on Monday; 6 booked is 2 over
  await page.getByTestId('nav-timeoff').click();
  await page.getByTestId('add-timeoff').click();
  const dlg2 = page.getByTestId('timeoff-dialog');
  await dlg2.getByLabel('Person').selectOption(cy.id);
  await dlg2.getByLabel('Hours off a day').fill('4');
  await dlg2.getByLabel('Start').fill(mon);
  await dlg2.getByLabel('End').fill(mon);
  await dlg2.getByLabel('Reason').fill('Dentist');
  const posted2 = page.waitForResponse((r) => r.url().endsWith('/api/v1/timeoff') && r.request().method() === 'POST');
  await dlg2.getByTestId('dialog-submit').click();
  const half = await (await posted2).json();
  assert.equal(half.hours, 4);
  await page.locator(`[data-testid="timeoff-row"][data-timeoff-id="${half.id}"]`).waitFor();
  assert.match(await page.locator(`[data-testid="timeoff-row"][data-timeoff-id="${half.id}"]`).innerText(), /4h a day/);
  const problems = await axe(page, 'time off page');
  await page.getByTestId('nav-schedule').click();
  const cyBlock = block(page, cy.id);
  await cyBlock.waitFor();
  assert.match(await cyBlock.getAttribute('aria-label'), /Cy Cooper, Time off · 4h a day, .*: Dentist; conflicts with 1 booking/);
  const cell = page.locator(`[data-testid="timeline-row"][data-person-id="${cy.id}"] [data-testid="cell"][data-date="${mon}"]`);
  assert.match(await cell.getAttribute('aria-label'), /6h scheduled of 4h, overbooked by 2 ?h/);
  problems.push(...await axe(page, 'schedule with time off and conflicts'));
  assert.deepEqual(problems, [], problems.join('\n'));

  // a screenshot of time off with a conflict, to look at (Day zoom, from today)
  await page.getByTestId('zoom-day').click();
  await page.getByRole('button', { name: 'Today' }).click();
  await eventually(async () => (await marker.boundingBox() || { width: 0 }).width > 100, 'the day zoom is drawn');
  assert.match(await benBlock.innerText(), /Sick/, 'wide enough to name its type');
  const grid = page.getByTestId('timeline-grid');
  const box = await grid.boundingBox();
  const rowBox = await page.locator(`[data-testid="timeline-row"][data-person-id="${ben.id}"]`).boundingBox();
  const shot = process.env.KRONUZ_E2E_TIMEOFF_SCREENSHOT || path.join(repoRoot, 'docs', 'timeoff-conflict.png');
  await page.screenshot({ path: shot, clip: { x: box.x, y: box.y, width: Math.min(box.width, 1100), height: Math.min(box.height, rowBox.y + rowBox.height * 2 - box.y + 10) } });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('by keyboard alone, Tab reaches the time off of the focused day and Enter opens it: editable for a manager, read-only for a member', async (t) => {
  if (missing) return t.skip(missing);
  const boss = await newPage(browser, errors);
  await signUp(boss, server.base, { name: 'Tess Keys', email: 'tess@example.com' });
  const mon = nextMonday();
  const ben = await api(boss, 'POST', '/people', { name: 'Ben Baker', role: 'Developer' }, 201);
  const off = await api(boss, 'POST', '/timeoff', { person_id: ben.id, start: addDays(mon, 2), end: addDays(mon, 3), type: 'holiday', reason: 'Family' }, 201);
  const invite = await api(boss, 'POST', '/team/invites', { email: 'kim@example.com', role: 'member' }, 201);
  const problems = [];

  // the skip link lands on the grid (Ben, today); the arrows walk to Wednesday; Tab reaches the time off
  const reach = async (page) => {
    await page.goto(server.base + '/schedule');
    await block(page, ben.id).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-testid')), 'timeline-grid');
    const steps = Math.round((Date.parse(addDays(mon, 2)) - Date.parse(dayFromToday(0))) / 86400000);
    for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
    // (drawn on the next frame)
    await eventually(async () => (await block(page, ben.id).getAttribute('tabindex')) === '0', 'in the Tab order from a day it covers');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ id: document.activeElement.getAttribute('data-timeoff-id'), name: document.activeElement.getAttribute('aria-label') }));
    assert.equal(focused.id, off.id);
    assert.match(focused.name, /^Ben Baker, Holiday, .*: Family$/);
    problems.push(...await axe(page, 'the timeline with a time off in focus', '[data-testid="timeline-grid"]'));
    await page.keyboard.press('Enter');
    const dlg = page.getByTestId('timeoff-dialog');
    await dlg.waitFor();
    return dlg;
  };

  // a manager: the time off to edit (and approve or decline, for a request)
  let dlg = await reach(boss);
  assert.equal(await dlg.getByLabel('Start').inputValue(), addDays(mon, 2));
  assert.equal(await dlg.getByTestId('dialog-submit').count(), 1, 'Save');
  problems.push(...await axe(boss, 'time off opened by keyboard', '[role="dialog"]'));
  await boss.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });

  // a member: someone else's time off, to read
  const member = await newPage(browser, errors);
  await member.goto(`${server.base}/signup?invite=${encodeURIComponent(invite.token)}`);
  await member.getByLabel('Name').fill('Kim Member');
  await member.getByLabel('Email').fill('kim@example.com');
  await member.getByLabel('Password').fill('correct horse battery');
  await member.getByRole('button', { name: /Sign up|Join/ }).click();
  await member.getByTestId('nav-schedule').waitFor();
  dlg = await reach(member);
  await dlg.getByTestId('timeoff-readonly').waitFor();
  assert.equal(await dlg.getByTestId('dialog-submit').count(), 0, 'no Save');
  assert.equal(await dlg.locator('input, select, textarea').count(), 0, 'nothing that looks editable');
  problems.push(...await axe(member, 'time off as a member reads it', '[role="dialog"]'));
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(errors, []);
  await boss.context().close();
  await member.context().close();
});
