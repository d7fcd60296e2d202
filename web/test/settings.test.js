import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, update, teamSettings } from '../update.js';

const TODAY = '2025-01-08';

function run(m, ...msgs) {
  let fx = [];
  for (const msg of msgs) { const [m2, f] = update(m, msg); m = m2; fx = f; }
  return [m, fx];
}

function loggedIn(role = 'owner') {
  let [m] = init({ path: '/team', today: TODAY });
  [m] = update(m, { type: 'MeOk', data: { id: 'u1', email: 'a@b.c', name: 'Ada' } });
  const data = {
    team: { id: 't', name: 'Acme', week_start: 'monday', timezone: 'UTC', members: [{ user_id: 'u1', name: 'Ada', email: 'a@b.c', role }] },
    people: [{ id: 'p1', name: 'Ann' }, { id: 'p2', name: 'Bob' }],
    projects: [{ id: 'x', name: 'Apollo', status: 'active' }],
  };
  for (const [what, d] of Object.entries(data)) [m] = update(m, { type: 'Loaded', what, data: d });
  return m;
}

test('team settings show the team, send only what changed, and keep the saved team', () => {
  let m = loggedIn();
  assert.deepEqual(teamSettings(m), { name: 'Acme', timezone: 'UTC', week_start: 'monday', error: null, busy: false });
  let fx;
  [m, fx] = update(m, { type: 'TeamSettingsSubmit' });
  assert.equal(fx.length, 0, 'nothing changed: no request');
  [m, fx] = run(m, { type: 'TeamSettingsInput', field: 'name', value: ' Acme Ltd ' }, { type: 'TeamSettingsInput', field: 'timezone', value: 'Europe/London' }, { type: 'TeamSettingsSubmit' });
  assert.equal(fx.length, 1);
  assert.equal(fx[0].method, 'PATCH');
  assert.equal(fx[0].path, '/api/v1/team');
  assert.deepEqual(fx[0].body, { name: 'Acme Ltd', timezone: 'Europe/London' });
  assert.equal(m.teamForm.busy, true);
  [m] = update(m, { type: 'TeamSettingsSaved', status: 200, data: { id: 't', name: 'Acme Ltd', week_start: 'monday', timezone: 'Europe/London', members: m.data.team.members } });
  assert.equal(m.teamForm, null);
  assert.equal(m.data.team.name, 'Acme Ltd');
  assert.equal(teamSettings(m).timezone, 'Europe/London');
});

test('team settings show the server error beside the form and validate locally', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'TeamSettingsInput', field: 'name', value: '  ' }, { type: 'TeamSettingsSubmit' });
  assert.equal(fx.length, 0);
  assert.equal(m.teamForm.error, 'Name is required.');
  [m, fx] = run(m, { type: 'TeamSettingsInput', field: 'name', value: 'Acme' }, { type: 'TeamSettingsInput', field: 'timezone', value: 'Mars/Base' }, { type: 'TeamSettingsInput', field: 'week_start', value: 'sunday' }, { type: 'TeamSettingsSubmit' });
  assert.deepEqual(fx[0].body, { timezone: 'Mars/Base', week_start: 'sunday' });
  [m] = update(m, { type: 'TeamSettingsErr', status: 422, error: 'timezone: unknown time zone' });
  assert.equal(teamSettings(m).error, 'timezone: unknown time zone');
  assert.equal(teamSettings(m).busy, false);
  assert.equal(teamSettings(m).timezone, 'Mars/Base', 'the edits stay');
  [m] = update(m, { type: 'TeamSettingsReset' });
  assert.equal(teamSettings(m).timezone, 'UTC');
});

test('non-owners cannot edit team settings', () => {
  let m = loggedIn('manager');
  let fx;
  [m, fx] = run(m, { type: 'TeamSettingsInput', field: 'name', value: 'Hacked' }, { type: 'TeamSettingsSubmit' });
  assert.equal(fx.length, 0);
  assert.equal(teamSettings(m).name, 'Acme');
});

