// The header over the schedule timeline's days: months, ISO weeks (day
// scale) and one column header per day, or per week in the month scale.
import { h } from '../vdom.js';
import { toDay, fromDay, isWeekendDay, weekdayOfDay, monthName, shortLabel, isoWeek, addMonths } from '../dates.js';
import { SIDEBAR } from '../schedule.js';

/** The month / week / day header over the days in view. */
export function dayHeader(s, win, origin, dayW, unit, todayN) {
  const headTop = [], headDays = [];
  if (unit === 1) {
    for (let d = win.firstDay; d <= win.lastDay; d++) {
      const ds = fromDay(d);
      const dom = +ds.slice(8, 10);
      if (dom === 1 || d === win.firstDay) {
        // the month in view at the left edge stays visible until the next one pushes it out
        let left = SIDEBAR + (d - origin) * dayW;
        if (d === win.firstDay || left < s.scrollLeft + SIDEBAR) {
          const nextMonth = SIDEBAR + (toDay(addMonths(ds.slice(0, 8) + '01', 1)) - origin) * dayW;
          left = Math.max(left, Math.min(s.scrollLeft + SIDEBAR, nextMonth - 90));
        }
        headTop.push(h('div', { key: 'm' + d, class: 'head-month', 'aria-hidden': 'true', style: { left: `${left}px` } }, `${monthName(ds)} ${ds.slice(0, 4)}`));
      }
      if (s.zoom === 'day' && weekdayOfDay(d) === 0) {
        headTop.push(h('div', { key: 'w' + d, class: 'head-week', 'aria-hidden': 'true', style: { left: `${SIDEBAR + (d - origin) * dayW}px`, width: `${7 * dayW}px` } }, `W${isoWeek(ds).week}`));
      }
      const wk = ['M', 'T', 'W', 'T', 'F', 'S', 'S'][weekdayOfDay(d)];
      headDays.push(h('div', {
        key: 'd' + d, class: 'head-day' + (isWeekendDay(d) ? ' weekend' : '') + (d === todayN ? ' today' : '') + (weekdayOfDay(d) === 0 ? ' monday' : ''), 'data-testid': 'day-header', 'data-date': ds,
        role: 'columnheader', 'aria-label': shortLabel(ds),
        style: { left: `${SIDEBAR + (d - origin) * dayW}px`, width: `${dayW}px` },
      }, s.zoom === 'day' ? [h('span', { class: 'wd' }, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][weekdayOfDay(d)]), ' ', dom] : [h('span', {}, dom)]));
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
