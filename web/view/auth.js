import { h } from '../vdom.js';
import { field, link } from './ui.js';

export function authView(m, dispatch) {
  const signup = m.route.page === 'signup';
  const a = m.auth;
  const inp = (f) => (v) => dispatch({ type: 'AuthInput', field: f, value: v });
  return h('main', { class: 'auth', id: 'main', tabindex: '-1' },
    h('div', { class: 'auth-card' },
      h('div', { class: 'brand big' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'kronuz'),
      h('h1', {}, signup ? (m.route.invite ? 'Join your team' : 'Create your account') : 'Log in'),
      h('p', { class: 'sub' }, signup ? 'Schedule your people, see who is free, plan the pipeline.' : 'Welcome back.'),
      h('form', { class: 'form', 'aria-label': signup ? 'Sign up' : 'Log in', novalidate: true, on: { submit: (e) => { e.preventDefault(); dispatch({ type: 'AuthSubmit' }); } } },
        signup ? field('Name', 'name', a.name, inp('name'), { attrs: { autocomplete: 'name', required: true } }) : null,
        field('Email', 'email', a.email, inp('email'), { type: 'email', attrs: { autocomplete: 'email', required: true } }),
        field('Password', 'password', a.password, inp('password'), { type: 'password', attrs: { autocomplete: signup ? 'new-password' : 'current-password', required: true, minlength: signup ? 8 : null } }),
        a.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'auth-error' }, a.error) : null,
        h('button', { type: 'submit', class: 'btn primary block', disabled: a.busy }, a.busy ? 'Please wait…' : signup ? 'Sign up' : 'Log in')),
      h('p', { class: 'switch' }, signup ? ['Already have an account? ', link('/login', 'Log in')] : ['New to kronuz? ', link('/signup', 'Create an account')])));
}
