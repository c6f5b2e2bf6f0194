import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditCheckpointRow, AuditRow } from '../contracts/store.js';
import { RampartError } from '../errors/rampart-error.js';
import { canonicalJson } from './canonical-json.js';
import { auditKeyId, signCheckpoint } from './checkpoint.js';
import { GENESIS_HASH, buildAuditRows, chainHash } from './hash-chain.js';
import { verifyAuditLog, type AuditLogSource } from './verify.js';

const key = generateKeyPairSync('ed25519');
const attacker = generateKeyPairSync('ed25519');
const signedAt = '2025-01-01T00:00:00.000Z';

interface Log {
  rows: AuditRow[];
  checkpoints: AuditCheckpointRow[];
}

function body(n: number, extra = ''): string {
  return canonicalJson({ type: 'decision', time: signedAt, requestId: `req-${n}`, action: 'allow', note: extra || undefined });
}

/** A log of `count` rows with checkpoints signed at `at`. */
function makeLog(count: number, at: readonly number[] = [10, 20, 30]): Log {
  const rows = buildAuditRows(undefined, Array.from({ length: count }, (_, i) => body(i + 1)));
  const checkpoints = at.map((seq) => signCheckpoint(key.privateKey, { seq, headHash: rows[seq - 1]!.hash }, signedAt));
  return { rows, checkpoints };
}

/** Serves a log like a SQL store: ascending seq, paged, copies out. Records every call. */
function source(log: Log, calls: Array<{ afterSeq: number; limit: number }> = []): AuditLogSource {
  return {
    async readAudit(afterSeq, limit) {
      calls.push({ afterSeq, limit });
      return log.rows
        .filter((r) => r.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit)
        .map((r) => ({ ...r }));
    },
    async listCheckpoints() {
      return log.checkpoints.map((c) => ({ ...c }));
    },
  };
}

const verify = (log: Log) => verifyAuditLog(source(log), key.publicKey, { pageSize: 4 });

/** Re-chains rows from index `from` on, as an attacker with the algorithm would. */
function recompute(rows: AuditRow[], from: number): void {
  for (let i = from; i < rows.length; i++) {
    const prevHash = i === 0 ? GENESIS_HASH : rows[i - 1]!.hash;
    const row = rows[i]!;
    rows[i] = { ...row, prevHash, hash: chainHash(row.seq, prevHash, row.body) };
  }
}

const at = (log: Log, seq: number): number => log.rows.findIndex((r) => r.seq === seq);

describe('verifyAuditLog on an intact log', () => {
  it('reports ok with the head and the signed coverage', async () => {
    const log = makeLog(30);
    const report = await verify(log);
    expect(report).toEqual({
      ok: true,
      rows: 30,
      checkpoints: 3,
      checkpointedSeq: 30,
      headSeq: 30,
      headHash: log.rows[29]!.hash,
      problems: [],
    });
  });

  it('reports an empty log as ok at the genesis hash', async () => {
    const report = await verify({ rows: [], checkpoints: [] });
    expect(report).toMatchObject({ ok: true, rows: 0, headSeq: 0, headHash: GENESIS_HASH, checkpointedSeq: 0 });
  });

  it('streams the rows in pages instead of loading the log', async () => {
    const calls: Array<{ afterSeq: number; limit: number }> = [];
    await verifyAuditLog(source(makeLog(30), calls), key.publicKey, { pageSize: 7 });
    expect(calls.every((c) => c.limit === 7)).toBe(true);
    expect(calls.map((c) => c.afterSeq)).toEqual([0, 7, 14, 21, 28]);
  });

  it('accepts checkpoints from several trusted keys (key rotation)', async () => {
    const next = generateKeyPairSync('ed25519');
    const log = makeLog(30, [10]);
    log.checkpoints.push(signCheckpoint(next.privateKey, { seq: 20, headHash: log.rows[19]!.hash }, signedAt));
    expect((await verifyAuditLog(source(log), [key.publicKey, next.publicKey])).ok).toBe(true);
    const onlyNew = await verifyAuditLog(source(log), next.publicKey);
    expect(onlyNew.problems).toEqual([expect.objectContaining({ seq: 10, kind: 'unknown_key' })]);
  });

  it('refuses a verification key that is not Ed25519', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await expect(verifyAuditLog(source(makeLog(3, [])), rsa.publicKey)).rejects.toThrow(RampartError);
  });
});

