import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AuditCheckpointRow, AuditRow } from '../contracts/store.js';
import { UserError } from '../errors/rampart-error.js';
import { auditKeyId, verifyCheckpointSignature } from './checkpoint.js';
import { GENESIS_HASH, unsafeChainHash } from './hash-chain.js';

/** What the verifier reads: the read half of `AuditStore`. */
export interface AuditLogSource {
  /** Rows in ascending `seq` order, starting after `afterSeq`. */
  readAudit(afterSeq: number, limit: number): Promise<AuditRow[]>;
  listCheckpoints(): Promise<AuditCheckpointRow[]>;
}

export type AuditProblemKind =
  | 'modified'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'bad_link'
  | 'bad_checkpoint_signature'
  | 'checkpoint_mismatch'
  | 'truncated'
  | 'unknown_key';

export interface AuditProblem {
  /** The stored seq of the first row the problem concerns (for checkpoint kinds: the checkpoint's seq). */
  readonly seq: number;
  readonly kind: AuditProblemKind;
  readonly message: string;
}

export interface AuditVerifyReport {
  /** No problem found. Rows after `checkpointedSeq` are only as trustworthy as the store, see below. */
  readonly ok: boolean;
  /** Rows read. */
  readonly rows: number;
  /** Checkpoints listed by the store (valid or not). */
  readonly checkpoints: number;
  /**
   * The highest seq covered by a checkpoint that is validly signed by a trusted key and matches
   * the chain (0 when none). Rows after it are protected by the hash chain only: someone who can
   * write to the store can rewrite them and recompute their hashes without detection.
   */
  readonly checkpointedSeq: number;
  /** Seq and hash of the last row (0 and {@link GENESIS_HASH} for an empty log). */
  readonly headSeq: number;
  readonly headHash: string;
  /** Ordered by seq: the first names the first bad record. */
  readonly problems: readonly AuditProblem[];
}

export interface VerifyAuditOptions {
  /** Rows per `readAudit` call (default 1000). Memory stays bounded by this, not the log size. */
  readonly pageSize?: number;
  /** Stop recording problems after this many (default 1000); the walk itself still completes. */
  readonly maxProblems?: number;
}

/** A row once placed in the chain: its true position and the hash(es) its successor may link to. */
interface ChainRecord {
  /** Position in the chain the row's hash proves (may differ from the stored seq after renumbering). */
  readonly seq: number;
  readonly hash: string;
  /** The recomputed hash of a row whose stored hash was wrong: its successor still links to the original. */
  readonly alt?: string;
  /** The seq the row is stored under. */
  readonly stored: number;
}

interface MutableProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

/** How far ahead a row that fits nowhere is searched for (a swap or a renumbered deletion). */
const SEARCH_AHEAD = 8;
/** Recently placed hashes remembered for spotting moved and repeated rows. */
const RECENT_LIMIT = 4096;
/** Open gaps remembered so a row found later can turn a deletion into a reordering. */
const GAP_LIMIT = 256;
const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Verifies a hash-chained audit log and its signed checkpoints, streaming the rows page by page.
 *
 * What it detects, and what it cannot:
 * - A row whose body or hash was changed (`modified`), a missing row (`deleted`), a forged row
 *   slipped in (`inserted`), rows swapped or moved (`reordered`), a row that does not link to its
 *   predecessor (`bad_link`): each breaks the hash chain where it happened.
 * - Rows rewritten *with every later hash recomputed* leave a consistent chain; only a signed
 *   checkpoint at or after the change reveals it (`checkpoint_mismatch`, reported at the
 *   checkpoint's seq, because the chain cannot say which of the rows since the previous matching
 *   checkpoint were changed).
 * - A signed checkpoint beyond the last row proves rows were cut off the end (`truncated`).
 * - A checkpoint that does not verify (`bad_checkpoint_signature`) or names a key that is not
 *   trusted (`unknown_key`) is ignored as evidence and reported.
 * - Rows after the last checkpoint are protected by the chain only: a tail rewritten (or cut)
 *   after the last checkpoint is caught only once the next checkpoint exists. The gateway writes
 *   a checkpoint at shutdown, which narrows that window to a crash; `checkpointedSeq` in the
 *   report says where signed coverage ends. Deleting checkpoints themselves cannot be detected
 *   from the log alone; keep copies of checkpoints elsewhere to close that gap.
 *
 * Problem kinds for chain breaks are a best reading of the evidence (a swap and a deletion can
 * look alike for a few rows); what is certain is that any break is reported, at the first row
 * where it shows.
 *
 * @example
 * const report = await verifyAuditLog(store, publicKey);
 * if (!report.ok) console.error(report.problems[0]);
 */
