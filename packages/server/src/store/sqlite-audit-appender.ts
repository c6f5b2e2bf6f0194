import type BetterSqlite3 from 'better-sqlite3';
import { RampartError, SystemError, type AuditCheckpointRow, type AuditRow } from '@rampart/core';
import { assertChained, auditRefusal } from './kysely-store.js';

/**
 * `appendAudit` for SQLite on prepared statements inside one synchronous better-sqlite3
 * transaction. The audit append sits on every request's path (the decision is committed before
 * the answer), and going through Kysely cost ~0.4 ms per commit in query compilation and async
 * hops; this is ~30 µs. Same checks as the portable implementation: rows continue and chain to
 * the stored head, and a checkpoint signs a row that exists with exactly that hash.
 * Being synchronous, the transaction cannot interleave with any other statement of this process.
 */
export function createSqliteAuditAppender(database: BetterSqlite3.Database) {
  const last = database.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insertRow = database.prepare<[number, string, string, string]>('INSERT INTO audit_log (seq, prev_hash, hash, body) VALUES (?, ?, ?, ?)');
  const hashAt = database.prepare<[number], { hash: string }>('SELECT hash FROM audit_log WHERE seq = ?');
  const insertCheckpoint = database.prepare<[number, string, string, string, string]>(
    'INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?)',
  );
  const append = database.transaction((rows: readonly AuditRow[], checkpoint: AuditCheckpointRow | undefined) => {
    const head = last.get();
    const first = rows[0];
    if (first !== undefined) {
      const lastSeq = head?.seq ?? 0;
      if (first.seq !== lastSeq + 1) throw auditRefusal(`row seq ${first.seq} does not continue the log (last seq ${lastSeq})`);
      if (head !== undefined && first.prevHash !== head.hash) throw auditRefusal(`row seq ${first.seq} does not chain to the hash of seq ${lastSeq}`);
    }
    for (const row of rows) insertRow.run(row.seq, row.prevHash, row.hash, row.body);
    if (checkpoint === undefined) return;
    if (hashAt.get(checkpoint.seq)?.hash !== checkpoint.headHash) throw auditRefusal(`checkpoint at seq ${checkpoint.seq} does not match the log`);
    insertCheckpoint.run(checkpoint.seq, checkpoint.headHash, checkpoint.signedAt, checkpoint.keyId, checkpoint.signature);
  });

  return async function appendAudit(rows: readonly AuditRow[], checkpoint: AuditCheckpointRow | undefined): Promise<void> {
    if (rows.length === 0 && checkpoint === undefined) return;
    try {
      assertChained(rows);
      append(rows, checkpoint);
    } catch (error) {
      if (error instanceof RampartError) throw error;
      throw new SystemError('RAMPART_E_AUDIT_UNAVAILABLE', 'The store failed to append to the audit log.', { cause: error });
    }
  };
}
