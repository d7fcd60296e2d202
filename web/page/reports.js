// The reports page: utilisation and pipeline over a range of weeks.

import { isDate, startOfWeek } from '../dates.js';
import { set, unauthorized } from '../model.js';
import { reportEffects, routeEffects } from '../load.js';

export function update(m, msg) {
  switch (msg.type) {
    case 'ReportRange': {
      const from = msg.from && isDate(msg.from) ? startOfWeek(msg.from) : m.reports.from;
      const weeks = msg.weeks ? Math.max(1, Math.min(104, Number(msg.weeks) || 12)) : m.reports.weeks;
      const m2 = set(m, { reports: set(m.reports, { from, weeks, loading: true, error: null }) });
      return [m2, reportEffects(m2)];
    }
    case 'ReportFilterClear': {
      const m2 = set(m, { reportFilter: {}, reports: set(m.reports, { loading: true, error: null }) });
      return [m2, routeEffects(m2)];
    }
    case 'ReportFilter': {
      // one filter for every report page (reports, financials): load the page's reports again
      const m2 = set(m, { reportFilter: set(m.reportFilter || {}, { [msg.field]: msg.value }), reports: set(m.reports, { loading: true, error: null }) });
      return [m2, routeEffects(m2)];
    }
    case 'ReportLoaded':
      if (msg.asked && !reportEffects(m).some((fx) => fx.ctx.asked === msg.asked)) return [m, []];
      return [set(m, { reports: set(m.reports, { [msg.which]: msg.data, local: set(m.reports.local, { [msg.which]: false }), loading: false, error: null }) }), []];
    case 'ReportErr':
      // a server without this report: compute it in the browser from the schedule
      if (msg.status === 404) return [set(m, { reports: set(m.reports, { local: set(m.reports.local, { [msg.which]: true }), loading: false }) }), []];
      return unauthorized(m, msg.status) || [set(m, { reports: set(m.reports, { loading: false, error: msg.error }) }), []];
  }
}
