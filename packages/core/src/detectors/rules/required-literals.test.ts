import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../normalize/normalize-text.js';
import { compileRules } from './compile-rules.js';
import { loadBuiltinRulePacks } from './load-rule-packs.js';
import { requiredLiterals } from './required-literals.js';

const sets = (source: string): string[][] => requiredLiterals(source, 'i').map((set) => [...set].sort());

describe('requiredLiterals', () => {
  it('finds the literal words every match must contain', () => {
    expect(sets(String.raw`\b(?:write|build)\s+(?:a\s+)?keylogger`)).toEqual([['keylogger'], ['build', 'write']]);
  });

  it('lowercases literals (patterns run case-insensitively)', () => {
    expect(sets('Mimikatz')).toEqual([['mimikatz']]);
  });

  it('expands optional parts and small classes into exact strings', () => {
    expect(sets('key-?log(?:ger)?s?')).toEqual([['key-log', 'key-logger', 'key-loggers', 'key-logs', 'keylog', 'keylogger', 'keyloggers', 'keylogs']]);
    expect(sets('[bc]ot')).toEqual([['bot', 'cot']]);
  });

  it('needs a filter from every branch of an alternation, or gives none', () => {
    expect(sets(String.raw`(?:steal\w+|exfiltrat\w+)\s+data`)).toEqual([['exfiltrat', 'steal'], ['data']]);
    // One branch has nothing literal: that branch can match without the others' words.
    expect(sets(String.raw`(?:steal|\w+)\s+\d+`)).toEqual([]);
  });

  it('ignores what lookarounds test and what optional or repeated parts may skip', () => {
    expect(sets(String.raw`(?<!\bnot\s)(?:\s+really)?\bbypass(?=\s+edr)`)).toEqual([['bypass']]);
    expect(sets(String.raw`(?:payload\s+){0,2}dropper`)).toEqual([['dropper']]);
  });

  it('gives no filter for literals too short to filter anything', () => {
    expect(sets(String.raw`\b(?:rm|dd)\s+\w+`)).toEqual([]);
  });

  it('gives no filter for a regex it cannot parse, rather than a wrong one', () => {
    expect(requiredLiterals('(?<x', 'i')).toEqual([]);
  });
});

/**
 * Soundness on real text: wherever a built-in pattern matches, every one of its literal sets has
 * a member inside the match. A failure here means the prefilter would drop a real detection.
 */
describe('prefilter soundness over the built-in packs', () => {
  const matcher = compileRules(loadBuiltinRulePacks());
  const datasets = fileURLToPath(new URL('../../../../../datasets/public/', import.meta.url));
  const texts = [
    ...matcher.rules.flatMap((rule) => [...(rule.spec.examples?.positive ?? []), ...(rule.spec.examples?.negative ?? [])]),
    ...readdirSync(datasets)
      .filter((file) => file.endsWith('.jsonl'))
      .flatMap((file) =>
        readFileSync(join(datasets, file), 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => (JSON.parse(line) as { text: string }).text),
      ),
  ];

  it('every match contains a literal of each of its pattern\'s sets', () => {
    const literalsOf = matcher.rules.map((rule) => rule.patterns.map((pattern) => requiredLiterals(pattern.source, pattern.flags)));
    let matches = 0;
    const unsound: string[] = [];
    for (const raw of texts) {
      const text = normalizeText(raw).text;
      matcher.rules.forEach((rule, r) => {
        if (!rule.gate.test(text)) return;
        rule.patterns.forEach((pattern, p) => {
          pattern.lastIndex = 0;
          const match = pattern.exec(text);
          pattern.lastIndex = 0;
          if (match === null) return;
          matches += 1;
          const found = match[0].toLowerCase();
          for (const set of literalsOf[r]?.[p] ?? []) {
            if (![...set].some((literal) => found.includes(literal))) unsound.push(`${rule.spec.id}[${p}] on ${JSON.stringify(match[0])}`);
          }
        });
      });
    }
    expect(unsound).toEqual([]);
    expect(matches).toBeGreaterThan(1000);
  }, 120_000);

  it('filters nearly every built-in pattern', () => {
    const patterns = matcher.rules.flatMap((rule) => rule.prefilter);
    expect(patterns.filter((sets) => sets.length === 0).length).toBeLessThanOrEqual(3);
  });
});
