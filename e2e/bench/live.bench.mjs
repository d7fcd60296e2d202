// Not a test: how long a planner's booking takes to appear on a colleague's open
// timeline, from the moment her POST is sent to the bar being drawn on his, next
// to her own POST's round trip, over many bookings, in headless Chromium against
// a fresh server (debug or release binary: KRONUZ_BIN).
//
//   node e2e/bench/live.bench.mjs [--bookings 50]
import { startServer, launchBrowser, newPage, signUp, nextMonday, addDays } from '../harness.js';

const n = Number(process.argv[process.argv.indexOf('--bookings') + 1]) || 50;
const server = await startServer();
const browser = await launchBrowser();
try {
  const errors = [];
  const a = await newPage(browser, errors);
  await signUp(a, server.base, { name: 'Ada Owner', email: 'ada@example.com' });
  const post = (page, path, body) => page.evaluate(async ([path, body]) => {
    const r = await fetch('/api/v1' + path, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return r.json();
  }, [path, body]);
  const person = await post(a, '/people', { name: 'Ben Okafor' });
  const project = await post(a, '/prj', { name: 'Store ops' });
  const invite = await post(a, '/team/invites', { email: 'bea@example.com', role: 'manager' });
  const b = await newPage(browser, errors);
  await b.goto(server.base + (invite.url || `/signup?invite=${invite.token}`));
  await b.getByLabel('Name').fill('Bea Manager');
  await b.getByLabel('Email').fill('bea@example.com');
  await b.getByLabel('Password').fill('manager password');
  await b.getByRole('button', { name: 'Sign up' }).click();
  await b.getByTestId('nav-schedule').waitFor();
  await a.goto(server.base + '/schedule');
  await a.waitForFunction(() => window.__kronuz.model.live.status === 'open');
  const mon = nextMonday();
  const ms = [], own = [];
  for (let i = 0; i < n; i++) {
    const day = addDays(mon, i % 28);
    // Ada's page notes when the bar is drawn; Bea's clock and Ada's are the same machine's
    const seen = a.evaluate(() => new Promise((resolve) => {
      const before = new Set([...document.querySelectorAll('[data-testid="allocation"]')].map((e) => e.dataset.allocationId));
      const obs = new MutationObserver(() => {
        for (const e of document.querySelectorAll('[data-testid="allocation"]')) if (!before.has(e.dataset.allocationId)) { obs.disconnect(); resolve(performance.timeOrigin + performance.now()); return; }
      });
      obs.observe(document.body, { childList: true, subtree: true });
    }));
    const [sent, answered] = await b.evaluate(async ([body]) => {
      const t0 = performance.timeOrigin + performance.now();
      const r = await fetch('/api/v1/allocations', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      await r.json();
      return [t0, performance.timeOrigin + performance.now()];
    }, [{ person_id: person.id, project_id: project.id, start: day, end: day, hours_per_day: 0.25 }]);
    ms.push((await seen) - sent);
    own.push(answered - sent);
  }
  const line = (xs) => {
    xs.sort((x, y) => x - y);
    const q = (p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1);
    return `p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${xs.at(-1).toFixed(1)} ms`;
  };
  console.log(`${n} bookings by Bea, drawn on Ada's open timeline after: ${line(ms)}`);
  console.log(`Bea's own POST round trip, for comparison:        ${line(own)}`);
  if (errors.length) console.log('page errors:', errors);
} finally {
  await browser.close();
  await server.stop();
}
