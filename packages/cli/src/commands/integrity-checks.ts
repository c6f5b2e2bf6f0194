import { readFileSync } from 'node:fs';
import { UserError, type PinnedModel } from '@rampart/core';
import { describeDifference, verifyTree } from '@rampart/assurance';
import type { IntegrityCheck } from '@rampart/server';

/**
 * Verifiers for `integrity.models`: each pinned folder against its signed manifest and public
 * key. The bundle and key are read once, at start (a pin whose files are missing is a broken
 * config, so `rampart serve` stops); the folder is hashed again on every run.
 */
export function integrityChecks(models: readonly PinnedModel[]): IntegrityCheck[] {
  return models.map((model) => {
    const bundle = readPinFile(model, 'signature');
    const publicKey = readPinFile(model, 'publicKey');
    return {
      name: model.name,
      async verify() {
        const result = await verifyTree({ root: model.path, bundle, publicKey, signatureFile: model.signature });
        if (!result.signatureValid) return { ok: false, problems: [`signature invalid: ${result.signatureError ?? 'unknown reason'}`] };
        return { ok: result.ok, problems: result.differences.map(describeDifference) };
      },
    };
  });
}

function readPinFile(model: PinnedModel, field: 'signature' | 'publicKey'): string {
  try {
    return readFileSync(model[field], 'utf8');
  } catch (error) {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `integrity.models[${model.name}].${field}: cannot read ${model[field]}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
