import type { KeyObject } from 'node:crypto';
import { UserError } from '@rampart/core';
import { diffManifests, type TreeDifference } from './diff-manifests.js';
import { dssePae } from './dsse-pae.js';
import { DEFAULT_SHARD_SIZE, hashTree } from './hash-tree.js';
import { IN_TOTO_PAYLOAD_TYPE, parseStatement } from './in-toto-statement.js';
import { keyHint, parsePublicKey, verifyBytes } from './signing-key.js';
import { parseBundle } from './sigstore-bundle.js';
import type { Serialization } from './tree-manifest.js';

export interface VerifyTreeOptions {
  /** The model folder or dataset to check. */
  readonly root: string;
  /** The bundle from `signTree`: JSON text, a Buffer, or the parsed value. */
  readonly bundle: unknown;
  /** The trusted public key: SPKI PEM text or a KeyObject. */
  readonly publicKey: string | KeyObject;
  /** Where the bundle lies on disk; if that is inside the tree it is not counted as an added file. */
  readonly signatureFile?: string;
  /** Worker threads for hashing; default: available cores, at most 8. */
  readonly workers?: number;
}

export interface VerifyTreeResult {
  /** True only when the signature is valid and every file matches. */
  readonly ok: boolean;
  readonly signatureValid: boolean;
  /** Why the signature was refused; absent when it is valid. */
  readonly signatureError?: string;
  /** Hint of the key that was given. */
  readonly keyHint: string;
  /** Hint recorded in the bundle (unauthenticated, informative). */
  readonly bundleKeyHint?: string;
  /** What the verified statement says; absent when the signature was refused. */
  readonly signed?: {
    readonly modelName: string;
    readonly rootDigest: string;
    readonly serialization: Serialization;
    readonly resources: number;
  };
  readonly filesChecked: number;
  readonly bytesHashed: number;
  /** Every difference, sorted by path. Empty when `ok`. */
  readonly differences: readonly TreeDifference[];
}

/**
 * Checks a model folder or dataset against a signed bundle. In order: the DSSE signature over
 * PAE(payloadType, payload) with the trusted key (a forged, re-signed or edited envelope stops
 * here, before anything in it is believed); then the statement's shape; then every file is hashed
 * again with the signed serialization and compared, naming each file modified, added, removed,
 * renamed or refused as unsafe. Nothing named in the manifest is ever opened: the verifier walks
 * the tree itself, so a hostile manifest cannot point it at other files.
 *
 * Throws UserError for input it cannot read (malformed bundle or statement, bad key, missing
 * folder); returns `ok: false` when the signature or the files do not match. Async throughout, so a
 * server can pin a model folder without blocking its event loop.
 *
 * @example
 * const result = await verifyTree({ root: 'models/llama', bundle: readFileSync('model.sig', 'utf8'), publicKey: pem });
 * if (!result.ok) throw new Error(`model changed: ${result.differences.map((d) => d.path).join(', ')}`);
 */
export async function verifyTree(options: VerifyTreeOptions): Promise<VerifyTreeResult> {
  const publicKey = parsePublicKey(options.publicKey);
  const hint = keyHint(publicKey);
  const bundle = parseBundle(options.bundle);
  const pae = dssePae(bundle.payloadType, bundle.payload);
  const base = { keyHint: hint, ...(bundle.keyHint === undefined ? {} : { bundleKeyHint: bundle.keyHint }), filesChecked: 0, bytesHashed: 0, differences: [] };

  // The bundle's key hint is unauthenticated (DSSE: a keyid "MUST NOT be used for security
  // decisions"); it only makes the error message more helpful.
  if (!bundle.signatures.some((signature) => verifyBytes(publicKey, { data: pae, signature }))) {
    const why =
      bundle.keyHint !== undefined && bundle.keyHint !== hint
        ? `the bundle names a different signing key (hint ${bundle.keyHint.slice(0, 16)}…) than the public key given (hint ${hint.slice(0, 16)}…), and no signature verifies with the given key`
        : 'no signature in the envelope verifies with the given public key: the payload or signature was altered, or it was signed by another key';
    return { ...base, ok: false, signatureValid: false, signatureError: why };
  }
  if (bundle.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `signature bundle: payloadType must be ${IN_TOTO_PAYLOAD_TYPE}, got ${JSON.stringify(bundle.payloadType)}.`);
  }
  const signed = parseStatement(bundle.payload);
  const serialization = signed.serialization;
  const local = await hashTree(options.root, {
    method: serialization.method,
    shardSize: serialization.method === 'shards' ? serialization.shard_size : DEFAULT_SHARD_SIZE,
    allowSymlinks: serialization.allow_symlinks,
    ignorePaths: serialization.ignore_paths,
    excludeFiles: options.signatureFile === undefined ? [] : [options.signatureFile],
    onUnsafe: 'collect',
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  const differences = diffManifests({ method: serialization.method, signed: signed.resources, local: local.resources, unsafe: local.unsafe });
  return {
    ...base,
    ok: differences.length === 0,
    signatureValid: true,
    signed: { modelName: signed.modelName, rootDigest: signed.rootDigest, serialization, resources: signed.resources.length },
    filesChecked: local.files.length,
    bytesHashed: local.bytes,
    differences,
  };
}
