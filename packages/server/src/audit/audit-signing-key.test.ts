import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RampartError, auditKeyId } from '@rampart/core';
import { loadAuditPublicKey, loadOrCreateAuditSigningKey } from './audit-signing-key.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-audit-key-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof RampartError ? error.code : `not a RampartError: ${String(error)}`;
  }
  return undefined;
}

describe('loadOrCreateAuditSigningKey', () => {
  it('creates an Ed25519 pair on first start, private key 0600, public key beside it', () => {
    const file = join(tempDir(), 'nested', 'data', 'audit-signing.key');
    const key = loadOrCreateAuditSigningKey(file);
    expect(key.created).toBe(true);
    expect(key.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(key.keyId).toBe(auditKeyId(key.publicKey));
    expect(readFileSync(file, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(`${file}.pub`, 'utf8')).toContain('BEGIN PUBLIC KEY');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('loads the same key on the next start', () => {
    const file = join(tempDir(), 'audit-signing.key');
    const first = loadOrCreateAuditSigningKey(file);
    const again = loadOrCreateAuditSigningKey(file);
    expect(again.created).toBe(false);
    expect(again.keyId).toBe(first.keyId);
  });

  it('writes a missing .pub again from the private key', () => {
    const file = join(tempDir(), 'audit-signing.key');
    const first = loadOrCreateAuditSigningKey(file);
    rmSync(`${file}.pub`);
    loadOrCreateAuditSigningKey(file);
    expect(auditKeyId(loadAuditPublicKey(`${file}.pub`))).toBe(first.keyId);
  });

  it('refuses a file that is not an Ed25519 private key', () => {
    const dir = tempDir();
    const rsa = join(dir, 'rsa.key');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(codeOf(() => loadOrCreateAuditSigningKey(rsa))).toBe('RAMPART_E_CONFIG_INVALID');
    const junk = join(dir, 'junk.key');
    writeFileSync(junk, 'not a key');
    expect(codeOf(() => loadOrCreateAuditSigningKey(junk))).toBe('RAMPART_E_CONFIG_INVALID');
    const pub = join(dir, 'public-only.key');
    writeFileSync(pub, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    expect(codeOf(() => loadOrCreateAuditSigningKey(pub))).toBe('RAMPART_E_CONFIG_INVALID');
  });

  it('refuses a .pub that belongs to another key instead of overwriting it', () => {
    const file = join(tempDir(), 'audit-signing.key');
    loadOrCreateAuditSigningKey(file);
    writeFileSync(`${file}.pub`, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    expect(codeOf(() => loadOrCreateAuditSigningKey(file))).toBe('RAMPART_E_CONFIG_INVALID');
  });
});

describe('loadAuditPublicKey', () => {
  it('loads the public key (or derives it from the private key file)', () => {
    const file = join(tempDir(), 'audit-signing.key');
    const key = loadOrCreateAuditSigningKey(file);
    expect(auditKeyId(loadAuditPublicKey(`${file}.pub`))).toBe(key.keyId);
    expect(auditKeyId(loadAuditPublicKey(file))).toBe(key.keyId);
  });

  it('reports a missing file and a key of the wrong type', () => {
    const dir = tempDir();
    expect(codeOf(() => loadAuditPublicKey(join(dir, 'missing.pub')))).toBe('RAMPART_E_CONFIG_NOT_FOUND');
    const rsa = join(dir, 'rsa.pub');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
    expect(codeOf(() => loadAuditPublicKey(rsa))).toBe('RAMPART_E_CONFIG_INVALID');
  });
});
