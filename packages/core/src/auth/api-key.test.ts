import { describe, expect, it } from 'vitest';
import { generateApiKey, hashKeySecret, keyUsability, newSalt, parseApiKey, verifyKeySecret } from './api-key.js';

function storedRecord(secret: string) {
  const salt = newSalt();
  return { salt: salt.toString('base64url'), secretHash: hashKeySecret(secret, salt) };
}

describe('generateApiKey / parseApiKey', () => {
  it('round-trips a generated key', () => {
    const generated = generateApiKey();
    expect(generated.key).toBe(`rk_${generated.id}_${generated.secret}`);
    expect(generated.id).toMatch(/^[a-z2-7]{16}$/);
    expect(generated.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(generated.key)).toEqual({ id: generated.id, secret: generated.secret });
  });

  it('generates distinct keys', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateApiKey().id));
    expect(ids.size).toBe(200);
  });

  it('parses every generated key (the regex accepts every canonical secret)', () => {
    for (let i = 0; i < 500; i++) {
      const { key } = generateApiKey();
      expect(parseApiKey(key), key).toBeDefined();
    }
  });

  it.each([
    ['empty', ''],
    ['wrong prefix', 'sk_abcdefghijklmnop_' + 'A'.repeat(43)],
    ['upper-case id', 'rk_ABCDEFGHIJKLMNOP_' + 'A'.repeat(43)],
    ['id with non-base32 digit', 'rk_abcdefghijklmn1p_' + 'A'.repeat(43)],
    ['short id', 'rk_abcdefghijklmno_' + 'A'.repeat(44)],
    ['short secret', 'rk_abcdefghijklmnop_' + 'A'.repeat(42)],
    ['too long', 'rk_abcdefghijklmnop_' + 'A'.repeat(44)],
    ['far too long', 'rk_abcdefghijklmnop_' + 'A'.repeat(100_000)],
    ['non-base64url secret', 'rk_abcdefghijklmnop_' + 'A'.repeat(41) + '+A'],
    ['padding', 'rk_abcdefghijklmnop_' + 'A'.repeat(42) + '='],
    ['non-canonical last character', 'rk_abcdefghijklmnop_' + 'A'.repeat(42) + 'B'],
    ['surrounding whitespace', ' rk_abcdefghijklmnop_' + 'A'.repeat(42)],
    ['trailing newline', 'rk_abcdefghijklmnop_' + 'A'.repeat(42) + '\n'],
  ])('returns undefined for a malformed key (%s)', (_label, raw) => {
    expect(parseApiKey(raw)).toBeUndefined();
  });

  it('does not throw on non-string input from untyped callers', () => {
    expect(parseApiKey(undefined as unknown as string)).toBeUndefined();
    expect(parseApiKey(42 as unknown as string)).toBeUndefined();
  });
});

describe('hashKeySecret / verifyKeySecret', () => {
  it('accepts the right secret', () => {
    const { secret } = generateApiKey();
    expect(verifyKeySecret(secret, storedRecord(secret))).toBe(true);
  });

  it('refuses a forged key: the right id with another secret', () => {
    const real = generateApiKey();
    const record = storedRecord(real.secret);
    const forged = parseApiKey(`rk_${real.id}_${generateApiKey().secret}`);
    expect(forged?.id).toBe(real.id);
    expect(verifyKeySecret(forged?.secret ?? '', record)).toBe(false);
  });

  it('refuses a key whose id was tampered with (the secret belongs to another record)', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const records = new Map([
      [a.id, storedRecord(a.secret)],
      [b.id, storedRecord(b.secret)],
    ]);
    const tampered = parseApiKey(`rk_${b.id}_${a.secret}`);
    expect(tampered).toBeDefined();
    const record = records.get(tampered?.id ?? '');
    expect(record).toBeDefined();
    expect(verifyKeySecret(tampered?.secret ?? '', record ?? { salt: '', secretHash: '' })).toBe(false);
  });

  it('salts: the same secret hashes differently under two salts', () => {
    const { secret } = generateApiKey();
    expect(hashKeySecret(secret, newSalt())).not.toBe(hashKeySecret(secret, newSalt()));
    expect(newSalt()).toHaveLength(16);
  });

  it('returns false for a corrupt record instead of throwing', () => {
    const { secret } = generateApiKey();
    expect(verifyKeySecret(secret, { salt: 'AAAA', secretHash: 'short' })).toBe(false);
    expect(verifyKeySecret(secret, { salt: '', secretHash: '' })).toBe(false);
  });
});

describe('keyUsability', () => {
  const now = new Date('2030-06-01T12:00:00.000Z');

  it('is ok without expiry or revocation, and before expiry', () => {
    expect(keyUsability({ revokedAt: null, expiresAt: null }, now)).toBe('ok');
    expect(keyUsability({ revokedAt: null, expiresAt: '2030-06-01T12:00:00.001Z' }, now)).toBe('ok');
  });

  it('is expired at and after the expiry time', () => {
    expect(keyUsability({ revokedAt: null, expiresAt: '2030-06-01T12:00:00.000Z' }, now)).toBe('expired');
    expect(keyUsability({ revokedAt: null, expiresAt: '2030-01-01T00:00:00+02:00' }, now)).toBe('expired');
  });

  it('fails closed on an unparseable expiry', () => {
    expect(keyUsability({ revokedAt: null, expiresAt: 'not a date' }, now)).toBe('expired');
  });

  it('reports revocation first', () => {
    expect(keyUsability({ revokedAt: '2030-05-01T00:00:00.000Z', expiresAt: null }, now)).toBe('revoked');
    expect(keyUsability({ revokedAt: '2030-05-01T00:00:00.000Z', expiresAt: '2000-01-01T00:00:00Z' }, now)).toBe(
      'revoked',
    );
  });
});
