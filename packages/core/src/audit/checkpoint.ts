import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditCheckpointRow } from '../contracts/store.js';
import { canonicalJson } from './canonical-json.js';

/** What a checkpoint signature covers (all fields but the signature itself). */
export interface CheckpointFields {
  readonly seq: number;
  readonly headHash: string;
  readonly signedAt: string;
  readonly keyId: string;
}

/**
 * The exact bytes an audit checkpoint signs: canonical JSON of
 * `{ v: 1, type: 'rampart-audit-checkpoint', seq, headHash, signedAt, keyId }`.
 *
 * The `type` field keeps a checkpoint signature from being valid for any other statement the same
 * key might sign, and `keyId` binds the statement to the key so a signature cannot be relabelled.
 *
 * @example
 * checkpointStatement({ seq: 1000, headHash, signedAt: '2025-01-01T00:00:00.000Z', keyId })
 */
export function checkpointStatement(fields: CheckpointFields): string {
  return canonicalJson({
    v: 1,
    type: 'rampart-audit-checkpoint',
    seq: fields.seq,
    headHash: fields.headHash,
    signedAt: fields.signedAt,
    keyId: fields.keyId,
  });
}

/**
 * A short, stable name for an audit signing key: the first 16 hex characters of the SHA-256 of
 * its public key in SPKI DER form. Accepts the private key too (its public half is derived).
 *
 * @example
 * auditKeyId(publicKey) // 'a3f19c0b7d22e841'
 */
export function auditKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/**
 * Signs the chain head `head.seq`/`head.headHash` with an Ed25519 private key.
 *
 * @example
 * const checkpoint = signCheckpoint(privateKey, { seq: last.seq, headHash: last.hash }, new Date().toISOString());
 * await store.appendAudit(rows, checkpoint);
 */
export function signCheckpoint(
  privateKey: KeyObject,
  head: { readonly seq: number; readonly headHash: string },
  signedAt: string,
): AuditCheckpointRow {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('signCheckpoint: the signing key must be an Ed25519 private key');
  }
  if (!Number.isSafeInteger(head.seq) || head.seq < 1) throw new TypeError(`signCheckpoint: seq must be a positive integer, got ${head.seq}`);
  const keyId = auditKeyId(privateKey);
  const fields = { seq: head.seq, headHash: head.headHash, signedAt, keyId };
  // Ed25519 hashes internally (RFC 8032), so Node takes `null` as the digest algorithm.
  const signature = sign(null, Buffer.from(checkpointStatement(fields), 'utf8'), privateKey).toString('base64');
  return { ...fields, signature };
}

/**
 * True when `row.signature` is a valid Ed25519 signature by `publicKey` over the row's statement
 * and the row names that key. Never throws: malformed rows simply do not verify.
 *
 * @example
 * if (!verifyCheckpointSignature(publicKey, checkpoint)) throw new Error('forged checkpoint');
 */
export function verifyCheckpointSignature(publicKey: KeyObject, row: AuditCheckpointRow): boolean {
  try {
    if (publicKey.asymmetricKeyType !== 'ed25519') return false;
    if (row.keyId !== auditKeyId(publicKey)) return false;
    if (typeof row.signature !== 'string') return false;
    const signature = Buffer.from(row.signature, 'base64');
    // Buffer's base64 decoder skips junk characters; insist on the canonical encoding so one
    // signature has exactly one stored form.
    if (signature.length !== 64 || signature.toString('base64') !== row.signature) return false;
    const statement = checkpointStatement({ seq: row.seq, headHash: row.headHash, signedAt: row.signedAt, keyId: row.keyId });
    return verify(null, Buffer.from(statement, 'utf8'), publicKey, signature);
  } catch {
    return false;
  }
}
