import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RampartError, auditKeyId, canonicalJson, verifyAuditLog, type AuditEvent } from '@rampart/core';
import { createBatchedAuditSink, type BatchedAuditSinkOptions } from './batched-audit-sink.js';
import { createMemoryAuditStore, type MemoryAuditStore } from './fixtures/memory-audit-store.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signingKey = { privateKey, keyId: auditKeyId(publicKey) };
const time = '2025-01-01T00:00:00.000Z';

function create(store: MemoryAuditStore, overrides: Partial<BatchedAuditSinkOptions> = {}) {
  return createBatchedAuditSink({ store, signingKey, durability: 'sync', flushIntervalMs: 20, maxBatch: 512, checkpointEvery: 1000, ...overrides });
}

const event = (n: number): AuditEvent => ({ type: 'decision', time, requestId: `req-${n}`, action: 'allow' });
const requestIds = (store: MemoryAuditStore) => store.rows.map((r) => (JSON.parse(r.body) as { requestId: string }).requestId);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(1);
  }
}

function codeOf(error: unknown): string | undefined {
  return error instanceof RampartError ? error.code : undefined;
}

describe('createBatchedAuditSink (sync durability)', () => {
  it('group-commits every append of one event-loop turn in one transaction', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store);
    await Promise.all(Array.from({ length: 100 }, (_, i) => sink.append(event(i + 1))));
    expect(store.appendCalls).toBe(1);
    expect(store.rows).toHaveLength(100);
    expect(requestIds(store)).toEqual(Array.from({ length: 100 }, (_, i) => `req-${i + 1}`));
    expect(sink.head).toEqual({ seq: 100, hash: store.rows[99]!.hash });
    expect((await verifyAuditLog(store, publicKey)).ok).toBe(true);
  });

  it('caps a transaction at maxBatch rows', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store, { maxBatch: 40 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => sink.append(event(i + 1))));
    expect(store.batchSizes).toEqual([40, 40, 20]);
  });

  it('resolves an append only after its transaction committed; later appends form the next batch', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store);
    let release!: () => void;
    store.beforeAppend = () => {
      store.beforeAppend = undefined;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    let rowsWhenResolved = -1;
    const first = sink.append(event(1)).then(() => {
      rowsWhenResolved = store.rows.length;
    });
    await until(() => store.appendCalls === 1);
    await tick();
    expect(rowsWhenResolved).toBe(-1);
    const second = sink.append(event(2));
    const third = sink.append(event(3));
    await tick();
    expect(store.appendCalls).toBe(1); // one commit at a time
    release();
    await Promise.all([first, second, third]);
    expect(rowsWhenResolved).toBe(1);
    expect(store.batchSizes).toEqual([1, 2]);
    expect(requestIds(store)).toEqual(['req-1', 'req-2', 'req-3']);
  });

  it('logs the event as it was at append time', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store);
    const mutable = { type: 'decision' as const, time, requestId: 'req-1', reasons: ['pii'] };
    const pending = sink.append(mutable);
    mutable.reasons.push('added later');
    mutable.requestId = 'changed';
    await pending;
    expect(store.rows[0]!.body).toBe(canonicalJson({ type: 'decision', time, requestId: 'req-1', reasons: ['pii'] }));
  });

  it('rejects an event JSON cannot represent without queuing it', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store);
    const error = await sink.append({ type: 'decision', time, score: Number.NaN }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('RAMPART_E_INTERNAL');
    await sink.flush();
    expect(store.appendCalls).toBe(0);
  });

  it('on a store failure rejects the waiting appenders, keeps the head, and commits the events later in order', async () => {
    const store = createMemoryAuditStore();
    const errors: unknown[] = [];
    const sink = await create(store, { onError: (e) => errors.push(e) });
    await sink.append(event(1));
    const head = sink.head;
    store.beforeAppend = () => {
      store.beforeAppend = undefined;
      throw new Error('disk full');
    };
    const results = await Promise.allSettled([sink.append(event(2)), sink.append(event(3))]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(codeOf((result as PromiseRejectedResult).reason)).toBe('RAMPART_E_AUDIT_UNAVAILABLE');
    }
    expect(errors).toHaveLength(1);
    expect(sink.head).toBe(head);
    expect(store.rows).toHaveLength(1);

    await sink.append(event(4));
    expect(requestIds(store)).toEqual(['req-1', 'req-2', 'req-3', 'req-4']);
    expect(sink.head.seq).toBe(4);
    expect((await verifyAuditLog(store, publicKey)).ok).toBe(true);
  });

  it('retries a failed batch on its own after a back-off', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store, { flushIntervalMs: 5, onError: () => undefined });
    store.beforeAppend = () => {
      store.beforeAppend = undefined;
      throw new Error('connection reset');
    };
    await expect(sink.append(event(1))).rejects.toThrow(RampartError);
    await until(() => store.rows.length === 1);
    expect(sink.head.seq).toBe(1);
  });

  it('recognizes a commit whose acknowledgement was lost and does not write it twice', async () => {
    const store = createMemoryAuditStore();
    const errors: unknown[] = [];
    const sink = await create(store, { onError: (e) => errors.push(e) });
    store.afterCommit = () => {
      store.afterCommit = undefined;
      throw new Error('connection lost after COMMIT');
    };
    await sink.append(event(1));
    await sink.append(event(2));
    expect(requestIds(store)).toEqual(['req-1', 'req-2']);
    expect(errors).toEqual([]);
    expect((await verifyAuditLog(store, publicKey)).ok).toBe(true);
  });
});

