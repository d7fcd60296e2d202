// index.html preloads every module, so the browser fetches them in one round
// instead of one round per level of imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function modules(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : modules(p);
    return e.name.endsWith('.js') ? ['/' + path.relative(web, p)] : [];
  });
}

test('index.html preloads every module of the app', () => {
  const html = fs.readFileSync(path.join(web, 'index.html'), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  const expected = modules(web).filter((m) => m !== '/app.js').sort();
  assert.deepEqual([...preloaded].sort(), expected);
});