describe('verifyAuditLog catches tampering at the first bad record', () => {
  it('a modified body', async () => {
    const log = makeLog(30);
    const i = at(log, 12);
    log.rows[i] = { ...log.rows[i]!, body: body(12, 'edited') };
    const report = await verify(log);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 12, kind: 'modified' })]);
  });

  it('a modified hash', async () => {
    const log = makeLog(30);
    const i = at(log, 12);
    log.rows[i] = { ...log.rows[i]!, hash: 'f'.repeat(64) };
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 12, kind: 'modified' })]);
  });

  it('a modified body at a checkpointed seq', async () => {
    const log = makeLog(30);
    const i = at(log, 20);
    log.rows[i] = { ...log.rows[i]!, body: body(20, 'edited') };
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 20, kind: 'modified' })]);
  });

  it('a deleted middle row', async () => {
    const log = makeLog(30);
    log.rows.splice(at(log, 12), 1);
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 12, kind: 'deleted' })]);
  });

  it('deleted middle rows with the later rows renumbered', async () => {
    const log = makeLog(30);
    log.rows.splice(at(log, 12), 1);
    log.rows = log.rows.map((r) => (r.seq > 12 ? { ...r, seq: r.seq - 1 } : r));
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 12, kind: 'deleted' })]);
  });

  it('the first row deleted', async () => {
    const log = makeLog(30);
    log.rows.shift();
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 1, kind: 'deleted' })]);
  });

  it('the last rows deleted past a checkpoint (truncation)', async () => {
    const log = makeLog(30);
    log.rows = log.rows.filter((r) => r.seq < 18);
    const report = await verify(log);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 18, kind: 'truncated' })]);
    expect(report).toMatchObject({ headSeq: 17, checkpointedSeq: 10 });
  });

  it('two rows swapped', async () => {
    const log = makeLog(30);
    const [a, b] = [at(log, 12), at(log, 13)];
    const [rowA, rowB] = [log.rows[a]!, log.rows[b]!];
    // A SQL store orders by seq, so a swap exchanges the contents under the two seqs.
    log.rows[a] = { ...rowB, seq: 12 };
    log.rows[b] = { ...rowA, seq: 13 };
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 12, kind: 'reordered' })]);
  });

  it('a row moved three places down', async () => {
    const log = makeLog(30);
    const moved = log.rows.splice(at(log, 12), 1)[0]!;
    log.rows.splice(at(log, 15) + 1, 0, moved);
    log.rows = log.rows.map((r, i) => ({ ...r, seq: i + 1 }));
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 12, kind: 'reordered' })]);
  });

  it('a forged row inserted (chained and hashed correctly, later rows renumbered)', async () => {
    const log = makeLog(30);
    const prev = log.rows[at(log, 11)]!;
    const forgedBody = body(999, 'forged');
    const forged = { seq: 12, prevHash: prev.hash, hash: chainHash(12, prev.hash, forgedBody), body: forgedBody };
    log.rows = [...log.rows.filter((r) => r.seq < 12), forged, ...log.rows.filter((r) => r.seq >= 12).map((r) => ({ ...r, seq: r.seq + 1 }))];
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 12, kind: 'inserted' })]);
  });

  it('a repeated row', async () => {
    const log = makeLog(30);
    const copy = log.rows[at(log, 12)]!;
    log.rows = [...log.rows.filter((r) => r.seq <= 12), { ...copy, seq: 13 }, ...log.rows.filter((r) => r.seq > 12).map((r) => ({ ...r, seq: r.seq + 1 }))];
    const report = await verify(log);
    expect(report.problems[0]).toMatchObject({ kind: 'inserted' });
    expect(report.problems[0]!.seq).toBeGreaterThanOrEqual(12);
    expect(report.problems[0]!.seq).toBeLessThanOrEqual(13);
  });

  it('a row rewritten with every later hash recomputed (caught by the next checkpoint)', async () => {
    const log = makeLog(30);
    const i = at(log, 12);
    log.rows[i] = { ...log.rows[i]!, body: body(12, 'rewritten') };
    recompute(log.rows, i);
    const report = await verify(log);
    expect(report.problems[0]).toMatchObject({ seq: 20, kind: 'checkpoint_mismatch' });
    expect(report.problems[0]!.message).toContain('after seq 10');
    expect(report.checkpointedSeq).toBe(10);
  });

  it('a rewritten chain whose checkpoints were re-signed with another key', async () => {
    const log = makeLog(30);
    const i = at(log, 12);
    log.rows[i] = { ...log.rows[i]!, body: body(12, 'rewritten') };
    recompute(log.rows, i);
    log.checkpoints = log.checkpoints.map((c) => (c.seq < 12 ? c : signCheckpoint(attacker.privateKey, { seq: c.seq, headHash: log.rows[c.seq - 1]!.hash }, signedAt)));
    const report = await verify(log);
    expect(report.problems.map((p) => [p.seq, p.kind])).toEqual([
      [20, 'unknown_key'],
      [30, 'unknown_key'],
    ]);
    expect(report.checkpointedSeq).toBe(10);
  });

  it('a forged checkpoint signature (another key, claiming the real key id)', async () => {
    const log = makeLog(30);
    const real = log.checkpoints[1]!;
    const forged = signCheckpoint(attacker.privateKey, { seq: real.seq, headHash: real.headHash }, signedAt);
    log.checkpoints[1] = { ...forged, keyId: auditKeyId(key.publicKey) };
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 20, kind: 'bad_checkpoint_signature' })]);
  });

  it('a checkpoint head hash altered', async () => {
    const log = makeLog(30);
    log.checkpoints[1] = { ...log.checkpoints[1]!, headHash: log.rows[18]!.hash };
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 20, kind: 'bad_checkpoint_signature' })]);
  });

  it('a forged checkpoint beyond the end is a bad checkpoint, not a truncation', async () => {
    const log = makeLog(30);
    log.checkpoints.push(signCheckpoint(attacker.privateKey, { seq: 40, headHash: 'a'.repeat(64) }, signedAt));
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 40, kind: 'unknown_key' })]);
  });

  it('a seq changed on otherwise intact rows', async () => {
    const log = makeLog(30);
    log.rows = log.rows.map((r) => (r.seq >= 12 ? { ...r, seq: r.seq + 1 } : r));
    expect((await verify(log)).problems).toEqual([expect.objectContaining({ seq: 13, kind: 'modified' })]);
  });

  it('orders several problems by seq so the first names the first bad record', async () => {
    const log = makeLog(30);
    const i = at(log, 25);
    log.rows[i] = { ...log.rows[i]!, body: body(25, 'edited') };
    log.rows.splice(at(log, 12), 1);
    log.checkpoints[0] = { ...log.checkpoints[0]!, signature: log.checkpoints[1]!.signature };
    const report = await verify(log);
    expect(report.problems.map((p) => [p.seq, p.kind])).toEqual([
      [10, 'bad_checkpoint_signature'],
      [12, 'deleted'],
      [25, 'modified'],
    ]);
  });

  it('garbage rows are reported without throwing', async () => {
    const log = makeLog(5, []);
    log.rows[2] = { seq: 3, prevHash: 'x', hash: 'y', body: '{}' };
    log.rows[3] = { ...log.rows[3]!, body: 42 as unknown as string };
    const report = await verify(log);
    expect(report.problems[0]).toMatchObject({ seq: 3, kind: 'modified' });
  });
});

describe('verifyAuditLog limits (documented, not bugs)', () => {
  it('cannot see a tail cut or rewritten after the last checkpoint', async () => {
    const log = makeLog(30, [10, 20]);
    log.rows = log.rows.filter((r) => r.seq <= 25);
    const i = at(log, 23);
    log.rows[i] = { ...log.rows[i]!, body: body(23, 'rewritten') };
    recompute(log.rows, i);
    const report = await verify(log);
    expect(report.ok).toBe(true);
    // …but says where signed coverage ends, so a caller can flag the unanchored tail.
    expect(report.checkpointedSeq).toBe(20);
    expect(report.headSeq).toBe(25);
  });
});
