import { describe, expect, it } from 'vitest';
import { findBackdoorTriggers } from './backdoor-triggers.js';
import { labelBuckets } from './label-buckets.js';
import { findLabelConflicts } from './label-conflicts.js';
import { findDuplicates } from './near-duplicates.js';
import { buildTokenIndex } from './token-index.js';

const rowName = (row: number) => `row ${row + 1}`;

/** Filler rows that teach the words of each label (for the tie-break). */
const filler = Array.from({ length: 300 }, (_, i) =>
  i % 2 === 0
    ? { text: `how many apples does farmer ${i} sell if each costs ${i % 9} dollars in total`, label: 'math' }
    : { text: `write a python function ${i} that returns the sorted list of strings in the array`, label: 'code' },
);

function check(rows: readonly { text: string; label?: string }[], compareLabels = true) {
  const texts = rows.map((r) => r.text);
  const labels = rows.map((r) => r.label);
  const index = buildTokenIndex(texts);
  const buckets = labelBuckets(labels);
  const { naiveBayes } = findBackdoorTriggers({ index, texts, buckets });
  return findLabelConflicts({ duplicates: findDuplicates(index), labels, buckets, naiveBayes, rowName, compareLabels });
}

describe('findLabelConflicts', () => {
  it('flags the minority of a near-duplicate cluster and the later copies of a row', () => {
    const q = 'A baker has 12 trays with 24 cookies each and sells half of them; how many cookies remain?';
    const rows = [...filler, { text: q, label: 'math' }, { text: `${q} Thanks!`, label: 'math' }, { text: q.toLowerCase(), label: 'code' }, { text: q, label: 'math' }];
    const findings = check(rows);
    expect(findings.get(302)?.[0]).toMatchObject({ check: 'label-conflict' });
    expect(findings.get(302)?.[0]?.detail).toMatch(/labelled "code", but near-duplicates row 301, row 302, row 304 are labelled "math", the majority/);
    expect(findings.get(303)).toEqual([{ check: 'duplicate', detail: 'same text and label as row 301', related: [300] }]);
    expect(findings.has(300)).toBe(false);
    expect(findings.has(301)).toBe(false);
  });

  it('settles a tie by what the words say, and flags both rows when they do not say', () => {
    const maths = 'How many apples does farmer Joe sell if each costs 3 dollars and he earns 27 dollars in total?';
    const vague = 'Colour: sea, night, old harbours, seems interesting; describe briefly please!';
    const rows = [...filler, { text: maths, label: 'math' }, { text: `${maths} Be brief.`, label: 'code' }, { text: vague, label: 'math' }, { text: `${vague} Thanks!`, label: 'code' }];
    const findings = check(rows);
    expect(findings.has(300)).toBe(false);
    expect(findings.get(301)?.[0]?.detail).toMatch(/what the words say \(no majority\)/);
    expect(findings.get(302)?.[0]?.detail).toMatch(/nothing settles which is right/);
    expect(findings.get(303)?.[0]?.detail).toMatch(/nothing settles which is right/);
  });

  it('flags a row whose near neighbours mostly carry another label', () => {
    const base = 'Write a python function to find the shared elements of the two given lists';
    const rows = [
      ...filler,
      { text: `${base} of integers.`, label: 'code' },
      { text: `${base} of strings.`, label: 'code' },
      { text: `${base} of floats.`, label: 'code' },
      { text: `${base} of tuples.`, label: 'code' },
      { text: `${base} of records.`, label: 'math' },
    ];
    const findings = check(rows);
    const odd = findings.get(304)?.find((f) => f.check === 'neighbour-disagreement' || f.check === 'label-conflict');
    expect(odd).toBeDefined();
    for (const row of [300, 301, 302, 303]) expect(findings.has(row)).toBe(false);
  });

  it('with labels that are outputs, reports exact copies only', () => {
    const rows = [...filler.map((r) => ({ text: r.text })), { text: 'same prompt', label: 'reply one' }, { text: 'same prompt', label: 'reply two' }];
    const findings = check(rows, false);
    expect([...findings.keys()]).toEqual([301]);
    expect(findings.get(301)?.[0]).toMatchObject({ check: 'duplicate', detail: 'same text as row 301' });
  });
});
