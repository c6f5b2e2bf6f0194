import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import {
  RampartError,
  SCOPES,
  SystemError,
  TIERS,
  UserError,
  type ApiKeyRecord,
  type AuditCheckpointRow,
  type AuditRow,
  type ErrorCode,
  type ReviewRecord,
  type ReviewStatus,
  type Scope,
  type Store,
  type Tier,
} from '@rampart/core';
import type { ApiKeysTable, AuditCheckpointsTable, AuditLogTable, Database, ReviewsTable } from './database-schema.js';
import type { StoreDialect } from './migrations.js';

export interface KyselyStoreOptions {
  readonly dialect: StoreDialect;
}

/**
 * Rows per INSERT when appending audit rows. Each row binds 4 parameters; 200 rows stay under
 * SQLite's historical limit of 999 bound parameters (32766 since SQLite 3.32) and far under
 * PostgreSQL's 65535, while still cutting round trips 200-fold.
 */
const AUDIT_INSERT_CHUNK = 200;
const REVIEW_STATUSES: readonly ReviewStatus[] = ['pending', 'approved', 'rejected'];

/**
 * The Store contract on Kysely: one implementation for SQLite and PostgreSQL. The caller owns the
 * connection setup (pragmas, pool, search_path) and migrations; `close()` destroys `db`.
 *
 * Driver failures surface as `SystemError('RAMPART_E_STORE_UNAVAILABLE')` (audit appends as
 * `RAMPART_E_AUDIT_UNAVAILABLE`) with the driver error as `cause`; the message stays generic
 * because error messages may reach HTTP clients.
 *
 * @example
 * const store = createKyselyStore(new Kysely<Database>({ dialect }), { dialect: 'sqlite' });
 */
