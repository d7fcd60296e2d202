// Money: the Financials page (revenue, cost and margin by month, the pipeline
// weighted by probability, each project's budget burn), a project's money on
// its page, and the team's currency and rate card. Owners and managers only:
// the server answers 403 to a member, and the pages show nothing of it.

import { get, http, qs } from '../api.js';
import { addDays, addMonths, startOfMonth, isDate } from '../dates.js';
import { set, setData, toast, canEdit, unauthorized, strOrNull, replaceIn } from '../model.js';
import { reportParams } from '../find.js';

/** The report's range: `months` whole months from `from` (a first of the month). */
export function financialsRange(f) {
  return { from: f.from, to: addDays(addMonths(f.from, f.months), -1) };
}

/** The report's periods: 'month' (the default) or 'week'. */
export const financialsInterval = (f) => (f.interval === 'week' ? 'week' : 'month');

export function financialsEffects(m) {
  const { from, to } = financialsRange(m.financials);
  const path = '/reports/financials' + qs({ from, to, interval: financialsInterval(m.financials), ...reportParams(m.reportFilter) });
  // the answer says what it was asked: one for an older range or filter is dropped
  return [get(path, 'FinancialsLoaded', 'FinancialsErr', { asked: path })];
}

export const loadProjectMoney = (id) => get(`/prj/${encodeURIComponent(id)}/financials`, 'ProjectMoneyLoaded', 'ProjectMoneyErr', { id });
export const loadRates = () => get('/team/rates', 'RatesLoaded', 'RatesErr');

/** The rate card form's rows: the edits, else the team's card. */
export function rateRows(m) {
  if (m.rateForm) return m.rateForm.rows;
  const roles = (m.rates && m.rates.roles) || {};
  return Object.entries(roles).map(([role, r]) => ({ role, cost_rate: r.cost_rate ?? '', bill_rate: r.bill_rate ?? '' }));
}

/** PUT /team/rates from the rows, or {error}. */
export function ratesRequest(rows) {
  const roles = {};
  for (const r of rows) {
    const role = strOrNull(r.role);
    if (!role) {
      if (r.cost_rate === '' && r.bill_rate === '') continue;
      return { error: 'Every rate needs its role.' };
    }
    if (roles[role]) return { error: `${role} is listed twice.` };
    const rate = (v) => (v === '' || v == null ? null : Number(v));
    const cost = rate(r.cost_rate), bill = rate(r.bill_rate);
    if ([cost, bill].some((x) => x != null && !(x >= 0))) return { error: `Rates of ${role} must be 0 or more.` };
    roles[role] = { cost_rate: cost, bill_rate: bill };
  }
  return http('PUT', '/team/rates', { roles }, 'RatesSaved', 'RatesErr');
}

/**
 * A project's own bill rates as form rows ({who: 'p:<person id>' | 'r:<role>',
 * bill_rate}): the edits of this project, else what it has.
 */
export function overrideRows(m, project) {
  const f = m.overrideForm;
  if (f && f.projectId === project.id) return f.rows;
  return (project.rate_overrides || []).map((o) => ({ who: o.person_id ? 'p:' + o.person_id : 'r:' + (o.role || ''), bill_rate: o.bill_rate ?? '' }));
}

/** PATCH the project's `rate_overrides` from the rows, or {error}. */
export function overridesRequest(projectId, rows, people = []) {
  const list = [];
  const seen = new Set();
  const name = (who) => (who.startsWith('p:') ? (people.find((p) => p.id === who.slice(2)) || {}).name || 'That person' : who.slice(2));
  for (const r of rows) {
    if (!r.who || r.who === 'p:' || r.who === 'r:') {
      if (r.bill_rate === '' || r.bill_rate == null) continue;
      return { error: 'Choose who each rate is for.' };
    }
    if (seen.has(r.who)) return { error: `${name(r.who)} has two rates; keep one.` };
    seen.add(r.who);
    const rate = Number(r.bill_rate);
    if (r.bill_rate === '' || r.bill_rate == null || !(rate >= 0)) return { error: `The bill rate of ${name(r.who)} must be 0 or more.` };
    list.push(r.who.startsWith('p:') ? { person_id: r.who.slice(2), bill_rate: rate } : { role: r.who.slice(2), bill_rate: rate });
  }
  return http('PATCH', `/prj/${encodeURIComponent(projectId)}`, { rate_overrides: list }, 'OverridesSaved', 'OverridesErr', { id: projectId });
}

