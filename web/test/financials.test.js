// The money pages' pure parts: the rate card's request, money formatting, and
// a member who is never sent to fetch money.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, update } from '../update.js';
import { ratesRequest, financialsRange } from '../page/financials.js';
import { routeEffects } from '../load.js';
import { fmtMoney } from '../view/financials.js';

test('the rate card is sent as roles with numbers, and refuses a rate without its role', () => {
  const req = ratesRequest([
    { role: ' Developer ', cost_rate: '60', bill_rate: '120.5' },
    { role: 'Designer', cost_rate: '', bill_rate: '100' },
    { role: '', cost_rate: '', bill_rate: '' },
  ]);
  assert.equal(req.method, 'PUT');
  assert.equal(req.path, '/api/v1/team/rates');
  assert.deepEqual(req.body, { roles: { Developer: { cost_rate: 60, bill_rate: 120.5 }, Designer: { cost_rate: null, bill_rate: 100 } } });
  assert.ok(ratesRequest([{ role: '', cost_rate: '5', bill_rate: '' }]).error);
  assert.ok(ratesRequest([{ role: 'A', cost_rate: '-1', bill_rate: '' }]).error);
  assert.ok(ratesRequest([{ role: 'A', cost_rate: '1', bill_rate: '' }, { role: 'A', cost_rate: '2', bill_rate: '' }]).error);
});

test('money shows two places in the team currency', () => {
  assert.equal(fmtMoney(1234.5, 'EUR'), '€1,234.50');
  assert.equal(fmtMoney(-5, 'USD'), '-$5.00');
  assert.equal(fmtMoney(null, 'USD'), '–');
});

test('the financials range is whole months', () => {
  assert.deepEqual(financialsRange({ from: '2026-03-01', months: 12 }), { from: '2026-03-01', to: '2027-02-28' });
});

test('a member is never sent to fetch money, and a 403 hides the page', () => {
  const [m0] = init({ path: '/financials', today: '2026-03-04' });
  const member = { ...m0, session: 'in', user: { id: 'u1', email: 'm@x.io' },
    data: { ...m0.data, team: { members: [{ user_id: 'u1', email: 'm@x.io', role: 'member' }] } } };
  assert.deepEqual(routeEffects(member), []);
  assert.deepEqual(routeEffects({ ...member, route: { page: 'team' } }), []);
  const owner = { ...member, data: { ...member.data, team: { members: [{ user_id: 'u1', email: 'm@x.io', role: 'owner' }] } } };
  const fx = routeEffects(owner);
  assert.equal(fx[0].path, '/api/v1/reports/financials?from=2026-03-01&to=2027-02-28&interval=month');
  const [m2] = update(owner, { type: 'FinancialsErr', status: 403, error: 'no' });
  assert.equal(m2.financials.forbidden, true);
  assert.equal(m2.financials.error, null);
});

test('a project’s own bill rates are sent per person or per role, and refused when unclear', async () => {
  const { overridesRequest, overrideRows } = await import('../page/financials.js');
  const req = overridesRequest('prj1', [
    { who: 'p:ann', bill_rate: '150' },
    { who: 'r:Developer', bill_rate: '90.5' },
    { who: '', bill_rate: '' },
  ], [{ id: 'ann', name: 'Ann' }]);
  assert.equal(req.method, 'PATCH');
  assert.equal(req.path, '/api/v1/prj/prj1');
  assert.deepEqual(req.body, { rate_overrides: [{ person_id: 'ann', bill_rate: 150 }, { role: 'Developer', bill_rate: 90.5 }] });
  assert.deepEqual(overridesRequest('prj1', []).body, { rate_overrides: [] }, 'no rows clears them');
  assert.match(overridesRequest('prj1', [{ who: '', bill_rate: '5' }]).error, /Choose who/);
  assert.match(overridesRequest('prj1', [{ who: 'p:ann', bill_rate: '1' }, { who: 'p:ann', bill_rate: '2' }], [{ id: 'ann', name: 'Ann' }]).error, /Ann has two rates/);
  assert.match(overridesRequest('prj1', [{ who: 'r:QA', bill_rate: '-1' }]).error, /QA must be 0 or more/);
  const [m0] = init({ path: '/projects/prj1', today: '2026-03-04' });
  const project = { id: 'prj1', rate_overrides: [{ person_id: 'ann', bill_rate: 150 }, { role: 'Developer', bill_rate: 90 }] };
  assert.deepEqual(overrideRows(m0, project), [{ who: 'p:ann', bill_rate: 150 }, { who: 'r:Developer', bill_rate: 90 }]);
});

test('the Financials page asks for weeks or months', () => {
  const [m0] = init({ path: '/financials', today: '2026-03-04' });
  const owner = { ...m0, session: 'in', user: { id: 'u1', email: 'o@x.io' },
    data: { ...m0.data, team: { members: [{ user_id: 'u1', email: 'o@x.io', role: 'owner' }] } } };
  assert.match(routeEffects(owner)[0].path, /interval=month/);
  const [m1, fx] = update(owner, { type: 'FinancialsInterval', interval: 'week' });
  assert.equal(m1.financials.interval, 'week');
  assert.match(fx[0].path, /^\/api\/v1\/reports\/financials\?from=2026-03-01&to=2027-02-28&interval=week$/);
  assert.deepEqual(update(m1, { type: 'FinancialsInterval', interval: 'week' })[1], [], 'the same choice asks nothing');
});
