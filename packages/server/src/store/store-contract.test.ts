import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiKeyRecord, AuditCheckpointRow, AuditRow, ReviewRecord, Store } from '@rampart/core';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import { openStore } from './open-store.js';

/** Opens stores for the contract suite. */
interface StoreFactory {
  /** A new, empty store isolated from every other; `reopen` opens the same data again. */
  fresh(): Promise<{ store: Store; reopen: () => Promise<Store> }>;
}

/** The one contract every Store implementation passes. */
function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    async function fresh(): Promise<Store> {
      const { store } = await factory.fresh();
      opened.push(store);
      return store;
    }
    afterAll(async () => {
      for (const store of opened) await store.close();
    });

    describe('keys', () => {
      it('inserts, reads back and lists keys with every field intact', async () => {
        const store = await fresh();
        const a = keyRecord({ createdAt: '2030-01-01T00:00:00.000Z' });
        const b = keyRecord({
          createdAt: '2030-01-02T00:00:00.000Z',
          organization: 'acme',
          modelAllowList: ['gpt-x', 'gpt-y'],
          expiresAt: '2031-01-01T00:00:00.000Z',
          holdForReview: true,
          shadow: true,
          scopes: ['chat', 'review', 'admin'],
          tier: 'verified-security',
        });
        await store.insertKey(b);
        await store.insertKey(a);
        expect(await store.getKey(a.id)).toEqual(a);
        expect(await store.getKey(b.id)).toEqual(b);
        expect(await store.listKeys()).toEqual([a, b]);
      });

      it('returns undefined for an unknown id', async () => {
        const store = await fresh();
        expect(await store.getKey('nosuchkeyaaaaaaa')).toBeUndefined();
      });

      it('refuses a duplicate id', async () => {
        const store = await fresh();
        const key = keyRecord();
        await store.insertKey(key);
        await expect(store.insertKey(key)).rejects.toMatchObject({ code: 'RAMPART_E_STORE_UNAVAILABLE' });
      });

      it('revokes idempotently, keeping the first time, and reports unknown ids', async () => {
        const store = await fresh();
        const key = keyRecord();
        await store.insertKey(key);
        expect(await store.revokeKey(key.id, '2030-02-01T00:00:00.000Z')).toBe(true);
        expect(await store.revokeKey(key.id, '2030-03-01T00:00:00.000Z')).toBe(true);
        expect((await store.getKey(key.id))?.revokedAt).toBe('2030-02-01T00:00:00.000Z');
        expect(await store.revokeKey('nosuchkeyaaaaaaa', '2030-02-01T00:00:00.000Z')).toBe(false);
      });
    });

    describe('reviews', () => {
      it('inserts and reads back a review', async () => {
        const store = await fresh();
        const review = reviewRecord({ reasons: ['cyber.malware', 'tier.standard'] });
        await store.insertReview(review);
        expect(await store.getReview(review.id)).toEqual(review);
        expect(await store.getReview('missing')).toBeUndefined();
      });

      it('lists newest first, filters by status and honours the limit', async () => {
        const store = await fresh();
        const r1 = reviewRecord({ createdAt: '2030-01-01T00:00:01.000Z' });
        const r2 = reviewRecord({ createdAt: '2030-01-01T00:00:02.000Z' });
        const r3 = reviewRecord({ createdAt: '2030-01-01T00:00:03.000Z' });
        for (const r of [r2, r3, r1]) await store.insertReview(r);
        expect(await store.decideReview(r2.id, decision('approved'))).toBe(true);

        expect((await store.listReviews({ limit: 10 })).map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
        expect((await store.listReviews({ status: 'pending', limit: 10 })).map((r) => r.id)).toEqual([r3.id, r1.id]);
        expect((await store.listReviews({ status: 'approved', limit: 10 })).map((r) => r.id)).toEqual([r2.id]);
        expect(await store.listReviews({ status: 'rejected', limit: 10 })).toEqual([]);
        expect((await store.listReviews({ limit: 2 })).map((r) => r.id)).toEqual([r3.id, r2.id]);
        expect(await store.listReviews({ limit: 0 })).toEqual([]);
      });

      it('decides a pending review exactly once', async () => {
        const store = await fresh();
        const review = reviewRecord();
        await store.insertReview(review);
        const first = { status: 'rejected' as const, by: 'alice', at: '2030-01-01T01:00:00.000Z', note: 'no' };
        expect(await store.decideReview(review.id, first)).toBe(true);
        expect(await store.decideReview(review.id, decision('approved'))).toBe(false);
        expect(await store.decideReview('missing', decision('approved'))).toBe(false);
        expect(await store.getReview(review.id)).toMatchObject({
          status: 'rejected',
          decidedBy: 'alice',
          decidedAt: '2030-01-01T01:00:00.000Z',
          note: 'no',
        });
      });

      it('lets exactly one of two racing decisions win', async () => {
        const store = await fresh();
        const review = reviewRecord();
        await store.insertReview(review);
        const results = await Promise.all([
          store.decideReview(review.id, decision('approved')),
          store.decideReview(review.id, decision('rejected')),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('stores the response of an approved review only', async () => {
        const store = await fresh();
        const review = reviewRecord();
        await store.insertReview(review);
        await expect(store.setReviewResponse(review.id, '{}')).rejects.toMatchObject({ code: 'RAMPART_E_INTERNAL' });
        await store.decideReview(review.id, decision('approved'));
        await store.setReviewResponse(review.id, '{"choices":[]}');
        expect((await store.getReview(review.id))?.responseBody).toBe('{"choices":[]}');
        await expect(store.setReviewResponse('missing', '{}')).rejects.toMatchObject({
          code: 'RAMPART_E_REVIEW_NOT_FOUND',
        });
      });
    });

    describe('audit log', () => {
      it('is empty at first', async () => {
        const store = await fresh();
        expect(await store.lastAudit()).toBeUndefined();
        expect(await store.readAudit(0, 10)).toEqual([]);
        expect(await store.listCheckpoints()).toEqual([]);
      });

      it('appends a batch with a checkpoint, and reads it back in pages', async () => {
        const store = await fresh();
        const rows = chain(1, 25, GENESIS);
        const checkpoint = checkpointAt(rows[24]);
        await store.appendAudit(rows, checkpoint);
        expect(await store.lastAudit()).toEqual(rows[24]);
        expect(await store.listCheckpoints()).toEqual([checkpoint]);
        expect(await store.readAudit(0, 10)).toEqual(rows.slice(0, 10));
        expect(await store.readAudit(10, 10)).toEqual(rows.slice(10, 20));
        expect(await store.readAudit(20, 10)).toEqual(rows.slice(20));
        expect(await store.readAudit(25, 10)).toEqual([]);

        const more = chain(26, 3, rows[24]?.hash ?? '');
        await store.appendAudit(more, undefined);
        expect(await store.lastAudit()).toEqual(more[2]);
        expect(await store.readAudit(24, 100)).toEqual([rows[24], ...more]);
      });

      it('appends a batch larger than one INSERT holds', async () => {
        const store = await fresh();
        const rows = chain(1, 1234, GENESIS);
        await store.appendAudit(rows, checkpointAt(rows[1233]));
        expect((await store.lastAudit())?.seq).toBe(1234);
        expect(await store.readAudit(0, 2000)).toEqual(rows);
      });

      it('refuses rows that do not continue the last seq, and changes nothing', async () => {
        const store = await fresh();
        const rows = chain(1, 3, GENESIS);
        await store.appendAudit(rows, undefined);
        const last = rows[2]?.hash ?? '';
        const refused = { code: 'RAMPART_E_AUDIT_UNAVAILABLE' };
        await expect(store.appendAudit(chain(5, 2, last), undefined)).rejects.toMatchObject(refused); // gap
        await expect(store.appendAudit(chain(3, 2, last), undefined)).rejects.toMatchObject(refused); // overlap
        await expect(store.appendAudit(chain(4, 2, 'not-the-head'), undefined)).rejects.toMatchObject(refused);
        const broken = chain(4, 3, last).map((r) => (r.seq === 6 ? { ...r, prevHash: 'x' } : r));
        await expect(store.appendAudit(broken, undefined)).rejects.toMatchObject(refused);
        expect(await store.readAudit(0, 100)).toEqual(rows);
      });

      it('refuses a first row other than seq 1 on an empty log', async () => {
        const store = await fresh();
        await expect(store.appendAudit(chain(2, 1, GENESIS), undefined)).rejects.toMatchObject({
          code: 'RAMPART_E_AUDIT_UNAVAILABLE',
        });
        expect(await store.lastAudit()).toBeUndefined();
      });

      it('is atomic: a batch whose checkpoint fails leaves nothing behind', async () => {
        const store = await fresh();
        const base = chain(1, 2, GENESIS);
        await store.appendAudit(base, undefined);
        const rows = chain(3, 450, base[1]?.hash ?? '');
        const badCheckpoint = { ...checkpointAt(rows[449]), headHash: 'wrong' };
        await expect(store.appendAudit(rows, badCheckpoint)).rejects.toMatchObject({
          code: 'RAMPART_E_AUDIT_UNAVAILABLE',
        });
        expect(await store.lastAudit()).toEqual(base[1]);
        expect(await store.readAudit(0, 1000)).toEqual(base);
        expect(await store.listCheckpoints()).toEqual([]);
      });

      it('is atomic: a duplicate checkpoint rolls the whole batch back', async () => {
        const store = await fresh();
        const rows = chain(1, 2, GENESIS);
        const checkpoint = checkpointAt(rows[1]);
        await store.appendAudit(rows, checkpoint);
        const more = chain(3, 2, rows[1]?.hash ?? '');
        // The database (primary key on checkpoint seq) refuses this one, after the rows went in.
        await expect(store.appendAudit(more, checkpoint)).rejects.toMatchObject({ code: 'RAMPART_E_AUDIT_UNAVAILABLE' });
        expect(await store.lastAudit()).toEqual(rows[1]);
      });

      it('lets exactly one of two racing appends of the same seq win', async () => {
        const store = await fresh();
        const a = chain(1, 5, GENESIS, 'a');
        const b = chain(1, 5, GENESIS, 'b');
        const results = await Promise.allSettled([store.appendAudit(a, undefined), store.appendAudit(b, undefined)]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const stored = await store.readAudit(0, 100);
        expect([a, b]).toContainEqual(stored);
      });

      it('accepts a checkpoint alone for a head already stored', async () => {
        const store = await fresh();
        const rows = chain(1, 3, GENESIS);
        await store.appendAudit(rows, undefined);
        await store.appendAudit([], checkpointAt(rows[1]));
        await store.appendAudit([], undefined);
        expect((await store.listCheckpoints()).map((c) => c.seq)).toEqual([2]);
        await expect(store.appendAudit([], { ...checkpointAt(rows[2]), seq: 9 })).rejects.toMatchObject({
          code: 'RAMPART_E_AUDIT_UNAVAILABLE',
        });
      });
    });

    describe('meta and health', () => {
      it('gets, sets and overwrites meta values', async () => {
        const store = await fresh();
        expect(await store.getMeta('bootstrap.completed_at')).toBeUndefined();
        await store.setMeta('bootstrap.completed_at', 'one');
        await store.setMeta('bootstrap.completed_at', 'two');
        await store.setMeta('other', '');
        expect(await store.getMeta('bootstrap.completed_at')).toBe('two');
        expect(await store.getMeta('other')).toBe('');
      });

      it('answers ping, closes idempotently and fails cleanly after close', async () => {
        const { store } = await factory.fresh();
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await store.close();
        await expect(store.ping()).rejects.toMatchObject({ code: 'RAMPART_E_STORE_UNAVAILABLE' });
      });
    });

    it('keeps everything across close and reopen', async () => {
      const { store, reopen } = await factory.fresh();
      const key = keyRecord();
      const review = reviewRecord();
      const rows = chain(1, 4, GENESIS);
      await store.insertKey(key);
      await store.insertReview(review);
      await store.appendAudit(rows, checkpointAt(rows[3]));
      await store.setMeta('k', 'v');
      await store.close();

      const again = await reopen();
      opened.push(again);
      expect(await again.getKey(key.id)).toEqual(key);
      expect(await again.getReview(review.id)).toEqual(review);
      expect(await again.readAudit(0, 10)).toEqual(rows);
      expect(await again.listCheckpoints()).toHaveLength(1);
      expect(await again.getMeta('k')).toBe('v');
    });
  });
}

// --- SQLite -------------------------------------------------------------------------------------

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-store-'));
  tempDirs.push(dir);
  return dir;
}

storeContract('SQLite', {
  async fresh() {
    const file = join(tempDir(), 'nested', 'dir', 'rampart.db');
    return { store: await openSqliteStore(file), reopen: () => openSqliteStore(file) };
  },
});

describe('openSqliteStore', () => {
  it('names the file when it cannot be opened', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const file = join(blocker, 'rampart.db');
    await expect(openSqliteStore(file)).rejects.toMatchObject({
      code: 'RAMPART_E_STORE_UNAVAILABLE',
      message: expect.stringContaining(file),
    });
  });

  it('refuses a file that is not a database', async () => {
    const file = join(tempDir(), 'garbage.db');
    writeFileSync(file, randomBytes(8192));
    await expect(openSqliteStore(file)).rejects.toMatchObject({
      code: 'RAMPART_E_STORE_UNAVAILABLE',
      message: expect.stringContaining(file),
    });
  });

  it('opens with the FULL synchronous option and in memory', async () => {
    const store = await openSqliteStore(join(tempDir(), 'full.db'), { synchronous: 'FULL' });
    await store.ping();
    await store.close();
    const memory = await openSqliteStore(':memory:');
    await memory.setMeta('a', 'b');
    expect(await memory.getMeta('a')).toBe('b');
    await memory.close();
  });

  it('is what openStore opens by default, at <dataDir>/rampart.db', async () => {
    const dir = tempDir();
    const store = await openStore({ driver: 'sqlite' }, dir);
    await store.setMeta('where', 'here');
    await store.close();
    const again = await openSqliteStore(join(dir, 'rampart.db'));
    expect(await again.getMeta('where')).toBe('here');
    await again.close();
  });
});

// --- PostgreSQL ---------------------------------------------------------------------------------

/**
 * Local PostgreSQL with trust auth: `RAMPART_TEST_POSTGRES_URL` if set, else database `test` on
 * 127.0.0.1:5432 as the OS user, else as `postgres`. Without a server the PostgreSQL half is
 * skipped (no test needs a network); the unreachable-server test below always runs.
 */
async function findPostgres(): Promise<string | undefined> {
  const candidates = [
    process.env['RAMPART_TEST_POSTGRES_URL'],
    `postgres://${encodeURIComponent(userInfo().username)}@127.0.0.1:5432/test`,
    'postgres://postgres@127.0.0.1:5432/test',
  ].filter((url): url is string => url !== undefined && url !== '');
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return url;
    } catch {
      // Try the next candidate.
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}

const postgresUrl = await findPostgres();
const runSchemas: string[] = [];

afterAll(async () => {
  if (postgresUrl === undefined || runSchemas.length === 0) return;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const schema of runSchemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
});

// CI starts PostgreSQL (.ci/run); there a missing server is a failure, not a reason to skip.
it.runIf(process.env['CI'] === 'true')('PostgreSQL is reachable in CI', () => {
  expect(postgresUrl).toBeDefined();
});

describe.skipIf(postgresUrl === undefined)('PostgreSQL', () => {
  const url = postgresUrl ?? '';
  const runId = randomBytes(4).toString('hex');
  let next = 0;

  storeContract('PostgreSQL', {
    async fresh() {
      const schema = `rampart_test_${runId}_${next++}`;
      runSchemas.push(schema);
      return {
        store: await openPostgresStore(url, { schema, poolSize: 4 }),
        reopen: () => openPostgresStore(url, { schema, poolSize: 4 }),
      };
    },
  });

  it('migrates a schema once even when two stores open it at the same time', async () => {
    const schema = `rampart_test_${runId}_${next++}`;
    runSchemas.push(schema);
    const [a, b] = await Promise.all([openPostgresStore(url, { schema }), openPostgresStore(url, { schema })]);
    await a.setMeta('x', '1');
    expect(await b.getMeta('x')).toBe('1');
    await a.close();
    await b.close();
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openPostgresStore(url, { schema: 'x"; drop table y; --' })).rejects.toMatchObject({
      code: 'RAMPART_E_CONFIG_INVALID',
    });
  });
});

