// Money views: the Financials page (a chart per month, then the projects), a
// project's money card and the team's rate card. Shown to owners and managers.
import { h } from '../vdom.js';
import { addMonths, longLabel, monthName } from '../dates.js';
import { qs, API } from '../api.js';
import { button, pageHeader, empty, fmtNum } from './ui.js';
import { financialsRange, financialsInterval, rateRows, overrideRows } from '../page/financials.js';
import { values } from '../store.js';
import { canEdit } from '../update.js';
import { reportFilters } from './reports.js';
import { reportParams } from '../find.js';

const BILLING = { time_and_materials: 'Time & materials', fixed_fee: 'Fixed fee', non_billable: 'Non-billable' };

/** 12,345.50 EUR as the reader's locale writes it. */
export function fmtMoney(x, currency) {
  if (x == null || Number.isNaN(Number(x))) return '–';
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency || 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(x));
  } catch {
    return `${Number(x).toFixed(2)} ${currency || ''}`.trim();
  }
}

/** Short axis labels: 12k, 1.5M. */
function compact(x) {
  const a = Math.abs(x);
  if (a >= 1e6) return `${fmtNum(x / 1e6, 1)}M`;
  if (a >= 1e3) return `${fmtNum(x / 1e3, 1)}k`;
  return fmtNum(x, 0);
}

const S = (tag, attrs, ...kids) => h(tag, attrs, ...kids);

/**
 * Per month (or week): confirmed revenue with tentative stacked on it, the
 * weighted forecast beside them, and the (weighted) margin as a line.
 */
