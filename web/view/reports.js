// Reports: utilisation heatmap (people x weeks) and capacity vs demand.
import { h } from '../vdom.js';
import { addDays, longLabel, monthName, isDate } from '../dates.js';
import { asList, qs, API } from '../api.js';
import { button, pageHeader, fmtNum, pct, empty, field } from './ui.js';
import { utilisationReport, pipelineReport, utilisationCsv, pipelineCsv } from '../reports.js';
import { hoursLabel } from '../capacity.js';
import { reportParams } from '../find.js';

/** Role, person, project and client: the same filters on every report page. */
export function reportFilters(m, dispatch) {
  const f = m.reportFilter || {};
  const set = (k) => (v) => dispatch({ type: 'ReportFilter', field: k, value: v });
  const people = m.data.people.filter((p) => !p.archived).slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const roles = [...new Set(people.map((p) => p.role).filter(Boolean))].sort();
  const projects = m.data.projects.slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const clients = m.data.clients.slice().sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return h('div', { class: 'list-tools report-filters', role: 'group', 'aria-label': 'Report filters', 'data-testid': 'report-filters' },
    field('Role', 'r-role', f.role || '', set('role'), { options: [['', 'All roles'], ...roles.map((r) => [r, r])] }),
    field('Person', 'r-person', f.person || '', set('person'), { options: [['', 'Everyone'], ...people.map((p) => [p.id, p.name])] }),
    field('Project', 'r-project', f.project || '', set('project'), { options: [['', 'All projects'], ...projects.map((p) => [p.id, p.name])] }),
    field('Client', 'r-client', f.client || '', set('client'), { options: [['', 'All clients'], ...clients.map((c) => [c.id, c.name])] }),
    Object.keys(reportParams(f)).length ? button('Clear filters', () => dispatch({ type: 'ReportFilterClear' }), 'ghost small', { 'data-testid': 'report-filters-clear' }) : null);
}

let localMemo = { key: null, data: null, util: null, pipeline: null };
function local(m, from, to) {
  const key = from + to;
  if (localMemo.key !== key || localMemo.data !== m.data) localMemo = { key, data: m.data, util: null, pipeline: null };
  return localMemo;
}

const pick = (o, ...ks) => { for (const k of ks) if (o && o[k] != null) return o[k]; return null; };
const periodStart = (p) => pick(p, 'start', 'from', 'period_start', 'week_start', 'week', 'period');
const sumObj = (o) => (o && typeof o === 'object' ? Object.values(o).reduce((t, v) => t + (typeof v === 'number' ? v : Number(pick(v, 'hours', 'demand_hours')) || 0), 0) : Number(o) || 0);

function heatClass(u, over) {
  if (over > 0) return 'h-over';
  if (u == null) return 'h-none';
  if (u < 0.25) return 'h-0';
  if (u < 0.5) return 'h-1';
  if (u < 0.75) return 'h-2';
  if (u < 0.9) return 'h-3';
  return 'h-4';
}

/**
 * One cell: scheduled utilisation, its tentative share beside it and as its own
 * hatched bar, the hours in the title. A week's cell opens the timeline there.
 */
function heatCell(q, cls, drill) {
  const u = pick(q, 'utilisation');
  const tu = Number(pick(q, 'tentative_utilisation')) || 0;
  const over = Number(pick(q, 'overbooked_hours')) || 0;
  const hours = hoursLabel({ scheduled: Number(pick(q, 'scheduled_hours')) || 0, tentative: Number(pick(q, 'tentative_hours')) || 0 });
  const title = `${hours} of ${fmtNum(pick(q, 'capacity_hours'))}h${over ? `, ${fmtNum(over)}h over` : ''}`;
  const body = [h('span', { class: 'heat-u' }, u == null ? '–' : pct(u)), u != null && tu > 0 ? h('span', { class: 'heat-tent' }, ` +${pct(tu)}`) : null,
    tu > 0 ? h('span', { class: 'heat-tbar', style: { width: `${Math.min(100, Math.round(tu * 100))}%` }, 'aria-hidden': 'true' }) : null];
  if (!drill) return h('td', { class: `${cls} ${heatClass(u, over)}`, title }, body);
  return h('td', { class: `${cls} ${heatClass(u, over)}` },
    h('button', { type: 'button', class: 'heat-btn', title: `${title}. Open on the schedule`, 'data-testid': 'heat-cell', 'data-person-id': drill.personId, 'data-date': drill.date, on: { click: drill.open } },
      body, h('span', { class: 'sr-only' }, `${tu > 0 ? ' tentative' : ''}, ${drill.label}: open on the schedule`)));
}

