import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { UserError } from '@rampart/core';

/** The algorithms `rampart keygen` offers. Verification also accepts P-384 and P-521 keys. */
export type SigningAlgorithm = 'ed25519' | 'p256';

/** A freshly generated key pair, both halves PEM: PKCS#8 for the private key, SPKI for the public one. */
export interface SigningKeyPair {
  readonly algorithm: SigningAlgorithm;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly keyHint: string;
}

// ECDSA digest per curve, as the Sigstore protobuf specs and model_signing pair them.
const EC_DIGESTS: Readonly<Record<string, string>> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };

/**
 * Generates a signing key pair. Ed25519 is the default (small, fast, no nonce pitfalls); P-256 is
 * the curve OpenSSF model_signing's key-based verifier accepts, so choose it for interoperability.
 *
 * @example
 * const pair = generateSigningKeyPair('ed25519');
 * writeFileSync('signing.key', pair.privateKeyPem, { mode: 0o600 });
 */
export function generateSigningKeyPair(algorithm: SigningAlgorithm): SigningKeyPair {
  const { privateKey, publicKey } =
    algorithm === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    algorithm,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyHint: keyHint(publicKey),
  };
}

/**
 * Reads a PEM private key and checks that it is a kind we can sign with (Ed25519 or ECDSA on
 * P-256/P-384/P-521). Encrypted keys are refused with a clear message rather than a prompt.
 *
 * @example
 * const key = parsePrivateKey(readFileSync('signing.key', 'utf8'), 'signing.key');
 */
export function parsePrivateKey(pem: string | KeyObject, source = 'private key'): KeyObject {
  let key: KeyObject;
  try {
    key = typeof pem === 'string' ? createPrivateKey({ key: pem, format: 'pem' }) : pem;
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(String(pem)) || /passphrase/i.test(String((error as Error).message));
    throw new UserError(
      'RAMPART_E_INPUT_INVALID',
      encrypted
        ? `${source}: encrypted private keys are not supported; write an unencrypted PKCS#8 key (rampart keygen) and protect the file instead.`
        : `${source}: not a PEM private key (${(error as Error).message}).`,
      { cause: error },
    );
  }
  if (key.type !== 'private') throw new UserError('RAMPART_E_INPUT_INVALID', `${source}: expected a private key, got a ${key.type} key.`);
  checkSupported(key, source);
  return key;
}

/**
 * Reads a PEM public key (SPKI). A private key is refused: passing one where a public key belongs
 * usually means the files were mixed up, and verification must never need the secret half.
 *
 * @example
 * const key = parsePublicKey(readFileSync('signing.pub', 'utf8'), 'signing.pub');
 */
export function parsePublicKey(pem: string | KeyObject, source = 'public key'): KeyObject {
  if (typeof pem === 'string' && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `${source}: this is a private key; pass the public key (signing.pub) to verify.`);
  }
  let key: KeyObject;
  try {
    key = typeof pem === 'string' ? createPublicKey({ key: pem, format: 'pem' }) : pem;
  } catch (error) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `${source}: not a PEM public key (${(error as Error).message}).`, { cause: error });
  }
  if (key.type !== 'public') throw new UserError('RAMPART_E_INPUT_INVALID', `${source}: expected a public key, got a ${key.type} key.`);
  checkSupported(key, source);
  return key;
}

function checkSupported(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType === 'ed25519') return;
  if (key.asymmetricKeyType === 'ec' && EC_DIGESTS[key.asymmetricKeyDetails?.namedCurve ?? ''] !== undefined) return;
  const kind = key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown curve'}` : String(key.asymmetricKeyType);
  throw new UserError('RAMPART_E_INPUT_INVALID', `${source}: unsupported key type ${kind}; use Ed25519 or ECDSA P-256 (rampart keygen --alg ed25519|p256).`);
}

/**
 * The key's identifier in a bundle (`verificationMaterial.publicKey.hint`): hex SHA-256 of the
 * public key's SPKI PEM text as OpenSSL writes it. This is what OpenSSF model_signing computes, so
 * the hints agree across both tools. Accepts the private key too (its public half is derived).
 *
 * @example
 * keyHint(publicKey) // '3c9d…' (64 hex characters)
 */
export function keyHint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  // Re-exported rather than hashed from the user's file, so line endings or comments around the
  // PEM in that file do not change the hint.
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return createHash('sha256').update(pem, 'utf8').digest('hex');
}

/**
 * Signs bytes with the algorithm the key implies: Ed25519 (pure, RFC 8032) or ECDSA with the curve's
 * digest and a DER-encoded signature, as Sigstore and model_signing produce.
 *
 * @example
 * const sig = signBytes(privateKey, dssePae(type, payload));
 */
export function signBytes(privateKey: KeyObject, data: Uint8Array): Buffer {
  if (privateKey.asymmetricKeyType === 'ed25519') return sign(null, data, privateKey);
  return sign(ecDigest(privateKey), data, { key: privateKey, dsaEncoding: 'der' });
}

/**
 * Checks a signature made by {@link signBytes}. The algorithm comes from the trusted key, never from
 * the signed document, so a bundle cannot pick a weaker verification. Never throws.
 *
 * @example
 * if (!verifyBytes(publicKey, { data: pae, signature })) reject();
 */
export function verifyBytes(publicKey: KeyObject, signed: { readonly data: Uint8Array; readonly signature: Uint8Array }): boolean {
  try {
    if (publicKey.asymmetricKeyType === 'ed25519') return verify(null, signed.data, publicKey, signed.signature);
    return verify(ecDigest(publicKey), signed.data, { key: publicKey, dsaEncoding: 'der' }, signed.signature);
  } catch {
    return false;
  }
}

function ecDigest(key: KeyObject): string {
  const digest = EC_DIGESTS[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (digest === undefined) throw new UserError('RAMPART_E_INPUT_INVALID', 'unsupported key type for signing');
  return digest;
}
