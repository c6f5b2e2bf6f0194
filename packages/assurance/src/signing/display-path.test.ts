import { describe, expect, it } from 'vitest';
import { displayPath } from './display-path.js';

describe('displayPath', () => {
  it('leaves ordinary names alone, including non-Latin ones', () => {
    expect(displayPath('weights/model-00001.safetensors')).toBe('weights/model-00001.safetensors');
    expect(displayPath('模型/权重.bin')).toBe('模型/权重.bin');
  });

  it('escapes characters that could forge report lines or hide the real name', () => {
    expect(displayPath('a\n  modified  b')).toBe('"a\\u{a}  modified  b"');
    expect(displayPath('\u001b[2Kok')).toBe('"\\u{1b}[2Kok"');
    expect(displayPath('evil\u202egnp.exe')).toBe('"evil\\u{202e}gnp.exe"');
    expect(displayPath('zero\u200bwidth')).toBe('"zero\\u{200b}width"');
    expect(displayPath(' lead')).toBe('" lead"');
    expect(displayPath('q"uote')).toBe('"q\\"uote"');
  });
});
