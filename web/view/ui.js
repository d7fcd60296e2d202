// Small view helpers shared by the pages.
import { h } from '../vdom.js';

let uid = 0;
const ids = new Map();
/** Stable id for a label/input pair. */
export function fid(name) {
  if (!ids.has(name)) ids.set(name, `f${++uid}-${name.replace(/[^a-z0-9]+/gi, '-')}`);
  return ids.get(name);
}

/** A labelled input bound to a message. */
export function field(label, name, value, onInput, opts = {}) {
  const id = fid(opts.idPrefix ? opts.idPrefix + name : name);
  const input = opts.options
    ? h('select', { id, name, value: value ?? '', on: { change: (e) => onInput(e.target.value) }, ...(opts.attrs || {}) },
      opts.options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l)))
    : opts.type === 'checkbox'
      ? h('input', { id, name, type: 'checkbox', checked: !!value, on: { change: (e) => onInput(e.target.checked) }, ...(opts.attrs || {}) })
      : opts.type === 'textarea'
        ? h('textarea', { id, name, value: value ?? '', rows: 2, on: { input: (e) => onInput(e.target.value) }, ...(opts.attrs || {}) })
        : h('input', { id, name, type: opts.type || 'text', value: value ?? '', on: { input: (e) => onInput(e.target.value) }, ...(opts.attrs || {}) });
  if (opts.type === 'checkbox') return h('div', { class: 'field check' }, input, h('label', { for: id }, label));
  return h('div', { class: 'field' + (opts.wide ? ' wide' : '') }, h('label', { for: id }, label), input, opts.hint ? h('div', { class: 'hint' }, opts.hint) : null);
}

export function button(label, onClick, cls = '', attrs = {}) {
  return h('button', { type: 'button', class: 'btn ' + cls, on: { click: onClick }, ...attrs }, label);
}

export function link(href, label, attrs = {}) {
  return h('a', { href, 'data-nav': '', ...attrs }, label);
}

export function pageHeader(title, subtitle, actions) {
  return h('header', { class: 'page-head' },
    h('div', {}, h('h1', {}, title), subtitle ? h('p', { class: 'sub' }, subtitle) : null),
    h('div', { class: 'actions' }, actions || []));
}

export function empty(text, action) {
  return h('div', { class: 'empty' }, h('p', {}, text), action || null);
}

export function fmtNum(n, digits = 1) {
  if (n == null || Number.isNaN(n)) return '–';
  const r = Math.round(n * 10 ** digits) / 10 ** digits;
  return String(r);
}
export function pct(x) { return x == null ? '–' : `${Math.round(x * 100)}%`; }
