// Log in, sign up (with an invite), log out, and the session check at start.

import { http } from '../api.js';
import { init, set } from '../model.js';
import { PUBLIC_PAGES, parseRoute } from '../route.js';
import { loadAll, routeEffects } from '../load.js';

export function update(m, msg) {
  switch (msg.type) {
    case 'MeOk': {
      const m2 = set(m, { session: 'in', user: msg.data });
      if (PUBLIC_PAGES.has(m.route.page) && !m.route.invite && m.route.page !== 'reset') {
        const m3 = set(m2, { route: parseRoute(m.afterLogin) });
        return [m3, [{ type: 'navigate', path: m.afterLogin, replace: true }, ...loadAll(m3), ...routeEffects(m3)]];
      }
      return [m2, [...loadAll(m2), ...routeEffects(m2)]];
    }
    case 'MeErr': {
      const m2 = set(m, { session: 'out' });
      if (PUBLIC_PAGES.has(m.route.page)) return [m2, []];
      return [set(m2, { route: { page: 'login' } }), [{ type: 'navigate', path: '/login', replace: true }]];
    }
    case 'AuthInput':
      return [set(m, { auth: set(m.auth, { [msg.field]: msg.value, error: null }) }), []];
    case 'AuthSubmit': {
      if (m.auth.busy) return [m, []];
      const signup = m.route.page === 'signup';
      const a = m.auth;
      if (signup && !a.name.trim()) return [set(m, { auth: set(a, { error: 'Please enter your name.' }) }), []];
      if (!a.email.trim()) return [set(m, { auth: set(a, { error: 'Please enter your email.' }) }), []];
      if (!a.password) return [set(m, { auth: set(a, { error: 'Please enter your password.' }) }), []];
      const body = signup ? { name: a.name.trim(), email: a.email.trim(), password: a.password } : { email: a.email.trim(), password: a.password };
      if (signup && m.route.invite) body.invite = m.route.invite;
      return [set(m, { auth: set(a, { busy: true, error: null }) }), [http('POST', signup ? '/usr/signup' : '/usr/login', body, 'AuthOk', 'AuthErr')]];
    }
    case 'AuthOk': {
      const path = m.afterLogin && !m.afterLogin.startsWith('/login') && !m.afterLogin.startsWith('/signup') ? m.afterLogin : '/schedule';
      const m2 = set(m, { session: 'in', user: msg.data, auth: { name: '', email: '', password: '', error: null, busy: false }, route: parseRoute(path.split('?')[0], path.split('?')[1]), loaded: {} });
      return [m2, [{ type: 'navigate', path, replace: true }, ...loadAll(m2), ...routeEffects(m2)]];
    }
    case 'AuthErr':
      return [set(m, { auth: set(m.auth, { busy: false, error: msg.error }) }), []];
    case 'Logout':
      return [m, [http('POST', '/usr/logout', undefined, 'LogoutDone', 'LogoutDone')]];
    case 'LogoutDone': {
      const [fresh] = init({ path: '/login', today: m.today });
      return [set(fresh, { session: 'out' }), [{ type: 'navigate', path: '/login', replace: false }]];
    }
  }
}
