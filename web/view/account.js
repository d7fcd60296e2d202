// The password section of the team page, and the public page a reset link opens.
import { h } from '../vdom.js';
import { field, button, link } from './ui.js';
import { account, resetForm } from '../account.js';

/** Change your password, log out everywhere, and (owners) the reset link just made. */
export function passwordSection(m, dispatch) {
  const a = account(m);
  const inp = (f) => (v) => dispatch({ type: 'AccountInput', field: f, value: v });
  const resetUrl = a.resetLink ? `${location.origin}${a.resetLink}` : null;
  const member = a.resetFor && m.data.team && (m.data.team.members || []).find((x) => x.user_id === a.resetFor);
  return h('section', { class: 'team-settings', 'aria-labelledby': 'password-title', 'data-testid': 'password-section' },
    h('h2', { id: 'password-title' }, 'Your password'),
    h('form', { class: 'form', 'aria-label': 'Change password', novalidate: true, on: { submit: (e) => { e.preventDefault(); dispatch({ type: 'PasswordChange' }); } } },
      field('Current password', 'current_password', a.current, inp('current'), { type: 'password', attrs: { autocomplete: 'current-password' } }),
      field('New password', 'new_password', a.next, inp('next'), { type: 'password', attrs: { autocomplete: 'new-password', minlength: 8 } }),
      a.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'account-error' }, a.error) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn primary', disabled: a.busy }, a.busy ? 'Please wait…' : 'Change password'),
        button('Log out everywhere', () => dispatch({ type: 'LogoutEverywhere' }), 'ghost', { 'data-testid': 'logout-all' }))),
    resetUrl
      ? h('div', {}, h('p', {}, 'Give this link to ', h('strong', {}, member ? member.name || member.email : 'the member'), '. It sets a new password once, within 24 hours.'),
        h('div', { class: 'copy-row' }, h('input', { readonly: true, value: resetUrl, 'aria-label': 'Password reset link', 'data-testid': 'reset-link' }), button('Copy', () => dispatch({ type: 'Copy', text: resetUrl }))))
      : null);
}

/** `/reset?token=...`: choose a new password. */
export function resetView(m, dispatch) {
  const r = resetForm(m);
  return h('main', { class: 'auth', id: 'main', tabindex: '-1' },
    h('div', { class: 'auth-card' },
      h('div', { class: 'brand big' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'kronuz'),
      h('h1', {}, 'Choose a new password'),
      h('form', { class: 'form', 'aria-label': 'Reset password', novalidate: true, on: { submit: (e) => { e.preventDefault(); dispatch({ type: 'ResetSubmit' }); } } },
        field('New password', 'password', r.password, (v) => dispatch({ type: 'ResetInput', value: v }), { type: 'password', attrs: { autocomplete: 'new-password', required: true, minlength: 8 } }),
        r.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'reset-error' }, r.error) : null,
        h('button', { type: 'submit', class: 'btn primary block', disabled: r.busy }, r.busy ? 'Please wait…' : 'Set password')),
      h('p', { class: 'switch' }, link('/login', 'Back to log in'))));
}
