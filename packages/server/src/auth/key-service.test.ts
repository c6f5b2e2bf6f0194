import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateApiKey, type ApiKeyRecord, type KeyStore, type Store } from '@rampart/core';
import { openSqliteStore } from '../store/sqlite-store.js';
import { createKeyService, type KeyService } from './key-service.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let dir: string;
let file: string;
let store: Store;
let clock: Date;
let keys: KeyService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-keys-'));
  dirs.push(dir);
  file = join(dir, 'rampart.db');
  store = await openSqliteStore(file);
  clock = new Date('2030-01-01T00:00:00.000Z');
  keys = createKeyService(store, { cacheTtlMs: 60_000, now: () => clock });
});

afterEach(async () => {
  await store.close();
});

const bearer = (key: string) => `Bearer ${key}`;
const standard = { name: 'ci', tier: 'standard', scopes: ['chat'] } as const;

describe('create / list', () => {
  it('creates a key that authenticates, and returns its record', async () => {
    const created = await keys.create({ ...standard, organization: 'acme', holdForReview: true, shadow: true });
    expect(created.key).toMatch(/^rk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.record).toMatchObject({
      name: 'ci',
      tier: 'standard',
      scopes: ['chat'],
      organization: 'acme',
      modelAllowList: null,
      expiresAt: null,
      revokedAt: null,
      createdAt: '2030-01-01T00:00:00.000Z',
      holdForReview: true,
      shadow: true,
    });
    expect(await keys.authenticate(bearer(created.key))).toEqual(created.record);
  });

  it('lists keys without salt or hash', async () => {
    const a = await keys.create(standard);
    const b = await keys.create({ name: 'ops', tier: 'internal', scopes: ['admin', 'chat', 'admin'] });
    const listed = await keys.list();
    expect(listed.map((k) => k.id).sort()).toEqual([a.record.id, b.record.id].sort());
    for (const record of listed) {
      expect(record).not.toHaveProperty('salt');
      expect(record).not.toHaveProperty('secretHash');
    }
    // Scopes are deduplicated and kept in canonical order.
    expect(listed.find((k) => k.id === b.record.id)?.scopes).toEqual(['chat', 'admin']);
  });

  it('validates input and reports every issue', async () => {
    const error = await keys
      .create({ name: '', tier: 'root', scopes: [] } as unknown as Parameters<KeyService['create']>[0])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RAMPART_E_INPUT_INVALID' });
    expect((error as { details: string[] }).details.length).toBeGreaterThanOrEqual(3);
    await expect(keys.create({ ...standard, extra: true } as never)).rejects.toMatchObject({
      code: 'RAMPART_E_INPUT_INVALID',
    });
  });

  it('requires expiresAt to be a zoned ISO time in the future, and normalizes it to UTC', async () => {
    await expect(keys.create({ ...standard, expiresAt: '2029-12-31T23:59:59Z' })).rejects.toMatchObject({
      code: 'RAMPART_E_INPUT_INVALID',
    });
    await expect(keys.create({ ...standard, expiresAt: '2030-01-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'RAMPART_E_INPUT_INVALID',
    });
    await expect(keys.create({ ...standard, expiresAt: 'next tuesday' })).rejects.toMatchObject({
      code: 'RAMPART_E_INPUT_INVALID',
    });
    await expect(keys.create({ ...standard, expiresAt: '2030-06-01T00:00:00' })).rejects.toMatchObject({
      code: 'RAMPART_E_INPUT_INVALID',
    });
    const zoned = await keys.create({ ...standard, expiresAt: '2030-06-01T02:00:00+02:00' });
    expect(zoned.record.expiresAt).toBe('2030-06-01T00:00:00.000Z');
    const dated = await keys.create({ ...standard, expiresAt: '2030-06-02' });
    expect(dated.record.expiresAt).toBe('2030-06-02T00:00:00.000Z');
  });
});

describe('authenticate', () => {
  it('refuses a missing header or a non-Bearer scheme with RAMPART_E_AUTH_MISSING_KEY', async () => {
    const { key } = await keys.create(standard);
    for (const header of [undefined, '', 'Bearer', 'Bearer   ', `Basic ${key}`, key, `Token ${key}`]) {
      await expect(keys.authenticate(header), String(header)).rejects.toMatchObject({
        code: 'RAMPART_E_AUTH_MISSING_KEY',
        status: 401,
      });
    }
  });

  it('accepts the scheme in any case and extra spaces', async () => {
    const { key, record } = await keys.create(standard);
    expect((await keys.authenticate(`bearer ${key}`)).id).toBe(record.id);
    expect((await keys.authenticate(`BEARER   ${key} `)).id).toBe(record.id);
  });

  it('gives the same answer for an unparseable key, an unknown id and a wrong secret', async () => {
    const real = await keys.create(standard);
    const forged = `rk_${real.record.id}_${generateApiKey().secret}`;
    const unknown = generateApiKey().key;
    const errors = await Promise.all(
      ['Bearer rk_nope', bearer(unknown), bearer(forged), bearer('x'.repeat(5000))].map((h) =>
        keys.authenticate(h).catch((e: unknown) => e),
      ),
    );
    for (const error of errors) expect(error).toMatchObject({ code: 'RAMPART_E_AUTH_INVALID_KEY', message: 'Invalid API key.' });
  });

  it('refuses a forged key (right id, wrong secret) even when the record is cached', async () => {
    const real = await keys.create(standard);
    await keys.authenticate(bearer(real.key));
    await expect(keys.authenticate(bearer(`rk_${real.record.id}_${generateApiKey().secret}`))).rejects.toMatchObject({
      code: 'RAMPART_E_AUTH_INVALID_KEY',
    });
  });

  it('refuses a key whose id was swapped for another key’s', async () => {
    const a = await keys.create(standard);
    const b = await keys.create(standard);
    const secretOfA = a.key.slice(`rk_${a.record.id}_`.length);
    await expect(keys.authenticate(bearer(`rk_${b.record.id}_${secretOfA}`))).rejects.toMatchObject({
      code: 'RAMPART_E_AUTH_INVALID_KEY',
    });
  });

  it('sees a revocation made through the service at once, despite the cache', async () => {
    const { key, record } = await keys.create(standard);
    await keys.authenticate(bearer(key));
    expect(await keys.revoke(record.id)).toBe(true);
    await expect(keys.authenticate(bearer(key))).rejects.toMatchObject({ code: 'RAMPART_E_AUTH_REVOKED_KEY' });
    expect(await keys.revoke(record.id)).toBe(true);
    expect(await keys.revoke('nosuchkeyaaaaaaa')).toBe(false);
  });

  it('sees a revocation made by another process within the cache TTL', async () => {
    const { key, record } = await keys.create(standard);
    await keys.authenticate(bearer(key));
    const otherProcess = createKeyService(store, { cacheTtlMs: 0 });
    await otherProcess.revoke(record.id);
    // Still cached here: accepted until the entry expires.
    expect((await keys.authenticate(bearer(key))).id).toBe(record.id);
    clock = new Date(clock.getTime() + 60_000);
    await expect(keys.authenticate(bearer(key))).rejects.toMatchObject({ code: 'RAMPART_E_AUTH_REVOKED_KEY' });
  });

  it('checks expiry on every request, cached or not', async () => {
    const { key } = await keys.create({ ...standard, expiresAt: '2030-01-01T00:00:10Z' });
    await keys.authenticate(bearer(key));
    clock = new Date('2030-01-01T00:00:09.999Z');
    await keys.authenticate(bearer(key));
    clock = new Date('2030-01-01T00:00:10.000Z');
    await expect(keys.authenticate(bearer(key))).rejects.toMatchObject({ code: 'RAMPART_E_AUTH_EXPIRED_KEY', status: 401 });
  });

  it('does not reveal that a key is revoked to a caller without its secret', async () => {
    const { record } = await keys.create(standard);
    await keys.revoke(record.id);
    await expect(keys.authenticate(bearer(`rk_${record.id}_${generateApiKey().secret}`))).rejects.toMatchObject({
      code: 'RAMPART_E_AUTH_INVALID_KEY',
    });
  });

  it('reads each id from the store once per TTL, unknown ids included, and stays bounded', async () => {
    const reads: string[] = [];
    const counting: KeyStore = {
      insertKey: (k) => store.insertKey(k),
      getKey: (id) => {
        reads.push(id);
        return store.getKey(id);
      },
      listKeys: () => store.listKeys(),
      revokeKey: (id, at) => store.revokeKey(id, at),
    };
    const service = createKeyService(counting, { cacheTtlMs: 1000, now: () => clock, maxCacheEntries: 2 });
    const { key, record } = await service.create(standard);
    const unknown = generateApiKey();
    await Promise.all([service.authenticate(bearer(key)), service.authenticate(bearer(key))]);
    await service.authenticate(bearer(unknown.key)).catch(() => undefined);
    await service.authenticate(bearer(unknown.key)).catch(() => undefined);
    expect(reads).toEqual([record.id, unknown.id]);
    // A third id evicts the oldest entry (the real key), which is then read again.
    await service.authenticate(bearer(generateApiKey().key)).catch(() => undefined);
    await service.authenticate(bearer(key));
    expect(reads.filter((id) => id === record.id)).toHaveLength(2);
    // After the TTL an unknown id is asked again: a key created elsewhere becomes usable.
    clock = new Date(clock.getTime() + 1000);
    await service.authenticate(bearer(unknown.key)).catch(() => undefined);
    expect(reads.filter((id) => id === unknown.id)).toHaveLength(2);
  });

  it('does not cache a failed store read', async () => {
    let fail = true;
    const flaky: KeyStore = {
      insertKey: (k) => store.insertKey(k),
      getKey: (id) => (fail ? Promise.reject(new Error('connection reset')) : store.getKey(id)),
      listKeys: () => store.listKeys(),
      revokeKey: (id, at) => store.revokeKey(id, at),
    };
    const service = createKeyService(flaky, { cacheTtlMs: 60_000, now: () => clock });
    const { key } = await service.create(standard);
    await expect(service.authenticate(bearer(key))).rejects.toThrow('connection reset');
    fail = false;
    await expect(service.authenticate(bearer(key))).resolves.toMatchObject({ name: 'ci' });
  });
});

describe('scopes, models and principal facts', () => {
  it('enforces scopes', async () => {
    const { record } = await keys.create({ ...standard, scopes: ['chat', 'review'] });
    expect(() => keys.requireScope(record, 'chat')).not.toThrow();
    expect(() => keys.requireScope(record, 'review')).not.toThrow();
    expect(() => keys.requireScope(record, 'admin')).toThrow(
      expect.objectContaining({ code: 'RAMPART_E_AUTH_FORBIDDEN_SCOPE', status: 403 }),
    );
  });

  it('enforces a model allow-list only when there is one', async () => {
    const open = await keys.create(standard);
    const limited = await keys.create({ ...standard, models: ['gpt-a', 'gpt-b', 'gpt-a'] });
    expect(limited.record.modelAllowList).toEqual(['gpt-a', 'gpt-b']);
    expect(() => keys.requireModel(open.record, 'anything')).not.toThrow();
    expect(() => keys.requireModel(limited.record, 'gpt-b')).not.toThrow();
    expect(() => keys.requireModel(limited.record, 'gpt-c')).toThrow(
      expect.objectContaining({ code: 'RAMPART_E_AUTH_FORBIDDEN_MODEL', status: 403, param: 'model' }),
    );
    // The allow-list survives the store round trip.
    const stored = await keys.authenticate(bearer(limited.key));
    expect(() => keys.requireModel(stored, 'gpt-c')).toThrow(expect.objectContaining({ code: 'RAMPART_E_AUTH_FORBIDDEN_MODEL' }));
  });

  it('derives principal facts', async () => {
    const withOrg = await keys.create({ ...standard, tier: 'verified-security', organization: 'acme' });
    const without = await keys.create(standard);
    expect(keys.principalFacts(withOrg.record)).toEqual({
      keyId: withOrg.record.id,
      name: 'ci',
      tier: 'verified-security',
      scopes: ['chat'],
      organization: 'acme',
    });
    expect(keys.principalFacts(without.record).organization).toBeUndefined();
  });
});

describe('secret storage', () => {
  it('never stores the secret: not in any column, not anywhere in the database files', async () => {
    const created: Array<{ key: string; record: ApiKeyRecord }> = [];
    for (let i = 0; i < 5; i++) created.push(await keys.create({ ...standard, name: `k${i}` }));
    await store.close();

    const db = new BetterSqlite3(file, { readonly: true });
    const rows = db.prepare('select * from api_keys').all() as Array<Record<string, unknown>>;
    db.close();
    expect(rows).toHaveLength(5);
    const files = readdirSync(dir).map((name) => readFileSync(join(dir, name)).toString('latin1'));
    for (const { key, record } of created) {
      const secret = key.slice(`rk_${record.id}_`.length);
      const row = rows.find((r) => r['id'] === record.id);
      expect(row?.['secret_hash']).toBe(record.secretHash);
      expect(row?.['secret_hash']).not.toBe(secret);
      for (const value of Object.values(row ?? {})) expect(String(value)).not.toContain(secret);
      for (const content of files) expect(content).not.toContain(secret);
    }
    store = await openSqliteStore(file);
  });
});