describe('openPostgresStore on an unreachable server', () => {
  it('fails quickly with RAMPART_E_STORE_UNAVAILABLE, naming host and port but not the password', async () => {
    const started = Date.now();
    const error = await openPostgresStore('postgres://rampart:hunter2-secret@127.0.0.1:1/rampart', {
      connectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({ code: 'RAMPART_E_STORE_UNAVAILABLE' });
    const message = (error as Error).message;
    expect(message).toContain('127.0.0.1:1');
    expect(message).not.toContain('hunter2');
  });

  it('reports an invalid URL as configuration without echoing it', async () => {
    const error = await openPostgresStore('postgres://user:hunter2@[bad', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RAMPART_E_CONFIG_INVALID' });
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).cause).toBeUndefined();
  });

  it('openStore requires a URL for postgres', async () => {
    await expect(openStore({ driver: 'postgres' }, tmpdir())).rejects.toMatchObject({ code: 'RAMPART_E_CONFIG_INVALID' });
  });
});

// --- Fixtures -----------------------------------------------------------------------------------

const GENESIS = '0'.repeat(64);

function keyRecord(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: randomBytes(8).toString('hex'),
    name: 'test key',
    tier: 'standard',
    scopes: ['chat'],
    organization: null,
    modelAllowList: null,
    expiresAt: null,
    revokedAt: null,
    createdAt: '2030-01-01T00:00:00.000Z',
    holdForReview: false,
    shadow: false,
    salt: randomBytes(16).toString('base64url'),
    secretHash: randomBytes(32).toString('base64url'),
    ...overrides,
  };
}

