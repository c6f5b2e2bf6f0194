import type { KeyObject } from 'node:crypto';
import { UserError } from '@rampart/core';
import { dssePae } from './dsse-pae.js';
import { hashTree, type HashTreeOptions } from './hash-tree.js';
import { buildStatement, IN_TOTO_PAYLOAD_TYPE, type InTotoStatement } from './in-toto-statement.js';
import { keyHint, parsePrivateKey, signBytes } from './signing-key.js';
import { BUNDLE_MEDIA_TYPE, type SigstoreBundle } from './sigstore-bundle.js';
import type { TreeManifest } from './tree-manifest.js';

export interface SignTreeOptions extends Omit<HashTreeOptions, 'onUnsafe' | 'excludeFiles'> {
  /** The model folder or dataset (a folder or a single file). */
  readonly root: string;
  /** PKCS#8 PEM text or a KeyObject: Ed25519, or ECDSA P-256/P-384/P-521. */
  readonly privateKey: string | KeyObject;
  /** Where the bundle will be written; if that is inside the tree it is left out (and listed in ignore_paths). */
  readonly signatureFile?: string;
}

export interface SignTreeResult {
  readonly bundle: SigstoreBundle;
  readonly statement: InTotoStatement;
  readonly manifest: TreeManifest;
  readonly rootDigest: string;
  readonly keyHint: string;
}

/**
 * Hashes a model folder or dataset and signs the result: an in-toto statement (model_signing v1.0
 * predicate) in a DSSE envelope, in a Sigstore bundle. Refuses trees with symbolic links leaving
 * the tree, FIFOs, devices or odd names, and a tree with no regular file.
 *
 * @example
 * const { bundle } = await signTree({ root: 'models/llama', privateKey: readFileSync('signing.key', 'utf8'), signatureFile: 'model.sig' });
 * writeFileSync('model.sig', JSON.stringify(bundle, null, 2));
 */
export async function signTree(options: SignTreeOptions): Promise<SignTreeResult> {
  const { root, privateKey: keyInput, signatureFile, ...hashOptions } = options;
  const privateKey = parsePrivateKey(keyInput);
  const manifest = await hashTree(root, {
    ...hashOptions,
    excludeFiles: signatureFile === undefined ? [] : [signatureFile],
    onUnsafe: 'throw',
  });
  if (manifest.resources.length === 0) throw new UserError('RAMPART_E_INPUT_INVALID', `${root}: no regular files to sign (after ignored paths).`);
  const statement = buildStatement(manifest);
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const signature = signBytes(privateKey, dssePae(IN_TOTO_PAYLOAD_TYPE, payload));
  const hint = keyHint(privateKey);
  const bundle: SigstoreBundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint }, tlogEntries: [] },
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      // DSSE's keyid is an unauthenticated hint; the same value as the bundle's key hint.
      signatures: [{ sig: signature.toString('base64'), keyid: hint }],
    },
  };
  return { bundle, statement, manifest, rootDigest: statement.subject[0].digest.sha256, keyHint: hint };
}
