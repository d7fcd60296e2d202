// sign up -> two people (a Designer, a rust developer) -> a project -> two
// tasks through the project page (Build depends on Design) -> Plan
// automatically -> ghost bars on the timeline for both people -> Accept ->
// real bars in their place, ghosts gone -> Ctrl+Z takes the whole plan back.
// The proposal says how far each project finishes from the earliest possible.
// A dependency cycle is refused with the server's message beside the form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signUp, hasRoute, eventually, addPerson, addProject } from './harness.js';

let server, browser;
const errors = [];
let missing = null;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  for (const path of ['/api/v1/people', '/api/v1/allocations', '/api/v1/prj/none/tasks']) if (!(await hasRoute(server.base, path))) missing = `the server has no ${path} yet`;
  // preview is POST only: without a session a known route answers 401
  const r = await fetch(server.base + '/api/v1/schedule/preview', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  if (r.status === 404 || r.status === 405) missing = 'the server has no /api/v1/schedule/preview yet';
});
after(async () => { await browser?.close(); await server?.stop(); });

async function addTask(page, projectId, { name, effort, role, skills, dependsOn }) {
  await page.getByTestId('add-task').click();
  const form = page.getByTestId('task-form');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Effort (hours)').fill(String(effort));
  if (role) await form.getByLabel('Role').fill(role);
  if (skills) await form.getByLabel('Skills').fill(skills);
  if (dependsOn) await form.getByLabel('Depends on').selectOption(dependsOn);
  const resp = page.waitForResponse((r) => r.url().endsWith(`/api/v1/prj/${projectId}/tasks`) && r.request().method() === 'POST');
  await form.getByTestId('task-submit').click();
  const r = await resp;
  assert.equal(r.status(), 201, await r.text());
  const task = await r.json();
  await page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`).waitFor();
  await form.waitFor({ state: 'detached' });
  return task;
}

const ghosts = (page) => page.getByTestId('ghost-allocation');
const bars = (page) => page.locator('[data-testid="allocation"]');
const rowOf = (page, personId) => page.locator(`[data-testid="timeline-row"][data-person-id="${personId}"]`);

test('planning: tasks through the UI, previewed as ghosts, accepted, undone in one step', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base);
  const dee = await addPerson(page, 'Dee Designer', { role: 'Designer' });
  const dev = await addPerson(page, 'Rusty Dev', { role: 'Developer', skills: 'rust' });
  const project = await addProject(page, 'Website');

  await page.locator(`[data-testid="project-card"][data-project-id="${project.id}"] a`).click();
  await page.getByTestId('tasks-section').waitFor();
  const design = await addTask(page, project.id, { name: 'Design', effort: 16, role: 'Designer' });
  const build = await addTask(page, project.id, { name: 'Build', effort: 24, skills: 'rust', dependsOn: [design.id] });
  assert.deepEqual(build.depends_on, [design.id]);
  assert.deepEqual(build.skills, ['rust']);
  assert.equal(design.role, 'Designer');
  const buildRow = page.locator(`[data-testid="task-row"][data-task-id="${build.id}"]`);
  assert.match(await buildRow.innerText(), /Design/);
  assert.match(await buildRow.innerText(), /24h/);

  // a cycle is refused; the server's message shows beside the form
  await page.getByRole('button', { name: 'Edit Design' }).click();
  const form = page.getByTestId('task-form');
  await form.getByLabel('Depends on').selectOption([build.id]);
  const refused = page.waitForResponse((r) => r.url().endsWith(`/tasks/${design.id}`) && r.request().method() === 'PATCH');
  await form.getByTestId('task-submit').click();
  assert.equal((await refused).status(), 422);
  const err = await form.getByTestId('task-error').innerText();
  assert.match(err, /cycle/i);
  assert.match(err, /Design/);
  await form.getByRole('button', { name: 'Cancel' }).click();
  await form.waitFor({ state: 'detached' });

  // preview
  const previewed = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/preview'));
  await page.getByTestId('plan-auto').click();
  const pr = await previewed;
  assert.equal(pr.status(), 200, await pr.text());
  const proposal = await pr.json();
  assert.equal(proposal.allocations.length >= 2, true, JSON.stringify(proposal));
  const banner = page.getByTestId('plan-banner');
  await banner.waitFor();
  assert.match(page.url(), /\/schedule$/);
  assert.match(await banner.innerText(), /Website finishes/);
  // Design (2 days) then Build (3 days) is the longest chain: the plan cannot be beaten
  const bound = await banner.getByTestId('plan-bound').innerText();
  assert.match(bound, /the earliest possible/);
  assert.match(bound, /Design → Build/);
  await rowOf(page, dee.id).getByTestId('ghost-allocation').first().waitFor();
  await rowOf(page, dev.id).getByTestId('ghost-allocation').first().waitFor();
  assert.match(await rowOf(page, dee.id).getByTestId('ghost-allocation').first().innerText(), /Design/);
  assert.match(await rowOf(page, dev.id).getByTestId('ghost-allocation').first().innerText(), /Build/);
  assert.equal(await bars(page).count(), 0, 'nothing is saved by a preview');
  const ghostCount = await ghosts(page).count();
  if (process.env.KRONUZ_E2E_SCREENSHOT) await page.screenshot({ path: process.env.KRONUZ_E2E_SCREENSHOT });

  // accept
  const applied = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/apply'));
  await page.getByTestId('plan-accept').click();
  const ar = await applied;
  assert.equal(ar.status(), 200, await ar.text());
  await banner.waitFor({ state: 'detached' });
  await eventually(async () => (await bars(page).count()) === ghostCount, 'real bars replace the ghosts');
  assert.equal(await ghosts(page).count(), 0);
  assert.equal(await rowOf(page, dee.id).getByTestId('allocation').count() >= 1, true);
  assert.equal(await rowOf(page, dev.id).getByTestId('allocation').count() >= 1, true);
  assert.match(await rowOf(page, dee.id).getByTestId('allocation').first().innerText(), /Website/);

  // Ctrl+Z takes the whole plan back
  await page.getByTestId('timeline-grid').focus();
  const undone = page.waitForResponse((r) => r.url().endsWith('/api/v1/activity/undo'));
  await page.keyboard.press('Control+z');
  assert.equal((await undone).status(), 200);
  await eventually(async () => (await bars(page).count()) === 0, 'the undo removes every planned bar');
  const left = await page.evaluate(async () => (await (await fetch('/api/v1/allocations', { credentials: 'same-origin' })).json()));
  assert.deepEqual(left, []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('planning: discard clears the ghosts; a changed schedule offers to preview again', async (t) => {
  if (missing) return t.skip(missing);
  const page = await newPage(browser, errors);
  await signUp(page, server.base, { email: `bea${Date.now()}@example.com` });
  const seeded = await page.evaluate(async () => {
    const post = async (u, b) => { const r = await fetch('/api/v1' + u, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }); return r.json(); };
    const person = await post('/people', { name: 'Solo' });
    const project = await post('/prj', { name: 'Solo work' });
    await post(`/prj/${project.id}/tasks`, { name: 'Everything', effort_hours: 8 });
    return { person: person.id, project: project.id };
  });
  await page.goto(server.base + '/projects/' + seeded.project);
  await page.getByTestId('plan-auto').click();
  await page.getByTestId('plan-banner').waitFor();
  await rowOf(page, seeded.person).getByTestId('ghost-allocation').waitFor();
  await page.getByTestId('plan-discard').click();
  await page.getByTestId('plan-banner').waitFor({ state: 'detached' });
  assert.equal(await ghosts(page).count(), 0);

  // preview, then change the schedule behind its back: apply is refused with 409
  await page.goto(server.base + '/projects/' + seeded.project);
  await page.getByTestId('plan-auto').click();
  await page.getByTestId('plan-banner').waitFor();
  await page.evaluate(async () => { await fetch('/api/v1/prj', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Meanwhile' }) }); });
  await page.getByTestId('plan-accept').click();
  await page.getByTestId('plan-error').waitFor();
  assert.ok((await page.getByTestId('plan-error').innerText()).length > 0);
  assert.equal(await ghosts(page).count() > 0, true, 'the stale proposal stays visible');
  const again = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/preview'));
  await page.getByTestId('plan-again').click();
  assert.equal((await again).status(), 200);
  await page.getByTestId('plan-accept').waitFor();
  const applied = page.waitForResponse((r) => r.url().endsWith('/api/v1/schedule/apply'));
  await page.getByTestId('plan-accept').click();
  assert.equal((await applied).status(), 200);
  await rowOf(page, seeded.person).getByTestId('allocation').waitFor();
  assert.equal(await ghosts(page).count(), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
});
