// Benchmark (not a test): 1,000 people with 100,000 allocations over a year
// on a real `kronuz serve`, measured in headless Chromium:
//   - navigation to a usable timeline (grid and bars drawn),
//   - scrolling through all rows (frame times),
//   - dragging a bar (longest frame).
// Usage (from the repository root):
//   node e2e/bench/timeline.bench.mjs [--people 1000] [--allocations 100000] [--screenshot FILE] [--pipeline-screenshot FILE]
//     [--data-dir DIR]   seed DIR once and reuse it on later runs (kept after the run)
//     [--runs N]         repeat the scrolling measurements N times
//     [--density compact] measure the timeline in its compact density
//     [--cpu]            also trace the first fling and the drag: the CPU time of the page's
//                        main thread (thread time, which a machine busy with other work
//                        does not inflate as it does frame times)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser } from '../harness.js';

const arg = (name, dflt) => { const i = process.argv.indexOf('--' + name); return i > 0 ? process.argv[i + 1] : dflt; };
const PEOPLE = Number(arg('people', 1000));
const ALLOCS = Number(arg('allocations', 100000));
const SHOT = arg('screenshot', null);
const PIPE_SHOT = arg('pipeline-screenshot', null);
const DATA_DIR = arg('data-dir', null);
const RUNS = Number(arg('runs', 1));
const DENSITY = arg('density', null);
const CPU = process.argv.includes('--cpu');
const CONCURRENCY = 32;

