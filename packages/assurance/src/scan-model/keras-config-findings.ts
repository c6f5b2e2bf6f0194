import type { Finding } from './finding.js';
import { classifyImport } from './import-policy.js';

const KERAS_MODULES = /^(keras|tensorflow|tf_keras|keras_hub|keras_nlp|keras_cv)(\.|$)/;
/** tf.* functions a TFOpLambda may call that reach files or run Python. */
const TF_OP_RISKY = /(^|\.)(io|gfile|py_function|numpy_function|py_func|print|debugging|summary)(\.|$)/;
const MAX_NODES = 2_000_000;
const MAX_DEPTH = 512;

/**
 * Walks a Keras model config (config.json of a `.keras` archive, or the `model_config`
 * attribute of a legacy `.h5`) and reports what can run code when the model loads:
 * - `Lambda` layers (serialized Python bytecode, CVE-2024-3660) and `__lambda__` functions;
 * - `module`/`class_name` pairs naming a dangerous Python module (CVE-2025-1550 let such a
 *   config call arbitrary functions despite safe_mode), graded by the pickle import policy;
 * - custom objects that need code from outside Keras;
 * - TFOpLambda layers calling tf functions that touch files or run Python.
 *
 * @example
 * kerasConfigFindings(JSON.parse(configJson), 0)
 */
export function kerasConfigFindings(config: unknown, offset: number): Finding[] {
  const findings: Finding[] = [];
  const pending: { value: unknown; depth: number }[] = [{ value: config, depth: 0 }];
  let visited = 0;
  let truncated = false;
  while (pending.length > 0) {
    if (visited++ >= MAX_NODES) {
      truncated = true;
      break;
    }
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) {
      truncated = true;
      continue;
    }
    if (Array.isArray(value)) {
      for (const item of value) pending.push({ value: item, depth: depth + 1 });
      continue;
    }
    const node = value as Record<string, unknown>;
    const skip = inspectNode(node, { findings, offset });
    for (const child of Object.values(node)) if (child !== skip) pending.push({ value: child, depth: depth + 1 });
  }
  if (truncated) findings.push({ severity: 'medium', rule: 'parse-error', message: `config is nested deeper than ${MAX_DEPTH} levels or has more than ${MAX_NODES} values: not fully checked`, offset });
  return findings;
}

/** Reports what one object says; returns a child not to descend into (a reported Lambda's function). */
function inspectNode(node: Record<string, unknown>, at: { findings: Finding[]; offset: number }): unknown {
  const className = typeof node['class_name'] === 'string' ? node['class_name'] : null;
  const config = node['config'] !== null && typeof node['config'] === 'object' ? (node['config'] as Record<string, unknown>) : null;
  const layerName = typeof config?.['name'] === 'string' ? config['name'] : typeof node['name'] === 'string' ? node['name'] : '?';
  if (className === 'Lambda') {
    const fn = config?.['function'];
    const bytecode = isBytecode(fn) || config?.['function_type'] === 'lambda';
    at.findings.push({
      severity: 'high',
      rule: 'keras-lambda',
      message: bytecode
        ? `Lambda layer '${layerName}' carries serialized Python bytecode that runs when the model loads (TF-Keras < 2.13, or Keras with safe_mode=False)`
        : `Lambda layer '${layerName}' calls ${JSON.stringify(fn ?? null).slice(0, 80)}: arbitrary Python supplied at load time`,
      offset: at.offset,
    });
    return config === null ? undefined : (config['function'] as unknown);
  }
  if (className === '__lambda__') {
    at.findings.push({ severity: 'high', rule: 'keras-lambda', message: 'a serialized Python lambda (__lambda__) runs when the model loads', offset: at.offset });
    return node['config'];
  }
  if ((className === 'TFOpLambda' || className === 'SlicingOpLambda') && typeof config?.['function'] === 'string' && TF_OP_RISKY.test(config['function'])) {
    at.findings.push({ severity: 'high', rule: 'keras-lambda', message: `${className} layer '${layerName}' calls tf.${config['function']}, which reaches files or runs Python`, offset: at.offset });
  }
  const module = typeof node['module'] === 'string' ? node['module'] : null;
  if (module !== null && className !== null) {
    const target = className === 'function' && typeof node['config'] === 'string' ? node['config'] : className;
    const verdict = classifyImport(module, target);
    if (verdict.severity === 'critical' || verdict.severity === 'high') {
      at.findings.push({ severity: verdict.severity, rule: 'keras-unsafe-module', message: `config imports ${module}.${target}: ${verdict.reason}`, offset: at.offset, module, name: target });
      return undefined;
    }
    if (!KERAS_MODULES.test(module)) {
      at.findings.push({ severity: 'medium', rule: 'keras-custom-object', message: `config needs ${module}.${target} from outside Keras: the loader imports that module`, offset: at.offset, module, name: target });
      return undefined;
    }
  }
  const registered = typeof node['registered_name'] === 'string' ? node['registered_name'] : null;
  if (registered !== null && registered.includes('>') && !KERAS_MODULES.test(registered.split('>')[0] as string)) {
    at.findings.push({ severity: 'low', rule: 'keras-custom-object', message: `custom object '${registered}': the loader must supply its code`, offset: at.offset });
  }
  return undefined;
}

/** Keras 3 `{class_name: '__lambda__', config: {code}}`, or TF-Keras `[base64, defaults, closure]` / a base64 string. */
function isBytecode(fn: unknown): boolean {
  if (fn !== null && typeof fn === 'object' && !Array.isArray(fn)) return (fn as Record<string, unknown>)['class_name'] === '__lambda__';
  const text = Array.isArray(fn) ? fn[0] : fn;
  return typeof text === 'string' && text.length > 16 && /^[A-Za-z0-9+/=\s]+$/.test(text);
}
