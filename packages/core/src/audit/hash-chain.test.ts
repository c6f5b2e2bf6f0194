import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, buildAuditRows, chainHash } from './hash-chain.js';

describe('chainHash', () => {
  it('is SHA-256 over the domain-separated encoding of seq, prevHash and body', () => {
    const expected = createHash('sha256').update(`rampart-audit-v1\n1\n${GENESIS_HASH}\n{"a":1}`).digest('hex');
    expect(chainHash(1, GENESIS_HASH, '{"a":1}')).toBe(expected);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('changes with the seq, the link and the body', () => {
    const h = chainHash(1, GENESIS_HASH, '{}');
    expect(chainHash(2, GENESIS_HASH, '{}')).not.toBe(h);
    expect(chainHash(1, 'f'.repeat(64), '{}')).not.toBe(h);
    expect(chainHash(1, GENESIS_HASH, '{ }')).not.toBe(h);
  });

  it('refuses a bad seq or a prevHash that is not 64 lowercase hex characters', () => {
    expect(() => chainHash(0, GENESIS_HASH, '{}')).toThrow(TypeError);
    expect(() => chainHash(1.5, GENESIS_HASH, '{}')).toThrow(TypeError);
    expect(() => chainHash(1, 'A'.repeat(64), '{}')).toThrow(TypeError);
    expect(() => chainHash(1, `${GENESIS_HASH}\n`, '{}')).toThrow(TypeError);
  });
});

describe('buildAuditRows', () => {
  it('starts an empty log at seq 1 linked to the genesis hash', () => {
    const rows = buildAuditRows(undefined, ['{"n":1}', '{"n":2}']);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[1]!.hash).toBe(chainHash(2, rows[0]!.hash, '{"n":2}'));
  });

  it('continues from a head', () => {
    const first = buildAuditRows(undefined, ['{"n":1}']);
    const next = buildAuditRows(first[0], ['{"n":2}']);
    expect(next[0]!.seq).toBe(2);
    expect(next[0]!.prevHash).toBe(first[0]!.hash);
    // Building in two steps gives the same chain as in one.
    expect(next[0]!.hash).toBe(buildAuditRows(undefined, ['{"n":1}', '{"n":2}'])[1]!.hash);
  });

  it('returns nothing for no bodies and refuses a malformed head', () => {
    expect(buildAuditRows(undefined, [])).toEqual([]);
    expect(() => buildAuditRows({ seq: 1, hash: 'nope' }, ['{}'])).toThrow(TypeError);
    expect(() => buildAuditRows({ seq: -1, hash: GENESIS_HASH }, ['{}'])).toThrow(TypeError);
  });
});