export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions): Store {
  let closed: Promise<void> | undefined;

  return {
    insertKey: (key) =>
      guard('insert an API key', async () => {
        await db.insertInto('api_keys').values(fromKeyRecord(key)).execute();
      }),

    getKey: (id) =>
      guard('read an API key', async () => {
        const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? undefined : toKeyRecord(row);
      }),

    listKeys: () =>
      guard('list API keys', async () => {
        const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
        return rows.map(toKeyRecord);
      }),

    revokeKey: (id, at) =>
      guard('revoke an API key', async () => {
        // COALESCE keeps the first revocation time; the row still counts as matched, so a second
        // revocation of an existing key reports true and an unknown id reports false.
        const result = await db
          .updateTable('api_keys')
          .set({ revoked_at: sql<string>`coalesce(${sql.ref('revoked_at')}, ${at})` })
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      }),

    insertReview: (review) =>
      guard('insert a review', async () => {
        await db.insertInto('reviews').values(fromReviewRecord(review)).execute();
      }),

    getReview: (id) =>
      guard('read a review', async () => {
        const row = await db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
        return row === undefined ? undefined : toReviewRecord(row);
      }),

    listReviews: (filter) =>
      guard('list reviews', async () => {
        assertCount(filter.limit, 'limit');
        let query = db.selectFrom('reviews').selectAll();
        if (filter.status !== undefined) query = query.where('status', '=', filter.status);
        const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
        return rows.map(toReviewRecord);
      }),

    decideReview: (id, decision) =>
      guard('decide a review', async () => {
        // The status condition makes the decision a compare-and-set: of two reviewers (or two
        // replicas) deciding at once, exactly one moves the row.
        const result = await db
          .updateTable('reviews')
          .set({ status: decision.status, decided_by: decision.by, decided_at: decision.at, note: decision.note })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      }),

    setReviewResponse: (id, responseBody) =>
      guard('store a review response', async () => {
        // Only an approved request is ever served, so only an approved review carries a response.
        const result = await db
          .updateTable('reviews')
          .set({ response_body: responseBody })
          .where('id', '=', id)
          .where('status', '=', 'approved')
          .executeTakeFirst();
        if (result.numUpdatedRows > 0n) return;
        const row = await db.selectFrom('reviews').select('status').where('id', '=', id).executeTakeFirst();
        if (row === undefined) throw new UserError('RAMPART_E_REVIEW_NOT_FOUND', `Review ${id} does not exist.`);
        throw new SystemError('RAMPART_E_INTERNAL', `Review ${id} is ${row.status}; only an approved review has a response.`);
      }),

    appendAudit: (rows, checkpoint) =>
      guard(
        'append to the audit log',
        async () => {
          if (rows.length === 0 && checkpoint === undefined) return;
          assertChained(rows);
          await db.transaction().execute(async (trx) => {
            await appendInTransaction(trx, rows, checkpoint);
          });
        },
        'RAMPART_E_AUDIT_UNAVAILABLE',
      ),

    lastAudit: () =>
      guard('read the audit log', async () => {
        const row = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
        return row === undefined ? undefined : toAuditRow(row);
      }),

    readAudit: (afterSeq, limit) =>
      guard('read the audit log', async () => {
        assertCount(limit, 'limit');
        if (!Number.isSafeInteger(afterSeq)) throw new SystemError('RAMPART_E_INTERNAL', 'afterSeq must be an integer.');
        const rows = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '>', afterSeq)
          .orderBy('seq')
          .limit(limit)
          .execute();
        return rows.map(toAuditRow);
      }),

    listCheckpoints: () =>
      guard('read audit checkpoints', async () => {
        const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
        return rows.map(toCheckpointRow);
      }),

    getMeta: (key) =>
      guard('read metadata', async () => {
        const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
        return row?.value;
      }),

    setMeta: (key, value) =>
      guard('write metadata', async () => {
        await db
          .insertInto('meta')
          .values({ key, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
          .execute();
      }),

    ping: () =>
      guard(`reach the ${options.dialect} database`, async () => {
        await sql`select 1`.execute(db);
      }),

    close: () => {
      // Idempotent: shutdown paths may close twice (signal handler and app teardown).
      closed ??= db.destroy();
      return closed;
    },
  };
}

/**
 * Checks the last stored row, inserts the batch and the checkpoint. Runs inside one transaction,
 * so a refusal or a failure part-way leaves the log as it was. The explicit checks give a clear
 * refusal; the primary key on `seq` is the backstop when two writers race (the second insert
 * fails on the duplicate and its whole transaction rolls back).
 */
async function appendInTransaction(
  trx: Transaction<Database>,
  rows: readonly AuditRow[],
  checkpoint: AuditCheckpointRow | undefined,
): Promise<void> {
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const lastSeq = last === undefined ? 0 : toSeq(last.seq, 'audit_log.seq');
  const first = rows[0];
  if (first !== undefined) {
    if (first.seq !== lastSeq + 1) {
      throw auditRefusal(`row seq ${first.seq} does not continue the log (last seq ${lastSeq})`);
    }
    if (last !== undefined && first.prevHash !== last.hash) {
      throw auditRefusal(`row seq ${first.seq} does not chain to the hash of seq ${lastSeq}`);
    }
  }
  for (let start = 0; start < rows.length; start += AUDIT_INSERT_CHUNK) {
    const chunk = rows.slice(start, start + AUDIT_INSERT_CHUNK);
    await trx
      .insertInto('audit_log')
      .values(chunk.map((r) => ({ seq: r.seq, prev_hash: r.prevHash, hash: r.hash, body: r.body })))
      .execute();
  }
  if (checkpoint === undefined) return;
  // A checkpoint signs a head that must exist with exactly that hash; anything else would be a
  // signed statement about a chain we do not hold.
  const head = await trx.selectFrom('audit_log').select('hash').where('seq', '=', checkpoint.seq).executeTakeFirst();
  if (head === undefined || head.hash !== checkpoint.headHash) {
    throw auditRefusal(`checkpoint at seq ${checkpoint.seq} does not match the log`);
  }
  await trx
    .insertInto('audit_checkpoints')
    .values({
      seq: checkpoint.seq,
      head_hash: checkpoint.headHash,
      signed_at: checkpoint.signedAt,
      key_id: checkpoint.keyId,
      signature: checkpoint.signature,
    })
    .execute();
}

/** Rows of one batch must be consecutive and each must chain to the one before. */
export function assertChained(rows: readonly AuditRow[]): void {
  let previous: AuditRow | undefined;
  for (const row of rows) {
    if (!Number.isSafeInteger(row.seq) || row.seq < 1) throw auditRefusal(`row seq ${row.seq} is not a positive integer`);
    if (previous !== undefined) {
      if (row.seq !== previous.seq + 1) throw auditRefusal(`row seq ${row.seq} does not follow seq ${previous.seq}`);
      if (row.prevHash !== previous.hash) throw auditRefusal(`row seq ${row.seq} does not chain to seq ${previous.seq}`);
    }
    previous = row;
  }
}

export function auditRefusal(reason: string): SystemError {
  return new SystemError('RAMPART_E_AUDIT_UNAVAILABLE', `Audit append refused: ${reason}.`);
}

async function guard<T>(
  operation: string,
  run: () => Promise<T>,
  code: ErrorCode = 'RAMPART_E_STORE_UNAVAILABLE',
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RampartError) throw error;
    throw new SystemError(code, `The store failed to ${operation}.`, { cause: error });
  }
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SystemError('RAMPART_E_INTERNAL', `${name} must be a non-negative integer, got ${value}.`);
  }
}

