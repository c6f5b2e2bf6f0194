import { dirname } from 'node:path';
import { buildLayers, compilePolicy, createInspector, type Inspector, type LoadedConfig, type PolicyDocument } from '@rampart/core';
import { loadConfiguredPolicy } from '@rampart/server';

/** The gateway's own layers and policy, without a store or an upstream: for check, policy test. */
export function offlineInspector(loaded: LoadedConfig, policyOverride?: PolicyDocument): Inspector {
  const { config, file } = loaded;
  const baseDir = file === undefined ? process.cwd() : dirname(file);
  const layers = buildLayers({ limits: config.limits, pipeline: config.pipeline }, { baseDir });
  const policy = policyOverride === undefined ? loadConfiguredPolicy(config, baseDir).policy : compilePolicy(policyOverride);
  return createInspector({ layers, policy, globalShadow: config.policy.shadow, restrictedModel: config.upstream.restrictedModel });
}
