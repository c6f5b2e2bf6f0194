import type { KeyObject } from 'node:crypto';
import {
  GENESIS_HASH,
  RampartError,
  SystemError,
  auditKeyId,
  buildAuditRows,
  canonicalJson,
  chainHash,
  signCheckpoint,
  type AuditCheckpointRow,
  type AuditEvent,
  type AuditRow,
  type AuditSink,
  type AuditStore,
} from '@rampart/core';

export interface BatchedAuditSinkOptions {
  readonly store: AuditStore;
  readonly signingKey: { readonly privateKey: KeyObject; readonly keyId: string };
  /**
   * `sync`: `append` resolves once the event is committed (group commit: every append of one
   * event-loop turn shares one transaction). `async`: `append` resolves at once; events are
   * committed every `flushIntervalMs` or as soon as `maxBatch` are waiting.
   */
  readonly durability: 'sync' | 'async';
  readonly flushIntervalMs: number;
  /** Most rows per transaction (both modes); in `async` mode also the queue length that flushes early. */
  readonly maxBatch: number;
  /** A signed checkpoint is written whenever a commit crosses a multiple of this. */
  readonly checkpointEvery: number;
  /** Told about every failed commit and every dropped event; must not throw (it is guarded anyway). */
  readonly onError?: (error: unknown) => void;
  /**
   * Refuse rows appended by anyone else. Off by default because replicas share one log on
   * PostgreSQL: when another writer has moved the head, the sink checks that the new rows extend
   * the chain it wrote and rebuilds its batch on top of them. With one gateway per log, switch
   * it on: a head that moves on its own then means someone else wrote rows, and continuing on top
   * of them would put them under this gateway's next signed checkpoint.
   */
  readonly singleWriter?: boolean;
  /** Clock for checkpoint `signedAt` (tests). */
  readonly now?: () => Date;
}

export interface BatchedAuditSink extends AuditSink {
  /** Commits everything queued so far; rejects with `RAMPART_E_AUDIT_UNAVAILABLE` if the store fails. */
  flush(): Promise<void>;
  /** The last committed row as this sink knows it (seq 0 and {@link GENESIS_HASH} for an empty log). */
  readonly head: { readonly seq: number; readonly hash: string };
}

/**
 * Most events held in memory while the store is failing. Beyond it the OLDEST queued events are
 * dropped (their `sync` appenders rejected) and `onError` is told how many: a store outage must
 * not exhaust memory, and the newest decisions matter most to whoever investigates the outage.
 * Dropped events never reach the chain, so the log has no gap in seq, only missing decisions.
 */
export const MAX_QUEUED_AUDIT_EVENTS = 100_000;

/** Consecutive rebuilds on another writer's head before a batch counts as failed. */
const MAX_REBASES = 8;
const MAX_BACKOFF_MS = 5_000;
const REREAD_PAGE = 1_000;
const RESOLVED: Promise<void> = Promise.resolve();

interface Head {
  readonly seq: number;
  readonly hash: string;
}

interface Pending {
  readonly body: string;
  waiter: { resolve: () => void; reject: (error: unknown) => void } | undefined;
}

type FailureReading =
  | { readonly kind: 'unchanged' | 'unavailable' }
  | { readonly kind: 'committed' | 'moved'; readonly head: Head }
  | { readonly kind: 'diverged'; readonly reason: string };

/**
 * The audit writer: queues events, chains them (see `buildAuditRows`) and commits them in
 * batches, signing a checkpoint every `checkpointEvery` rows and at `close()`.
 *
 * Guarantees:
 * - An event is canonicalized when `append` is called, so mutating the object afterwards cannot
 *   change what is logged.
 * - Events are committed in `append` order; one commit runs at a time; a failed batch is retried
 *   before anything newer, and the in-memory head only moves once the store has committed.
 * - In `sync` mode an `append` resolves only after its transaction committed. When a commit
 *   fails, every waiting appender is rejected with `RAMPART_E_AUDIT_UNAVAILABLE` (so requests
 *   fail fast during an outage) but the events stay queued and are committed once the store is
 *   back: the log may then hold a decision whose request got a 503, never the reverse.
 * - An ambiguous failure (the store committed but the acknowledgement was lost) is recognized by
 *   re-reading the head, so the batch is neither lost nor written twice.
 *
 * @example
 * const audit = await createBatchedAuditSink({ store, signingKey, durability: 'sync', flushIntervalMs: 20, maxBatch: 512, checkpointEvery: 1000 });
 * await audit.append({ type: 'decision', time: new Date().toISOString(), requestId, action: 'block' });
 * await audit.close();
 */
