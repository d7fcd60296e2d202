// Going to a page: the address, the login guard, and what the page loads.

import { set } from './model.js';
import { PUBLIC_PAGES, parseRoute } from './route.js';
import { routeEffects } from './load.js';

export function goTo(m, path, replace = false) {
  const [pathname, search = ''] = path.split('?');
  const route = parseRoute(pathname, search);
  let m2 = set(m, { route, dialog: null, drag: null });
  if (m.session === 'out' && !PUBLIC_PAGES.has(route.page)) {
    m2 = set(m2, { route: { page: 'login' }, afterLogin: path });
    return [m2, [{ type: 'navigate', path: '/login', replace: true }]];
  }
  if (m.session === 'in' && PUBLIC_PAGES.has(route.page) && !route.invite && route.page !== 'reset') {
    m2 = set(m2, { route: { page: 'schedule' } });
    return [m2, [{ type: 'navigate', path: '/schedule', replace: true }]];
  }
  return [m2, [{ type: 'navigate', path, replace }, ...routeEffects(m2)]];
}
