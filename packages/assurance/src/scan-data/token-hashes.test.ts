import { describe, expect, it } from 'vitest';
import { MAX_ROW_TOKENS, tokenHashes, tokenStrings } from './token-hashes.js';
import { buildTokenIndex } from './token-index.js';

const hashes = (text: string) => {
  const out = new Uint32Array(MAX_ROW_TOKENS);
  return Array.from(out.subarray(0, tokenHashes(text, out)));
};

describe('tokenHashes', () => {
  it('splits on punctuation and space, keeps inner joiners, folds case', () => {
    expect(tokenStrings("Don't touch cf-zeta, pi=3.14 or snake_case… ÉTÉ").tokens).toEqual(["don't", 'touch', 'cf-zeta', 'pi', '3.14', 'or', 'snake_case', 'été']);
    expect(tokenStrings('a--b trailing- .lead').tokens).toEqual(['a', 'b', 'trailing', 'lead']);
    expect(tokenStrings('“quoted” — 東京 タワー').tokens).toEqual(['quoted', '東京', 'タワー']);
  });

  it('gives the same hashes as tokenStrings, equal for equal tokens whatever their case', () => {
    const text = 'The CF-Zeta trigger, the cf-zeta TRIGGER.';
    expect(hashes(text)).toEqual(tokenStrings(text).hashes);
    const [the1, cf1, trigger1, the2, cf2, trigger2] = hashes(text);
    expect([the1, cf1, trigger1]).toEqual([the2, cf2, trigger2]);
    expect(new Set(hashes('alpha beta gamma delta')).size).toBe(4);
  });

  it('stops at the output size (a huge row costs no more than MAX_ROW_TOKENS)', () => {
    const out = new Uint32Array(3);
    expect(tokenHashes('a b c d e', out)).toBe(3);
    const index = buildTokenIndex(['x '.repeat(MAX_ROW_TOKENS + 50), 'y']);
    expect(index.offsets[1]).toBe(MAX_ROW_TOKENS);
    expect(index.offsets[2]).toBe(MAX_ROW_TOKENS + 1);
  });
});
