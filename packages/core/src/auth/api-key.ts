import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys: `rk_<id>_<secret>`.
 *
 * - `id`: 16 lowercase RFC 4648 base32 characters (80 random bits). It is not secret: it is the
 *   lookup key in the store, shown in listings and written to the audit log.
 * - `secret`: 43 base64url characters (32 random bytes, 256 bits). Only its salted HMAC is stored.
 *
 * The fixed lengths make parsing unambiguous even though base64url may contain `_`.
 */

const PREFIX = 'rk_';
const ID_BYTES = 10;
const SECRET_BYTES = 32;
const SALT_BYTES = 16;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** `rk_` + 16 + `_` + 43. Anything longer is refused before a regex ever sees it. */
const KEY_LENGTH = PREFIX.length + 16 + 1 + 43;
/**
 * The 43rd base64url character of 32 bytes carries 4 data bits and 2 zero bits, so only these 16
 * characters can end a canonically encoded secret. Refusing the rest keeps one spelling per key.
 */
const KEY_PATTERN = /^rk_([a-z2-7]{16})_([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;

export interface GeneratedApiKey {
  readonly id: string;
  readonly secret: string;
  /** The full key handed to the caller once. */
  readonly key: string;
}

export interface ParsedApiKey {
  readonly id: string;
  readonly secret: string;
}

/** What `verifyKeySecret` needs from a stored key record. */
export interface KeySecretRecord {
  /** base64url salt. */
  readonly salt: string;
  /** base64url HMAC-SHA-256 of the secret keyed by the salt. */
  readonly secretHash: string;
}

/** What `keyUsability` needs from a stored key record. */
export interface KeyLifetimeRecord {
  readonly revokedAt: string | null;
  readonly expiresAt: string | null;
}

export type KeyUsability = 'ok' | 'revoked' | 'expired';

/**
 * Generates a new API key from the operating system's CSPRNG.
 *
 * @example
 * const { id, secret, key } = generateApiKey(); // key === `rk_${id}_${secret}`
 */
export function generateApiKey(): GeneratedApiKey {
  const id = base32(randomBytes(ID_BYTES));
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, key: `${PREFIX}${id}_${secret}` };
}

/**
 * Splits a key into id and secret. Returns undefined for anything that is not exactly a key in
 * canonical form; never throws, so untrusted header values can be passed straight in.
 *
 * @example
 * parseApiKey('rk_abcdefghijklmnop_...') // { id: 'abcdefghijklmnop', secret: '...' }
 * parseApiKey('Bearer x') // undefined
 */
export function parseApiKey(raw: string): ParsedApiKey | undefined {
  if (typeof raw !== 'string' || raw.length !== KEY_LENGTH) return undefined;
  const match = KEY_PATTERN.exec(raw);
  if (match === null) return undefined;
  const [, id, secret] = match;
  if (id === undefined || secret === undefined) return undefined;
  return { id, secret };
}

/**
 * Hashes a key secret for storage: base64url HMAC-SHA-256 keyed by a per-key salt.
 *
 * A slow KDF (scrypt, Argon2) exists to make guessing low-entropy passwords expensive. The secret
 * here is 256 bits from a CSPRNG, so guessing it is infeasible at any hash speed; a slow KDF would
 * only add latency to every authenticated request and hand attackers a CPU-exhaustion lever. The
 * salt keeps equal secrets (never expected) from producing equal hashes and rules out
 * precomputation across a leaked table.
 *
 * @example
 * const salt = newSalt();
 * const secretHash = hashKeySecret(secret, salt);
 */
export function hashKeySecret(secret: string, salt: Buffer): string {
  return createHmac('sha256', salt).update(secret, 'utf8').digest('base64url');
}

/**
 * A fresh 16-byte random salt. Store it as `salt.toString('base64url')`.
 *
 * @example
 * const salt = newSalt(); // Buffer of 16 bytes
 */
export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

/**
 * Checks a presented secret against a stored record in constant time (with respect to the
 * secret). Returns false, never throws, for a malformed record.
 *
 * @example
 * if (!verifyKeySecret(parsed.secret, record)) refuse();
 */
export function verifyKeySecret(secret: string, record: KeySecretRecord): boolean {
  const expected = Buffer.from(record.secretHash, 'base64url');
  const actual = Buffer.from(hashKeySecret(secret, Buffer.from(record.salt, 'base64url')), 'base64url');
  // timingSafeEqual throws on unequal lengths; the stored hash length is not secret, so an early
  // return on a mismatch (a corrupt record) leaks nothing about the presented secret.
  if (expected.length !== actual.length) return false;
  return timingSafeEqual(expected, actual);
}

/**
 * Whether a key may be used at `now`. Revocation wins over expiry. An expiry time that does not
 * parse counts as expired: a corrupt record fails closed.
 *
 * @example
 * keyUsability({ revokedAt: null, expiresAt: '2000-01-01T00:00:00Z' }, new Date()) // 'expired'
 */
export function keyUsability(record: KeyLifetimeRecord, now: Date): KeyUsability {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt !== null) {
    const expires = Date.parse(record.expiresAt);
    if (Number.isNaN(expires) || expires <= now.getTime()) return 'expired';
  }
  return 'ok';
}

/** RFC 4648 base32 without padding, lowercase. Inputs here are multiples of 5 bytes. */
function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    // At most 4 bits are left over between bytes, so 12 bits of state suffice.
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
