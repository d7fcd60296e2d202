// A small persistent map for the allocations (up to 100,000+): records are
// spread over 256 shards (each a Map: copying and filling one is much cheaper
// than a plain object with hundreds of keys), so changing one record copies one
// shard instead of the whole collection, and two versions can be diffed shard
// by shard. A shard is never changed once a store holds it. Pure: no DOM.

const SHARDS = 256;
const EMPTY = new Map();

function shardOf(id) {
  const s = String(id);
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return (h >>> 0) % SHARDS;
}

export function empty() { return { shards: new Array(SHARDS).fill(EMPTY), size: 0 }; }

export function fromList(list) { return putAll(empty(), list); }

export function get(store, id) { return id == null ? undefined : store.shards[shardOf(id)].get(id); }

export function has(store, id) { return get(store, id) !== undefined; }

export function size(store) { return store.size; }

/** Add or replace records (new store). */
export function putAll(store, list) {
  const shards = store.shards.slice();
  const copied = new Set();
  let n = store.size;
  for (const a of list) {
    const i = shardOf(a.id);
    if (!copied.has(i)) { shards[i] = new Map(shards[i]); copied.add(i); }
    if (!shards[i].has(a.id)) n++;
    shards[i].set(a.id, a);
  }
  return { shards, size: n };
}

export function put(store, a) { return putAll(store, [a]); }

export function remove(store, id) {
  const i = shardOf(id);
  if (!store.shards[i].has(id)) return store;
  const shards = store.shards.slice();
  const copy = new Map(shards[i]);
  copy.delete(id);
  shards[i] = copy;
  return { shards, size: store.size - 1 };
}

export function forEach(store, fn) {
  for (const sh of store.shards) for (const a of sh.values()) fn(a);
}

export function values(store) {
  const out = [];
  forEach(store, (a) => out.push(a));
  return out;
}

/**
 * What changed from a to b: {changed: [[before|undefined, after|undefined]...]}
 * looking only at shards that differ.
 */
export function diff(a, b) {
  const changed = [];
  for (let i = 0; i < SHARDS; i++) {
    const x = a.shards[i], y = b.shards[i];
    if (x === y) continue;
    for (const [id, b] of y) { const a = x.get(id); if (a !== b) changed.push([a, b]); }
    for (const [id, a] of x) if (!y.has(id)) changed.push([a, undefined]);
  }
  return changed;
}
