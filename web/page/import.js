// The Import page (owners and managers): choose what the file holds and the
// file, see the server's dry run (rows to create, update or leave, and every
// error by row and column), then apply it as one change that one undo reverts.
// A whole-team export (JSON) loads into an empty team (owners).

import { http, qs } from '../api.js';
import { set, toast, canEdit, myRole, unauthorized } from '../model.js';
import { reloadAll } from '../load.js';

/** What can be imported: the API path, the file's type, and the columns it reads. */
export const IMPORT_KINDS = [
  { kind: 'people', label: 'People', accept: '.csv,text/csv', columns: 'Name (required), Email, Role, Skills, Hours per day or Weekly hours, Time zone, Start date, End date, Cost rate, Bill rate' },
  { kind: 'clients', label: 'Clients', accept: '.csv,text/csv', columns: 'Name (required)' },
  { kind: 'projects', label: 'Projects', accept: '.csv,text/csv', columns: 'Name (required), Client, Status, Probability, Start, End, Budget hours, Billable, Colour' },
  { kind: 'allocations', label: 'Allocations (bookings)', accept: '.csv,text/csv', columns: 'Project, Start and End (required), Person (name or email) or Placeholder role, Hours per day, Tentative, Note' },
  { kind: 'timeoff', label: 'Time off', accept: '.csv,text/csv', columns: 'Start and End (required), Person (name or email; empty for everyone), Reason' },
  { kind: 'taskjuggler', label: 'TaskJuggler plan (.tjp)', accept: '.tjp,.tji,text/plain', columns: 'resources become people, top-level tasks projects, nested tasks tasks ready for “Plan automatically”' },
  { kind: 'team', label: 'Whole team (kronuz export, JSON)', accept: '.json,application/json', columns: 'a file from “Download team export”; loads only into an empty team (owners)' },
];
export const kindInfo = (kind) => IMPORT_KINDS.find((k) => k.kind === kind) || IMPORT_KINDS[0];

// `input` numbers the file chooser: a new number gives an empty one (after a change of kind or an import)
export const initialImport = () => ({ kind: 'people', dateFormat: 'iso', file: null, report: null, busy: false, error: null, done: null, input: 0 });

const setImp = (m, patch) => set(m, { importer: set(m.importer || initialImport(), patch) });

/** The request that checks (dryRun) or applies the chosen file, or {error}. */
export function importRequest(imp, dryRun) {
  const file = imp.file;
  if (!file) return { error: 'Choose a file first.' };
  if (imp.kind === 'team') {
    if (dryRun) return { error: 'A team export has no dry run.' };
    return http('POST', '/team/import', file.doc, 'ImportApplied', 'ImportErr', { dryRun: false });
  }
  const params = { dry_run: dryRun ? 'true' : 'false' };
  if (imp.kind !== 'taskjuggler' && imp.dateFormat === 'dmy') params.date_format = 'dmy';
  const fx = http('POST', `/import/${imp.kind}` + qs(params), undefined, dryRun ? 'ImportChecked' : 'ImportApplied', 'ImportErr', { dryRun });
  return { ...fx, text: file.text, contentType: imp.kind === 'taskjuggler' ? 'text/plain' : 'text/csv' };
}

/**
 * A team export read in the browser: what it would load, as a report shaped like
 * the server's dry run (every record a row to create), or its errors.
 */
export function teamReport(text) {
  let doc;
  try { doc = JSON.parse(text); } catch { return { doc: null, report: { created: 0, updated: 0, unchanged: 0, rows: [], warnings: [], errors: [{ row: 1, column: '', message: 'The file is not JSON: choose a file made by “Download team export”.' }] } }; }
  const kinds = [['people', 'Person'], ['clients', 'Client'], ['projects', 'Project'], ['allocations', 'Allocation'], ['timeoff', 'Time off'], ['tasks', 'Task'], ['actuals', 'Actual hours']];
  if (!doc || typeof doc !== 'object' || !doc.team || !kinds.some(([k]) => Array.isArray(doc[k]))) {
    return { doc: null, report: { created: 0, updated: 0, unchanged: 0, rows: [], warnings: [], errors: [{ row: 1, column: '', message: 'This is not a kronuz team export.' }] } };
  }
  const rows = [];
  for (const [k, noun] of kinds) {
    for (const r of doc[k] || []) rows.push({ row: rows.length + 1, action: 'create', name: `${noun}: ${r.name || [r.start, r.end].filter(Boolean).join(' to ') || r.date || r.id || ''}` });
  }
  return { doc, report: { created: rows.length, updated: 0, unchanged: 0, rows, errors: [], warnings: [] } };
}