function heatmap(util, dispatch) {
  const people = asList(util, 'people');
  if (!people.length) return empty('No people in this range.');
  const cols = (people[0].periods || []).map(periodStart);
  return h('div', { class: 'heat-wrap' },
    h('table', { class: 'heat', 'data-testid': 'utilisation-heatmap', 'aria-label': 'Utilisation by person and week' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'sticky' }, 'Person'),
        cols.map((c) => h('th', { scope: 'col', title: c }, c && isDate(c) ? `${+c.slice(8, 10)} ${monthName(c)}` : String(c ?? ''))),
        h('th', { scope: 'col' }, 'Total'))),
      h('tbody', {}, people.map((p) => h('tr', { key: p.person_id },
        h('th', { scope: 'row', class: 'sticky' }, p.name),
        (p.periods || []).map((q) => {
          const date = periodStart(q);
          return heatCell(q, 'hc', date && isDate(date) ? { personId: p.person_id, date, label: `${p.name}, week of ${longLabel(date)}`, open: () => dispatch({ type: 'DrillDown', personId: p.person_id, date }) } : null);
        }),
        heatCell(p, 'hc total', cols[0] && isDate(cols[0]) ? { personId: p.person_id, date: cols[0], label: `${p.name}, all weeks`, open: () => dispatch({ type: 'DrillDown', personId: p.person_id, date: cols[0] }) } : null))))));
}

function demandChart(pipeline) {
  const weeks = asList(pipeline, 'weeks', 'periods');
  if (!weeks.length) return empty('No pipeline data in this range.');
  const rows = weeks.map((w) => {
    const confirmed = Number(pick(w, 'confirmed_hours')) || 0;
    const tentative = Number(pick(w, 'tentative_hours')) || 0;
    const weighted = Number(pick(w, 'weighted_hours')) || 0;
    const placeholders = sumObj(pick(w, 'placeholder_hours_by_role'));
    return {
      start: periodStart(w), capacity: Number(pick(w, 'capacity_hours')) || 0, confirmed, tentative, placeholders, weighted,
      // the probability-weighted pipeline beyond the confirmed and tentative work
      pipeline: Math.max(0, weighted - confirmed - tentative),
      all: confirmed + tentative + placeholders,
    };
  });
  const max = Math.max(1, ...rows.map((r) => Math.max(r.capacity, r.confirmed + r.tentative + r.pipeline, r.all)));
  const H = 220;
  const px = (v) => `${Math.round((v / max) * H)}px`;
  return h('div', { class: 'chart', 'data-testid': 'demand-chart' },
    h('div', { class: 'legend' },
      h('span', { class: 'lg confirmed' }, 'Scheduled'),
      h('span', { class: 'lg tentative' }, 'Tentative'),
      h('span', { class: 'lg pipeline' }, 'Weighted pipeline beyond'),
      h('span', { class: 'lg all' }, 'All demand, unweighted'),
      h('span', { class: 'lg capacity' }, 'Capacity')),
    h('div', { class: 'plot' },
      h('div', { class: 'axis', 'aria-hidden': 'true' }, h('span', { style: { bottom: px(max) } }, `${fmtNum(max, 0)}h`), h('span', { style: { bottom: px(max / 2) } }, `${fmtNum(max / 2, 0)}h`), h('span', { style: { bottom: '0px' } }, '0')),
      rows.map((r) => h('div', { class: 'wk', role: 'img', 'aria-label': `Week of ${r.start}: capacity ${fmtNum(r.capacity)}h, confirmed ${fmtNum(r.confirmed)}h, tentative ${fmtNum(r.tentative)}h, unstaffed ${fmtNum(r.placeholders)}h, weighted demand ${fmtNum(r.weighted)}h`, title: `${r.start}\ncapacity ${fmtNum(r.capacity)}h\nconfirmed ${fmtNum(r.confirmed)}h\ntentative ${fmtNum(r.tentative)}h\nunstaffed placeholders ${fmtNum(r.placeholders)}h\nweighted demand ${fmtNum(r.weighted)}h` },
        h('div', { class: 'stack', style: { height: `${H}px` } },
          h('div', { class: 'bseg confirmed', style: { height: px(r.confirmed) } }),
          h('div', { class: 'bseg tentative', 'data-testid': 'tentative-bar', style: { height: px(r.tentative) } }),
          h('div', { class: 'bseg pipeline', style: { height: px(r.pipeline) } }),
          r.all > 0 ? h('div', { class: 'allline', style: { bottom: px(r.all) } }) : null,
          h('div', { class: 'capline', style: { bottom: px(r.capacity) } })),
        h('div', { class: 'wk-l' }, r.start && isDate(r.start) ? `${+r.start.slice(8, 10)} ${monthName(r.start)}` : '')))));
}

