// Bootstrap and runtime: holds the one model, runs update(), renders the view
// once per animation frame, interprets effects (HTTP, navigation, timers,
// scrolling, focus, clipboard, preferences kept in the browser) and keeps the model's subscriptions (the live
// events stream) open, all at the edge.

import { init, update, subscriptions } from './update.js';
import { view } from './view/index.js';
import { patch } from './vdom.js';
import { errorMessage } from './api.js';

const root = document.getElementById('app');
let model;
let vnode = null;
let scheduled = false;

function dispatch(msg) {
  const [next, effects] = update(model, msg);
  if (next !== model) { model = next; schedule(); syncSubscriptions(); }
  for (const fx of effects) run(fx);
}

// ---- subscriptions: opened when the model asks for them, closed when it stops

const open = new Map(); // key -> close()

function syncSubscriptions() {
  const wanted = subscriptions(model);
  const keys = new Set(wanted.map((s) => s.key));
  for (const [key, close] of open) if (!keys.has(key)) { close(); open.delete(key); }
  for (const sub of wanted) {
    if (open.has(sub.key)) continue;
    if (sub.type === 'events') open.set(sub.key, openEvents(sub));
    else if (sub.type === 'every') {
      const t = setInterval(() => dispatch({ ...sub.msg, now: Date.now() }), sub.ms);
      open.set(sub.key, () => clearInterval(t));
    }
  }
}

/**
 * The server's event stream. The browser resumes a dropped stream by itself
 * (sending Last-Event-ID); when it gives up (the server was away, or refused),
 * open a new one a little later that resumes after the last event seen (the
 * server replays what was missed, or says to reload). Without any event id
 * yet, update is told it is a new connection: what happened meanwhile is unknown.
 */
function openEvents(sub) {
  let es = null, timer = null, closed = false, wait = 1000, lastId = null;
  const data = (e) => { try { return JSON.parse(e.data); } catch { return null; } };
  const connect = (again) => {
    const resumeFrom = again && lastId != null ? lastId : null;
    es = new EventSource(resumeFrom != null ? `${sub.path}?last_event_id=${resumeFrom}` : sub.path, { withCredentials: true });
    es.addEventListener('hello', (e) => {
      wait = 1000;
      const d = data(e);
      if (lastId == null && d && Number.isFinite(d.last_id)) lastId = d.last_id;
      dispatch({ type: sub.hello, data: d, resumed: again && resumeFrom == null });
    });
    es.addEventListener('change', (e) => {
      if (e.lastEventId) lastId = Number(e.lastEventId);
      dispatch({ type: sub.change, event: data(e) });
    });
    es.addEventListener('reload', () => dispatch({ type: sub.reload }));
    es.onerror = () => {
      if (closed) return;
      dispatch({ type: sub.down }); // until the next hello
      if (es.readyState !== EventSource.CLOSED) return; // the browser tries again by itself
      timer = setTimeout(() => connect(true), wait);
      wait = Math.min(wait * 2, 30_000);
    };
  };
  connect(false);
  return () => { closed = true; clearTimeout(timer); if (es) es.close(); };
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(render);
}

function render() {
  scheduled = false;
  const t0 = performance.now();
  const v = view(model, dispatch);
  const t1 = performance.now();
  vnode = patch(root, vnode, v);
  const stats = window.__kronuzStats || (window.__kronuzStats = { view: 0, patch: 0, maxView: 0, maxPatch: 0, n: 0 });
  const t2 = performance.now();
  stats.n++; stats.view += t1 - t0; stats.patch += t2 - t1;
  stats.maxView = Math.max(stats.maxView, t1 - t0); stats.maxPatch = Math.max(stats.maxPatch, t2 - t1);
  window.__kronuzRendered = (window.__kronuzRendered || 0) + 1;
}