function fromKeyRecord(key: ApiKeyRecord): ApiKeysTable {
  return {
    id: key.id,
    name: key.name,
    tier: key.tier,
    scopes: JSON.stringify(key.scopes),
    organization: key.organization,
    model_allow_list: key.modelAllowList === null ? null : JSON.stringify(key.modelAllowList),
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
    created_at: key.createdAt,
    hold_for_review: key.holdForReview ? 1 : 0,
    shadow: key.shadow ? 1 : 0,
    salt: key.salt,
    secret_hash: key.secretHash,
  };
}

/** Rows are validated on the way out: a corrupt tier or scope must not grant anything. */
function toKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    tier: oneOf<Tier>(row.tier, TIERS, 'api_keys.tier'),
    scopes: parseStringArray(row.scopes, 'api_keys.scopes').map((s) => oneOf<Scope>(s, SCOPES, 'api_keys.scopes')),
    organization: row.organization,
    modelAllowList: row.model_allow_list === null ? null : parseStringArray(row.model_allow_list, 'api_keys.model_allow_list'),
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    holdForReview: Number(row.hold_for_review) === 1,
    shadow: Number(row.shadow) === 1,
    salt: row.salt,
    secretHash: row.secret_hash,
  };
}

function fromReviewRecord(review: ReviewRecord): ReviewsTable {
  return {
    id: review.id,
    request_id: review.requestId,
    key_id: review.keyId,
    model: review.model,
    created_at: review.createdAt,
    status: review.status,
    reasons: JSON.stringify(review.reasons),
    request_body: review.requestBody,
    decided_by: review.decidedBy,
    decided_at: review.decidedAt,
    note: review.note,
    response_body: review.responseBody,
  };
}

function toReviewRecord(row: Selectable<ReviewsTable>): ReviewRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    keyId: row.key_id,
    model: row.model,
    createdAt: row.created_at,
    status: oneOf<ReviewStatus>(row.status, REVIEW_STATUSES, 'reviews.status'),
    reasons: parseStringArray(row.reasons, 'reviews.reasons'),
    requestBody: row.request_body,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    note: row.note,
    responseBody: row.response_body,
  };
}

function toAuditRow(row: Selectable<AuditLogTable>): AuditRow {
  return { seq: toSeq(row.seq, 'audit_log.seq'), prevHash: row.prev_hash, hash: row.hash, body: row.body };
}

function toCheckpointRow(row: Selectable<AuditCheckpointsTable>): AuditCheckpointRow {
  return {
    seq: toSeq(row.seq, 'audit_checkpoints.seq'),
    headHash: row.head_hash,
    signedAt: row.signed_at,
    keyId: row.key_id,
    signature: row.signature,
  };
}

/** node-postgres returns BIGINT as a string; a sequence number beyond 2^53 would be corrupt. */
function toSeq(value: number | string, column: string): number {
  const seq = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(seq)) throw corrupt(column);
  return seq;
}

function parseStringArray(text: string, column: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(column, error);
  }
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) throw corrupt(column);
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], column: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw corrupt(column);
  return value as T;
}

function corrupt(column: string, cause?: unknown): SystemError {
  return new SystemError('RAMPART_E_INTERNAL', `The store holds a corrupt value in ${column}.`, { cause });
}
