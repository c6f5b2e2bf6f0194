import { describe, expect, it } from 'vitest';
import * as audit from './index.js';

describe('audit public surface', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(audit).sort()).toEqual([
      'GENESIS_HASH',
      'auditKeyId',
      'buildAuditRows',
      'canonicalJson',
      'chainHash',
      'checkpointStatement',
      'maskSensitive',
      'promptDigest',
      'redactedExcerpt',
      'signCheckpoint',
      'verifyAuditLog',
      'verifyCheckpointSignature',
    ]);
  });
});
