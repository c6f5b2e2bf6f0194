import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tinyEval = join(root, 'test/fixtures/classifier/tiny-eval.jsonl');
const vectors = join(root, 'datasets/embeddings/wink-sg-100d-pruned.bin');

describe('rampart eval', () => {
  it('reports the action-based figures of a hand-checked file, with the documented JSON keys', async () => {
    const { code, stdout, stderr } = await runCli(['eval', '--data', tinyEval, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['auroc', 'block_rate_benign', 'fpr', 'latency_us', 'n', 'per_category', 'tpr', 'tpr_at_fpr_1', 'tpr_at_fpr_5'].sort());
    // The ransomware build and the DAN template are blocked by the rule packs; the baking
    // question and the baking conversation are served.
    expect(report).toMatchObject({ n: 4, tpr: 1, fpr: 0, block_rate_benign: 0, per_category: { 'cyber.impact': { n: 1, recall: 1 }, jailbreak: { n: 1, recall: 1 } } });
    expect((report.latency_us as { p50: number }).p50).toBeGreaterThan(0);
  });

  it('names the line of a bad row and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-eval-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text": "hello", "label": "benign"}\n{"text": "x", "label": "maybe"}\n');
    const { code, stderr } = await runCli(['eval', '--data', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('bad.jsonl:2');
    expect(stderr).toContain('"label" must be "malicious" or "benign"');
    writeFileSync(file, '{"text": "hello", "label": "benign"}\nnot json\n');
    expect((await runCli(['eval', '--data', file])).stderr).toMatch(/bad\.jsonl:2: not valid JSON/);
  });
});

describe('rampart train', () => {
  it('is reproducible: the same data and seed write the same model bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-train-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    // A small tree keeps the test fast; every split must get rows of both labels.
    for (const name of ['cyber-tactics-b.jsonl', 'social-dos-harm.jsonl']) copyFileSync(join(root, 'datasets/rampart', name), join(data, name));
    const train = (out: string) => runCli(['train', '--data', data, '--vectors', vectors, '--out', join(dir, out), '--seed', '7'], {}, 120_000);
    const first = await train('a.bin');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/held-out \(classifier alone\): AUROC 0\.\d+/);
    await train('b.bin');
    const hash = (file: string) => createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
    expect(hash('a.bin')).toBe(hash('b.bin'));
    const other = await runCli(['train', '--data', data, '--vectors', vectors, '--out', join(dir, 'c.bin'), '--seed', '8'], {}, 120_000);
    expect(other.code).toBe(0);
    expect(hash('c.bin')).not.toBe(hash('a.bin'));
  }, 300_000);
});

describe('a missing or corrupt model', () => {
  it('makes the classifier layer fail closed (review) with a clear log line, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-model-'));
    const corrupt = join(dir, 'corrupt.bin');
    const bytes = readFileSync(join(root, 'packages/core/models/classifier.bin'));
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(corrupt, bytes);
    for (const [model, why] of [
      [corrupt, 'checksum mismatch'],
      [join(dir, 'missing.bin'), 'cannot be read'],
    ] as const) {
      const config = join(dir, 'rampart.yaml');
      writeFileSync(config, `pipeline:\n  classifier:\n    model: ${JSON.stringify(model)}\n`);
      const { code, stdout, stderr } = await runCli(['--config', config, 'check', 'How do I bake bread?', '--json']);
      expect(code).toBe(0);
      expect(stderr).toContain('classifier layer fails closed');
      expect(stderr).toContain(why);
      const result = JSON.parse(stdout) as { action: string; reasons: string[] };
      expect(result.action).toBe('review');
      expect(result.reasons).toContain('layer_error.classifier');
    }
  }, 60_000);
});
