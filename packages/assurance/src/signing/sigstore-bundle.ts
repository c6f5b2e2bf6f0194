import { UserError } from '@rampart/core';

/** The Sigstore bundle version whose JSON shape Rampart writes (as model_signing does for key-based signing). */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/**
 * A Sigstore bundle (protobuf JSON form) holding a DSSE envelope, for offline key-based signing:
 * the key is named by a hint instead of a certificate, and there is no transparency-log entry.
 */
export interface SigstoreBundle {
  readonly mediaType: typeof BUNDLE_MEDIA_TYPE;
  readonly verificationMaterial: {
    readonly publicKey: { readonly hint: string };
    readonly tlogEntries: readonly [];
  };
  readonly dsseEnvelope: DsseEnvelope;
}

/** DSSE JSON envelope: base64 payload, its type, and signatures over PAE(type, payload). */
export interface DsseEnvelope {
  readonly payload: string;
  readonly payloadType: string;
  readonly signatures: ReadonlyArray<{ readonly sig: string; readonly keyid: string }>;
}

/** A bundle after structural checks, with base64 fields decoded. Nothing in it is verified yet. */
export interface ParsedBundle {
  readonly keyHint: string | undefined;
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signatures: readonly Buffer[];
}

// DSSE: "Either standard or URL-safe base64 encodings are allowed ... verifiers MUST accept either."
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Checks the shape of a bundle (JSON text or an already parsed value) and decodes its envelope.
 * Every problem is reported with the field's path; nothing here decides whether to trust it.
 *
 * @example
 * const parsed = parseBundle(readFileSync('model.sig', 'utf8'));
 */
export function parseBundle(input: unknown): ParsedBundle {
  let value = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      value = JSON.parse(input.toString());
    } catch (error) {
      throw invalid(`not JSON (${(error as Error).message})`);
    }
  }
  const bundle = object(value, 'bundle');
  if (bundle.mediaType !== BUNDLE_MEDIA_TYPE) throw invalid(`mediaType must be ${BUNDLE_MEDIA_TYPE}, got ${JSON.stringify(bundle.mediaType)}`);
  const material = bundle.verificationMaterial === undefined ? {} : object(bundle.verificationMaterial, 'verificationMaterial');
  const publicKey = material.publicKey === undefined ? undefined : object(material.publicKey, 'verificationMaterial.publicKey');
  const hint = publicKey?.hint;
  if (hint !== undefined && hint !== null && typeof hint !== 'string') throw invalid('verificationMaterial.publicKey.hint must be a string');
  if (bundle.messageSignature !== undefined) throw invalid('holds a messageSignature; only DSSE envelopes (dsseEnvelope) are supported');
  const envelope = object(bundle.dsseEnvelope, 'dsseEnvelope');
  const payloadType = envelope.payloadType;
  if (typeof payloadType !== 'string') throw invalid('dsseEnvelope.payloadType must be a string');
  const payload = base64(envelope.payload, 'dsseEnvelope.payload');
  if (!Array.isArray(envelope.signatures) || envelope.signatures.length === 0) throw invalid('dsseEnvelope.signatures must be a non-empty array');
  const signatures = envelope.signatures.map((entry: unknown, i: number) => base64(object(entry, `dsseEnvelope.signatures[${i}]`).sig, `dsseEnvelope.signatures[${i}].sig`));
  return { keyHint: typeof hint === 'string' && hint !== '' ? hint : undefined, payloadType, payload, signatures };
}

function base64(value: unknown, at: string): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value) || value.length % 4 === 1) throw invalid(`${at} must be base64`);
  return Buffer.from(value, 'base64');
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${at} must be an object`);
  return value as Record<string, unknown>;
}

function invalid(message: string): UserError {
  return new UserError('RAMPART_E_INPUT_INVALID', `signature bundle: ${message}.`);
}
