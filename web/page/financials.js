// Money: the Financials page (revenue, cost and margin by month, the pipeline
// weighted by probability, each project's budget burn), a project's money on
// its page, and the team's currency and rate card. Owners and managers only:
// the server answers 403 to a member, and the pages show nothing of it.

import { get, http, qs } from '../api.js';
import { addDays, addMonths, startOfMonth, isDate } from '../dates.js';
import { set, setData, toast, canEdit, unauthorized, strOrNull } from '../model.js';
import { reportParams } from '../find.js';

/** The report's range: `months` whole months from `from` (a first of the month). */
export function financialsRange(f) {
  return { from: f.from, to: addDays(addMonths(f.from, f.months), -1) };
}

export function financialsEffects(m) {
  const { from, to } = financialsRange(m.financials);
  const path = '/reports/financials' + qs({ from, to, interval: 'month', ...reportParams(m.reportFilter) });
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

export function update(m, msg) {
  switch (msg.type) {
    case 'FinancialsRange': {
      const f = m.financials;
      const from = msg.from && isDate(msg.from) ? startOfMonth(msg.from) : f.from;
      const months = msg.months ? Math.max(1, Math.min(36, Number(msg.months) || 12)) : f.months;
      const m2 = set(m, { financials: set(f, { from, months, loading: true, error: null }) });
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
    case 'CurrencyChange':
      if (!canEdit(m)) return [m, []];
      return [m, [http('PATCH', '/team', { currency: msg.value }, 'CurrencySaved', 'ActionErr')]];
    case 'CurrencySaved': {
      const team = msg.data && msg.data.id ? msg.data : m.data.team;
      return toast(set(setData(m, { team }), { rates: m.rates ? set(m.rates, { currency: team.currency }) : m.rates }), `Amounts are now in ${team.currency}`, 'info');
    }
  }
}
