// The team page: members and their roles, invites, and the team's settings.

import { http } from '../api.js';
import { set, setData, toast, myRole, unauthorized, strOrNull } from '../model.js';
import { reload } from '../load.js';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export const forms = {
  invite: {
    open() { return { id: null, form: { email: '', role: 'member' } }; },
    request(d) {
      const f = d.form;
      if (!strOrNull(f.email)) return { error: 'Email is required.' };
      return http('POST', '/team/invites', { email: f.email.trim(), role: f.role || 'member' }, 'InviteCreated', 'DialogErr');
    },
  },
};

/** The team settings form's values: the edits, else the team's own. */
export function teamSettings(m) {
  const t = m.data.team || {};
  const f = m.teamForm || {};
  return {
    name: f.name ?? t.name ?? '', timezone: f.timezone ?? t.timezone ?? 'UTC', week_start: f.week_start ?? t.week_start ?? 'monday',
    error: f.error || null, busy: !!f.busy,
  };
}

/** PATCH /team with the changed fields, or {error}. */
export function teamSettingsRequest(m) {
  const t = m.data.team || {};
  const v = teamSettings(m);
  const body = {};
  if (!String(v.name).trim()) return { error: 'Name is required.' };
  if (!String(v.timezone).trim()) return { error: 'Time zone is required, e.g. Europe/London.' };
  if (!WEEKDAYS.includes(v.week_start)) return { error: 'Choose the day the week starts on.' };
  if (v.name.trim() !== t.name) body.name = v.name.trim();
  if (v.timezone.trim() !== t.timezone) body.timezone = v.timezone.trim();
  if (v.week_start !== t.week_start) body.week_start = v.week_start;
  if (!Object.keys(body).length) return { none: true };
  return http('PATCH', '/team', body, 'TeamSettingsSaved', 'TeamSettingsErr');
}

export function update(m, msg) {
  switch (msg.type) {
    case 'InviteCreated': {
      const token = msg.data && (msg.data.token || msg.data.invite);
      return [set(m, { dialog: set(m.dialog || { kind: 'invite', form: {} }, { busy: false, inviteToken: token, error: null }) }), []];
    }
    case 'SetMemberRole':
      return [m, [http('PATCH', `/team/members/${encodeURIComponent(msg.userId)}`, { role: msg.role }, 'MemberRemoved', 'ActionErrReloadTeam')]];
    case 'RemoveMember':
      return [m, [http('DELETE', `/team/members/${encodeURIComponent(msg.userId)}`, undefined, 'MemberRemoved', 'ActionErrReloadTeam')]];
    case 'MemberRemoved':
      return [m, [reload('team', m)]];
    case 'ActionErrReloadTeam': {
      const [m2, fx] = unauthorized(m, msg.status) || toast(m, msg.error);
      return [m2, [...fx, reload('team', m2)]];
    }
    case 'TeamSettingsInput':
      if (myRole(m) !== 'owner') return [m, []];
      return [set(m, { teamForm: set(m.teamForm || {}, { [msg.field]: msg.value, error: null }) }), []];
    case 'TeamSettingsSubmit': {
      if (myRole(m) !== 'owner' || (m.teamForm && m.teamForm.busy)) return [m, []];
      const req = teamSettingsRequest(m);
      if (req.none) return [set(m, { teamForm: null }), []];
      if (req.error) return [set(m, { teamForm: set(m.teamForm || {}, { error: req.error }) }), []];
      return [set(m, { teamForm: set(m.teamForm || {}, { busy: true, error: null }) }), [req]];
    }
    case 'TeamSettingsSaved': {
      const team = msg.data && msg.data.id ? msg.data : m.data.team;
      return toast(set(setData(m, { team }), { teamForm: null }), 'Team settings saved', 'info');
    }
    case 'TeamSettingsErr':
      return unauthorized(m, msg.status) || [set(m, { teamForm: set(m.teamForm || {}, { busy: false, error: msg.error }) }), []];
    case 'TeamSettingsReset':
      return [set(m, { teamForm: null }), []];
  }
}
