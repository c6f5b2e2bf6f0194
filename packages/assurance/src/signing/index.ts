// Signing and verification of model folders and datasets: an in-toto statement (OpenSSF
// model_signing v1.0 predicate) in a DSSE envelope, in a Sigstore bundle, signed offline with a key.
// docs/reference/signing.md describes the format and where it differs from model_signing.
export { signTree, type SignTreeOptions, type SignTreeResult } from './sign-tree.js';
export { verifyTree, type VerifyTreeOptions, type VerifyTreeResult } from './verify-tree.js';
export { hashTree, DEFAULT_IGNORE_PATHS, DEFAULT_SHARD_SIZE, type HashTreeOptions } from './hash-tree.js';
export { walkTree, type WalkOptions, type WalkResult, type WalkedFile } from './walk-tree.js';
export { diffManifests, type ManifestComparison, type TreeDifference } from './diff-manifests.js';
export { dssePae } from './dsse-pae.js';
export {
  generateSigningKeyPair,
  keyHint,
  parsePrivateKey,
  parsePublicKey,
  signBytes,
  verifyBytes,
  type SigningAlgorithm,
  type SigningKeyPair,
} from './signing-key.js';
export {
  buildStatement,
  parseStatement,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  MODEL_SIGNING_PREDICATE_TYPE,
  type InTotoStatement,
  type SignedManifest,
} from './in-toto-statement.js';
export { parseBundle, BUNDLE_MEDIA_TYPE, type DsseEnvelope, type ParsedBundle, type SigstoreBundle } from './sigstore-bundle.js';
export {
  comparePaths,
  rootDigest,
  MIN_SHARD_SIZE,
  type ManifestResource,
  type Serialization,
  type TreeManifest,
  type UnsafeEntry,
} from './tree-manifest.js';
export { displayPath } from './display-path.js';
export { describeDifference } from './describe-difference.js';