describe('createBatchedAuditSink (async durability)', () => {
  it('resolves at once and commits on the flush interval', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store, { durability: 'async', flushIntervalMs: 30 });
    for (let i = 1; i <= 10; i++) await sink.append(event(i));
    expect(store.appendCalls).toBe(0);
    await until(() => store.rows.length === 10);
    expect(store.batchSizes).toEqual([10]);
  });

  it('commits early once maxBatch events are waiting', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store, { durability: 'async', flushIntervalMs: 10_000, maxBatch: 5 });
    for (let i = 1; i <= 12; i++) void sink.append(event(i));
    await until(() => store.rows.length === 10);
    await sleep(20);
    expect(store.batchSizes).toEqual([5, 5]);
    await sink.flush();
    expect(store.batchSizes).toEqual([5, 5, 2]);
    expect(requestIds(store)).toEqual(Array.from({ length: 12 }, (_, i) => `req-${i + 1}`));
  });

  it('keeps events queued through store failures and commits them in order', async () => {
    const store = createMemoryAuditStore();
    const errors: unknown[] = [];
    const sink = await create(store, { durability: 'async', flushIntervalMs: 10_000, onError: (e) => errors.push(e) });
    let failuresLeft = 2;
    store.beforeAppend = () => {
      if (failuresLeft-- > 0) throw new Error('store down');
    };
    for (let i = 1; i <= 3; i++) void sink.append(event(i));
    await expect(sink.flush()).rejects.toMatchObject({ code: 'RAMPART_E_AUDIT_UNAVAILABLE' });
    expect(sink.head.seq).toBe(0);
    for (let i = 4; i <= 5; i++) void sink.append(event(i));
    await expect(sink.flush()).rejects.toMatchObject({ code: 'RAMPART_E_AUDIT_UNAVAILABLE' });
    expect(store.rows).toHaveLength(0);
    await sink.flush();
    expect(requestIds(store)).toEqual(['req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect((await verifyAuditLog(store, publicKey)).ok).toBe(true);
  });

  it('drops the oldest events beyond 100k queued and says so', async () => {
    const store = createMemoryAuditStore();
    const errors: unknown[] = [];
    const sink = await create(store, { durability: 'async', flushIntervalMs: 10_000, onError: (e) => errors.push(e) });
    store.beforeAppend = () => {
      throw new Error('store down');
    };
    for (let i = 1; i <= 100_005; i++) void sink.append(event(i));
    await sink.flush().catch(() => undefined);
    expect(errors.some((e) => e instanceof RampartError && /the 5 oldest were dropped/.test(e.message))).toBe(true);
    store.beforeAppend = undefined;
    await sink.flush();
    expect(store.rows).toHaveLength(100_000);
    expect(requestIds(store)[0]).toBe('req-6');
  });

  it('close() commits what the timer has not yet flushed', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store, { durability: 'async', flushIntervalMs: 10_000 });
    for (let i = 1; i <= 3; i++) void sink.append(event(i));
    await sink.close();
    expect(store.rows).toHaveLength(3);
    expect(store.checkpoints.map((c) => c.seq)).toEqual([3]);
  });
});