test('actual hours: choose a person to load, record, list newest first, delete', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = update(m, { type: 'ActualSubmit' });
  assert.equal(fx.length, 0);
  assert.equal(m.actuals.error, 'Choose a person.');
  [m, fx] = update(m, { type: 'ActualInput', field: 'person_id', value: 'p1' });
  assert.equal(fx[0].method, 'GET');
  assert.equal(fx[0].path, '/api/v1/actuals?person_id=p1');
  assert.equal(m.actuals.loading, true);
  [m] = update(m, { type: 'ActualsLoaded', personId: 'p1', data: [{ id: 'a1', person_id: 'p1', project_id: 'x', date: '2025-01-02', hours: 2 }, { id: 'a2', person_id: 'p1', project_id: 'x', date: '2025-01-06', hours: 5 }] });
  assert.deepEqual(m.actuals.list.map((a) => a.id), ['a2', 'a1']);
  // a late answer for another person is ignored
  [m] = update(m, { type: 'ActualsLoaded', personId: 'p2', data: [] });
  assert.equal(m.actuals.list.length, 2);

  [m, fx] = run(m, { type: 'ActualInput', field: 'project_id', value: 'x' }, { type: 'ActualInput', field: 'hours', value: '30' }, { type: 'ActualSubmit' });
  assert.equal(fx.length, 0);
  assert.match(m.actuals.error, /Hours/);
  [m, fx] = run(m, { type: 'ActualInput', field: 'hours', value: '3' }, { type: 'ActualInput', field: 'note', value: ' bugfix ' }, { type: 'ActualSubmit' });
  assert.equal(fx[0].method, 'POST');
  assert.equal(fx[0].path, '/api/v1/actuals');
  assert.deepEqual(fx[0].body, { person_id: 'p1', project_id: 'x', date: TODAY, hours: 3, note: 'bugfix' });
  assert.equal(m.actuals.busy, true);
  [m] = update(m, { type: 'ActualCreated', status: 201, personId: 'p1', data: { id: 'a3', person_id: 'p1', project_id: 'x', date: TODAY, hours: 3, note: 'bugfix' } });
  assert.deepEqual(m.actuals.list.map((a) => a.id), ['a3', 'a2', 'a1']);
  assert.equal(m.actuals.busy, false);
  assert.equal(m.actuals.form.hours, '');
  assert.equal(m.actuals.form.project_id, 'x', 'project and date stay for the next entry');

  [m, fx] = update(m, { type: 'ActualDelete', id: 'a3' });
  assert.equal(fx[0].method, 'DELETE');
  assert.equal(fx[0].path, '/api/v1/actuals/a3');
  [m] = update(m, { type: 'ActualDeleted', status: 204, id: 'a3' });
  assert.deepEqual(m.actuals.list.map((a) => a.id), ['a2', 'a1']);
});

test('actual hours: a 403 shows the server message beside the form', () => {
  let m = loggedIn('member');
  let fx;
  [m, fx] = run(m, { type: 'ActualInput', field: 'person_id', value: 'p2' }, { type: 'ActualInput', field: 'project_id', value: 'x' }, { type: 'ActualInput', field: 'hours', value: '4' }, { type: 'ActualSubmit' });
  assert.equal(fx[0].body.person_id, 'p2');
  [m] = update(m, { type: 'ActualErr', status: 403, error: 'members may record hours only for themselves' });
  assert.equal(m.actuals.error, 'members may record hours only for themselves');
  assert.equal(m.actuals.busy, false);
});

test('changing the password sends both and clears them; an owner gets a reset link', () => {
  let m = loggedIn();
  let fx;
  [m, fx] = run(m, { type: 'AccountInput', field: 'current', value: 'old password' }, { type: 'PasswordChange' });
  assert.equal(fx.length, 0, 'a short new password is caught before sending');
  assert.match(m.account.error, /8 characters/);
  [m, fx] = run(m, { type: 'AccountInput', field: 'next', value: 'new password' }, { type: 'PasswordChange' });
  assert.deepEqual(fx.map((f) => [f.method, f.path, f.body]), [['POST', '/api/v1/usr/password', { current_password: 'old password', new_password: 'new password' }]]);
  [m] = update(m, { type: 'PasswordChanged' });
  assert.equal(m.account.current, '');
  assert.equal(m.account.next, '');
  [m, fx] = update(m, { type: 'ResetMember', userId: 'u2' });
  assert.equal(fx[0].path, '/api/v1/team/members/u2/reset');
  [m] = update(m, { type: 'ResetLinkMade', data: { url: '/reset?token=abc' } });
  assert.equal(m.account.resetLink, '/reset?token=abc');
  [, fx] = update(m, { type: 'LogoutEverywhere' });
  assert.equal(fx[0].path, '/api/v1/usr/logout-all');
});

test('a reset link opens its page, sends the token with the new password, then goes to log in', () => {
  let [m] = init({ path: '/reset', search: '?token=t0k', today: TODAY });
  assert.deepEqual(m.route, { page: 'reset', token: 't0k' });
  [m] = update(m, { type: 'MeErr' });
  assert.equal(m.route.page, 'reset', 'a logged-out visitor stays on the page');
  let fx;
  [m, fx] = run(m, { type: 'ResetInput', value: 'brand new one' }, { type: 'ResetSubmit' });
  assert.deepEqual(fx.map((f) => [f.path, f.body]), [['/api/v1/usr/reset', { token: 't0k', password: 'brand new one' }]]);
  [m, fx] = update(m, { type: 'ResetDone' });
  assert.equal(m.route.page, 'login');
  assert.equal(fx[0].path, '/login');
});
