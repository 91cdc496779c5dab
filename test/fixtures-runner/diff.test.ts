// Unified diffs of expected vs actual (the format of `diff -u`: ---/+++ headers, @@ -a,n +b,m @@ hunks with
// 3 lines of context, '-' expected, '+' actual) over canonical JSON (sorted keys).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJSON, unifiedDiff } from '../../fixtures-runner/diff.ts';

describe('unifiedDiff', () => {
  it('equal texts: no diff', () => {
    assert.equal(unifiedDiff('a\nb', 'a\nb'), '');
  });

  it('one changed line in the middle: a hunk with 3 lines of context on each side', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'].join('\n');
    assert.equal(unifiedDiff(a, b), ['--- expected', '+++ actual', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8'].join('\n'));
  });

  it('changes far apart: two hunks; an added and a removed line', () => {
    const a = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const b = [...a];
    b.splice(1, 0, 'new');   // after line 1
    b.splice(18, 1);         // drops "18"
    assert.equal(unifiedDiff(a.join('\n'), b.join('\n')), [
      '--- expected', '+++ actual',
      '@@ -1,4 +1,5 @@', ' 1', '+new', ' 2', ' 3', ' 4',
      '@@ -15,6 +16,5 @@', ' 15', ' 16', ' 17', '-18', ' 19', ' 20',
    ].join('\n'));
  });
});

describe('canonicalJSON', () => {
  it('sorts keys at every level, keeps array order, shows a missing value as (none)', () => {
    assert.equal(canonicalJSON({ b: 1, a: [{ d: 2, c: 3 }] }), '{\n  "a": [\n    {\n      "c": 3,\n      "d": 2\n    }\n  ],\n  "b": 1\n}');
    assert.equal(canonicalJSON(undefined), '(none)');
  });
});
