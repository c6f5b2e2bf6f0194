import { dirname } from 'node:path';
import { configuredInspector, type Inspector, type LoadedConfig, type PolicyDocument } from '@rampart/core';

/** The gateway's own layers and policy, without a store or an upstream: for check, policy test. */
export function offlineInspector(loaded: LoadedConfig, policyOverride?: PolicyDocument, onWarning?: (message: string) => void): Inspector {
  const baseDir = loaded.file === undefined ? process.cwd() : dirname(loaded.file);
  return configuredInspector(loaded.config, {
    baseDir,
    ...(policyOverride === undefined ? {} : { policy: policyOverride }),
    ...(onWarning === undefined ? {} : { onWarning }),
  }).inspector;
}
