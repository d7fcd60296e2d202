// Routes: the address of each page, both ways. Pure.

export const PUBLIC_PAGES = new Set(['login', 'signup', 'reset']);
const KNOWN = ['schedule', 'login', 'signup', 'projects', 'people', 'clients', 'timeoff', 'me', 'reports', 'financials', 'team', 'activity', 'import'];

export function parseRoute(path, search = '') {
  const params = new URLSearchParams(search || '');
  const parts = String(path || '/').split('?')[0].split('/').filter(Boolean);
  const page = parts[0] || 'schedule';
  if (page === 'projects' && parts[1]) return { page: 'project', id: decodeURIComponent(parts[1]) };
  if (page === 'signup') return { page, invite: params.get('invite') || '' };
  if (page === 'reset') return { page, token: params.get('token') || '' };
  return { page: KNOWN.includes(page) ? page : 'notfound', path };
}

export function routePath(route) {
  if (route.page === 'project') return '/projects/' + encodeURIComponent(route.id);
  if (route.page === 'signup' && route.invite) return '/signup?invite=' + encodeURIComponent(route.invite);
  if (route.page === 'reset') return '/reset?token=' + encodeURIComponent(route.token || '');
  return '/' + route.page;
}