export async function verifyAuditLog(
  source: AuditLogSource,
  publicKey: KeyObject | readonly KeyObject[],
  options: VerifyAuditOptions = {},
): Promise<AuditVerifyReport> {
  const pageSize = options.pageSize ?? 1000;
  const maxProblems = options.maxProblems ?? 1000;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new TypeError('verifyAuditLog: pageSize must be a positive integer');
  const keys = trustedKeys(publicKey);

  const checkpointRows = await source.listCheckpoints();
  const checkpointProblems: MutableProblem[] = [];
  const pendingCheckpoints = new Map<number, AuditCheckpointRow[]>();
  for (const checkpoint of checkpointRows) {
    const problem = checkCheckpoint(checkpoint, keys);
    if (problem !== undefined) {
      if (checkpointProblems.length < maxProblems) checkpointProblems.push(problem);
      continue;
    }
    const atSeq = pendingCheckpoints.get(checkpoint.seq);
    if (atSeq === undefined) pendingCheckpoints.set(checkpoint.seq, [checkpoint]);
    else atSeq.push(checkpoint);
  }

  const walk = createChainWalk(pendingCheckpoints, maxProblems);
  let after = 0;
  for (;;) {
    const page = await source.readAudit(after, pageSize);
    if (page.length === 0) break;
    let pageLast = after;
    for (const row of page) {
      walk.row(row);
      if (Number.isSafeInteger(row.seq) && row.seq > pageLast) pageLast = row.seq;
    }
    // A store that answers with rows at or before the cursor would make this loop forever.
    if (pageLast <= after) break;
    after = pageLast;
    if (page.length < pageSize) break;
  }
  const result = walk.finish();

  const problems = [...result.problems, ...checkpointProblems].sort((a, b) => a.seq - b.seq).slice(0, maxProblems);
  return {
    ok: problems.length === 0,
    rows: result.rows,
    checkpoints: checkpointRows.length,
    checkpointedSeq: result.checkpointedSeq,
    headSeq: result.headSeq,
    headHash: result.headHash,
    problems,
  };
}

function trustedKeys(publicKey: KeyObject | readonly KeyObject[]): Map<string, KeyObject> {
  const list: readonly KeyObject[] = Array.isArray(publicKey) ? publicKey : [publicKey as KeyObject];
  const keys = new Map<string, KeyObject>();
  for (const key of list) {
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new UserError('RAMPART_E_CONFIG_INVALID', `An audit verification key must be an Ed25519 public key, not ${key.asymmetricKeyType ?? key.type}.`);
    }
    const pub = key.type === 'private' ? createPublicKey(key) : key;
    keys.set(auditKeyId(pub), pub);
  }
  return keys;
}

function checkCheckpoint(checkpoint: AuditCheckpointRow, keys: Map<string, KeyObject>): MutableProblem | undefined {
  const seq = Number.isSafeInteger(checkpoint.seq) ? checkpoint.seq : 0;
  if (seq < 1 || typeof checkpoint.headHash !== 'string' || !HEX_HASH.test(checkpoint.headHash) || typeof checkpoint.keyId !== 'string') {
    return { seq, kind: 'bad_checkpoint_signature', message: `Checkpoint at seq ${String(checkpoint.seq)} is malformed.` };
  }
  const key = keys.get(checkpoint.keyId);
  if (key === undefined) {
    return { seq, kind: 'unknown_key', message: `Checkpoint at seq ${seq} names key ${checkpoint.keyId}, which is not a trusted audit key.` };
  }
  if (!verifyCheckpointSignature(key, checkpoint)) {
    return {
      seq,
      kind: 'bad_checkpoint_signature',
      message: `Checkpoint at seq ${seq} does not carry a valid signature by key ${checkpoint.keyId}: it was forged or altered.`,
    };
  }
  return undefined;
}

