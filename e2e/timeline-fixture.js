// A 60-person firm with three months of bookings, seeded through the API in
// the signed-in page's session, for the timeline's browser tests.
import { dayFromToday } from './harness.js';

const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Tim', 'Hedy', 'John', 'Katherine', 'Donald', 'Joan', 'Niklaus', 'Sophie', 'Guido'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Berners-Lee', 'Lamarr', 'Backus', 'Johnson', 'Knuth', 'Clarke', 'Wirth', 'Wilson', 'van Rossum'];
const ROLES = ['Developer', 'Designer', 'Analyst', 'Architect', 'Consultant', 'Project manager'];
const PROJECTS = [['Apollo', '#4a65e8'], ['Borealis', '#087f5b'], ['Cobalt', '#c03d0c'], ['Delta Bank portal', '#9c36b5'], ['Ember', '#0b7a8f'], ['Fjord', '#b35c00'], ['Granite', '#5f3dc4'], ['Harbour', '#c2255c']];

/**
 * Seeds `people` people and their bookings (about three months, some days
 * with two bookings at once). Returns {people, projects, allocations}.
 */
export async function seedFirm(page, { people = 60 } = {}) {
  const today = dayFromToday(0);
  return page.evaluate(async ({ people, today, FIRST, LAST, ROLES, PROJECTS }) => {
    const call = async (method, u, b) => {
      const r = await fetch('/api/v1' + u, { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
      if (!r.ok) throw new Error(`${method} ${u}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const day = (n) => { const d = new Date(today + 'T12:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
    const monday = (() => { const d = new Date(today + 'T12:00:00Z'); return -((d.getUTCDay() + 6) % 7); })();
    const projects = [];
    for (const [name, color] of PROJECTS) projects.push(await call('POST', '/prj', { name, color, status: 'active' }));
    const list = [];
    for (let i = 0; i < people; i++) {
      const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]}`;
      list.push(call('POST', '/people', { name, role: ROLES[i % ROLES.length], skills: [ROLES[i % ROLES.length].toLowerCase()] }));
    }
    const ps = await Promise.all(list);
    const allocs = [];
    ps.forEach((p, i) => {
      // bookings one after another, and every fourth person a second one at once
      let start = monday - 14 + (i % 5);
      for (let k = 0; k < 5; k++) {
        const len = [9, 3, 12, 1, 6][(i + k) % 5];
        allocs.push({ person_id: p.id, project_id: projects[(i + k) % projects.length].id, start: day(start), end: day(start + len), hours_per_day: [6, 4, 8, 3][(i + k) % 4], tentative: (i + k) % 7 === 0 });
        start += len + 2 + (i % 3);
      }
      if (i % 4 === 0) allocs.push({ person_id: p.id, project_id: projects[(i + 3) % projects.length].id, start: day(monday + 1), end: day(monday + 10), hours_per_day: 2 });
    });
    const made = [];
    for (let k = 0; k < allocs.length; k += 20) made.push(...await Promise.all(allocs.slice(k, k + 20).map((a) => call('POST', '/allocations', a))));
    return { people: ps, projects, allocations: made };
  }, { people, today, FIRST, LAST, ROLES, PROJECTS });
}
