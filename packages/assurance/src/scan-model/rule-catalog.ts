import type { Severity } from './finding.js';

export interface RuleInfo {
  /** One line, for SARIF `shortDescription` and the docs table. */
  readonly title: string;
  /** The severity the rule usually reports at; import rules vary per import. */
  readonly severity: Severity;
}

/**
 * Every rule the scanner can report, by id. The ids are stable (SARIF consumers key on them) and
 * each has a row in docs/reference/scan-model.md.
 */
export const RULES = {
  'pickle-dangerous-import': { title: 'Pickle imports a callable that can run code, touch files or the network', severity: 'critical' },
  'pickle-unknown-import': { title: 'Pickle imports a callable outside the allow-list (review it)', severity: 'medium' },
  'pickle-library-import': { title: 'Pickle imports a known library class (a full-object pickle, not weights only)', severity: 'low' },
  'pickle-obfuscated-import': { title: 'STACK_GLOBAL with operands that are not constant strings (hidden import)', severity: 'high' },
  'pickle-attribute-traversal': { title: 'Import name walks dunder attributes (for example __globals__)', severity: 'high' },
  'pickle-extension-code': { title: 'EXT1/EXT2/EXT4 import through the copyreg extension registry', severity: 'medium' },
  'pickle-build-on-global': { title: 'BUILD sets state on an imported module or class (monkey-patching)', severity: 'high' },
  'pickle-nested': { title: 'A pickle nested inside another pickle (bytes that are themselves a pickle)', severity: 'info' },
  'pickle-persistent-id': { title: 'Persistent id resolved by the loader (not PyTorch storage)', severity: 'info' },
  'pickle-trailing-data': { title: 'Bytes after the last pickle that are not a pickle', severity: 'low' },
  'parse-error': { title: 'The file could not be parsed to its end (truncated, corrupt or over a scan limit)', severity: 'medium' },
  'git-lfs-pointer': { title: 'A Git LFS pointer file, not the model', severity: 'info' },
  'unknown-format': { title: 'Not a model format the scanner recognises', severity: 'info' },
  'zip-unsafe-entry-name': { title: 'Archive entry name is absolute, climbs out with .., or has backslashes or control characters', severity: 'high' },
  'zip-duplicate-entry': { title: 'Two archive entries share a name (loaders disagree on which wins)', severity: 'high' },
  'zip-suspicious-ratio': { title: 'Archive entry expands far beyond its compressed size (zip bomb)', severity: 'medium' },
  'zip-entry-skipped': { title: 'Archive entry not scanned (over a scan limit)', severity: 'medium' },
  'torchscript-code': { title: 'TorchScript archive carries code that runs in the TorchScript interpreter', severity: 'info' },
  'numpy-object-array': { title: 'NumPy object array: the payload is a pickle', severity: 'low' },
  'numpy-header-invalid': { title: 'NumPy header is malformed or the data does not match it', severity: 'medium' },
  'safetensors-header-invalid': { title: 'Safetensors header is not valid (length, UTF-8, JSON, fields)', severity: 'medium' },
  'safetensors-dtype': { title: 'Safetensors tensor has an unknown dtype', severity: 'medium' },
  'safetensors-shape-mismatch': { title: 'Safetensors tensor byte range does not match shape x dtype size', severity: 'medium' },
  'safetensors-out-of-range': { title: 'Safetensors tensor byte range lies outside the data section', severity: 'high' },
  'safetensors-overlap': { title: 'Safetensors tensors overlap (a polyglot or parser-confusion file)', severity: 'high' },
  'safetensors-hole': { title: 'Safetensors data section has bytes no tensor covers (hidden data)', severity: 'medium' },
  'safetensors-duplicate-key': { title: 'Safetensors header repeats a key (parsers disagree on which wins)', severity: 'high' },
  'safetensors-metadata': { title: 'Safetensors __metadata__ is not a map of strings to strings', severity: 'low' },
  'onnx-external-data-escape': { title: 'ONNX external data path is absolute or leaves the model folder', severity: 'high' },
  'onnx-external-data-missing': { title: 'ONNX external data file is missing or too short', severity: 'medium' },
  'onnx-custom-domain': { title: 'ONNX node uses a custom operator domain (needs a native op library)', severity: 'low' },
  'keras-lambda': { title: 'Keras Lambda layer: serialized Python code runs on load', severity: 'high' },
  'keras-unsafe-module': { title: 'Keras config names a dangerous Python module or function', severity: 'critical' },
  'keras-custom-object': { title: 'Keras config needs custom code outside Keras', severity: 'medium' },
  'keras-config-missing': { title: 'No Keras model config found in the file', severity: 'info' },
  'gguf-header-invalid': { title: 'GGUF header, metadata or tensor table is malformed', severity: 'medium' },
  'gguf-chat-template-injection': { title: 'Chat template uses Jinja constructs that reach Python internals (template injection)', severity: 'high' },
  'symlink-outside-root': { title: 'Symbolic link points outside the scanned folder (not followed)', severity: 'medium' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;
