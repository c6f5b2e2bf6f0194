import { createHash } from 'node:crypto';
import type { AuditRow } from '../contracts/store.js';

/** The `prevHash` of the first row: 64 zeros, the hex width of a SHA-256. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Domain separation tag. It keeps an audit row hash from ever being confused with a SHA-256 of
 * anything else Rampart hashes (prompt digests, key ids), and lets a later format change bump v1.
 */
const DOMAIN = 'rampart-audit-v1';
const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * The hash of one audit row: SHA-256 over `rampart-audit-v1\n<seq>\n<prevHash>\n<body>`.
 *
 * The encoding is unambiguous because `seq` is a decimal integer and `prevHash` is exactly 64 hex
 * characters, so neither can contain the separator; `body` comes last and may hold anything.
 * Covering `seq` means a row cannot be moved to another position without its hash changing.
 *
 * @example
 * chainHash(1, GENESIS_HASH, '{"type":"system"}') // 64 lowercase hex characters
 */
export function chainHash(seq: number, prevHash: string, body: string): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new TypeError(`chainHash: seq must be a positive integer, got ${seq}`);
  if (!HEX_HASH.test(prevHash)) throw new TypeError('chainHash: prevHash must be 64 lowercase hex characters');
  return unsafeChainHash(seq, prevHash, body);
}

/**
 * {@link chainHash} without the argument checks, for the verifier, which hashes rows read from
 * a possibly tampered store and must get a (mismatching) hash rather than an exception.
 */
export function unsafeChainHash(seq: number, prevHash: string, body: string): string {
  return createHash('sha256').update(`${DOMAIN}\n${seq}\n${prevHash}\n${body}`, 'utf8').digest('hex');
}

/**
 * Chains `bodies` (canonical JSON, see `canonicalJson`) onto the head `prev` (undefined for an
 * empty log): the first row gets `prev.seq + 1` and links to `prev.hash`.
 *
 * @example
 * const rows = buildAuditRows(await store.lastAudit(), [canonicalJson(event)]);
 * await store.appendAudit(rows, undefined);
 */
export function buildAuditRows(prev: { readonly seq: number; readonly hash: string } | undefined, bodies: readonly string[]): AuditRow[] {
  let seq = prev?.seq ?? 0;
  let prevHash = prev?.hash ?? GENESIS_HASH;
  if (!Number.isSafeInteger(seq) || seq < 0) throw new TypeError(`buildAuditRows: head seq must be a non-negative integer, got ${seq}`);
  if (!HEX_HASH.test(prevHash)) throw new TypeError('buildAuditRows: head hash must be 64 lowercase hex characters');
  const rows: AuditRow[] = [];
  for (const body of bodies) {
    seq += 1;
    const hash = unsafeChainHash(seq, prevHash, body);
    rows.push({ seq, prevHash, hash, body });
    prevHash = hash;
  }
  return rows;
}