/**
 * The streaming state machine. Each row is placed at the chain position its hash proves, which
 * tells a changed row (fits nowhere) from a moved one (fits elsewhere) from a missing one (the
 * next row fits further on), without ever holding more than a bounded window of the log.
 */
function createChainWalk(pendingCheckpoints: Map<number, AuditCheckpointRow[]>, maxProblems: number) {
  const problems: MutableProblem[] = [];
  const recent = new Map<string, number>();
  const gaps: Array<{ from: number; to: number; problem: MutableProblem | undefined }> = [];
  let base: ChainRecord = { seq: 0, hash: GENESIS_HASH, stored: 0 };
  /** A second row claiming base's position; the next row's link decides which is the original. */
  let contender: ChainRecord | undefined;
  /** stored seq − chain position of the last clean row; undefined right after a problem. */
  let prevShift: number | undefined = 0;
  let lastStored = 0;
  let headHash = GENESIS_HASH;
  let rows = 0;
  let maxPlaced = 0;
  let checkpointedSeq = 0;

  function add(seq: number, kind: AuditProblemKind, message: string): MutableProblem | undefined {
    if (problems.length >= maxProblems) return undefined;
    const problem = { seq, kind, message };
    problems.push(problem);
    return problem;
  }

  function remember(hash: string, seq: number): void {
    recent.delete(hash);
    recent.set(hash, seq);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
  }

  /** Compares the signed checkpoints at `record.seq` with the record, once it is final. */
  function settle(record: ChainRecord): void {
    const checkpoints = pendingCheckpoints.get(record.seq);
    if (checkpoints === undefined) return;
    pendingCheckpoints.delete(record.seq);
    for (const checkpoint of checkpoints) {
      if (checkpoint.headHash === record.hash || checkpoint.headHash === record.alt) {
        checkpointedSeq = Math.max(checkpointedSeq, record.seq);
        continue;
      }
      add(
        record.seq,
        'checkpoint_mismatch',
        `The chain hash at seq ${record.seq} differs from the head hash signed at ${checkpoint.signedAt} by key ${checkpoint.keyId}: ` +
          `rows after seq ${checkpointedSeq} (the last matching checkpoint) were rewritten with recomputed hashes, or the log forked.`,
      );
    }
  }

  function place(record: ChainRecord): void {
    if (record.seq > base.seq) settle(base);
    base = record;
    remember(record.hash, record.seq);
    if (record.alt !== undefined) remember(record.alt, record.seq);
    maxPlaced = Math.max(maxPlaced, record.seq);
  }

  function resolveContender(next: AuditRow | undefined): void {
    if (contender === undefined) return;
    const rival = contender;
    contender = undefined;
    const followsRival = next !== undefined && next.prevHash === rival.hash;
    const followsBase = next !== undefined && (next.prevHash === base.hash || next.prevHash === base.alt);
    if (followsRival && !followsBase) {
      add(
        base.stored,
        'inserted',
        `Row ${base.stored} is not part of the chain: row ${rival.stored} holds record ${rival.seq} and the chain continues from it.`,
      );
      base = rival;
      remember(rival.hash, rival.seq);
    } else {
      // With nothing to tell them apart, blame the earlier row: a forger who inserts a row and
      // renumbers the rest puts the forgery first.
      const [forged, kept] = followsBase ? [rival, base] : [base, rival];
      add(forged.stored, 'inserted', `Rows ${base.stored} and ${rival.stored} both claim position ${rival.seq} in the chain; row ${forged.stored} was inserted.`);
      if (kept === rival) base = rival;
    }
  }

  function row(r: AuditRow): void {
    rows += 1;
    resolveContender(r);
    if (!Number.isSafeInteger(r.seq) || r.seq < 1 || typeof r.prevHash !== 'string' || typeof r.hash !== 'string' || typeof r.body !== 'string') {
      add(lastStored + 1, 'modified', `The row after seq ${lastStored} is malformed (seq ${String(r.seq)}).`);
      place({ seq: base.seq + 1, hash: String(r.hash), stored: lastStored + 1 });
      prevShift = undefined;
      return;
    }
    if (r.seq >= lastStored) {
      lastStored = r.seq;
      headHash = r.hash;
    }

    const t = base.seq + 1;
    const linked = r.prevHash === base.hash || (base.alt !== undefined && r.prevHash === base.alt);
    const trueSeq = locate(r, t, linked);

    if (trueSeq === undefined) {
      add(
        r.seq,
        'modified',
        linked
          ? `Row ${r.seq} does not match its hash: its body or hash was changed.`
          : `Row ${r.seq} does not match its hash and does not link to row ${base.stored}: it was changed or forged.`,
      );
      place({ seq: t, hash: r.hash, alt: unsafeChainHash(t, r.prevHash, r.body), stored: r.seq });
      prevShift = undefined;
      return;
    }

    if (trueSeq === t) {
      if (!linked) {
        add(r.seq, 'bad_link', `Row ${r.seq} does not link to row ${base.stored}: one of the two was rewritten with a recomputed hash.`);
        prevShift = undefined;
      } else {
        const shift = r.seq - t;
        if (prevShift !== undefined && shift !== prevShift) {
          add(r.seq, 'modified', `Row stored at seq ${r.seq} is record ${t} of the chain: its seq was changed.`);
        }
        prevShift = shift;
      }
      place({ seq: t, hash: r.hash, stored: r.seq });
      return;
    }

    prevShift = undefined;
    if (trueSeq > t) {
      const from = base.stored + 1;
      const problem = add(
        from,
        'deleted',
        trueSeq === t + 1
          ? `Record ${t} is missing: row ${r.seq} links to a row that is not in the log.`
          : `Records ${t}–${trueSeq - 1} are missing: row ${r.seq} links to a row that is not in the log.`,
      );
      gaps.push({ from: t, to: trueSeq - 1, problem });
      if (gaps.length > GAP_LIMIT) gaps.shift();
      place({ seq: trueSeq, hash: r.hash, stored: r.seq });
      return;
    }

    // trueSeq < t: a record whose position is already behind us.
    const gapIndex = gaps.findIndex((g) => trueSeq >= g.from && trueSeq <= g.to);
    if (gapIndex >= 0) {
      const gap = gaps[gapIndex]!;
      if (gap.problem !== undefined) {
        gap.problem.kind = 'reordered';
        gap.problem.message = `Record ${trueSeq} is stored out of order, at seq ${r.seq}: rows were swapped or moved.`;
      }
      if (gap.from === gap.to) gaps.splice(gapIndex, 1);
      else if (trueSeq === gap.from) gap.from += 1;
      else if (trueSeq === gap.to) gap.to -= 1;
      const record = { seq: trueSeq, hash: r.hash, stored: r.seq };
      remember(record.hash, record.seq);
      settle(record);
      return;
    }
    if (trueSeq === base.seq && r.hash !== base.hash) {
      contender = { seq: trueSeq, hash: r.hash, stored: r.seq };
      return;
    }
    add(r.seq, 'inserted', `Row ${r.seq} repeats record ${trueSeq} of the chain.`);
  }

  /** The chain position whose hash `r` matches, trying the likely ones first. */
  function locate(r: AuditRow, t: number, linked: boolean): number | undefined {
    const tried = new Set<number>();
    const fits = (seq: number): boolean => {
      if (seq < 1 || tried.has(seq)) return false;
      tried.add(seq);
      return unsafeChainHash(seq, r.prevHash, r.body) === r.hash;
    };
    if (fits(r.seq)) return r.seq;
    if (linked && fits(t)) return t;
    const before = recent.get(r.prevHash);
    if (before !== undefined && fits(before + 1)) return before + 1;
    for (let seq = t + 1; seq <= t + SEARCH_AHEAD; seq++) if (fits(seq)) return seq;
    return undefined;
  }

  function finish() {
    resolveContender(undefined);
    settle(base);
    let beyond: AuditCheckpointRow | undefined;
    for (const [seq, checkpoints] of pendingCheckpoints) {
      // Checkpoints inside a reported gap have no row to compare with; the gap is the finding.
      if (seq > maxPlaced && (beyond === undefined || seq > beyond.seq)) beyond = checkpoints[0];
    }
    if (beyond !== undefined) {
      add(
        lastStored + 1,
        'truncated',
        `The log ends at seq ${lastStored}, but a checkpoint signed at ${beyond.signedAt} covers seq ${beyond.seq}: rows were removed from the end.`,
      );
    }
    return { problems, rows, checkpointedSeq, headSeq: lastStored, headHash };
  }

  return { row, finish };
}
