import { readFile, stat } from 'node:fs/promises';
import { UserError } from '@rampart/core';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ModelCardSpec } from './model-card-spec.js';

/** A model card is a page of prose and figures; anything larger is a mistake (a dataset passed by accident). */
export const MAX_MODEL_CARD_BYTES = 1024 * 1024;

/**
 * Reads a model card file (YAML or JSON: JSON is read as YAML 1.2, of which it is a subset) and
 * validates it. Every problem is reported at once, each with its place: the line and column of a
 * syntax error or duplicate key, the field path (`datasets[1].licence`) of a schema error.
 *
 * @example
 * const card = await loadModelCardSpec('model-card.yaml');
 * card.metrics?.[0] // { type: 'accuracy', value: '0.91', slice: 'test' }
 */
export async function loadModelCardSpec(file: string): Promise<ModelCardSpec> {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_MODEL_CARD_BYTES) throw new UserError('RAMPART_E_INPUT_INVALID', `model card ${file}: ${size} bytes; at most ${MAX_MODEL_CARD_BYTES} are read.`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError('RAMPART_E_INPUT_INVALID', `model card ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, { cause: error });
  }
  return parseModelCardSpec(text, file);
}

/**
 * Parses and validates model card text; `source` names it in error messages.
 *
 * @example
 * parseModelCardSpec('task: text-classification\nlimitations: [English only]', 'card.yaml')
 */
export function parseModelCardSpec(text: string, source: string): ModelCardSpec {
  // uniqueKeys: a repeated key would otherwise silently keep the last value.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `model card ${source} is not valid YAML or JSON:`, {
      details: doc.errors.map((e) => firstLine(e.message)),
    });
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `model card ${source}: expected a mapping of fields (task, datasets, metrics, limitations, ...).`);
  }
  const parsed = ModelCardSpec.safeParse(raw);
  if (!parsed.success) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `model card ${source} is invalid:`, { details: parsed.error.issues.flatMap(describeIssue) });
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${joinPath([...issue.path, key])}: unknown field`);
  }
  return [`${issue.path.length > 0 ? joinPath(issue.path) : '(document)'}: ${issue.message}`];
}

/** `datasets[0].name`, quoting keys that are not plain identifiers. */
function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out.length > 0 ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

// yaml's pretty messages end with a code frame; the first line already says what and where.
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:$/, '');
}