/** Can the checked file be applied? No errors, something to change, nothing on its way. */
export function canApply(imp) {
  const r = imp && imp.report;
  return !!(r && imp.file && !imp.busy && !r.errors.length && r.created + r.updated > 0);
}

function check(m) {
  const imp = m.importer;
  if (!imp.file || imp.kind === 'team') return [m, []];
  const req = importRequest(imp, true);
  return [setImp(m, { busy: true, error: null, report: null }), [req]];
}

export function update(m, msg) {
  switch (msg.type) {
    case 'ImportKind':
      // another kind reads the file differently: choose it again
      return [setImp(m, { kind: kindInfo(msg.value).kind, file: null, report: null, error: null, done: null, input: ((m.importer && m.importer.input) || 0) + 1 }), []];
    case 'ImportDateFormat':
      return check(setImp(m, { dateFormat: msg.value === 'dmy' ? 'dmy' : 'iso' }));
    case 'ImportFile':
      if (!canEdit(m)) return [m, []];
      if (!msg.file) return [setImp(m, { file: null, report: null, error: null }), []];
      return [setImp(m, { busy: true, error: null, report: null, done: null }), [{ type: 'readFile', file: msg.file, ok: 'ImportFileRead', err: 'ImportErr', ctx: { kind: (m.importer || initialImport()).kind } }]];
    case 'ImportFileRead': {
      const imp = m.importer || initialImport();
      if (msg.kind !== imp.kind) return [m, []];
      if (imp.kind === 'team') {
        const { doc, report } = teamReport(msg.text);
        return [setImp(m, { busy: false, file: { name: msg.name, size: msg.size, doc }, report }), []];
      }
      return check(setImp(m, { file: { name: msg.name, size: msg.size, text: msg.text } }));
    }
    case 'ImportCheck':
      return check(m);
    case 'ImportChecked':
      return [setImp(m, { busy: false, report: msg.data, error: null }), []];
    case 'ImportApply': {
      const imp = m.importer;
      if (!canEdit(m) || !canApply(imp)) return [m, []];
      if (imp.kind === 'team' && myRole(m) !== 'owner') return [setImp(m, { error: 'Only an owner can load a team export.' }), []];
      return [setImp(m, { busy: true, error: null }), [importRequest(imp, false)]];
    }
    case 'ImportApplied': {
      const imp = m.importer;
      const d = msg.data || {};
      const text = imp.kind === 'team'
        ? `Imported the team export: ${d.records || 0} records`
        : `Imported ${kindInfo(imp.kind).label.toLowerCase()}: ${d.created || 0} created, ${d.updated || 0} updated`;
      const m2 = setImp(m, { busy: false, file: null, report: null, error: null, done: text, input: imp.input + 1 });
      // one undo reverts the whole import
      const [m3, tfx] = toast(m2, text, 'info', d.activity_id ? { label: 'Undo', msg: { type: 'ActivityUndo', id: d.activity_id } } : null);
      return [m3, [...tfx, ...reloadAll(m3)]];
    }
    case 'ImportErr': {
      const r = unauthorized(m, msg.status);
      if (r) return r;
      // rows with errors (an apply refused, 422): show them as the dry run does
      if (msg.body && Array.isArray(msg.body.errors)) return [setImp(m, { busy: false, report: msg.body, error: null }), []];
      return [setImp(m, { busy: false, error: msg.error }), []];
    }
    case 'ImportReset':
      return [setImp(m, { file: null, report: null, error: null, done: null, input: ((m.importer && m.importer.input) || 0) + 1 }), []];
  }
}