async function runHttp(fx) {
  const init = { method: fx.method, credentials: 'same-origin', headers: { Accept: 'application/json', ...(fx.headers || {}) } };
  // Inside a scenario every API call works on it (the server answers 404 for one
  // that is gone, never the live schedule); an effect may name its side itself
  // (`scenario`: an id, or null for live), as the compare view does.
  const scenario = 'scenario' in fx ? fx.scenario : model.scenario && model.scenario.id;
  if (scenario && fx.path.startsWith('/api/')) init.headers['Kronuz-Scenario'] = scenario;
  // a file sent as it is (an import's CSV), else JSON
  if (fx.text !== undefined) { init.body = fx.text; init.headers['Content-Type'] = fx.contentType || 'text/plain'; }
  else if (fx.body !== undefined) { init.body = JSON.stringify(fx.body); init.headers['Content-Type'] = 'application/json'; }
  let res;
  try {
    res = await fetch(fx.path, init);
  } catch (e) {
    dispatch({ type: fx.err, status: 0, error: errorMessage(0), ...fx.ctx });
    return;
  }
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) { try { data = JSON.parse(text); } catch { data = text; } }
  if (res.ok) dispatch({ type: fx.ok, status: res.status, data, ...fx.ctx });
  // someone changed the record since it was shown: the effect says where that goes, with the current record
  else if (res.status === 412 && fx.on412) dispatch({ ...fx.on412, status: 412, error: errorMessage(412, data), current: data && data.current, request: fx });
  else dispatch({ type: fx.err, status: res.status, error: errorMessage(res.status, data), body: data, ...fx.ctx });
}

function run(fx) {
  switch (fx.type) {
    case 'http': runHttp(fx); break;
    case 'navigate': {
      const here = location.pathname + location.search;
      if (here !== fx.path) { if (fx.replace) history.replaceState(null, '', fx.path); else history.pushState(null, '', fx.path); }
      window.scrollTo(0, 0);
      break;
    }
    case 'timer': setTimeout(() => dispatch(fx.msg), fx.ms); break;
    // a file the person chose, read as text: {type: ok, name, text} or {type: err, error}
    case 'readFile': fx.file.text().then(
      (text) => dispatch({ type: fx.ok, name: fx.file.name, size: fx.file.size, text, ...fx.ctx }),
      () => dispatch({ type: fx.err, status: 0, error: `Could not read ${fx.file.name}.`, ...fx.ctx })); break;
    case 'scroll': requestAnimationFrame(() => {
      const el = document.querySelector('[data-testid="timeline-grid"]');
      if (el) { el.scrollTop = fx.top; el.scrollLeft = fx.left; }
    }); break;
    case 'focus': requestAnimationFrame(() => { const el = document.querySelector(fx.selector) || (fx.fallback && document.querySelector(fx.fallback)); if (el) el.focus({ preventScroll: true }); }); break;
    // a preference kept in this browser (e.g. the timeline's density, per login)
    case 'pref-load': { let value = null; try { value = localStorage.getItem(fx.key); } catch { /* storage off */ } dispatch({ ...fx.msg, value }); break; }
    case 'pref-save': try { localStorage.setItem(fx.key, fx.value); } catch { /* storage off */ } break;
    case 'copy': if (navigator.clipboard) navigator.clipboard.writeText(fx.text).then(() => dispatch({ type: 'Toast', text: 'Copied to the clipboard', kind: 'info' }), () => {}); break;
    case 'download': {
      const url = URL.createObjectURL(new Blob([fx.text], { type: fx.mime }));
      const a = document.createElement('a');
      a.href = url; a.download = fx.filename;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      break;
    }
    default: break;
  }
}

window.addEventListener('popstate', () => dispatch({ type: 'UrlChanged', path: location.pathname, search: location.search }));

document.addEventListener('keydown', (ev) => {
  const t = ev.target;
  const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
  if (ev.key === 'Escape') {
    if (model.dialog) { ev.preventDefault(); dispatch({ type: 'DialogClose' }); }
    else if (model.drag) dispatch({ type: 'DragCancel' });
    else if (model.pipeDrag) dispatch({ type: 'PipeDragCancel' });
    return;
  }
  if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !typing && !model.dialog) {
    const key = ev.key.toLowerCase();
    // Ctrl+Z undoes your own last change; Ctrl+Shift+Z and Ctrl+Y redo it
    const msg = key === 'z' ? (ev.shiftKey ? 'Redo' : 'Undo') : key === 'y' && !ev.shiftKey ? 'Redo' : null;
    if (msg) { ev.preventDefault(); dispatch({ type: msg }); }
  }
});

// Links inside the app navigate without a reload.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[data-nav]');
  if (!a || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  dispatch({ type: 'Navigate', path: a.getAttribute('href') });
});

const [m0, fx0] = init({ path: location.pathname, search: location.search, phone: window.innerWidth <= 640 });
model = m0;
render();
syncSubscriptions();
for (const fx of fx0) run(fx);

// For debugging and the browser tests.
window.__kronuz = { get model() { return model; }, dispatch };