function reviewRecord(overrides: Partial<ReviewRecord> = {}): ReviewRecord {
  return {
    id: randomUUID(),
    requestId: randomUUID(),
    keyId: 'abcdefghijklmnop',
    model: 'demo-model',
    createdAt: '2030-01-01T00:00:00.000Z',
    status: 'pending',
    reasons: ['cyber.keylogger'],
    requestBody: '{"model":"demo-model","messages":[{"role":"user","content":"héllo ✓"}]}',
    decidedBy: null,
    decidedAt: null,
    note: null,
    responseBody: null,
    ...overrides,
  };
}

function decision(status: 'approved' | 'rejected') {
  return { status, by: 'reviewer', at: '2030-01-01T02:00:00.000Z', note: null };
}

/** `count` chained rows starting at `fromSeq`. Not real hashes: the store does not recompute them. */
function chain(fromSeq: number, count: number, prevHash: string, salt = ''): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = prevHash;
  for (let i = 0; i < count; i++) {
    const seq = fromSeq + i;
    const hash = `${salt}h${seq}-${prev.slice(0, 8)}`;
    rows.push({ seq, prevHash: prev, hash, body: JSON.stringify({ seq, event: 'test', salt }) });
    prev = hash;
  }
  return rows;
}

function checkpointAt(row: AuditRow | undefined): AuditCheckpointRow {
  if (row === undefined) throw new Error('no row');
  return { seq: row.seq, headHash: row.hash, signedAt: '2030-01-01T00:00:00.000Z', keyId: 'audit-key', signature: 'c2ln' };
}
