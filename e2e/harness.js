// Starts a real `kronuz serve` on a free port with a fresh data dir, and
// Debian's Chromium through playwright-core (no browser download).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start the server; returns {base, stop(), dataDir, logs()}. With `dataDir`, it
 * serves that directory and leaves it in place on stop; else a fresh temp dir
 * that stop() removes.
 */
export async function startServer({ dataDir: keepDir } = {}) {
  const bin = path.resolve(repoRoot, process.env.KRONUZ_BIN || 'target/debug/kronuz');
  if (!fs.existsSync(bin)) throw new Error(`kronuz binary not found at ${bin}: build it (cargo build) or set KRONUZ_BIN`);
  const dataDir = keepDir ? path.resolve(keepDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'kronuz-e2e-'));
  if (keepDir) fs.mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const env = { ...process.env };
  if (!process.env.KRONUZ_E2E_WEB_DIR) delete env.KRONUZ_WEB_DIR;
  else env.KRONUZ_WEB_DIR = process.env.KRONUZ_E2E_WEB_DIR;
  const child = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode != null) throw new Error(`kronuz exited early (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`kronuz did not become healthy in 30 s:\n${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    dataDir,
    logs: () => out,
    async stop() {
      if (child.exitCode == null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      if (!keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page that fails the test on uncaught page errors and CSP violations. */
export async function newPage(browser, errors) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(`console: ${m.text()}`); });
  page.setDefaultTimeout(10_000);
  return page;
}

/**
 * Does the server have this API route yet? (The server grows issue by issue;
 * an unknown route answers 404, a known one 401 without a session.)
 */
export async function hasRoute(base, path) {
  const r = await fetch(base + path);
  return r.status !== 404 && r.status !== 405;
}

/** Sign up through the form. */
export async function signUp(page, base, { name = 'Ada Lovelace', email = `ada${Date.now()}@example.com`, password = 'correct horse battery' } = {}) {
  await page.goto(base + '/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByTestId('nav-schedule').waitFor();
  return { name, email, password };
}

/** Local YYYY-MM-DD, n days from today. */
export function dayFromToday(n) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
export function addDays(s, n) {
  const d = new Date(s + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** The Monday of next week. */
export function nextMonday() {
  const d = new Date();
  const wd = (d.getDay() + 6) % 7;
  return dayFromToday(7 - wd);
}

/** Centre of a cell of a person's row. */
export async function cellCentre(page, personId, date) {
  const cell = page.locator(`[data-testid="timeline-row"][data-person-id="${personId}"] [data-testid="cell"][data-date="${date}"]`);
  await cell.waitFor();
  const b = await cell.boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2, low: b.y + b.height - 8, w: b.width };
}

/** Drag with the mouse in small steps (pointer events). */
export async function drag(page, from, to, steps = 8) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps });
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
}

/** Poll until check() is truthy (the DOM updates on the next animation frame). */
export async function eventually(check, message, timeout = 5000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait until the locator's attribute has the value. */
export async function expectAttr(locator, name, value, timeout = 5000) {
  let actual;
  await eventually(async () => (actual = await locator.getAttribute(name)) === value, `${name} to be ${value}`, timeout)
    .catch(() => { throw new Error(`expected ${name}=${JSON.stringify(value)}, got ${JSON.stringify(actual)}`); });
}

/** Submits a dialog that POSTs to `path`; asserts 201 and returns the created record. */
async function submitCreate(page, dlg, path) {
  const resp = page.waitForResponse((r) => r.url().endsWith(path) && r.request().method() === 'POST');
  await dlg.getByTestId('dialog-submit').click();
  const r = await resp;
  assert.equal(r.status(), 201, await r.text());
  return r.json();
}

/** Adds a person through the People page; returns the created person. */
export async function addPerson(page, name, { role = '', skills = '' } = {}) {
  await page.getByTestId('nav-people').click();
  await page.getByTestId('add-person').click();
  const dlg = page.getByTestId('person-dialog');
  await dlg.getByLabel('Name').fill(name);
  if (role) await dlg.getByLabel('Role').fill(role);
  if (skills) await dlg.getByLabel('Skills').fill(skills);
  const person = await submitCreate(page, dlg, '/api/v1/people');
  await page.locator(`[data-testid="person-row"][data-person-id="${person.id}"]`).waitFor();
  return person;
}

/** Creates a project through the Projects page; returns it. */
export async function addProject(page, name) {
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('new-project').click();
  const dlg = page.getByTestId('project-dialog');
  await dlg.getByLabel('Name').fill(name);
  const project = await submitCreate(page, dlg, '/api/v1/prj');
  await page.locator(`[data-testid="project-card"][data-project-id="${project.id}"]`).waitFor();
  return project;
}

/** Calls the API from `page`, with its login's cookies: the JSON answered, or null. */
export function pageApi(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const r = await fetch('/api/v1' + path, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    return text ? JSON.parse(text) : null;
  }, [method, path, body]);
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['critical', 'serious']);

/** Waits until the page has drawn two more frames. */
export function twoFrames(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Runs axe (WCAG 2.1 A and AA) on the page as it is now, or only on what `within`
 * selects, once it has drawn: the violations with a critical or serious node, each with
 * only those nodes (`{ id, impact, help, nodes: [{ impact, target, summary }] }`). The
 * source goes in through evaluate, which the page's Content-Security-Policy (no inline
 * scripts) does not apply to.
 */
export async function axeBlocking(page, within = null) {
  await twoFrames(page);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(([tags, within]) => window.axe.run(within ? { include: [within] } : document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ impact: n.impact, target: n.target.join(' '), summary: n.failureSummary })) }))), [AXE_TAGS, within]);
  return violations
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => BLOCKING.has(n.impact || v.impact)) }))
    .filter((v) => v.nodes.length);
}
