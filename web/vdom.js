// A tiny keyed virtual DOM. h(tag, props, ...children) builds nodes; patch()
// brings the real DOM in line. Styles go through el.style (CSP-safe), event
// handlers through addEventListener (no inline handlers).
//
// props: class, style {prop: value, '--var': value}, on {event: fn}, key,
// hook {create(el), update(el)}, value / checked / selected / disabled /
// indeterminate (set as properties); everything else is an attribute
// (true -> '', false / null / undefined -> removed).

export function h(tag, props, ...children) {
  const kids = [];
  flatten(children, kids);
  return { tag, props: props || {}, children: kids, key: props && props.key != null ? props.key : undefined, el: null };
}

function flatten(list, out) {
  for (const c of list) {
    if (c == null || c === false || c === true) continue;
    if (Array.isArray(c)) flatten(c, out);
    else if (typeof c === 'object') out.push(c);
    else out.push({ tag: '#text', text: String(c), props: {}, children: [], key: undefined, el: null });
  }
}

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'indeterminate', 'scrollTop', 'scrollLeft']);

function dispatchEvent(ev) {
  const fn = ev.currentTarget.__on && ev.currentTarget.__on[ev.type];
  if (fn) fn(ev);
}

function setProp(el, name, value, old) {
  if (name === 'key' || name === 'hook') return;
  if (name === 'class') {
    if (value !== old) el.setAttribute('class', value || '');
  } else if (name === 'style') {
    const o = old || {}, n = value || {};
    for (const k in o) if (!(k in n)) { if (k.startsWith('--')) el.style.removeProperty(k); else el.style[k] = ''; }
    for (const k in n) if (n[k] !== o[k]) { if (k.startsWith('--')) el.style.setProperty(k, n[k]); else el.style[k] = n[k]; }
  } else if (name === 'on') {
    const o = old || {}, n = value || {};
    if (!el.__on) el.__on = {};
    for (const k in o) if (!(k in n)) { el.removeEventListener(k, dispatchEvent); delete el.__on[k]; }
    for (const k in n) { if (!(k in o)) el.addEventListener(k, dispatchEvent, k === 'wheel' || k === 'touchstart' ? { passive: true } : false); el.__on[k] = n[k]; }
  } else if (PROPS.has(name)) {
    if (el[name] !== value) el[name] = value == null ? (name === 'value' ? '' : false) : value;
  } else if (value == null || value === false) {
    if (old != null && old !== false) el.removeAttribute(name);
  } else if (value !== old) {
    el.setAttribute(name, value === true ? '' : value);
  }
}

// CSS property names for cssText: 'backgroundImage' -> 'background-image' ('--x' as it is)
const cssNames = new Map();
function cssName(k) {
  let n = cssNames.get(k);
  if (n === undefined) { n = k.startsWith('--') ? k : k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()); cssNames.set(k, n); }
  return n;
}

function create(v, svg) {
  if (v.tag === '#text') { v.el = document.createTextNode(v.text); return v.el; }
  svg = svg || v.tag === 'svg';
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', v.tag) : document.createElement(v.tag);
  v.el = el;
  for (const k in v.props) {
    if (k !== 'style') { setProp(el, k, v.props[k], undefined); continue; }
    // a new element's styles in one declaration block: one parse instead of one per
    // property (still through the CSSOM, which the content security policy allows)
    const st = v.props.style;
    let text = '';
    for (const name in st) { const value = st[name]; if (value != null && value !== '') text += `${cssName(name)}:${value};`; }
    if (text) el.style.cssText = text;
  }
  for (const c of v.children) el.appendChild(create(c, svg && v.tag !== 'foreignObject'));
  if (v.props.hook && v.props.hook.create) v.props.hook.create(el);
  return el;
}

function patchNode(o, n, svg) {
  const el = (n.el = o.el);
  if (n.tag === '#text') { if (o.text !== n.text) el.nodeValue = n.text; return; }
  svg = svg || n.tag === 'svg';
  const op = o.props, np = n.props;
  for (const k in op) if (!(k in np)) setProp(el, k, undefined, op[k]);
  for (const k in np) if (np[k] !== op[k] || PROPS.has(k)) setProp(el, k, np[k], op[k]);
  patchChildren(el, o.children, n.children, svg);
  if (np.hook && np.hook.update) np.hook.update(el);
}

function patchChildren(el, oldCh, newCh, svg) {
  if (oldCh === newCh) return;
  let keyed = null;
  for (const c of oldCh) if (c.key !== undefined) (keyed || (keyed = new Map())).set(c.key, c);
  const used = new Set();
  const els = new Array(newCh.length);
  for (let i = 0; i < newCh.length; i++) {
    const n = newCh[i];
    let o;
    if (n.key !== undefined) o = keyed && keyed.get(n.key);
    // a memoised node shown last time keeps its element wherever it moved to
    else if (n.el && (oldCh[i] === n || oldCh.includes(n))) o = n;
    else { o = oldCh[i]; if (o && o.key !== undefined) o = undefined; }
    if (o && o.tag === n.tag && !used.has(o)) { used.add(o); patchNode(o, n, svg); }
    else create(n, svg);
    els[i] = n.el;
  }
  for (const o of oldCh) if (!used.has(o) && o.el && o.el.parentNode === el) el.removeChild(o.el);
  let ref = el.firstChild;
  for (const e of els) {
    if (e === ref) ref = ref.nextSibling;
    else el.insertBefore(e, ref);
  }
}

const memos = new Map();
/**
 * The vnode `build()` made last time under `key` if `deps` are the same (===) as then,
 * else a new one. Patching a node against itself costs nothing, so a part of the page
 * that did not change is neither rebuilt nor diffed.
 */
export function memo(key, deps, build) {
  const c = memos.get(key);
  if (c && c.deps.length === deps.length && c.deps.every((d, i) => d === deps[i])) return c.v;
  const v = build();
  memos.set(key, { deps, v });
  return v;
}

/** Render vnode into container, diffing against the previous render. Returns the new vnode. */
export function patch(container, oldV, newV) {
  if (!oldV) {
    container.textContent = '';
    container.appendChild(create(newV, false));
    return newV;
  }
  if (oldV.tag !== newV.tag || oldV.key !== newV.key) {
    const el = create(newV, false);
    container.replaceChild(el, oldV.el);
    return newV;
  }
  patchNode(oldV, newV, false);
  return newV;
}
