// The Import page: what the file holds, the file, the dry run as a table of rows
// and errors, then Apply.
import { h } from '../vdom.js';
import { API } from '../api.js';
import { canEdit, myRole } from '../update.js';
import { IMPORT_KINDS, kindInfo, initialImport, canApply } from '../page/import.js';
import { button, pageHeader, fid } from './ui.js';

/** At most this many rows are drawn; the counts above them cover the whole file. */
const MAX_ROWS = 300;
const ACTION_LABEL = { create: 'Create', update: 'Update', unchanged: 'Unchanged' };

function counts(r) {
  const stat = (label, value, tid, cls = '') => h('div', { class: 'stat ' + cls, 'data-testid': tid }, h('div', { class: 'stat-v' }, String(value)), h('div', { class: 'stat-l' }, label));
  return h('div', { class: 'stats' },
    stat('To create', r.created, 'import-created'),
    stat('To update', r.updated, 'import-updated'),
    stat('Unchanged', r.unchanged, 'import-unchanged'),
    stat(r.errors.length === 1 ? 'Error' : 'Errors', r.errors.length, 'import-error-count', r.errors.length ? 'neg' : ''));
}

function errorsTable(imp, dispatch) {
  const r = imp.report;
  if (!r.errors.length) return null;
  // dates like 31/03/2026 read year first: one click reads them day first
  const dayFirst = imp.dateFormat !== 'dmy' && r.errors.some((e) => /^"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"/.test(e.message));
  return h('section', { class: 'panel import-errors', 'aria-labelledby': 'import-errors-title' },
    h('h2', { id: 'import-errors-title' }, `Problems to fix (${r.errors.length})`),
    h('p', { class: 'sub' }, 'Nothing is imported while the file has errors. Fix these rows in the file and choose it again.'),
    dayFirst ? h('p', { class: 'import-hint' }, 'Are the dates written day first, like 31/03/2026? ',
      button('Read dates day first', () => dispatch({ type: 'ImportDateFormat', value: 'dmy' }), 'small', { 'data-testid': 'import-day-first' })) : null,
    h('table', { class: 'table', 'data-testid': 'import-errors' },
      h('thead', {}, h('tr', {}, ['Row', 'Column', 'Problem'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, r.errors.slice(0, MAX_ROWS).map((e, i) => h('tr', { key: 'e' + i, 'data-testid': 'import-error', 'data-row': e.row, 'data-column': e.column },
        h('td', { class: 'num' }, String(e.row)),
        h('td', {}, e.column ? h('code', {}, e.column) : h('span', { class: 'muted' }, 'whole row')),
        h('td', {}, e.message))))),
    r.errors.length > MAX_ROWS ? h('p', { class: 'muted' }, `… and ${r.errors.length - MAX_ROWS} more.`) : null);
}

function rowsTable(r) {
  if (!r.rows.length) return null;
  return h('section', { class: 'panel', 'aria-labelledby': 'import-rows-title' },
    h('h2', { id: 'import-rows-title' }, 'Rows'),
    h('table', { class: 'table', 'data-testid': 'import-rows' },
      h('thead', {}, h('tr', {}, ['Row', 'What happens', 'Record'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, r.rows.slice(0, MAX_ROWS).map((x) => h('tr', { key: 'r' + x.row, 'data-testid': 'import-row', 'data-action': x.action },
        h('td', { class: 'num' }, String(x.row)),
        h('td', {}, h('span', { class: 'tag act-' + x.action }, ACTION_LABEL[x.action] || x.action)),
        h('td', {}, x.name))))),
    r.rows.length > MAX_ROWS ? h('p', { class: 'muted' }, `… and ${r.rows.length - MAX_ROWS} more rows.`) : null);
}

function applyBar(imp, dispatch) {
  const r = imp.report;
  const why = r.errors.length ? 'Apply is off until the file has no errors.'
    : r.created + r.updated === 0 ? 'Nothing to change: everything in the file is already here.'
      : imp.kind === 'team' ? `Loads ${r.created} records into this team as one change; one undo removes them.`
        : `Applies all ${r.created + r.updated} changes as one change; one undo reverts them.`;
  return h('div', { class: 'import-apply' },
    button(imp.busy ? 'Importing…' : 'Apply', () => dispatch({ type: 'ImportApply' }), 'primary', { 'data-testid': 'import-apply', disabled: !canApply(imp), 'aria-describedby': 'import-apply-why' }),
    button('Choose another file', () => dispatch({ type: 'ImportReset' }), 'ghost'),
    h('span', { id: 'import-apply-why', class: 'muted' }, why));
}

export function importView(m, dispatch) {
  if (!canEdit(m)) return h('div', { class: 'page' }, pageHeader('Import', 'Only owners and managers import data.'));
  const imp = m.importer || initialImport();
  const info = kindInfo(imp.kind);
  const r = imp.report;
  const csv = !['taskjuggler', 'team'].includes(imp.kind);
  const fileId = fid('import-file');
  return h('div', { class: 'page import' },
    pageHeader('Import', 'Bring people, clients, projects, bookings and time off in from a spreadsheet or another tool. Nothing changes until you apply.', [
      h('a', { class: 'btn ghost', href: `${API}/team/export`, download: 'kronuz-team.json', 'data-testid': 'team-export' }, 'Download team export'),
    ]),
    h('section', { class: 'panel import-choose', 'aria-label': 'The file' },
      h('div', { class: 'grid3' },
        h('div', { class: 'field' }, h('label', { for: fid('import-kind') }, 'What the file holds'),
          h('select', { id: fid('import-kind'), 'data-testid': 'import-kind', value: imp.kind, on: { change: (e) => dispatch({ type: 'ImportKind', value: e.target.value }) } },
            IMPORT_KINDS.map((k) => h('option', { value: k.kind, selected: k.kind === imp.kind }, k.label)))),
        csv ? h('div', { class: 'field' }, h('label', { for: fid('import-dates') }, 'Dates in the file'),
          h('select', { id: fid('import-dates'), 'data-testid': 'import-date-format', value: imp.dateFormat, on: { change: (e) => dispatch({ type: 'ImportDateFormat', value: e.target.value }) } },
            h('option', { value: 'iso', selected: imp.dateFormat === 'iso' }, 'Year first (2026-03-31)'),
            h('option', { value: 'dmy', selected: imp.dateFormat === 'dmy' }, 'Day first (31/03/2026)'))) : null,
        h('div', { class: 'field', key: 'file-' + imp.kind + '-' + imp.input }, h('label', { for: fileId }, 'File'),
          h('input', { id: fileId, type: 'file', accept: info.accept, 'data-testid': 'import-file', 'aria-describedby': 'import-columns', on: { change: (e) => dispatch({ type: 'ImportFile', file: e.target.files && e.target.files[0] }) } }))),
      h('p', { id: 'import-columns', class: 'hint muted' }, csv ? `Columns, matched by their header: ${info.columns}. Comma or semicolon separated, UTF-8.` : `Reads ${info.columns}.`),
      imp.kind === 'team' && myRole(m) !== 'owner' ? h('p', { class: 'form-warn' }, 'Only an owner can load a team export.') : null),
    imp.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'import-error-message' }, imp.error) : null,
    imp.done && !r ? h('p', { class: 'import-done', role: 'status', 'data-testid': 'import-done' }, imp.done, '. ', h('a', { href: '/activity', 'data-nav': '' }, 'See the activity')) : null,
    imp.busy && !r ? h('p', { class: 'muted', role: 'status' }, 'Checking the file…') : null,
    r ? h('section', { class: 'import-dry', 'aria-label': 'Dry run', 'data-testid': 'import-dry-run' },
      h('h2', {}, `Dry run of ${imp.file ? imp.file.name : 'the file'}`),
      counts(r),
      (r.warnings || []).length ? h('ul', { class: 'import-warnings', 'data-testid': 'import-warnings', 'aria-label': 'Warnings' }, r.warnings.map((w, i) => h('li', { key: 'w' + i }, w))) : null,
      applyBar(imp, dispatch),
      errorsTable(imp, dispatch),
      rowsTable(r)) : null);
}
