// Text on the app's colours reads at 4.5:1 or more (WCAG 2 AA for normal text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PALETTE, contrast, textOn, inkOn } from '../schedule.js';

const random = (n) => Array.from({ length: n }, (_, i) => '#' + ((i * 2654435761) >>> 8 & 0xffffff).toString(16).padStart(6, '0'));

test('contrast follows WCAG 2: black on white is 21:1, a colour on itself 1:1', () => {
  assert.equal(contrast('#000000', '#ffffff'), 21);
  assert.equal(contrast('#4a65e8', '#4a65e8'), 1);
  assert.equal(contrast('#767676', '#ffffff').toFixed(2), '4.54');
});

test('white initials read on every avatar colour', () => {
  for (const c of PALETTE) assert.ok(contrast('#ffffff', c) >= 4.5, `${c}: ${contrast('#ffffff', c).toFixed(2)}:1`);
  assert.equal(new Set(PALETTE).size, PALETTE.length);
});

test('a bar label reads on any project colour', () => {
  for (const c of [...PALETTE, '#f08c00', '#4dabf7', '#777777', '#ffffff', '#000000', ...random(2000)]) {
    assert.ok(contrast(textOn(c), c) >= 4.5, `${c} with ${textOn(c)}`);
  }
  assert.equal(textOn('#3b5bdb'), '#ffffff', 'white where white reads');
  assert.equal(textOn('#fab005'), '#1b1f27', 'the ink on light colours');
});

test('a colour darkened to read on a background keeps its hue', () => {
  assert.equal(inkOn('#1b1f27', '#ffffff'), '#1b1f27', 'a colour that reads is kept');
  for (const c of [...PALETTE, '#f08c00', '#4dabf7', ...random(500)]) {
    const bg = '#eef0ff';
    assert.ok(contrast(inkOn(c, bg), bg) >= 4.5, c);
  }
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(inkOn('#f08c00', '#ffffff').slice(i, i + 2), 16));
  assert.ok(r > g && g > b, 'still orange');
});
