// Passwords after sign-up: changing one's own, logging out everywhere, an owner's
// reset link for a member, and the public reset page. `accountUpdate` answers the
// messages of this module ([model, effects]) and null for any other.

import { http } from './api.js';

const set = (obj, patch) => ({ ...obj, ...patch });
const EMPTY = { current: '', next: '', busy: false, error: null, resetLink: null, resetFor: null };

/** The account section's state (absent until first used). */
export const account = (m) => m.account || EMPTY;
const setAccount = (m, patch) => set(m, { account: set(account(m), patch) });

/** The reset page's state. */
export const resetForm = (m) => m.reset || { password: '', busy: false, error: null };
const setReset = (m, patch) => set(m, { reset: set(resetForm(m), patch) });

function toast(m, text, kind) {
  const id = m.seq;
  return [set(m, { seq: id + 1, toasts: [...m.toasts, { id, text, kind }].slice(-4) }), [{ type: 'timer', ms: 5000, msg: { type: 'DismissToast', id } }]];
}

export function accountUpdate(m, msg) {
  switch (msg.type) {
    case 'AccountInput':
      return [setAccount(m, { [msg.field]: msg.value, error: null }), []];
    case 'PasswordChange': {
      const a = account(m);
      if (a.busy) return [m, []];
      if (!a.current) return [setAccount(m, { error: 'Please enter your current password.' }), []];
      if (a.next.length < 8) return [setAccount(m, { error: 'The new password needs at least 8 characters.' }), []];
      return [setAccount(m, { busy: true, error: null }),
        [http('POST', '/usr/password', { current_password: a.current, new_password: a.next }, 'PasswordChanged', 'AccountErr')]];
    }
    case 'PasswordChanged':
      return toast(setAccount(m, { current: '', next: '', busy: false }), 'Password changed; your other sessions were logged out', 'info');
    case 'AccountErr':
      return [setAccount(m, { busy: false, error: msg.error }), []];
    case 'LogoutEverywhere':
      return [m, [http('POST', '/usr/logout-all', undefined, 'LogoutDone', 'LogoutDone')]];
    case 'ResetMember':
      return [setAccount(m, { resetLink: null, resetFor: msg.userId, error: null }),
        [http('POST', `/team/members/${encodeURIComponent(msg.userId)}/reset`, undefined, 'ResetLinkMade', 'AccountErr')]];
    case 'ResetLinkMade':
      return [setAccount(m, { resetLink: msg.data && msg.data.url }), []];
    case 'ResetInput':
      return [setReset(m, { password: msg.value, error: null }), []];
    case 'ResetSubmit': {
      const r = resetForm(m);
      if (r.busy) return [m, []];
      if (r.password.length < 8) return [setReset(m, { error: 'The new password needs at least 8 characters.' }), []];
      return [setReset(m, { busy: true, error: null }),
        [http('POST', '/usr/reset', { token: m.route.token || '', password: r.password }, 'ResetDone', 'ResetErr')]];
    }
    case 'ResetDone': {
      const [m2, fx] = toast(set(m, { reset: null, route: { page: 'login' } }), 'Password set: log in with it', 'info');
      return [m2, [{ type: 'navigate', path: '/login', replace: true }, ...fx]];
    }
    case 'ResetErr':
      return [setReset(m, { busy: false, error: msg.error }), []];
    default:
      return null;
  }
}
