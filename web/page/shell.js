// What every page shares: navigation, the loaded lists, toasts, the clipboard
// and downloads.

import { asList } from '../api.js';
import { set, setSched, setData, toast, unauthorized } from '../model.js';
import { PUBLIC_PAGES, parseRoute, routePath } from '../route.js';
import { fullAllocRange, extendAllocs, routeEffects } from '../load.js';
import { goTo } from '../nav.js';
import * as store from '../store.js';
import { keepNewer, keepNewerInStore } from '../records.js';
import * as people from './people.js';

export function update(m, msg) {
  switch (msg.type) {
    case 'Navigate':
      if (msg.path === routePath(m.route)) return [m, []];
      return goTo(m, msg.path);
    case 'UrlChanged': {
      const route = parseRoute(msg.path, msg.search);
      const m2 = set(m, { route, dialog: null, drag: null });
      if (m.session === 'out' && !PUBLIC_PAGES.has(route.page)) return [set(m2, { route: { page: 'login' } }), [{ type: 'navigate', path: '/login', replace: true }]];
      return [m2, routeEffects(m2)];
    }

    case 'Loaded': {
      const w = msg.what;
      const loaded = set(m.loaded, { [w]: true });
      if (w === 'team') return [set(setData(m, { team: msg.data }), { loaded }), []];
      if (w === 'allocations') {
        const list = keepNewerInStore(m.data.allocations, asList(msg.data, 'allocations'));
        const allocations = msg.merge ? store.putAll(m.data.allocations, list) : store.fromList(list);
        const s = m.sched;
        const r = msg.range || fullAllocRange(m);
        const allocRange = msg.merge && s.allocRange ? { from: r.from < s.allocRange.from ? r.from : s.allocRange.from, to: r.to > s.allocRange.to ? r.to : s.allocRange.to } : r;
        const full = fullAllocRange(m);
        const m2 = setSched(set(setData(m, { allocations }), { loaded }), { allocRange, allocLoading: false, allocFull: allocRange.from <= full.from && allocRange.to >= full.to });
        return extendAllocs(m2);
      }
      const list = keepNewer(m.data[w] || [], asList(msg.data, w, 'people', 'projects', 'clients', 'timeoff'));
      const m2 = set(setData(m, { [w]: list }), { loaded });
      // the actual-hours form starts on the person linked to this login
      const own = w === 'people' && !m.actuals.form.person_id && m.user && list.find((p) => p.user_id === m.user.id && !p.archived);
      return own ? people.update(m2, { type: 'ActualInput', field: 'person_id', value: own.id }) : [m2, []];
    }
    case 'LoadErr':
      if (msg.what === 'allocations') m = setSched(m, { allocLoading: false });
      // a server without that part of the API yet: show the page empty, not an error
      if (msg.status === 404) return [set(m, { loaded: set(m.loaded, { [msg.what]: true }) }), []];
      return unauthorized(m, msg.status) || toast(m, msg.error);

    case 'Toast':
      return toast(m, msg.text, msg.kind || 'info');
    case 'DismissToast':
      return [set(m, { toasts: m.toasts.filter((t) => t.id !== msg.id) }), []];
    case 'Copy':
      return [m, [{ type: 'copy', text: msg.text }]];
    case 'Download':
      return [m, [{ type: 'download', filename: msg.filename, text: msg.text, mime: msg.mime || 'text/csv' }]];
  }
}
