// Pinned work and shared tasks in the web app: a task planned and accepted is pinned
// from the project's tasks, its effort changes, and the next preview leaves it with
// its person and days; a task shared by two people shows its parts in the banner; a
// planned booking is pinned from its dialog, and a member who opens it reads that it
// is pinned. axe finds no critical or serious violation on the states it passes through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, hasRoute, axeBlocking } from './harness.js';


let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const path of ['/api/v1/people', '/api/v1/allocations', '/api/v1/prj/none/tasks']) if (!(await hasRoute(server.base, path))) missing = `the server has no ${path} yet`;
});
after(async () => { await browser?.close(); await server?.stop(); });

/** The critical or serious axe violations on the page (or within a selector), as text. */
async function blocking(page, within = null) {
  return (await axeBlocking(page, within)).map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(', ')}`);
}

const api = (page, method, path, body) => page.evaluate(async ([method, path, body]) => {
  const r = await fetch('/api/v1' + path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}, [method, path, body]);

test('pin a task, preview again: it keeps its person and days; a shared task shows its parts; a booking pins from its dialog', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base);
  const dee = await api(page, 'POST', '/people', { name: 'Dee', role: 'Designer' });
  const eve = await api(page, 'POST', '/people', { name: 'Eve', role: 'Designer' });
  const project = await api(page, 'POST', '/prj', { name: 'Site' });
  const tasks = `/prj/${project.id}/tasks`;
  const launch = await api(page, 'POST', tasks, { name: 'Launch', effort_hours: 16, role: 'Designer', priority: 5 });
  const brief = await api(page, 'POST', tasks, { name: 'Brief', effort_hours: 24, role: 'Designer' });
  const build = await api(page, 'POST', tasks, { name: 'Build', effort_hours: 64, role: 'Designer', assignees_max: 2 });

  // the first plan, through the project page, accepted
  await page.goto(`${server.base}/projects/${project.id}`);
  await page.getByTestId('tasks-section').waitFor();
  const buildRow = page.locator(`[data-testid="task-row"][data-task-id="${build.id}"]`);
  assert.match(await buildRow.getByTestId('task-shared').innerText(), /up to 2 people/);
  let previewed = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/preview'));
  await page.getByTestId('plan-auto').click();
  const first = await (await previewed).json();
  const banner = page.getByTestId('plan-banner');
  await banner.waitFor();
  // the shared build: both designers, each with a part of their own
  const firstBuild = first.tasks.find((x) => x.task_id === build.id);
  assert.equal(firstBuild.parts.length, 2, JSON.stringify(firstBuild));
  const shared = banner.locator(`[data-testid="plan-shared"][data-task-id="${build.id}"]`);
  assert.match(await shared.innerText(), /Build shared by 2 people: .*Dee .*h/);
  assert.match(await shared.innerText(), /Eve/);
  for (const who of [dee.id, eve.id]) {
    await page.locator(`[data-testid="ghost-allocation"][data-task-id="${build.id}"][data-person-id="${who}"][data-shared]`).first().waitFor();
  }
  assert.deepEqual(await blocking(page), [], 'the schedule with a shared task previewed');
  const applied = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/apply'));
  await page.getByTestId('plan-accept').click();
  assert.equal((await applied).status(), 200);
  await banner.waitFor({ state: 'detached' });
  const launchPlan = first.tasks.find((x) => x.task_id === launch.id);
  const launchAllocs = (await api(page, 'GET', '/allocations')).filter((a) => a.task_id === launch.id);
  assert.ok(launchAllocs.length >= 1);

  // pin the launch from the project's tasks
  await page.goto(`${server.base}/projects/${project.id}`);
  const launchRow = page.locator(`[data-testid="task-row"][data-task-id="${launch.id}"]`);
  const pin = launchRow.getByTestId('task-pin');
  await pin.waitFor();
  assert.equal(await pin.getAttribute('aria-pressed'), 'false');
  const pinned = page.waitForResponse((r) => r.url().endsWith(`/tasks/${launch.id}`) && r.request().method() === 'PATCH');
  await pin.click();
  const pr = await pinned;
  assert.equal(pr.status(), 200, await pr.text());
  assert.deepEqual(pr.request().postDataJSON(), { pinned: true });
  await page.locator(`[data-testid="task-row"][data-task-id="${launch.id}"] [data-testid="task-pin"][aria-pressed="true"]`).waitFor();
  assert.deepEqual(await blocking(page), [], 'the project page with a pinned task');
  // its form says so too, with the people-at-once field
  await page.getByRole('button', { name: 'Edit Launch' }).click();
  const form = page.getByTestId('task-form');
  assert.equal(await form.getByLabel('Pinned: plans keep its bookings where they are').isChecked(), true);
  assert.equal(await form.getByLabel('People at once').inputValue(), '1');
  assert.deepEqual(await blocking(page, '[data-testid="task-form"]'), [], 'the task form');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await form.waitFor({ state: 'detached' });

  // a change that would re-plan the launch: it is pinned, so it stays as it was
  await api(page, 'PATCH', `${tasks}/${launch.id}`, { effort_hours: 40 });
  await api(page, 'PATCH', `${tasks}/${brief.id}`, { priority: 9 });
  previewed = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/preview'));
  await page.getByTestId('plan-auto').click();
  const second = await (await previewed).json();
  await banner.waitFor();
  const kept = second.tasks.find((x) => x.task_id === launch.id);
  assert.equal(kept.pinned, true);
  assert.deepEqual([kept.person_id, kept.start, kept.finish], [launchPlan.person_id, launchPlan.start, launchPlan.finish]);
  assert.equal(second.allocations.filter((a) => a.task_id === launch.id).length, 0, 'no new booking for a pinned task');
  assert.equal(second.removed.filter((id) => launchAllocs.some((a) => a.id === id)).length, 0, 'its bookings stay');
  assert.equal(await page.locator(`[data-testid="ghost-allocation"][data-task-id="${launch.id}"]`).count(), 0);
  for (const a of launchAllocs) await page.locator(`[data-testid="allocation"][data-allocation-id="${a.id}"]`).first().waitFor();
  assert.deepEqual(await blocking(page), [], 'the schedule previewed around a pinned task');
  await page.getByTestId('plan-discard').click();
  await banner.waitFor({ state: 'detached' });

  // a planned booking pinned from its dialog
  const briefAlloc = (await api(page, 'GET', '/allocations')).find((a) => a.task_id === brief.id);
  await page.locator(`[data-testid="allocation"][data-allocation-id="${briefAlloc.id}"]`).first().click();
  const dlg = page.getByTestId('allocation-dialog');
  await dlg.waitFor();
  const box = dlg.getByLabel('Pinned: plans keep it where it is');
  assert.equal(await box.isChecked(), false);
  await box.check();
  assert.deepEqual(await blocking(page, '[role="dialog"]'), [], 'the planned booking dialog');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/allocations/${briefAlloc.id}`) && r.request().method() === 'PATCH');
  await dlg.getByTestId('dialog-submit').click();
  const sr = await saved;
  assert.equal(sr.status(), 200, await sr.text());
  assert.equal((await sr.json()).pinned, true);
  await dlg.waitFor({ state: 'detached' });

  // a member opens the same booking: read-only, and it says it is pinned
  const invite = await api(page, 'POST', '/team/invites', { email: 'mo@example.com', role: 'member' });
  const member = await newPage(browser, errors);
  await member.goto(`${server.base}/signup?invite=${encodeURIComponent(invite.token)}`);
  await member.getByLabel('Name').fill('Mo Member');
  await member.getByLabel('Email').fill('mo@example.com');
  await member.getByLabel('Password').fill('correct horse battery');
  await member.getByRole('button', { name: /Sign up|Join/ }).click();
  await member.getByTestId('nav-schedule').click();
  await member.locator(`[data-testid="allocation"][data-allocation-id="${briefAlloc.id}"]`).first().click();
  const view = member.getByTestId('allocation-dialog');
  await view.getByTestId('allocation-readonly').waitFor();
  assert.match(await view.getByTestId('allocation-pinned-note').innerText(), /Plans keep it where it is/);
  assert.equal(await view.locator('input, select, textarea').count(), 0, 'nothing that looks editable');
  assert.deepEqual(await blocking(member, '[role="dialog"]'), [], 'a pinned booking as a member sees it');
  await view.getByText('Close', { exact: true }).click();
  await view.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await member.context().close();
  await page.context().close();
});
