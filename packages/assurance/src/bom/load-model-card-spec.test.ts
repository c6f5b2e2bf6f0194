import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadModelCardSpec, MAX_MODEL_CARD_BYTES, parseModelCardSpec } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-card-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The error's message with its details, as the CLI prints it. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    const e = error as Error & { details?: string[] };
    return [e.message, ...(e.details ?? [])].join('\n');
  }
  throw new Error('expected an error');
}

describe('parseModelCardSpec', () => {
  it('reads YAML and JSON alike, turning metric numbers into strings', () => {
    const yaml = parseModelCardSpec('task: ner\nmetrics:\n  - type: F1\n    value: 0.9\n', 'c.yaml');
    const json = parseModelCardSpec('{"task": "ner", "metrics": [{"type": "F1", "value": 0.9}]}', 'c.json');
    expect(yaml).toEqual({ task: 'ner', metrics: [{ type: 'F1', value: '0.9' }] });
    expect(json).toEqual(yaml);
  });

  it('names the path of every unknown field, at any depth, and of every bad value', () => {
    const message = failure(() =>
      parseModelCardSpec(
        ['tasks: x', 'datasets:', '  - name: a', '    licence: MIT', 'approach: deep', 'metrics: [{ type: acc, value: "" }]', 'ethicalConsiderations: [{ nme: x }]'].join('\n'),
        'card.yaml',
      ),
    );
    expect(message).toContain('model card card.yaml is invalid:');
    expect(message).toContain('tasks: unknown field');
    expect(message).toContain('datasets[0].licence: unknown field');
    expect(message).toMatch(/approach: Invalid option: expected one of "supervised"/);
    expect(message).toContain('metrics[0].value:');
    expect(message).toContain('ethicalConsiderations[0].nme: unknown field');
    expect(message).toContain('ethicalConsiderations[0].name:');
  });

  it('refuses two datasets with one name (their bom-refs would clash)', () => {
    expect(failure(() => parseModelCardSpec('datasets: [{ name: a }, { name: b }, { name: a }]', 'c.yaml'))).toContain('datasets[2].name: duplicate dataset name "a"');
  });

  it('refuses bad URLs, hashes and empty fairness assessments', () => {
    const message = failure(() =>
      parseModelCardSpec('datasets: [{ name: a, url: "not a url", sha256: abc }]\nfairnessAssessments: [{}]', 'c.yaml'),
    );
    expect(message).toContain('datasets[0].url: Invalid URL');
    expect(message).toContain('datasets[0].sha256: must be 64 hexadecimal characters');
    expect(message).toContain('fairnessAssessments[0]: needs at least one of');
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(failure(() => parseModelCardSpec('task: a\ntask: b\n', 'c.yaml'))).toMatch(/not valid YAML or JSON:\nMap keys must be unique at line 2, column 1/);
    expect(failure(() => parseModelCardSpec('limitations: [a,\n', 'c.yaml'))).toMatch(/at line 2/);
  });

  it('refuses a document that is not a mapping', () => {
    expect(failure(() => parseModelCardSpec('- a\n- b\n', 'c.yaml'))).toContain('expected a mapping of fields');
    expect(failure(() => parseModelCardSpec('', 'c.yaml'))).toContain('expected a mapping of fields');
  });
});

describe('loadModelCardSpec', () => {
  it('reads a file, and refuses a missing or oversized one', async () => {
    const file = join(dir, 'card.yaml');
    writeFileSync(file, 'limitations: [English only]\n');
    expect(await loadModelCardSpec(file)).toEqual({ limitations: ['English only'] });
    await expect(loadModelCardSpec(join(dir, 'none.yaml'))).rejects.toThrow(/none\.yaml: no such file/);
    writeFileSync(file, `description: "${'x'.repeat(MAX_MODEL_CARD_BYTES)}"\n`);
    await expect(loadModelCardSpec(file)).rejects.toThrow(/at most 1048576 are read/);
  });
});
