import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditKeyId, checkpointStatement, signCheckpoint, verifyCheckpointSignature } from './checkpoint.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const headHash = 'ab'.repeat(32);
const signedAt = '2025-01-01T00:00:00.000Z';

describe('checkpoints', () => {
  it('names a key by 16 hex characters of the SHA-256 of its SPKI, the same for both halves', () => {
    expect(auditKeyId(publicKey)).toMatch(/^[0-9a-f]{16}$/);
    expect(auditKeyId(privateKey)).toBe(auditKeyId(publicKey));
    expect(auditKeyId(other.publicKey)).not.toBe(auditKeyId(publicKey));
  });

  it('signs a canonical statement that verifies with the public key', () => {
    const row = signCheckpoint(privateKey, { seq: 10, headHash }, signedAt);
    expect(row).toMatchObject({ seq: 10, headHash, signedAt, keyId: auditKeyId(publicKey) });
    expect(checkpointStatement(row)).toBe(
      `{"headHash":"${headHash}","keyId":"${row.keyId}","seq":10,"signedAt":"${signedAt}","type":"rampart-audit-checkpoint","v":1}`,
    );
    expect(verifyCheckpointSignature(publicKey, row)).toBe(true);
  });

  it.each([
    ['seq', { seq: 11 }],
    ['headHash', { headHash: 'cd'.repeat(32) }],
    ['signedAt', { signedAt: '2026-01-01T00:00:00.000Z' }],
    ['keyId', { keyId: auditKeyId(other.publicKey) }],
  ])('fails when %s is altered', (_field, change) => {
    const row = signCheckpoint(privateKey, { seq: 10, headHash }, signedAt);
    expect(verifyCheckpointSignature(publicKey, { ...row, ...change })).toBe(false);
  });

  it('fails with another key, a foreign signature, or a signature in a non-canonical encoding', () => {
    const row = signCheckpoint(privateKey, { seq: 10, headHash }, signedAt);
    expect(verifyCheckpointSignature(other.publicKey, row)).toBe(false);
    const forged = signCheckpoint(other.privateKey, { seq: 10, headHash }, signedAt);
    expect(verifyCheckpointSignature(publicKey, { ...forged, keyId: row.keyId })).toBe(false);
    expect(verifyCheckpointSignature(publicKey, { ...row, signature: `${row.signature}!` })).toBe(false);
    expect(verifyCheckpointSignature(publicKey, { ...row, signature: 'AAAA' })).toBe(false);
  });

  it('refuses keys that are not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => signCheckpoint(rsa.privateKey, { seq: 1, headHash }, signedAt)).toThrow(TypeError);
    expect(() => signCheckpoint(publicKey, { seq: 1, headHash }, signedAt)).toThrow(TypeError);
    const row = signCheckpoint(privateKey, { seq: 1, headHash }, signedAt);
    expect(verifyCheckpointSignature(rsa.publicKey, row)).toBe(false);
  });
});
