import { describe, expect, it } from 'vitest';
import { regexFlagsFor } from './compile-rules.js';

/** Unicode mode may be dropped only where it changes nothing the pattern relies on. */
describe('regexFlagsFor', () => {
  it('keeps Unicode mode for property escapes, code-point escapes and astral characters', () => {
    expect(regexFlagsFor('\\p{L}+')).toBe('iu');
    expect(regexFlagsFor('[^\\P{Lu}]')).toBe('iu');
    expect(regexFlagsFor('\\u{1F600}')).toBe('iu');
    expect(regexFlagsFor('smile 😀')).toBe('iu');
  });

  it('uses plain case-insensitive mode otherwise', () => {
    expect(regexFlagsFor('\\bkeylogger\\b')).toBe('i');
    expect(regexFlagsFor('(?<=write )ransomware\\s{0,3}')).toBe('i');
  });
});