export function reportsView(m, dispatch) {
  const r = m.reports;
  const to = addDays(r.from, r.weeks * 7 - 1);
  const only = reportParams(m.reportFilter);
  const csvUtil = `${API}/reports/utilisation${qs({ from: r.from, to, interval: 'week', format: 'csv', ...only })}`;
  const csvPipe = `${API}/reports/pipeline${qs({ from: r.from, to, format: 'csv', ...only })}`;
  const memo = local(m, r.from, to);
  const util = r.local.util ? (memo.util || (memo.util = utilisationReport(m.data, r.from, to))) : r.util;
  const pipeline = r.local.pipeline ? (memo.pipeline || (memo.pipeline = pipelineReport(m.data, r.from, to))) : r.pipeline;
  // the server offers CSV for utilisation; the pipeline's CSV is made here from its JSON
  const csvLink = (href, name, which, makeCsv, report) => r.local[which] || (which === 'pipeline' && report)
    ? button('Download CSV', () => dispatch({ type: 'Download', filename: name, text: makeCsv(report) }), 'small ghost', { 'data-testid': 'csv-' + which })
    : h('a', { class: 'btn small ghost', href, download: name, 'data-testid': 'csv-' + which }, 'Download CSV');
  return h('div', { class: 'page reports' },
    pageHeader('Reports', `${longLabel(r.from)} – ${longLabel(to)}`, [
      button('‹', () => dispatch({ type: 'ReportRange', from: addDays(r.from, -7 * 4) }), 'icon', { 'aria-label': 'Earlier' }),
      button('This week', () => dispatch({ type: 'ReportRange', from: m.today }), ''),
      button('›', () => dispatch({ type: 'ReportRange', from: addDays(r.from, 7 * 4) }), 'icon', { 'aria-label': 'Later' }),
      h('select', { 'aria-label': 'Weeks shown', value: String(r.weeks), on: { change: (e) => dispatch({ type: 'ReportRange', weeks: e.target.value }) } },
        [4, 8, 12, 26, 52].map((w) => h('option', { value: String(w), selected: w === r.weeks }, `${w} weeks`))),
    ]),
    reportFilters(m, dispatch),
    r.error ? h('div', { class: 'form-error', role: 'alert' }, r.error) : null,
    h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Utilisation'), csvLink(csvUtil, 'utilisation.csv', 'util', utilisationCsv, util)),
      h('p', { class: 'sub' }, 'Scheduled (confirmed) hours over capacity, per person and week, with the tentative share beside it (+%) and hatched below. Red: overbooked, counting tentative hours, as on the schedule. Open a week on the schedule by choosing its cell.'),
      util ? heatmap(util, dispatch) : h('p', { class: 'muted' }, 'Loading…')),
    h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Capacity vs demand'), csvLink(csvPipe, 'pipeline.csv', 'pipeline', pipelineCsv, pipeline)),
      h('p', { class: 'sub' }, 'Confirmed work, then tentative work, with the probability-weighted pipeline beyond them stacked on top, against capacity. The dashed mark is all demand (confirmed, tentative and unstaffed placeholders) unweighted.'),
      pipeline ? demandChart(pipeline) : h('p', { class: 'muted' }, 'Loading…')));
}
