// The clients page: the client dialog and archiving.

import { http, ifMatch } from '../api.js';
import { strOrNull } from '../model.js';

export const forms = {
  client: {
    open(m, id) {
      const c = m.data.clients.find((x) => x.id === id) || {};
      return { id, form: { name: c.name || '' } };
    },
    request(d) {
      const f = d.form;
      if (!strOrNull(f.name)) return { error: 'Name is required.' };
      const body = { name: f.name.trim() };
      return d.id ? http('PATCH', `/clients/${d.id}`, body, 'Saved', 'DialogErr', { what: 'clients' }) : http('POST', '/clients', body, 'Saved', 'DialogErr', { what: 'clients' });
    },
  },
};

export function update(m, msg) {
  switch (msg.type) {
    case 'ClientArchive':
      return [m, [ifMatch(http('PATCH', `/clients/${encodeURIComponent(msg.id)}`, { archived: msg.archived }, 'Saved', 'ActionErr', { what: 'clients' }), 'client', m.data.clients.find((c) => c.id === msg.id))]];
  }
}