describe('createBatchedAuditSink checkpoints', () => {
  it('signs the head every checkpointEvery rows and at close, once', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store, { checkpointEvery: 10 });
    for (let i = 1; i <= 25; i++) await sink.append(event(i));
    expect(store.checkpoints.map((c) => c.seq)).toEqual([10, 20]);
    await sink.close();
    await sink.close();
    expect(store.checkpoints.map((c) => c.seq)).toEqual([10, 20, 25]);
    expect(codeOf(await sink.append(event(26)).catch((e: unknown) => e))).toBe('RAMPART_E_AUDIT_UNAVAILABLE');
    const report = await verifyAuditLog(store, publicKey);
    expect(report).toMatchObject({ ok: true, rows: 25, checkpoints: 3, checkpointedSeq: 25 });
  });

  it('signs the new head when a batch crosses a multiple', async () => {
    const store = createMemoryAuditStore();
    const sink = await create(store, { checkpointEvery: 10 });
    await Promise.all(Array.from({ length: 15 }, (_, i) => sink.append(event(i + 1))));
    expect(store.checkpoints.map((c) => c.seq)).toEqual([15]);
    expect(store.checkpoints[0]!.headHash).toBe(store.rows[14]!.hash);
  });

  it('continues an existing log and does not sign an already signed head again', async () => {
    const store = createMemoryAuditStore();
    const first = await create(store);
    for (let i = 1; i <= 3; i++) await first.append(event(i));
    await first.close();
    const second = await create(store);
    expect(second.head).toEqual({ seq: 3, hash: store.rows[2]!.hash });
    await second.close();
    expect(store.checkpoints.map((c) => c.seq)).toEqual([3]);
    const third = await create(store);
    await third.append(event(4));
    await third.close();
    expect(store.checkpoints.map((c) => c.seq)).toEqual([3, 4]);
    expect((await verifyAuditLog(store, publicKey)).ok).toBe(true);
  });

  it('writes no checkpoint for an empty log', async () => {
    const store = createMemoryAuditStore();
    await (await create(store)).close();
    expect(store.appendCalls).toBe(0);
  });
});

describe('createBatchedAuditSink with other writers', () => {
  it('builds on rows another replica appended to the shared log', async () => {
    const store = createMemoryAuditStore();
    const a = await create(store);
    const b = await create(store);
    await a.append(event(1));
    await b.append(event(2));
    await a.append(event(3));
    await Promise.all([a.append(event(4)), b.append(event(5))]);
    expect(requestIds(store).sort()).toEqual(['req-1', 'req-2', 'req-3', 'req-4', 'req-5']);
    expect((await verifyAuditLog(store, publicKey)).ok).toBe(true);
  });

  it('with singleWriter, refuses to continue on rows it did not write', async () => {
    const store = createMemoryAuditStore();
    const errors: unknown[] = [];
    const a = await create(store);
    const b = await create(store, { singleWriter: true, onError: (e) => errors.push(e) });
    await a.append(event(1));
    expect(codeOf(await b.append(event(2)).catch((e: unknown) => e))).toBe('RAMPART_E_AUDIT_UNAVAILABLE');
    expect(codeOf(errors[0])).toBe('RAMPART_E_AUDIT_TAMPERED');
  });

  it('stops (fail closed) when rows it committed disappear from the store', async () => {
    const store = createMemoryAuditStore();
    const errors: unknown[] = [];
    const sink = await create(store, { onError: (e) => errors.push(e) });
    for (let i = 1; i <= 3; i++) await sink.append(event(i));
    store.rows.pop();
    expect(codeOf(await sink.append(event(4)).catch((e: unknown) => e))).toBe('RAMPART_E_AUDIT_UNAVAILABLE');
    expect(codeOf(errors[0])).toBe('RAMPART_E_AUDIT_TAMPERED');
    expect(sink.head.seq).toBe(3);
  });

  it('refuses a keyId that does not belong to the private key', async () => {
    const store = createMemoryAuditStore();
    await expect(createBatchedAuditSink({ store, signingKey: { privateKey, keyId: '0000000000000000' }, durability: 'sync', flushIntervalMs: 20, maxBatch: 10, checkpointEvery: 10 })).rejects.toThrow(
      RampartError,
    );
  });
});
