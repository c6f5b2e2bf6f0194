export { canonicalJson } from './canonical-json.js';
export { GENESIS_HASH, buildAuditRows, chainHash } from './hash-chain.js';
export { auditKeyId, checkpointStatement, signCheckpoint, verifyCheckpointSignature, type CheckpointFields } from './checkpoint.js';
export {
  verifyAuditLog,
  type AuditLogSource,
  type AuditProblem,
  type AuditProblemKind,
  type AuditVerifyReport,
  type VerifyAuditOptions,
} from './verify.js';
export { maskSensitive, promptDigest, redactedExcerpt } from './redact.js';
