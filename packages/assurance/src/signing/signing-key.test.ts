import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, keyHint, parsePrivateKey, parsePublicKey, signBytes, verifyBytes } from './signing-key.js';

describe('signing keys', () => {
  it.each(['ed25519', 'p256'] as const)('%s: PKCS#8 and SPKI PEM that sign and verify', (algorithm) => {
    const pair = generateSigningKeyPair(algorithm);
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const privateKey = parsePrivateKey(pair.privateKeyPem);
    const publicKey = parsePublicKey(pair.publicKeyPem);
    const data = Buffer.from('payload');
    const signature = signBytes(privateKey, data);
    expect(verifyBytes(publicKey, { data, signature })).toBe(true);
    expect(verifyBytes(publicKey, { data: Buffer.from('payloaD'), signature })).toBe(false);
    if (algorithm === 'p256') expect(signature[0]).toBe(0x30); // DER SEQUENCE, as Sigstore expects
    else expect(signature).toHaveLength(64);
  });

  it('hints a key by the SHA-256 of its SPKI PEM (as model_signing does), the same from either half', () => {
    const pair = generateSigningKeyPair('p256');
    expect(pair.keyHint).toBe(createHash('sha256').update(pair.publicKeyPem).digest('hex'));
    expect(keyHint(parsePrivateKey(pair.privateKeyPem))).toBe(pair.keyHint);
    // CRLF line endings in the user's file do not change the hint.
    expect(keyHint(parsePublicKey(pair.publicKeyPem.replace(/\n/g, '\r\n')))).toBe(pair.keyHint);
  });

  it('refuses a private key where the public key belongs, and the reverse', () => {
    const pair = generateSigningKeyPair('ed25519');
    expect(() => parsePublicKey(pair.privateKeyPem, 'signing.key')).toThrow(/signing.key: this is a private key/);
    expect(() => parsePrivateKey(pair.publicKeyPem, 'signing.pub')).toThrow(/signing.pub: not a PEM private key/);
  });

  it('refuses unsupported and encrypted keys with a clear message', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => parsePublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(/unsupported key type rsa/);
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(() => parsePrivateKey(k1.privateKey)).toThrow(/unsupported key type EC secp256k1/);
    const encrypted = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
    expect(() => parsePrivateKey(encrypted)).toThrow(/encrypted private keys are not supported/);
    expect(() => parsePublicKey('not a key')).toThrow(/not a PEM public key/);
  });

  it('picks the verification algorithm from the trusted key: an Ed25519 signature never passes a P-256 key', () => {
    const ed = generateSigningKeyPair('ed25519');
    const ec = generateSigningKeyPair('p256');
    const data = Buffer.from('x');
    const signature = signBytes(parsePrivateKey(ed.privateKeyPem), data);
    expect(verifyBytes(parsePublicKey(ec.publicKeyPem), { data, signature })).toBe(false);
  });
});
