import { describe, expect, it } from 'vitest';
import * as scanModel from './index.js';

describe('scan-model public surface', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(scanModel).sort()).toEqual([
      'DEFAULT_MODEL_SCAN_LIMITS',
      'FINDING_SEVERITIES',
      'MODEL_FORMATS',
      'MODEL_SCAN_RULES',
      'PICKLE_DENY_RULES',
      'SAFE_PICKLE_IMPORTS',
      'classifyPickleImport',
      'compareSeverity',
      'highestSeverity',
      'modelScanExitCode',
      'modelScanToSarif',
      'scanModelPath',
    ]);
  });

  it('documents every rule it can report', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../../docs/reference/scan-model.md', import.meta.url), 'utf8');
    for (const rule of Object.keys(scanModel.MODEL_SCAN_RULES)) expect(doc, rule).toContain(`\`${rule}\``);
  });
});