export async function createBatchedAuditSink(options: BatchedAuditSinkOptions): Promise<BatchedAuditSink> {
  const { store, durability, flushIntervalMs, maxBatch, checkpointEvery } = options;
  for (const [name, value] of [['flushIntervalMs', flushIntervalMs], ['maxBatch', maxBatch], ['checkpointEvery', checkpointEvery]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new SystemError('RAMPART_E_INTERNAL', `createBatchedAuditSink: ${name} must be a positive integer.`);
  }
  const { privateKey } = options.signingKey;
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SystemError('RAMPART_E_INTERNAL', 'createBatchedAuditSink: signingKey.privateKey must be an Ed25519 private key.');
  }
  if (auditKeyId(privateKey) !== options.signingKey.keyId) {
    throw new SystemError('RAMPART_E_INTERNAL', 'createBatchedAuditSink: signingKey.keyId does not belong to signingKey.privateKey.');
  }
  const now = options.now ?? (() => new Date());

  const last = await store.lastAudit();
  let head: Head = Object.freeze(last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: last.seq, hash: last.hash });
  // The checkpoint table is keyed by seq: never try to sign the same head twice.
  let lastCheckpointSeq = 0;
  for (const checkpoint of await store.listCheckpoints()) lastCheckpointSeq = Math.max(lastCheckpointSeq, checkpoint.seq);

  let queue: Pending[] = [];
  let pump: Promise<unknown> | undefined;
  let wake: { readonly kind: 'immediate'; readonly handle: NodeJS.Immediate } | { readonly kind: 'timer'; readonly handle: NodeJS.Timeout } | undefined;
  let failures = 0;
  let dropped = 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  function notify(error: unknown): void {
    try {
      options.onError?.(error);
    } catch {
      // A failing error handler must not break the writer.
    }
  }

  function enqueue(entry: Pending): void {
    queue.push(entry);
    trimQueue();
  }

  function trimQueue(): void {
    while (queue.length > MAX_QUEUED_AUDIT_EVENTS) {
      const oldest = queue.shift()!;
      oldest.waiter?.reject(new SystemError('RAMPART_E_AUDIT_UNAVAILABLE', 'The audit queue is full; the event was dropped.'));
      dropped += 1;
    }
  }

  function reportDropped(): void {
    if (dropped === 0) return;
    notify(
      new SystemError(
        'RAMPART_E_AUDIT_UNAVAILABLE',
        `The audit queue exceeded ${MAX_QUEUED_AUDIT_EVENTS} events while the store was failing; the ${dropped} oldest were dropped and are not in the log.`,
      ),
    );
    dropped = 0;
  }

  function cancelWake(): void {
    if (wake?.kind === 'immediate') clearImmediate(wake.handle);
    else if (wake?.kind === 'timer') clearTimeout(wake.handle);
    wake = undefined;
  }

  /** Arms the next commit: on the next turn (`urgent`) or after `delayMs`. A running pump re-arms itself. */
  function schedule(urgent: boolean, delayMs = flushIntervalMs): void {
    if (pump !== undefined) return;
    if (urgent) {
      if (wake?.kind === 'immediate') return;
      cancelWake();
      wake = { kind: 'immediate', handle: setImmediate(() => startPump(false)) };
    } else if (wake === undefined) {
      const handle = setTimeout(() => startPump(false), delayMs);
      // An idle writer must not keep the process alive; close() flushes what is left.
      handle.unref();
      wake = { kind: 'timer', handle };
    }
  }

  function startPump(drain: boolean): Promise<unknown> {
    wake = undefined;
    const running = runPump(drain).then((error) => {
      pump = undefined;
      rearm(error);
      return error;
    });
    pump = running;
    return running;
  }

  function rearm(error: unknown): void {
    if (queue.length === 0) return;
    if (error !== undefined) {
      schedule(false, Math.min(MAX_BACKOFF_MS, flushIntervalMs * 2 ** Math.min(failures, 16)));
      return;
    }
    schedule(durability === 'sync' || queue.length >= maxBatch);
  }

  /** Commits batches until the queue is empty (or, in async mode, below a full batch). Resolves to the error, if any. */
  async function runPump(drain: boolean): Promise<unknown> {
    while (queue.length > 0) {
      const error = await commitNext();
      if (error !== undefined) return error;
      if (!drain && durability === 'async' && queue.length < maxBatch) break;
    }
    return undefined;
  }

  async function commitNext(): Promise<unknown> {
    const batch = queue.splice(0, maxBatch);
    const bodies = batch.map((entry) => entry.body);
    let rebases = 0;
    for (;;) {
      const before = head;
      let rows: AuditRow[];
      let checkpoint: AuditCheckpointRow | undefined;
      try {
        rows = buildAuditRows(before.seq === 0 ? undefined : before, bodies);
        const newest = rows[rows.length - 1]!;
        const crosses = Math.floor(newest.seq / checkpointEvery) > Math.floor(before.seq / checkpointEvery);
        checkpoint = crosses ? signCheckpoint(privateKey, { seq: newest.seq, headHash: newest.hash }, now().toISOString()) : undefined;
      } catch (error) {
        return failed(batch, error);
      }
      try {
        await store.appendAudit(rows, checkpoint);
      } catch (error) {
        const reading = await readAfterFailure(before, rows);
        if (reading.kind === 'committed') return committed(batch, reading.head, checkpoint);
        if (reading.kind === 'moved' && rebases < MAX_REBASES) {
          // Another replica appended first; its rows extend our chain, so build on them.
          rebases += 1;
          head = Object.freeze({ ...reading.head });
          continue;
        }
        if (reading.kind === 'diverged') {
          return failed(batch, new SystemError('RAMPART_E_AUDIT_TAMPERED', `The audit log no longer continues the chain this gateway wrote: ${reading.reason}`, { cause: error }));
        }
        return failed(batch, error);
      }
      return committed(batch, rows[rows.length - 1]!, checkpoint);
    }
  }

  function committed(batch: readonly Pending[], newHead: Head, checkpoint: AuditCheckpointRow | undefined): undefined {
    head = Object.freeze({ seq: newHead.seq, hash: newHead.hash });
    if (checkpoint !== undefined) lastCheckpointSeq = Math.max(lastCheckpointSeq, checkpoint.seq);
    failures = 0;
    for (const entry of batch) entry.waiter?.resolve();
    reportDropped();
    return undefined;
  }

  function failed(batch: Pending[], error: unknown): unknown {
    failures += 1;
    // Back to the front, ahead of newer events, so the chain keeps append order.
    queue = batch.concat(queue);
    trimQueue();
    const rejection = new SystemError('RAMPART_E_AUDIT_UNAVAILABLE', 'The audit log could not be written; the event is not committed yet.', { cause: error });
    // Every waiter, not only this batch's: with a backlog ahead of them they would otherwise
    // wait for an outage to end while their clients time out.
    for (const entry of queue) {
      if (entry.waiter === undefined) continue;
      entry.waiter.reject(rejection);
      entry.waiter = undefined;
    }
    notify(error instanceof RampartError ? error : rejection);
    reportDropped();
    return error ?? rejection;
  }

  /**
   * Works out what a failed `appendAudit` left behind: nothing (a plain failure), our rows (the
   * acknowledgement was lost), another writer's rows on top of ours, or a chain that no longer
   * contains our head (rows removed or rewritten under us).
   */
  async function readAfterFailure(before: Head, rows: readonly AuditRow[]): Promise<FailureReading> {
    const ours = rows[rows.length - 1]!;
    try {
      const stored = await store.lastAudit();
      if (stored === undefined) return before.seq === 0 ? { kind: 'unchanged' } : { kind: 'diverged', reason: `the log is empty, but seq ${before.seq} was committed.` };
      if (stored.seq === before.seq && stored.hash === before.hash) return { kind: 'unchanged' };
      if (stored.seq === ours.seq && stored.hash === ours.hash) return { kind: 'committed', head: ours };
      if (stored.seq <= before.seq) {
        return { kind: 'diverged', reason: `the head is now seq ${stored.seq}, but seq ${before.seq} (hash ${before.hash.slice(0, 12)}…) was committed.` };
      }
      if (options.singleWriter === true) {
        return { kind: 'diverged', reason: `rows up to seq ${stored.seq} were appended by another writer after seq ${before.seq}.` };
      }
      return await followChain(before, stored, rows);
    } catch {
      return { kind: 'unavailable' };
    }
  }

  /** Checks that the rows from `before` to `target` form a valid chain, and whether ours are among them. */
  async function followChain(before: Head, target: AuditRow, ours: readonly AuditRow[]): Promise<FailureReading> {
    let previous: Head | undefined = before.seq === 0 ? before : undefined;
    let matched = 0;
    let after = Math.max(0, before.seq - 1);
    for (;;) {
      const page = await store.readAudit(after, REREAD_PAGE);
      if (page.length === 0) return { kind: 'unavailable' };
      for (const row of page) {
        if (previous === undefined) {
          if (row.seq !== before.seq || row.hash !== before.hash) return { kind: 'diverged', reason: `seq ${before.seq} no longer has the hash this gateway committed.` };
          previous = before;
          continue;
        }
        if (row.seq !== previous.seq + 1 || row.prevHash !== previous.hash || chainHash(row.seq, row.prevHash, row.body) !== row.hash) {
          return { kind: 'diverged', reason: `row ${row.seq} does not extend the chain from seq ${before.seq}.` };
        }
        const index = row.seq - before.seq - 1;
        if (index === matched && index < ours.length && ours[index]!.hash === row.hash) matched += 1;
        previous = row;
        if (row.seq >= target.seq) {
          if (matched === ours.length) return { kind: 'committed', head: previous };
          // A transaction commits all of its rows or none.
          if (matched > 0) return { kind: 'diverged', reason: `only part of the batch after seq ${before.seq} is in the log.` };
          return { kind: 'moved', head: previous };
        }
      }
      after = page[page.length - 1]!.seq;
    }
  }

  async function flush(): Promise<void> {
    for (;;) {
      if (pump !== undefined) {
        await pump;
        continue;
      }
      if (queue.length === 0) return;
      cancelWake();
      const error = await startPump(true);
      if (error !== undefined) {
        throw error instanceof RampartError ? error : new SystemError('RAMPART_E_AUDIT_UNAVAILABLE', 'The audit log could not be written.', { cause: error });
      }
    }
  }

  async function shutdown(): Promise<void> {
    await flush();
    if (head.seq > lastCheckpointSeq) {
      // The shutdown checkpoint narrows the window in which a rewritten tail goes unnoticed to
      // a crash: after a clean stop every row is under a signature.
      const checkpoint = signCheckpoint(privateKey, { seq: head.seq, headHash: head.hash }, now().toISOString());
      try {
        await store.appendAudit([], checkpoint);
      } catch (error) {
        throw error instanceof RampartError ? error : new SystemError('RAMPART_E_AUDIT_UNAVAILABLE', 'The final audit checkpoint could not be written.', { cause: error });
      }
      lastCheckpointSeq = head.seq;
    }
    cancelWake();
  }

  return {
    append(event: AuditEvent): Promise<void> {
      if (closed) return Promise.reject(new SystemError('RAMPART_E_AUDIT_UNAVAILABLE', 'The audit log is closed.'));
      let body: string;
      try {
        body = canonicalJson(event);
      } catch (error) {
        return Promise.reject(new SystemError('RAMPART_E_INTERNAL', `An audit event cannot be serialized: ${(error as Error).message}`, { cause: error }));
      }
      if (durability === 'async') {
        enqueue({ body, waiter: undefined });
        schedule(queue.length >= maxBatch && failures === 0);
        return RESOLVED;
      }
      return new Promise<void>((resolve, reject) => {
        enqueue({ body, waiter: { resolve, reject } });
        schedule(true);
      });
    },
    flush,
    close(): Promise<void> {
      closed = true;
      if (closing === undefined) {
        closing = shutdown();
        // A failed close may be retried (the events are still queued); a successful one is final.
        closing.catch(() => {
          closing = undefined;
        });
      }
      return closing;
    },
    get head() {
      return head;
    },
  };
}
