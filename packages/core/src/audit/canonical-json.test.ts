import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('matches the RFC 8785 §3.2.2 example', () => {
    // The input of RFC 8785 §3.2.2, parsed from its JSON text.
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // The emoji (a surrogate pair, 0xD83D…) sorts before U+FB33, unlike code point order.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'],
    [295147905179352830000, '295147905179352830000'],
    [1e21, '1e+21'],
    [9.999999999999997e22, '9.999999999999997e+22'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [333333333.3333332, '333333333.3333332'],
    [-1.5, '-1.5'],
  ])('writes the number %s as %s (RFC 8785 appendix B)', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('writes nested structures without whitespace and with sorted keys at every level', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 'x' }, []], a: { d: null, c: true } })).toBe('{"a":{"c":true,"d":null},"b":[{"a":"x","z":1},[]]}');
  });

  it('drops undefined members and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('escapes strings as JSON.stringify does, including lone surrogates', () => {
    expect(canonicalJson('a\u2028b\u0000"\ud800')).toBe('"a\u2028b\\u0000\\"\\ud800"');
  });

  it('uses toJSON (dates) and unwraps boxed primitives', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2025, 0, 2)), n: Object(3) as unknown })).toBe('{"at":"2025-01-02T00:00:00.000Z","n":3}');
  });

  it.each([
    ['NaN', { x: Number.NaN }],
    ['Infinity', { x: [1, Number.POSITIVE_INFINITY] }],
    ['a bigint', { x: 1n }],
    ['a function', { x: () => 1 }],
    ['a symbol', { x: Symbol('s') }],
    ['a Map', { x: new Map([[1, 2]]) }],
    ['a Set', { x: new Set([1]) }],
    ['undefined at the top', undefined],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('names the path of a refused value', () => {
    expect(() => canonicalJson({ layers: [{ us: Number.NaN }] })).toThrow('$.layers[0].us');
  });

  it('refuses cycles but accepts shared (non-circular) references', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('circular');
    const shared = { v: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
  });

  it('is stable: parsing and re-canonicalizing gives the same text', () => {
    const text = canonicalJson({ type: 'decision', time: '2025-01-01T00:00:00.000Z', findings: [{ score: 0.1 + 0.2, tags: ['é', '💥'] }] });
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});
