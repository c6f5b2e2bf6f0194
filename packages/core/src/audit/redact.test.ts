import { describe, expect, it } from 'vitest';
import { maskSensitive, promptDigest, redactedExcerpt } from './redact.js';

describe('promptDigest', () => {
  it('is the hex SHA-256 of the UTF-8 text', () => {
    expect(promptDigest('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(promptDigest('é')).not.toBe(promptDigest('e'));
  });
});

describe('maskSensitive', () => {
  it.each([
    ['email', 'write to Jane.Doe+tag@mail.example.co.uk today', 'write to [email] today'],
    ['OpenAI key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUv123 ok', 'key [api-key] ok'],
    ['Rampart key', 'use rk_9f8e7d6c_Zq3xYw1vUt5sRq7pOn9m', 'use [api-key]'],
    ['Stripe restricted key', 'rk_live_51H8abcDEF0123456789', '[api-key]'],
    ['AWS access key id', 'aws AKIAIOSFODNN7EXAMPLE done', 'aws [api-key] done'],
    ['GitHub token', 'ghp_0123456789abcdefABCDEF0123456789abcd', '[api-key]'],
    ['bearer token', 'Authorization: Bearer abc.def-123_XYZ', 'Authorization: Bearer [token]'],
    ['JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'token [token]'],
    ['long hex secret', 'secret=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'secret=[secret]'],
    ['long base64 secret', 'pw: dGhpcyBpcyBhIHNlY3JldCBrZXkgMTIzNDU2Nzg5MA==', 'pw: [secret]'],
    ['card number', 'card 4111 1111 1111 1111 exp 12/29', 'card [card] exp 12/29'],
    ['card without spaces', 'card 4111111111111111.', 'card [card].'],
    ['international phone', 'call +1 415-555-0100 now', 'call [phone] now'],
    ['phone with area code', 'call (415) 555 0100', 'call [phone]'],
    ['bare 10-digit phone', 'ring 4155550100', 'ring [phone]'],
    ['private key block', 'k: -----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY----- end', 'k: [private-key] end'],
  ])('masks a %s', (_name, text, expected) => {
    expect(maskSensitive(text)).toBe(expected);
  });

  it.each([
    ['prose', 'The bearer information was pneumonoultramicroscopicsilicovolcanoconiosis'],
    ['dates and small numbers', 'On 2025-01-15 we sold 1234567 units at 3.50'],
    ['a short hex id', 'commit 9f86d08'],
    ['a version', 'node v20.18.1'],
  ])('keeps %s', (_name, text) => {
    expect(maskSensitive(text)).toBe(text);
  });
});

describe('redactedExcerpt', () => {
  it('masks, then cuts to maxChars with an ellipsis', () => {
    expect(redactedExcerpt('Call me at +1 415 555 0100 about the invoice', 20)).toBe('Call me at [phone] a…');
  });

  it('returns short text whole and nothing for maxChars 0', () => {
    expect(redactedExcerpt('hi bob@example.com', 120)).toBe('hi [email]');
    expect(redactedExcerpt('anything', 0)).toBe('');
  });

  it('never leaks a fragment of a secret that straddles the cut', () => {
    const key = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const excerpt = redactedExcerpt(`my key is ${key} ok`, 16);
    expect(excerpt).toBe('my key is [api-k…');
    expect(excerpt).not.toContain('sk-A');
  });

  it('masks secrets found beyond a window that masking shrank', () => {
    const tokens = Array.from({ length: 200 }, (_, i) => `sk-${String(i).padStart(3, '0')}abcdefghijklmnopqrstuvwxyz`).join(' ');
    const excerpt = redactedExcerpt(tokens, 500);
    expect(excerpt).not.toMatch(/sk-/);
    expect(excerpt.length).toBe(501);
  });

  it('does not split a surrogate pair at the cut', () => {
    expect(redactedExcerpt('ab💥cd', 3)).toBe('ab…');
  });

  it('stays fast on a large prompt without matches', () => {
    const text = 'lorem ipsum dolor '.repeat(60_000);
    const started = performance.now();
    expect(redactedExcerpt(text, 120)).toHaveLength(121);
    expect(maskSensitive(`${'x'.repeat(200_000)}@`)).toHaveLength(200_001);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