export function update(m, msg) {
  switch (msg.type) {
    case 'FinancialsRange': {
      const f = m.financials;
      const from = msg.from && isDate(msg.from) ? startOfMonth(msg.from) : f.from;
      const months = msg.months ? Math.max(1, Math.min(36, Number(msg.months) || 12)) : f.months;
      const m2 = set(m, { financials: set(f, { from, months, loading: true, error: null }) });
      return [m2, financialsEffects(m2)];
    }
    case 'FinancialsInterval': {
      const interval = msg.interval === 'week' ? 'week' : 'month';
      if (interval === financialsInterval(m.financials)) return [m, []];
      const m2 = set(m, { financials: set(m.financials, { interval, loading: true, error: null }) });
      return [m2, financialsEffects(m2)];
    }
    case 'FinancialsLoaded':
      if (msg.asked && financialsEffects(m)[0].ctx.asked !== msg.asked) return [m, []];
      return [set(m, { financials: set(m.financials, { data: msg.data, loading: false, error: null, forbidden: false }) }), []];
    case 'FinancialsErr':
      return unauthorized(m, msg.status) || [set(m, { financials: set(m.financials, { loading: false, error: msg.status === 403 ? null : msg.error, forbidden: msg.status === 403 }) }), []];
    case 'ProjectMoneyLoaded':
      return [set(m, { projectMoney: { ...m.projectMoney, [msg.id]: msg.data } }), []];
    case 'ProjectMoneyErr':
      // a member (403) sees no money: nothing to show, nothing to say
      return unauthorized(m, msg.status) || [set(m, { projectMoney: { ...m.projectMoney, [msg.id]: msg.status === 403 ? null : { error: msg.error } } }), []];

    // ---- the rate card and currency (team page)
    case 'RatesLoaded':
      return [set(m, { rates: msg.data, rateForm: null }), []];
    case 'RatesErr':
      if (msg.status === 403) return [set(m, { rates: null, rateForm: null }), []];
      if (m.rateForm) return unauthorized(m, msg.status) || [set(m, { rateForm: set(m.rateForm, { busy: false, error: msg.error }) }), []];
      return unauthorized(m, msg.status) || toast(m, msg.error);
    case 'RateInput': {
      if (!canEdit(m)) return [m, []];
      const rows = rateRows(m).map((r, i) => (i === msg.index ? { ...r, [msg.field]: msg.value } : r));
      return [set(m, { rateForm: { rows, error: null, busy: false } }), []];
    }
    case 'RateAdd':
      if (!canEdit(m)) return [m, []];
      return [set(m, { rateForm: { rows: [...rateRows(m), { role: '', cost_rate: '', bill_rate: '' }], error: null, busy: false } }), []];
    case 'RateRemove':
      if (!canEdit(m)) return [m, []];
      return [set(m, { rateForm: { rows: rateRows(m).filter((_, i) => i !== msg.index), error: null, busy: false } }), []];
    case 'RatesReset':
      return [set(m, { rateForm: null }), []];
    case 'RatesSubmit': {
      if (!canEdit(m) || !m.rateForm || m.rateForm.busy) return [m, []];
      const req = ratesRequest(m.rateForm.rows);
      if (req.error) return [set(m, { rateForm: set(m.rateForm, { error: req.error }) }), []];
      return [set(m, { rateForm: set(m.rateForm, { busy: true, error: null }) }), [req]];
    }
    case 'RatesSaved':
      return toast(set(m, { rates: msg.data, rateForm: null }), 'Rate card saved', 'info');
    // ---- a project's own bill rates (its page)
    case 'OverrideInput':
    case 'OverrideAdd':
    case 'OverrideRemove': {
      const project = m.data.projects.find((p) => p.id === msg.projectId);
      if (!canEdit(m) || !project) return [m, []];
      let rows = overrideRows(m, project);
      if (msg.type === 'OverrideInput') rows = rows.map((r, i) => (i === msg.index ? { ...r, [msg.field]: msg.value } : r));
      else if (msg.type === 'OverrideAdd') rows = [...rows, { who: '', bill_rate: '' }];
      else rows = rows.filter((_, i) => i !== msg.index);
      return [set(m, { overrideForm: { projectId: project.id, rows, error: null, busy: false } }), []];
    }
    case 'OverridesReset':
      return [set(m, { overrideForm: null }), []];
    case 'OverridesSubmit': {
      const f = m.overrideForm;
      if (!canEdit(m) || !f || f.busy) return [m, []];
      const req = overridesRequest(f.projectId, f.rows, m.data.people);
      if (req.error) return [set(m, { overrideForm: set(f, { error: req.error }) }), []];
      return [set(m, { overrideForm: set(f, { busy: true, error: null }) }), [req]];
    }
    case 'OverridesSaved': {
      const p = msg.data;
      const m2 = set(p && p.id ? setData(m, { projects: replaceIn(m.data.projects, p) }) : m, { overrideForm: null });
      const [m3, fx] = toast(m2, 'Project rates saved', 'info');
      return [m3, [...fx, loadProjectMoney(msg.id)]];
    }
    case 'OverridesErr':
      if (!m.overrideForm) return unauthorized(m, msg.status) || toast(m, msg.error);
      return unauthorized(m, msg.status) || [set(m, { overrideForm: set(m.overrideForm, { busy: false, error: msg.error }) }), []];

    case 'CurrencyChange':
      if (!canEdit(m)) return [m, []];
      return [m, [http('PATCH', '/team', { currency: msg.value }, 'CurrencySaved', 'ActionErr')]];
    case 'CurrencySaved': {
      const team = msg.data && msg.data.id ? msg.data : m.data.team;
      return toast(set(setData(m, { team }), { rates: m.rates ? set(m.rates, { currency: team.currency }) : m.rates }), `Amounts are now in ${team.currency}`, 'info');
    }
  }
}