export function revenueChart(report, interval = 'month') {
  const periods = (report && report.periods) || [];
  const weekly = interval === 'week';
  if (!periods.length) return empty(weekly ? 'No weeks in this range.' : 'No months in this range.');
  const cur = report.currency;
  const rows = periods.map((p) => ({
    start: p.start,
    confirmed: Number(p.revenue.confirmed) || 0,
    tentative: Number(p.revenue.tentative) || 0,
    weighted: Number(p.revenue.weighted) || 0,
    margin: Number(p.margin.weighted) || 0,
  }));
  const top = 1.08 * Math.max(1, ...rows.map((r) => Math.max(r.confirmed + r.tentative, r.weighted, r.margin)));
  const bottom = Math.min(0, ...rows.map((r) => r.margin));
  const W = Math.max(640, rows.length * (weekly ? 30 : 72)), H = 280, padL = 56, padB = 28, padT = 12;
  const plotW = W - padL - 8, plotH = H - padB - padT;
  const y = (v) => padT + ((top - v) / (top - bottom)) * plotH;
  const slot = plotW / rows.length;
  const bw = Math.min(26, slot * 0.34);
  // weeks: a label on the first week of each month
  const label = (r, i) => (weekly
    ? (i === 0 || r.start.slice(5, 7) !== rows[i - 1].start.slice(5, 7) ? `${+r.start.slice(8, 10)} ${monthName(r.start)}` : '')
    : `${monthName(r.start)}${r.start.slice(5, 7) === '01' || i === 0 ? ' ' + r.start.slice(2, 4) : ''}`);
  const ticks = [top, top / 2, 0, ...(bottom < 0 ? [bottom] : [])];
  const line = rows.map((r, i) => `${(padL + slot * i + slot / 2).toFixed(1)},${y(r.margin).toFixed(1)}`).join(' ');
  return h('div', { class: 'money-chart', 'data-testid': 'financials-chart' },
    h('div', { class: 'legend' },
      h('span', { class: 'lg m-confirmed' }, 'Confirmed'),
      h('span', { class: 'lg m-tentative' }, 'Tentative'),
      h('span', { class: 'lg m-weighted' }, 'Weighted by probability'),
      h('span', { class: 'lg m-margin' }, 'Margin (weighted)')),
    S('svg', { class: weekly ? 'weekly' : null, viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': `Revenue per ${weekly ? 'week' : 'month'} in ${cur}: confirmed and tentative stacked, the weighted forecast beside them, and the weighted margin as a line` },
      ticks.map((t) => S('g', { class: 'tick' },
        S('line', { x1: padL, x2: W - 8, y1: y(t), y2: y(t), class: t === 0 ? 'zero' : 'grid' }),
        S('text', { x: padL - 6, y: y(t) + 4, 'text-anchor': 'end' }, compact(t)))),
      rows.map((r, i) => {
        const x = padL + slot * i + slot / 2;
        const title = `${weekly ? 'Week of ' + longLabel(r.start) : monthName(r.start) + ' ' + r.start.slice(0, 4)}: confirmed ${fmtMoney(r.confirmed, cur)}, tentative ${fmtMoney(r.tentative, cur)}, weighted ${fmtMoney(r.weighted, cur)}, margin ${fmtMoney(r.margin, cur)}`;
        return S('g', { class: 'month', 'data-testid': weekly ? 'financials-week' : 'financials-month' },
          S('title', {}, title),
          S('rect', { class: 'bar m-confirmed', x: x - bw - 1, width: bw, y: y(r.confirmed), height: Math.max(0, y(0) - y(r.confirmed)) }),
          S('rect', { class: 'bar m-tentative', x: x - bw - 1, width: bw, y: y(r.confirmed + r.tentative), height: Math.max(0, y(r.confirmed) - y(r.confirmed + r.tentative)) }),
          S('rect', { class: 'bar m-weighted', x: x + 1, width: bw, y: y(r.weighted), height: Math.max(0, y(0) - y(r.weighted)) }),
          S('text', { class: 'xl', x, y: H - 8, 'text-anchor': weekly ? 'start' : 'middle' }, label(r, i)));
      }),
      S('polyline', { class: 'margin-line', points: line, fill: 'none' }),
      rows.map((r, i) => S('circle', { class: 'margin-dot', cx: padL + slot * i + slot / 2, cy: y(r.margin), r: weekly ? 2.5 : 3.5 }))));
}

/** How much of the budget is used, as a bar: red past 100 %. */
function burnBar(p, cur) {
  if (p.budget_amount == null) return h('span', { class: 'muted' }, 'No budget');
  const used = Number(p.budget_used) || 0, budget = Number(p.budget_amount) || 0;
  const share = budget > 0 ? used / budget : used > 0 ? Infinity : 0;
  const width = `${Math.min(100, Math.round(share * 100))}%`;
  return h('div', { class: 'burn', title: `${fmtMoney(used, cur)} of ${fmtMoney(budget, cur)}` },
    h('div', { class: 'burn-track' }, h('div', { class: 'burn-fill' + (share > 1 ? ' over' : share > 0.8 ? ' near' : ''), style: { width } })),
    h('span', { class: 'burn-l' }, Number.isFinite(share) ? `${Math.round(share * 100)}%` : 'over'));
}

function projectTable(report) {
  const cur = report.currency;
  const list = report.projects || [];
  if (!list.length) return empty('No project has hours or a budget in this range.');
  return h('table', { class: 'table money-table', 'data-testid': 'financials-projects' },
    h('thead', {}, h('tr', {}, ['Project', 'Billing', 'Revenue (confirmed)', 'Revenue (weighted)', 'Cost (weighted)', 'Margin (weighted)', 'Budget burn', 'Budget runs out'].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, list.map((p) => h('tr', { key: p.project_id, 'data-testid': 'financials-row' },
      h('td', { class: 'pname' }, h('a', { href: '/projects/' + encodeURIComponent(p.project_id), 'data-nav': '' }, p.name), h('span', { class: 'muted' }, ` · ${p.probability}%`)),
      h('td', {}, BILLING[p.billing] || p.billing),
      h('td', { class: 'num' }, fmtMoney(p.revenue.confirmed, cur)),
      h('td', { class: 'num' }, fmtMoney(p.revenue.weighted, cur)),
      h('td', { class: 'num' }, fmtMoney(p.cost.weighted, cur)),
      h('td', { class: 'num' + (Number(p.margin.weighted) < 0 ? ' neg' : '') }, fmtMoney(p.margin.weighted, cur)),
      h('td', {}, burnBar(p, cur)),
      h('td', { 'data-testid': 'runs-out' }, p.budget_runs_out_on ? h('span', { class: 'tag warn' }, longLabel(p.budget_runs_out_on)) : h('span', { class: 'muted' }, p.budget_amount != null ? 'Within budget' : '–'))))));
}

function totalsStats(report) {
  const cur = report.currency, t = report.totals;
  const stat = (label, value, tid, cls = '') => h('div', { class: 'stat ' + cls, 'data-testid': tid }, h('div', { class: 'stat-v' }, value), h('div', { class: 'stat-l' }, label));
  return h('div', { class: 'stats' },
    stat('Confirmed revenue', fmtMoney(t.revenue.confirmed, cur), 'fin-confirmed'),
    stat('Tentative revenue', fmtMoney(t.revenue.tentative, cur), 'fin-tentative'),
    stat('Weighted forecast', fmtMoney(t.revenue.weighted, cur), 'fin-weighted'),
    stat('Weighted cost', fmtMoney(t.cost.weighted, cur), 'fin-cost'),
    stat('Weighted margin', fmtMoney(t.margin.weighted, cur), 'fin-margin', Number(t.margin.weighted) < 0 ? 'neg' : ''));
}

export function financialsView(m, dispatch) {
  const f = m.financials;
  const { from, to } = financialsRange(f);
  if (!canEdit(m) || f.forbidden) {
    return h('div', { class: 'page' }, pageHeader('Financials', 'Only owners and managers see rates and money.'));
  }
  const r = f.data;
  const interval = financialsInterval(f);
  const csv = `${API}/reports/financials${qs({ from, to, interval, format: 'csv', ...reportParams(m.reportFilter) })}`;
  return h('div', { class: 'page financials' },
    pageHeader('Financials', `${longLabel(from)} – ${longLabel(to)}${r ? ' · ' + r.currency : ''}`, [
      button('‹', () => dispatch({ type: 'FinancialsRange', from: addMonths(from, -3) }), 'icon', { 'aria-label': 'Earlier' }),
      button('This month', () => dispatch({ type: 'FinancialsRange', from: m.today }), ''),
      button('›', () => dispatch({ type: 'FinancialsRange', from: addMonths(from, 3) }), 'icon', { 'aria-label': 'Later' }),
      h('select', { 'aria-label': 'Months shown', value: String(f.months), on: { change: (e) => dispatch({ type: 'FinancialsRange', months: e.target.value }) } },
        [3, 6, 12, 24].map((n) => h('option', { value: String(n), selected: n === f.months }, `${n} months`))),
      h('div', { class: 'seg', role: 'group', 'aria-label': 'Periods' },
        [['month', 'By month'], ['week', 'By week']].map(([k, l]) => button(l, () => dispatch({ type: 'FinancialsInterval', interval: k }), interval === k ? 'on' : '', { 'aria-pressed': interval === k ? 'true' : 'false', 'data-testid': 'fin-interval-' + k }))),
      h('a', { class: 'btn small ghost', href: csv, download: `financials-${from}-${to}.csv`, 'data-testid': 'csv-financials' }, 'Download CSV'),
    ]),
    reportFilters(m, dispatch),
    f.error ? h('div', { class: 'form-error', role: 'alert' }, f.error) : null,
    !r ? h('p', { class: 'muted' }, 'Loading…') : [
      totalsStats(r),
      h('section', { class: 'panel' },
        h('div', { class: 'panel-head' }, h('h2', {}, `Revenue and margin by ${interval}`)),
        h('p', { class: 'sub' }, 'Confirmed: booked work on won, active and done projects. Tentative: everything else booked, at face value. Weighted: every booked hour times its project’s probability. Fixed fees are spread over their project’s hours.'),
        revenueChart(r, interval)),
      h('section', { class: 'panel' },
        h('div', { class: 'panel-head' }, h('h2', {}, 'Projects')),
        h('p', { class: 'sub' }, 'Budget burn: recorded hours at bill rates, then booked hours after the last recorded day, over the whole project.'),
        projectTable(r)),
    ]);
}

/** A project's money on its page: its whole life, by month. */
export function projectMoney(m, id) {
  if (!canEdit(m)) return null;
  const r = m.projectMoney[id];
  if (r === undefined) return h('p', { class: 'muted' }, 'Loading money…');
  if (r === null) return null;
  if (r.error) return h('p', { class: 'form-error' }, r.error);
  const p = (r.projects || [])[0];
  const cur = r.currency;
  const stat = (label, value, tid, cls = '') => h('div', { class: 'stat ' + cls, 'data-testid': tid }, h('div', { class: 'stat-v' }, value), h('div', { class: 'stat-l' }, label));
  if (!p) return h('section', { class: 'panel', 'data-testid': 'project-money' }, h('h2', {}, 'Money'), empty('No booked hours or money budget yet.'));
  return h('section', { class: 'panel', 'data-testid': 'project-money' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Money'), h('span', { class: 'muted' }, `${BILLING[p.billing] || p.billing} · ${cur}`)),
    h('div', { class: 'stats' },
      stat('Revenue (confirmed)', fmtMoney(p.revenue.confirmed, cur), 'money-revenue'),
      stat('Revenue (weighted)', fmtMoney(p.revenue.weighted, cur), 'money-weighted'),
      stat('Cost', fmtMoney(Number(p.cost.confirmed) + Number(p.cost.tentative), cur), 'money-cost'),
      stat('Margin (weighted)', fmtMoney(p.margin.weighted, cur), 'money-margin', Number(p.margin.weighted) < 0 ? 'neg' : ''),
      stat('Budget', p.budget_amount != null ? fmtMoney(p.budget_amount, cur) : '–', 'money-budget'),
      stat('Budget runs out', p.budget_runs_out_on ? longLabel(p.budget_runs_out_on) : p.budget_amount != null ? 'Within budget' : '–', 'money-runs-out')),
    p.budget_amount != null ? burnBar(p, cur) : null,
    (r.periods || []).length > 1 ? revenueChart(r) : null);
}

/** The team's currency and rate card (owners and managers). */
export function rateCardView(m, dispatch) {
  if (!canEdit(m) || !m.rates) return null;
  const rows = rateRows(m);
  const f = m.rateForm;
  const team = m.data.team || {}; // the rate card's answer is the fresher of the two
  const inp = (i, field) => (e) => dispatch({ type: 'RateInput', index: i, field, value: e.target.value });
  return h('section', { class: 'panel', 'data-testid': 'rate-card' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Rates'),
      h('label', { class: 'inline' }, 'Currency ',
        h('input', { value: m.rates.currency || team.currency || 'USD', size: 4, maxlength: 3, 'aria-label': 'Currency (ISO 4217 code)', 'data-testid': 'currency',
          on: { change: (e) => dispatch({ type: 'CurrencyChange', value: e.target.value.trim().toUpperCase() }) } }))),
    h('p', { class: 'sub' }, 'Hourly rates per role, for people without rates of their own and for placeholders of that role. A project can override the bill rate.'),
    h('form', { on: { submit: (e) => { e.preventDefault(); dispatch({ type: 'RatesSubmit' }); } } },
      h('table', { class: 'table rates' },
        h('thead', {}, h('tr', {}, ['Role', 'Cost rate / h', 'Bill rate / h', ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows.length ? rows.map((r, i) => h('tr', { key: 'r' + i },
          h('td', {}, h('input', { value: r.role, 'aria-label': 'Role', on: { input: inp(i, 'role') } })),
          h('td', {}, h('input', { type: 'number', min: '0', step: 'any', value: r.cost_rate ?? '', 'aria-label': `Cost rate of ${r.role || 'the role'}`, on: { input: inp(i, 'cost_rate') } })),
          h('td', {}, h('input', { type: 'number', min: '0', step: 'any', value: r.bill_rate ?? '', 'aria-label': `Bill rate of ${r.role || 'the role'}`, on: { input: inp(i, 'bill_rate') } })),
          h('td', { class: 'right' }, button('Remove', () => dispatch({ type: 'RateRemove', index: i }), 'small ghost'))))
          : h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No roles on the rate card yet.')))),
      f && f.error ? h('div', { class: 'form-error', role: 'alert' }, f.error) : null,
      h('div', { class: 'actions' },
        button('Add role', () => dispatch({ type: 'RateAdd' }), 'ghost small', { 'data-testid': 'rate-add' }),
        f ? button('Cancel', () => dispatch({ type: 'RatesReset' }), 'ghost small') : null,
        f ? h('button', { type: 'submit', class: 'btn primary small', disabled: f.busy, 'data-testid': 'rates-save' }, f.busy ? 'Saving…' : 'Save rates') : null)));
}

/**
 * A project's own bill rates (owners and managers): per person or per role,
 * used before the person's rate and the rate card's (see the Financials page).
 */
export function rateOverridesView(m, dispatch, project) {
  if (!canEdit(m)) return null;
  const rows = overrideRows(m, project);
  const f = m.overrideForm && m.overrideForm.projectId === project.id ? m.overrideForm : null;
  // the project's money report is the freshest word on the currency
  const money = m.projectMoney[project.id];
  const cur = (money && money.currency) || (m.rates && m.rates.currency) || (m.data.team && m.data.team.currency) || 'USD';
  const people = m.data.people.filter((p) => !p.archived || rows.some((r) => r.who === 'p:' + p.id)).slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const roles = new Set([
    ...m.data.people.filter((p) => !p.archived).map((p) => p.role),
    ...Object.keys((m.rates && m.rates.roles) || {}),
    ...values(m.data.allocations).filter((a) => a.project_id === project.id).map((a) => a.placeholder_role),
    ...rows.filter((r) => r.who.startsWith('r:')).map((r) => r.who.slice(2)),
  ].filter(Boolean));
  const options = [['', 'Choose a person or role…'],
    ...[...roles].sort().map((r) => ['r:' + r, `Everyone who is ${r}`]),
    ...people.map((p) => ['p:' + p.id, p.name + (p.role ? ` (${p.role})` : '')])];
  const label = (r) => (options.find(([v]) => v === r.who) || [null, 'this row'])[1];
  const inp = (i, field) => (e) => dispatch({ type: 'OverrideInput', projectId: project.id, index: i, field, value: e.target.value });
  return h('section', { class: 'panel', 'data-testid': 'rate-overrides', 'aria-labelledby': 'rate-overrides-title' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'rate-overrides-title' }, 'Bill rates on this project'), h('span', { class: 'muted' }, `${cur} per hour`)),
    h('p', { class: 'sub' }, project.billing === 'time_and_materials' || !project.billing
      ? 'Bill someone, or everyone of a role, at another rate on this project. A rate for a person comes before one for their role; without either, their own rate and then the rate card’s apply.'
      : 'These rates apply while the project bills time and materials; they also value its budget burn.'),
    h('form', { on: { submit: (e) => { e.preventDefault(); dispatch({ type: 'OverridesSubmit' }); } } },
      h('table', { class: 'table rates' },
        h('thead', {}, h('tr', {}, ['Who', 'Bill rate / h', ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows.length ? rows.map((r, i) => h('tr', { key: 'o' + i, 'data-testid': 'rate-override' },
          h('td', {}, h('select', { 'aria-label': `Who rate ${i + 1} is for`, value: r.who, on: { change: inp(i, 'who') } },
            options.map(([v, l]) => h('option', { value: v, selected: v === r.who }, l)))),
          h('td', {}, h('input', { type: 'number', min: '0', step: 'any', value: r.bill_rate ?? '', 'aria-label': `Bill rate for ${r.who ? label(r) : `rate ${i + 1}`}`, on: { input: inp(i, 'bill_rate') } })),
          h('td', { class: 'right' }, button('Remove', () => dispatch({ type: 'OverrideRemove', projectId: project.id, index: i }), 'small ghost', { 'aria-label': `Remove the rate for ${r.who ? label(r) : `rate ${i + 1}`}` }))))
          : h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No project rates: everyone bills at their usual rate.')))),
      f && f.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'rate-override-error' }, f.error) : null,
      h('div', { class: 'actions' },
        button('Add a rate', () => dispatch({ type: 'OverrideAdd', projectId: project.id }), 'ghost small', { 'data-testid': 'rate-override-add' }),
        f ? button('Cancel', () => dispatch({ type: 'OverridesReset' }), 'ghost small') : null,
        f ? h('button', { type: 'submit', class: 'btn primary small', disabled: f.busy, 'data-testid': 'rate-overrides-save' }, f.busy ? 'Saving…' : 'Save rates') : null)));
}
