// The header over the schedule timeline's days: months (or, in the day
// scale, ISO weeks with their dates) and one column header per day (with its
// weekday), or per week in the month scale.
import { h } from '../vdom.js';
import { toDay, fromDay, isWeekendDay, weekdayOfDay, monthName, shortLabel, spanLabel, isoWeek, addMonths } from '../dates.js';
import { SIDEBAR } from '../schedule.js';

/** The month / week / day header over the days in view. */
export function dayHeader(s, win, origin, dayW, unit, todayN) {
  const headTop = [], headDays = [];
  if (unit === 1) {
    for (let d = win.firstDay; d <= win.lastDay; d++) {
      const ds = fromDay(d);
      const dom = +ds.slice(8, 10);
      if (s.zoom === 'day') {
        // one label per week, which names its month(s): a month label beside the
        // week's would overlap it. The week at the left edge keeps its label in view.
        if (weekdayOfDay(d) === 0 || d === win.firstDay) {
          const monday = d - weekdayOfDay(d);
          let left = SIDEBAR + (monday - origin) * dayW;
          const end = left + 7 * dayW;
          if (left < s.scrollLeft + SIDEBAR) left = Math.max(left, Math.min(s.scrollLeft + SIDEBAR, end - 220));
          headTop.push(h('div', { key: 'w' + monday, class: 'head-week', 'aria-hidden': 'true', style: { left: `${left}px`, width: `${end - left}px` } },
            h('strong', {}, `W${isoWeek(fromDay(monday)).week}`), ` · ${spanLabel(fromDay(monday), fromDay(monday + 6))}`));
        }
      } else if (dom === 1 || d === win.firstDay) {
        // the month in view at the left edge stays visible until the next one pushes it out
        let left = SIDEBAR + (d - origin) * dayW;
        if (d === win.firstDay || left < s.scrollLeft + SIDEBAR) {
          const nextMonth = SIDEBAR + (toDay(addMonths(ds.slice(0, 8) + '01', 1)) - origin) * dayW;
          left = Math.max(left, Math.min(s.scrollLeft + SIDEBAR, nextMonth - 90));
        }
        headTop.push(h('div', { key: 'm' + d, class: 'head-month', 'aria-hidden': 'true', style: { left: `${left}px` } }, `${monthName(ds)} ${ds.slice(0, 4)}`));
      }
      const wd = weekdayOfDay(d);
      headDays.push(h('div', {
        key: 'd' + d, class: 'head-day' + (isWeekendDay(d) ? ' weekend' : '') + (d === todayN ? ' today' : '') + (wd === 0 ? ' monday' : '') + (s.zoom === 'day' ? '' : ' lettered'), 'data-testid': 'day-header', 'data-date': ds,
        role: 'columnheader', 'aria-label': shortLabel(ds),
        style: { left: `${SIDEBAR + (d - origin) * dayW}px`, width: `${dayW}px` },
      }, s.zoom === 'day'
        ? [h('span', { class: 'wd' }, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][wd]), ' ', dom]
        : [h('span', { class: 'wd' }, ['M', 'T', 'W', 'T', 'F', 'S', 'S'][wd]), h('span', {}, dom)]));
    }
  } else {
    for (let d = win.firstDay; d <= win.lastDay; d += 7) {
      const ds = fromDay(d);
      for (let k = 0; k < 7; k++) {
        const dd = fromDay(d + k);
        if (dd.slice(8, 10) === '01' || (d === win.firstDay && k === 0)) headTop.push(h('div', { key: 'm' + (d + k), class: 'head-month', 'aria-hidden': 'true', style: { left: `${SIDEBAR + (d + k - origin) * dayW}px` } }, `${monthName(dd)} ${dd.slice(0, 4)}`));
      }
      headDays.push(h('div', {
        key: 'd' + d, class: 'head-day week' + (todayN >= d && todayN < d + 7 ? ' today' : ''), 'data-testid': 'day-header', 'data-date': ds,
        role: 'columnheader', 'aria-label': `Week of ${shortLabel(ds)}`,
        style: { left: `${SIDEBAR + (d - origin) * dayW}px`, width: `${7 * dayW}px` },
      }, `${+ds.slice(8, 10)}`));
    }
  }

  return [headTop, headDays];
}