const server = await startServer({ dataDir: DATA_DIR });
let browser;
try {
  let cookie = '';
  const call = async (method, path, body) => {
    const r = await fetch(server.base + '/api/v1' + path, { method, headers: { 'content-type': 'application/json', cookie }, body: body ? JSON.stringify(body) : undefined });
    const sc = r.headers.getSetCookie();
    if (sc.length) cookie = sc.map((c) => c.split(';')[0]).join('; ');
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
  const pool = async (n, fn) => {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < n) { const i = next++; await fn(i); } }));
  };
  const day = (n) => { const d = new Date(); d.setUTCHours(12, 0, 0, 0); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };

  let t = Date.now();
  const credentials = { email: DATA_DIR ? 'bench@example.com' : `bench${Date.now()}@example.com`, password: 'benchmark-password' };
  let seeded = false;
  if (DATA_DIR) seeded = await call('POST', '/usr/login', credentials).then(() => true, () => false);
  if (!seeded) await seed();
  async function seed() {
    await call('POST', '/usr/signup', { name: 'Bench Owner', ...credentials });
    const colors = ['#4f6bed', '#0e9f6e', '#d9480f', '#9c36b5', '#1098ad', '#e8590c', '#c2255c', '#2b8a3e'];
    const statuses = ['lead', 'proposal', 'won', 'active', 'active', 'active', 'done', 'lost'];
    const projects = [];
    for (let i = 0; i < 60; i++) projects.push(await call('POST', '/prj', { name: `Project ${String(i + 1).padStart(2, '0')}`, status: statuses[i % 8], color: colors[i % 8], budget_hours: 2000 }));
    const roles = ['Developer', 'Designer', 'Analyst', 'Architect', 'Consultant', 'Project manager'];
    const people = new Array(PEOPLE);
    await pool(PEOPLE, async (i) => { people[i] = await call('POST', '/people', { name: `Person ${String(i + 1).padStart(4, '0')}`, role: roles[i % roles.length], skills: [roles[i % roles.length].toLowerCase()] }); });
    const per = Math.ceil(ALLOCS / PEOPLE);
    await pool(ALLOCS, async (k) => {
      const i = k % PEOPLE, j = Math.floor(k / PEOPLE);
      const start = -60 + Math.floor(j * (365 / per)) + (i % 3);
      const len = 2 + ((i + j) % 5);
      await call('POST', '/allocations', { person_id: people[i].id, project_id: projects[(i + j) % projects.length].id, start: day(start), end: day(start + len), hours_per_day: 2 + ((i * 7 + j) % 5), tentative: (i + j) % 9 === 0 });
    });
    console.log(`seeded ${PEOPLE} people, ${ALLOCS} allocations in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addCookies(cookie.split('; ').map((c) => { const [n, ...v] = c.split('='); return { name: n, value: v.join('='), url: server.base }; }));
  if (DENSITY) {
    // the density each login keeps in the browser (web/page/schedule.js densityKey)
    const me = await call('GET', '/usr/me');
    const id = (me.user || me).id;
    await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [`kronuz.density.${id}`, DENSITY]);
  }
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  t = Date.now();
  await page.goto(server.base + '/schedule');
  await page.locator('[data-testid="allocation"]').first().waitFor({ timeout: 60_000 });
  const usable = Date.now() - t;
  if (DENSITY) await page.locator(`[data-testid="density-${DENSITY}"][aria-pressed="true"]`).waitFor();
  const api = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).map((e) => `${new URL(e.name).pathname} ${Math.round(e.duration)} ms ${Math.round(e.encodedBodySize / 1024)} KiB`));
  const firstRender = await page.evaluate(() => window.__kronuzStats && window.__kronuzStats.maxView);

  // scroll down (or sideways, from where the view is) by `step` px per frame over
  // `limit` px (all rows when null); frame times
  const scrollBy = (step, limit, axis = 'scrollTop') => page.evaluate(async ([step, limit, axis]) => {
    const el = document.querySelector('[data-testid=timeline-grid]');
    const frames = [];
    let last = performance.now();
    const t0 = last;
    const from = axis === 'scrollTop' ? 0 : el[axis];
    const max = limit ?? el.scrollHeight - el.clientHeight;
    for (let y = 0; y <= max; y += step) {
      el[axis] = from + y;
      await new Promise((r) => requestAnimationFrame(() => r()));
      const now = performance.now(); frames.push(now - last); last = now;
    }
    const ms = performance.now() - t0;
    // after the last step: the frames in which rows drawn light during a fast scroll fill in
    let settle = 0;
    for (const end = performance.now() + 400; performance.now() < end;) {
      await new Promise((r) => requestAnimationFrame(() => r()));
      const now = performance.now(); settle = Math.max(settle, now - last); last = now;
    }
    el[axis] = from;
    frames.sort((a, b) => a - b);
    return { ms, settle, frames: frames.length, median: frames[frames.length >> 1], p95: frames[Math.floor(frames.length * 0.95)], max: frames[frames.length - 1], over50: frames.filter((f) => f > 50).length };
  }, [step, limit, axis]);
  // the renderer main thread's CPU time over what `fn` does: per task, from a trace
  const cpuOf = async (fn) => {
    if (!CPU) return [await fn(), null];
    const file = path.join(os.tmpdir(), `kronuz-bench-trace-${process.pid}.json`);
    await browser.startTracing(page, { path: file, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    const out = await fn();
    await browser.stopTracing();
    const events = JSON.parse(fs.readFileSync(file, 'utf8')).traceEvents;
    fs.rmSync(file, { force: true });
    const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.tdur != null && main.has(`${e.pid}:${e.tid}`)).map((e) => e.tdur / 1000).sort((a, b) => a - b);
    return [out, { ms: tasks.reduce((a, b) => a + b, 0), longest: tasks[tasks.length - 1] || 0, over16: tasks.filter((t) => t > 16).length }];
  };
  let flingCpu = null, dragCpu = null;
  const scrolls = [], wheels = [], sideways = [];
  for (let run = 0; run < RUNS; run++) {
    if (run === 0) { const [r, cpu] = await cpuOf(() => scrollBy(400, null)); scrolls.push(r); flingCpu = cpu; }
    else scrolls.push(await scrollBy(400, null));
    await page.waitForTimeout(300);
    // wheel-like scrolling: 100 px per frame over the first 10,000 px
    wheels.push(await scrollBy(100, 10000));
    await page.waitForTimeout(300);
    // sideways through the weeks: 50 px per frame over 2,400 px (100 days at week zoom),
    // loading allocations as the view nears the edge of what is loaded
    sideways.push(await scrollBy(50, 2400, 'scrollLeft'));
    await page.waitForTimeout(300);
  }

  // a bar fully in view, right of the row headers
  const pickBar = (skip) => page.evaluate((skip) => {
    const grid = document.querySelector('[data-testid=timeline-grid]').getBoundingClientRect();
    const bars = [...document.querySelectorAll('[data-testid=allocation]')].map((e) => e.getBoundingClientRect())
      .filter((r) => r.left > grid.left + 300 && r.right < grid.right - 100 && r.top > grid.top + 60 && r.bottom < grid.bottom - 20 && r.width > 30);
    const r = bars[skip];
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  }, skip);
  const b = await pickBar(3);
  await page.evaluate(() => { window.__frames = []; let last = performance.now(); const f = (now) => { window.__frames.push(now - last); last = now; if (window.__frames.length < 600) requestAnimationFrame(f); }; requestAnimationFrame(f); });
  const [drag, cpuOfDrag] = await cpuOf(async () => {
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) await page.mouse.move(b.x + b.width / 2 + i * 5, b.y + b.height / 2 + i * 2);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    return page.evaluate(() => { const f = window.__frames.slice(1); f.sort((a, b) => a - b); return { frames: f.length, max: f[f.length - 1], p95: f[Math.floor(f.length * 0.95)] }; });
  });
  dragCpu = cpuOfDrag;

  // a completed move: drag two days later and drop (optimistic update, PATCH, server answer)
  const b2 = await pickBar(6);
  await page.evaluate(() => { window.__frames = []; let last = performance.now(); const f = (now) => { window.__frames.push(now - last); last = now; if (window.__frames.length < 120) requestAnimationFrame(f); }; requestAnimationFrame(f); });
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH');
  await page.mouse.move(b2.x + b2.width / 2, b2.y + b2.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(b2.x + b2.width / 2 + i * 4, b2.y + b2.height / 2);
  await page.mouse.up();
  await patched;
  await page.waitForTimeout(300);
  const drop = await page.evaluate(() => { const f = window.__frames.slice(1); return { frames: f.length, max: Math.max(...f) }; });
  const stats = await page.evaluate(() => window.__kronuzStats);

  const fmt = (x) => Math.round(x);
  console.log(`usable timeline after navigation: ${usable} ms (slowest view ${Math.round(firstRender)} ms)`);
  console.log('  API:', api.join('; '));
  for (const scroll of scrolls) console.log(`scroll through all ${PEOPLE} rows at 400 px per frame: ${fmt(scroll.ms)} ms, ${scroll.frames} frames, median ${fmt(scroll.median)} ms, p95 ${fmt(scroll.p95)} ms, longest ${fmt(scroll.max)} ms, ${scroll.over50} over 50 ms; then cells fill in: longest frame ${fmt(scroll.settle)} ms`);
  for (const side of sideways) console.log(`scroll sideways 50 px per frame (2,400 px): ${side.frames} frames, median ${fmt(side.median)} ms, p95 ${fmt(side.p95)} ms, longest ${fmt(side.max)} ms, ${side.over50} over 50 ms`);
  for (const wheel of wheels) console.log(`scroll 100 px per frame (10,000 px): ${wheel.frames} frames, median ${fmt(wheel.median)} ms, p95 ${fmt(wheel.p95)} ms, longest ${fmt(wheel.max)} ms, ${wheel.over50} over 50 ms`);
  console.log(`drag a bar: ${drag.frames} frames, p95 ${fmt(drag.p95)} ms, longest ${fmt(drag.max)} ms`);
  console.log(`move and drop a bar (PATCH): longest frame ${fmt(drop.max)} ms`);
  if (flingCpu) console.log(`CPU of the page's main thread (thread time): the first fling ${fmt(flingCpu.ms)} ms over ${scrolls[0].frames} frames (${(flingCpu.ms / scrolls[0].frames).toFixed(1)} ms a frame), longest task ${fmt(flingCpu.longest)} ms, ${flingCpu.over16} over 16 ms; the drag ${fmt(dragCpu.ms)} ms, longest task ${fmt(dragCpu.longest)} ms, ${dragCpu.over16} over 16 ms`);
  console.log(`render: ${stats.n} renders, mean view ${(stats.view / stats.n).toFixed(1)} ms + patch ${(stats.patch / stats.n).toFixed(1)} ms`);
  if (SHOT) { await page.screenshot({ path: SHOT }); console.log(`screenshot: ${SHOT}`); }
  if (PIPE_SHOT) { await page.getByTestId('nav-projects').click(); await page.waitForTimeout(800); await page.screenshot({ path: PIPE_SHOT }); console.log(`pipeline screenshot: ${PIPE_SHOT}`); }
  if (errors.length) console.log('page errors:', errors);
} finally {
  await browser?.close();
  await server.stop();
}
