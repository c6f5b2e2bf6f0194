import { resolve } from 'node:path';
import type { Layer } from '../contracts/detector.js';
import type { RampartConfig } from '../config/schema.js';
import { buildLayers } from '../pipeline/build-layers.js';
import { compilePolicy, loadDefaultPolicy, loadPolicyFile, type CompiledPolicy, type PolicyDocument } from '../policy/index.js';
import { createInspector, type Inspector } from './inspector.js';

/** Loads the policy the config names (or the built-in default) and compiles it. */
export function loadConfiguredPolicy(config: Readonly<RampartConfig>, baseDir: string): { policy: CompiledPolicy; source: string } {
  const file = config.policy.file === undefined ? undefined : resolve(baseDir, config.policy.file);
  const doc = file === undefined ? loadDefaultPolicy() : loadPolicyFile(file);
  return { policy: compilePolicy(doc), source: file ?? 'builtin:default' };
}

export interface ConfiguredInspector {
  readonly inspector: Inspector;
  readonly layers: readonly Layer[];
  readonly policy: CompiledPolicy;
  /** The policy file, or `builtin:default`, or `inline` for a policy passed in. */
  readonly policySource: string;
}

/**
 * The input side exactly as the gateway runs it for a config: its layers, its policy (or
 * `policy` instead, for policy tests), its shadow and reroute settings. The gateway, the CLI's
 * offline commands, the benchmark and the behaviour tests all build it here.
 *
 * @example
 * const { inspector } = configuredInspector(RampartConfig.parse({}), { baseDir: process.cwd() });
 */
export function configuredInspector(
  config: Readonly<RampartConfig>,
  options: { baseDir: string; policy?: PolicyDocument; onWarning?: (message: string) => void },
): ConfiguredInspector {
  const layers = buildLayers(
    { limits: config.limits, pipeline: config.pipeline },
    { baseDir: options.baseDir, ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }) },
  );
  const { policy, source } =
    options.policy === undefined ? loadConfiguredPolicy(config, options.baseDir) : { policy: compilePolicy(options.policy), source: 'inline' };
  const inspector = createInspector({ layers, policy, globalShadow: config.policy.shadow, restrictedModel: config.upstream.restrictedModel });
  return { inspector, layers, policy, policySource: source };
}
