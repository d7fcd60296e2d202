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
