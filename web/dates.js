// Date helpers for YYYY-MM-DD strings. Internally a date is often a "day
// number": whole days since 1970-01-01 (UTC), which makes arithmetic and
// comparisons cheap. Weekdays are Monday-first: 0 = Monday .. 6 = Sunday.
// No DOM access: node's test runner imports this module.

const DAY_MS = 86400000;
const RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDate(s) {
  if (typeof s !== 'string') return false;
  const m = RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

// a schedule's tens of thousands of dates are a few hundred distinct days
const dayNumbers = new Map();
/** 'YYYY-MM-DD' -> day number. */
export function toDay(s) {
  let n = dayNumbers.get(s);
  if (n === undefined) {
    const m = RE.exec(s);
    if (!m) throw new Error(`not a date: ${s}`);
    n = Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS);
    if (dayNumbers.size > 20000) dayNumbers.clear();
    dayNumbers.set(s, n);
  }
  return n;
}

const pad = (n) => (n < 10 ? '0' + n : '' + n);

// the timeline asks for the same few hundred days over and over
const dayNames = new Map();
/** day number -> 'YYYY-MM-DD'. */
export function fromDay(n) {
  let s = dayNames.get(n);
  if (s === undefined) {
    const d = new Date(n * DAY_MS);
    s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (dayNames.size > 20000) dayNames.clear();
    dayNames.set(n, s);
  }
  return s;
}

export function addDays(s, n) { return fromDay(toDay(s) + n); }
/** Whole days from a to b (b - a). */
export function diffDays(a, b) { return toDay(b) - toDay(a); }

/** Monday-first weekday of a day number: 0 = Monday .. 6 = Sunday. (1970-01-01 was a Thursday.) */
export function weekdayOfDay(n) { return (((n + 3) % 7) + 7) % 7; }
export function weekday(s) { return weekdayOfDay(toDay(s)); }
export function isWeekendDay(n) { return weekdayOfDay(n) >= 5; }
export function isWeekend(s) { return isWeekendDay(toDay(s)); }

/** Monday on or before the day. */
export function startOfWeekDay(n) { return n - weekdayOfDay(n); }
export function startOfWeek(s) { return fromDay(startOfWeekDay(toDay(s))); }
export function startOfMonth(s) { return s.slice(0, 8) + '01'; }
export function addMonths(s, n) {
  const y = +s.slice(0, 4), m = +s.slice(5, 7) - 1 + n, d = +s.slice(8, 10);
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return `${first.getUTCFullYear()}-${pad(first.getUTCMonth() + 1)}-${pad(Math.min(d, last))}`;
}
export function daysInMonth(s) {
  return new Date(Date.UTC(+s.slice(0, 4), +s.slice(5, 7), 0)).getUTCDate();
}

/** ISO-8601 week: {year, week}; weeks start on Monday, week 1 holds the first Thursday. */
export function isoWeek(s) {
  const n = toDay(s);
  const thursday = n - weekdayOfDay(n) + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Math.round(Date.UTC(year, 0, 1) / DAY_MS);
  return { year, week: Math.floor((thursday - jan1) / 7) + 1 };
}

/** Today in the browser's local time zone. */
export function today(now = new Date()) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Inclusive list of dates from a to b. */
export function range(a, b) {
  const out = [];
  for (let n = toDay(a), e = toDay(b); n <= e; n++) out.push(fromDay(n));
  return out;
}

/** Do inclusive ranges [a1, a2] and [b1, b2] overlap? Works on strings or day numbers. */
export function overlaps(a1, a2, b1, b2) { return a1 <= b2 && b1 <= a2; }

export function minDate(a, b) { return a <= b ? a : b; }
export function maxDate(a, b) { return a >= b ? a : b; }

/** Count of Monday-Friday days in [a, b]. */
export function workingDaysBetween(a, b) {
  let c = 0;
  for (let n = toDay(a), e = toDay(b); n <= e; n++) if (!isWeekendDay(n)) c++;
  return c;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export function monthName(s) { return MONTHS[+s.slice(5, 7) - 1]; }
export function weekdayName(s) { return WEEKDAYS[weekday(s)]; }
/** 'Mon 3 Feb' */
export function shortLabel(s) { return `${weekdayName(s)} ${+s.slice(8, 10)} ${monthName(s)}`; }
/** '3 Feb 2025' */
export function longLabel(s) { return `${+s.slice(8, 10)} ${monthName(s)} ${s.slice(0, 4)}`; }
/** '3 – 9 Feb' style span label. */
export function spanLabel(a, b) {
  if (a === b) return longLabel(a);
  if (a.slice(0, 7) === b.slice(0, 7)) return `${+a.slice(8, 10)} – ${longLabel(b)}`;
  if (a.slice(0, 4) === b.slice(0, 4)) return `${+a.slice(8, 10)} ${monthName(a)} – ${longLabel(b)}`;
  return `${longLabel(a)} – ${longLabel(b)}`;
}
