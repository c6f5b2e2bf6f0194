import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cycloneDxErrors } from '../../packages/assurance/src/bom/fixtures/validate-cyclonedx.js';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const CORE_MODELS = fileURLToPath(new URL('../../packages/core/models', import.meta.url));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let model: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-bom-cli-'));
  model = join(dir, 'model');
  mkdirSync(join(model, 'onnx'), { recursive: true });
  writeFileSync(join(model, 'onnx', 'model.onnx'), Buffer.from('0123456789abcdef'));
  writeFileSync(join(model, 'config.json'), '{"labels": ["benign", "malicious"]}\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rampart bom', () => {
  it('prints a CycloneDX 1.6 ML-BOM that validates, with the SHA-256 of every file', async () => {
    const { code, stdout, stderr } = await runCliInProcess(['bom', model, '--name', 'tiny', '--version=1.2.0']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const bom = JSON.parse(stdout);
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', serialNumber: expect.stringMatching(/^urn:uuid:/) });
    expect(bom.metadata.component).toMatchObject({ type: 'machine-learning-model', name: 'tiny', version: '1.2.0' });
    const listed = Object.fromEntries(bom.metadata.component.components.map((c: any) => [c.name, c.hashes[0].content]));
    expect(listed).toEqual({
      'config.json': sha256(readFileSync(join(model, 'config.json'))),
      'onnx/model.onnx': sha256(readFileSync(join(model, 'onnx', 'model.onnx'))),
    });
  });

  // The root program defines -V/--version (Rampart's own version). The subcommand's --version must
  // still reach bom: commander only leaves it alone when the root uses positional options.
  it('takes `--version V` as the model version, not as a request for the Rampart version', async () => {
    const { code, stdout, stderr } = await runCliInProcess(['bom', model, '--name', 'tiny', '--version', '1.2.0']);
    expect(stdout, "the root's -V/--version answered instead of bom: run-cli.ts needs program.enablePositionalOptions()").not.toBe('0.1.0\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).metadata.component.version).toBe('1.2.0');
  });

  it('puts the datasets, metrics and limitations of a model card file into the BOM, written with --out', async () => {
    const card = join(dir, 'card.yaml');
    writeFileSync(
      card,
      [
        'task: text-classification',
        'datasets:',
        '  - name: toxic-comments',
        '    role: training',
        '    url: https://example.org/toxic',
        '    license: CC-BY-4.0',
        'metrics:',
        '  - { type: F1, value: 0.87, slice: test split, lowerBound: 0.85, upperBound: 0.89 }',
        'limitations:',
        '  - English only',
        '  - Not calibrated on code',
      ].join('\n'),
    );
    // Written into the model folder: a second run must not list the first run's BOM.
    const out = join(model, 'bom.cdx.json');
    for (let run = 0; run < 2; run += 1) {
      const { code, stdout, stderr } = await runCliInProcess(['bom', model, '--name', 'tiny', '--version=2', '--model-card', card, '--out', out]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^wrote .*bom\.cdx\.json: CycloneDX 1\.6 ML-BOM of tiny 2, 2 files, 1 datasets, 1 metrics\n$/);
    }
    const bom = JSON.parse(readFileSync(out, 'utf8'));
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(bom.metadata.component.components.map((c: any) => c.name)).toEqual(['config.json', 'onnx/model.onnx']);
    const modelCard = bom.metadata.component.modelCard;
    expect(modelCard.modelParameters.datasets).toEqual([{ ref: 'dataset:toxic-comments' }]);
    expect(bom.components).toEqual([
      expect.objectContaining({
        type: 'data',
        name: 'toxic-comments',
        'bom-ref': 'dataset:toxic-comments',
        licenses: [{ license: { id: 'CC-BY-4.0' } }],
        data: [{ type: 'dataset', name: 'toxic-comments', contents: { url: 'https://example.org/toxic' } }],
      }),
    ]);
    expect(modelCard.quantitativeAnalysis.performanceMetrics).toEqual([
      { type: 'F1', value: '0.87', slice: 'test split', confidenceInterval: { lowerBound: '0.85', upperBound: '0.89' } },
    ]);
    expect(modelCard.considerations.technicalLimitations).toEqual(['English only', 'Not calibrated on code']);
  });

  it("picks up the built-in classifier's training report: held-out metrics and datasets", async () => {
    const report = JSON.parse(readFileSync(join(CORE_MODELS, 'classifier.report.json'), 'utf8'));
    const { code, stdout, stderr } = await runCliInProcess(['bom', CORE_MODELS, '--name', 'rampart-classifier', '--version=0.1.0']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const bom = JSON.parse(stdout);
    expect(cycloneDxErrors(bom)).toEqual([]);
    const component = bom.metadata.component;
    expect(component.components.find((c: any) => c.name === 'classifier.bin').hashes[0].content).toBe(report.modelSha256);
    expect(component.properties).toContainEqual({ name: 'rampart:classifier-report', value: 'classifier.report.json' });
    const metrics = component.modelCard.quantitativeAnalysis.performanceMetrics;
    expect(metrics.find((m: any) => m.type === 'AUROC').value).toBe(report.heldout.auroc.toFixed(4));
    expect(metrics.find((m: any) => m.type === 'TPR at 5% FPR').value).toBe(report.heldout.tprAtFpr5.toFixed(4));
    const refs = component.modelCard.modelParameters.datasets.map((d: any) => d.ref);
    expect(refs).toEqual(expect.arrayContaining(['dataset:classifier training and calibration split', 'dataset:advbench', 'dataset:xstest']));
    expect(bom.components.map((c: any) => `dataset:${c.name}`)).toEqual(refs);
  });

  it('warns on stderr, and still prints a valid BOM, when a report describes another model', async () => {
    writeFileSync(join(model, 'classifier.bin'), 'retrained, report not updated');
    writeFileSync(join(model, 'classifier.report.json'), readFileSync(join(CORE_MODELS, 'classifier.report.json')));
    const { code, stdout, stderr } = await runCliInProcess(['bom', model, '--name', 'x', '--version=1']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: classifier\.report\.json describes another model/);
    const bom = JSON.parse(stdout);
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(bom.metadata.component.modelCard.properties).toContainEqual({ name: 'rampart:metrics', value: 'unknown' });
  });

  it('exits 2 with a clear message for a missing path, a bad model card or a missing option', async () => {
    const missing = await runCliInProcess(['bom', join(dir, 'nope'), '--name', 'x', '--version=1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope: no such file or directory\. \[RAMPART_E_INPUT_INVALID\]/);
    expect(missing.stdout).toBe('');

    const unknownField = join(dir, 'unknown.yaml');
    writeFileSync(unknownField, 'datasets:\n  - name: d\n    licence: MIT\nmetrics: [{ type: f1 }]\n');
    const bad = await runCliInProcess(['bom', model, '--name', 'x', '--version=1', '--model-card', unknownField]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('datasets[0].licence: unknown field');
    expect(bad.stderr).toContain('metrics[0].value:');
    expect(bad.stdout).toBe('');

    const notYaml = join(dir, 'broken.json');
    writeFileSync(notYaml, '{\n  "task": "x",\n  "task": "y"\n}\n');
    const broken = await runCliInProcess(['bom', model, '--name', 'x', '--version=1', '--model-card', notYaml]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not valid YAML or JSON:\n- Map keys must be unique at line 3, column 3/);

    const noCard = await runCliInProcess(['bom', model, '--name', 'x', '--version=1', '--model-card', join(dir, 'absent.yaml')]);
    expect(noCard.code).toBe(2);
    expect(noCard.stderr).toMatch(/absent\.yaml: no such file/);

    const noName = await runCliInProcess(['bom', model, '--version=1']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("required option '--name <name>' not specified");
  });
});
