import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMlBom, DATASETS_UNKNOWN, METRICS_UNKNOWN, parseModelCardSpec, type MlBom } from './index.js';
import { cycloneDxErrors } from './fixtures/validate-cyclonedx.js';

const FIXED = { timestamp: new Date('2026-01-02T03:04:05.000Z'), serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', workers: 1 };
const CORE_MODELS = fileURLToPath(new URL('../../../core/models', import.meta.url));
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-bom-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function modelFolder(): string {
  const root = join(dir, 'model');
  mkdirSync(join(root, 'tokenizer'), { recursive: true });
  writeFileSync(join(root, 'weights.safetensors'), Buffer.from([1, 2, 3, 4, 5]));
  writeFileSync(join(root, 'config.json'), '{"layers": 2}\n');
  writeFileSync(join(root, 'tokenizer', 'vocab.txt'), 'a\nb\n');
  return root;
}

describe('buildMlBom', () => {
  it('lists every file with its SHA-256, sorted, under a machine-learning-model component, and validates against CycloneDX 1.6', async () => {
    const root = modelFolder();
    const { bom, files, warnings } = await buildMlBom({ path: root, name: 'tiny', version: '1.2.0', ...FIXED });

    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(bom.specVersion).toBe('1.6');
    expect(bom.serialNumber).toBe(FIXED.serialNumber);
    expect(bom.metadata.timestamp).toBe('2026-01-02T03:04:05.000Z');
    expect(bom.metadata.tools).toMatchObject({ components: [{ type: 'application', name: 'rampart' }] });
    const model = bom.metadata.component;
    expect(model).toMatchObject({ type: 'machine-learning-model', name: 'tiny', version: '1.2.0', 'bom-ref': 'model:tiny@1.2.0' });
    expect(files).toBe(3);
    expect(warnings).toEqual([]);
    expect(model.components?.map((c) => [c.type, c.name, c.hashes])).toEqual(
      ['config.json', 'tokenizer/vocab.txt', 'weights.safetensors'].map((path) => ['file', path, [{ alg: 'SHA-256', content: sha256(readFileSync(join(root, path))) }]]),
    );
    // The folder's own hash is model_signing's root digest: SHA-256 over the raw file digests in order.
    const digests = (model.components ?? []).map((c) => Buffer.from(c.hashes?.[0]?.content ?? '', 'hex'));
    expect(model.hashes).toEqual([{ alg: 'SHA-256', content: sha256(Buffer.concat(digests)) }]);
  });

  it('is reproducible with a fixed clock and serial number, and changes when a byte of a file does', async () => {
    const root = modelFolder();
    const a = JSON.stringify((await buildMlBom({ path: root, name: 'tiny', version: '1', ...FIXED })).bom);
    const b = JSON.stringify((await buildMlBom({ path: root, name: 'tiny', version: '1', ...FIXED })).bom);
    expect(a).toBe(b);
    writeFileSync(join(root, 'weights.safetensors'), Buffer.from([1, 2, 3, 4, 6]));
    const c = JSON.stringify((await buildMlBom({ path: root, name: 'tiny', version: '1', ...FIXED })).bom);
    expect(c).not.toBe(a);
  });

  it('uses a random urn:uuid serial number and the current time by default', async () => {
    const root = modelFolder();
    const before = Date.now();
    const one = await buildMlBom({ path: root, name: 'tiny', version: '1', workers: 1 });
    const two = await buildMlBom({ path: root, name: 'tiny', version: '1', workers: 1 });
    expect(one.bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(one.bom.serialNumber).not.toBe(two.bom.serialNumber);
    expect(Date.parse(one.bom.metadata.timestamp ?? '')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('describes a single model file by its own SHA-256', async () => {
    const file = join(dir, 'model.onnx');
    writeFileSync(file, 'onnx bytes');
    const { bom } = await buildMlBom({ path: file, name: 'm', version: '0.1', ...FIXED });
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(bom.metadata.component.hashes).toEqual([{ alg: 'SHA-256', content: sha256('onnx bytes') }]);
    expect(bom.metadata.component.components).toBeUndefined();
  });

  it('states that metrics and datasets are unknown when nothing supplies them', async () => {
    const { bom, metrics, datasets } = await buildMlBom({ path: modelFolder(), name: 'tiny', version: '1', ...FIXED });
    const card = bom.metadata.component.modelCard;
    expect(metrics).toBe(0);
    expect(datasets).toBe(0);
    expect(card?.quantitativeAnalysis).toBeUndefined();
    expect(card?.considerations?.technicalLimitations).toEqual([METRICS_UNKNOWN, DATASETS_UNKNOWN]);
    expect(card?.properties).toEqual([
      { name: 'rampart:metrics', value: 'unknown' },
      { name: 'rampart:datasets', value: 'unknown' },
    ]);
  });

  it('puts a model card file into the CycloneDX model card, datasets as data components it references', async () => {
    const card = parseModelCardSpec(
      [
        'description: Tiny sentiment model',
        'license: apache-2.0',
        'approach: supervised',
        'task: text-classification',
        'architectureFamily: transformer',
        'modelArchitecture: DistilBERT',
        'inputs: [text/plain]',
        'outputs: [label]',
        'datasets:',
        '  - { name: imdb, role: training, url: "https://example.org/imdb", license: other-license, sha256: "' + 'AB'.repeat(32) + '", classification: public }',
        '  - { name: sst2, role: evaluation, sensitiveData: [none] }',
        'metrics:',
        '  - { type: accuracy, value: 0.91, slice: sst2 test, lowerBound: 0.9, upperBound: 0.92 }',
        'limitations: [English only]',
        'tradeoffs: [Faster than accurate]',
        'users: [moderators]',
        'useCases: [triage]',
        'ethicalConsiderations: [{ name: Bias against dialects, mitigationStrategy: Human review }]',
        'fairnessAssessments: [{ groupAtRisk: dialect speakers, harms: false flags }]',
      ].join('\n'),
      'card.yaml',
    );
    const { bom, datasets, metrics } = await buildMlBom({ path: modelFolder(), name: 'tiny', version: '1', modelCard: card, ...FIXED });
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect([datasets, metrics]).toEqual([2, 1]);

    const model = bom.metadata.component;
    expect(model.description).toBe('Tiny sentiment model');
    expect(model.licenses).toEqual([{ license: { id: 'Apache-2.0' } }]);
    expect(model.modelCard).toEqual({
      'bom-ref': 'model:tiny@1#model-card',
      modelParameters: {
        approach: { type: 'supervised' },
        task: 'text-classification',
        architectureFamily: 'transformer',
        modelArchitecture: 'DistilBERT',
        datasets: [{ ref: 'dataset:imdb' }, { ref: 'dataset:sst2' }],
        inputs: [{ format: 'text/plain' }],
        outputs: [{ format: 'label' }],
      },
      quantitativeAnalysis: { performanceMetrics: [{ type: 'accuracy', value: '0.91', slice: 'sst2 test', confidenceInterval: { lowerBound: '0.9', upperBound: '0.92' } }] },
      considerations: {
        users: ['moderators'],
        useCases: ['triage'],
        technicalLimitations: ['English only'],
        performanceTradeoffs: ['Faster than accurate'],
        ethicalConsiderations: [{ name: 'Bias against dialects', mitigationStrategy: 'Human review' }],
        fairnessAssessments: [{ groupAtRisk: 'dialect speakers', harms: 'false flags' }],
      },
    });
    expect(bom.components).toEqual([
      {
        type: 'data',
        name: 'imdb',
        'bom-ref': 'dataset:imdb',
        hashes: [{ alg: 'SHA-256', content: 'ab'.repeat(32) }],
        licenses: [{ license: { name: 'other-license' } }],
        properties: [{ name: 'rampart:role', value: 'training' }],
        data: [{ type: 'dataset', name: 'imdb', contents: { url: 'https://example.org/imdb' }, classification: 'public' }],
      },
      {
        type: 'data',
        name: 'sst2',
        'bom-ref': 'dataset:sst2',
        properties: [{ name: 'rampart:role', value: 'evaluation' }],
        data: [{ type: 'dataset', name: 'sst2', sensitiveData: ['none'] }],
      },
    ]);
    // Every reference in the card resolves to a component of the BOM.
    const refs = new Set((bom.components ?? []).map((c) => c['bom-ref']));
    for (const { ref } of model.modelCard?.modelParameters?.datasets ?? []) expect(refs.has(ref)).toBe(true);
  });

  it("derives metrics, datasets and limitations from Rampart's own classifier report (packages/core/models)", async () => {
    const report = JSON.parse(readFileSync(join(CORE_MODELS, 'classifier.report.json'), 'utf8'));
    const { bom, classifierReport, warnings } = await buildMlBom({ path: CORE_MODELS, name: 'rampart-classifier', version: '2', ...FIXED });
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(classifierReport).toBe('classifier.report.json');
    const model = bom.metadata.component;
    expect(model.components?.find((c) => c.name === 'classifier.bin')?.hashes).toEqual([{ alg: 'SHA-256', content: report.modelSha256 }]);

    const metrics = model.modelCard?.quantitativeAnalysis?.performanceMetrics ?? [];
    const auroc = metrics.find((m) => m.type === 'AUROC');
    expect(Number(auroc?.value)).toBeCloseTo(report.heldout.auroc, 4);
    expect(Number(auroc?.confidenceInterval?.lowerBound)).toBeLessThan(report.heldout.auroc);
    expect(Number(auroc?.confidenceInterval?.upperBound)).toBeGreaterThan(report.heldout.auroc);
    expect(Number(metrics.find((m) => m.type === 'TPR at 1% FPR')?.value)).toBeCloseTo(report.heldout.tprAtFpr1, 4);
    expect(Number(metrics.find((m) => m.type.startsWith('expected calibration error'))?.value)).toBeCloseTo(report.heldout.ece, 4);
    const advbench = report.heldoutBySource['advbench:malicious'];
    expect(metrics.find((m) => m.slice?.startsWith('held-out source advbench,'))).toMatchObject({ value: (advbench.flagged / advbench.n).toFixed(4) });

    const names = (bom.components ?? []).map((c) => c.name);
    expect(names).toContain('classifier training and calibration split');
    expect(names).toEqual(expect.arrayContaining(['advbench', 'xstest', 'wildguardtest']));
    expect(bom.components?.find((c) => c.name === 'classifier training and calibration split')?.description).toContain(report.dataSha256);
    expect(bom.components?.find((c) => c.name === 'classifier training and calibration split')?.description).toContain(`harmbench (${report.trainBySource.harmbench})`);
    const limitations = model.modelCard?.considerations?.technicalLimitations ?? [];
    const xstest = report.heldoutBySource['xstest:malicious'];
    expect(limitations).toContain(`Flags only ${xstest.flagged} of ${xstest.n} held-out malicious prompts from xstest.`);
    expect(model.modelCard?.properties).toBeUndefined();
  });

  it('lets each section of a model card file win over the report, keeping the report for the rest', async () => {
    const card = parseModelCardSpec('limitations: [Only screens English prompts]', 'card.yaml');
    const { bom } = await buildMlBom({ path: CORE_MODELS, name: 'c', version: '2', modelCard: card, ...FIXED });
    const modelCard = bom.metadata.component.modelCard;
    expect(modelCard?.considerations?.technicalLimitations).toEqual(['Only screens English prompts']);
    expect(modelCard?.quantitativeAnalysis?.performanceMetrics?.length).toBeGreaterThan(5);
  });

  it('ignores, with a warning, a report that describes another model', async () => {
    const root = modelFolder();
    writeFileSync(join(root, 'classifier.bin'), 'not the trained model');
    const report = JSON.parse(readFileSync(join(CORE_MODELS, 'classifier.report.json'), 'utf8'));
    writeFileSync(join(root, 'classifier.report.json'), JSON.stringify(report));
    const { bom, warnings, metrics } = await buildMlBom({ path: root, name: 'x', version: '1', ...FIXED });
    expect(warnings).toEqual([expect.stringContaining('classifier.report.json describes another model')]);
    expect(metrics).toBe(0);
    expect(bom.metadata.component.modelCard?.considerations?.technicalLimitations).toContain(METRICS_UNKNOWN);
  });

  it('uses no report, with a warning, when a folder holds two model/report pairs', async () => {
    const root = modelFolder();
    for (const stem of ['a', 'b']) {
      writeFileSync(join(root, `${stem}.bin`), readFileSync(join(CORE_MODELS, 'classifier.bin')));
      writeFileSync(join(root, `${stem}.report.json`), readFileSync(join(CORE_MODELS, 'classifier.report.json')));
    }
    const { warnings, metrics } = await buildMlBom({ path: root, name: 'x', version: '1', ...FIXED });
    expect(warnings).toEqual(['2 classifier reports found (a.report.json, b.report.json); none used, pass --model-card instead.']);
    expect(metrics).toBe(0);
  });

  it('finds the report beside a lone .bin file, and warns about a malformed one', async () => {
    writeFileSync(join(dir, 'classifier.bin'), readFileSync(join(CORE_MODELS, 'classifier.bin')));
    writeFileSync(join(dir, 'classifier.report.json'), readFileSync(join(CORE_MODELS, 'classifier.report.json')));
    const good = await buildMlBom({ path: join(dir, 'classifier.bin'), name: 'c', version: '2', ...FIXED });
    expect(good.metrics).toBeGreaterThan(5);
    writeFileSync(join(dir, 'classifier.report.json'), '{"modelSha256": "nope"}');
    const bad = await buildMlBom({ path: join(dir, 'classifier.bin'), name: 'c', version: '2', ...FIXED });
    expect(bad.metrics).toBe(0);
    expect(bad.warnings).toEqual([expect.stringMatching(/not a Rampart training report \(modelSha256: /)]);
  });

  it('refuses a symbolic link leaving the tree, and follows one that stays inside', async () => {
    const root = modelFolder();
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    symlinkSync(join(root, 'config.json'), join(root, 'config-link.json'));
    const inside = await buildMlBom({ path: root, name: 'x', version: '1', ...FIXED });
    expect(inside.bom.metadata.component.components?.find((c) => c.name === 'config-link.json')?.hashes?.[0]?.content).toBe(sha256(readFileSync(join(root, 'config.json'))));
    symlinkSync(join(dir, 'secret.txt'), join(root, 'escape.txt'));
    await expect(buildMlBom({ path: root, name: 'x', version: '1', ...FIXED })).rejects.toMatchObject({
      name: 'UserError',
      details: [expect.stringMatching(/"escape\.txt": symbolic link pointing outside the tree/)],
    });
  });

  it('refuses a missing path, an empty folder, an empty name and a malformed serial number', async () => {
    await expect(buildMlBom({ path: join(dir, 'nope'), name: 'x', version: '1' })).rejects.toThrow(/nope: no such file or directory/);
    mkdirSync(join(dir, 'empty'));
    await expect(buildMlBom({ path: join(dir, 'empty'), name: 'x', version: '1' })).rejects.toThrow(/no regular files/);
    await expect(buildMlBom({ path: modelFolder(), name: ' ', version: '1' })).rejects.toThrow(/--name/);
    await expect(buildMlBom({ path: join(dir, 'model'), name: 'x', version: '1', serialNumber: 'urn:uuid:NOT' })).rejects.toThrow(/serial number/);
  });
});

describe('CycloneDX schema validation', () => {
  async function validBom(): Promise<MlBom> {
    const card = parseModelCardSpec('datasets: [{ name: d }]\nmetrics: [{ type: f1, value: 0.5 }]', 'c.yaml');
    return (await buildMlBom({ path: modelFolder(), name: 'tiny', version: '1', modelCard: card, ...FIXED })).bom;
  }

  it('rejects a BOM with a bad component type, a bad hash algorithm, a short hash or an unknown model card field', async () => {
    const bom = await validBom();
    expect(cycloneDxErrors(bom)).toEqual([]);
    const mutations: Array<[string, (b: any) => void, RegExp]> = [
      ['component type', (b) => (b.metadata.component.type = 'ml-model'), /\/metadata\/component\/type/],
      ['hash algorithm', (b) => (b.metadata.component.components[0].hashes[0].alg = 'SHA-255'), /\/hashes\/0\/alg/],
      ['hash length', (b) => (b.metadata.component.hashes[0].content = 'abc'), /\/metadata\/component\/hashes\/0\/content/],
      ['model card field', (b) => (b.metadata.component.modelCard.modelParameters.trainingData = 'x'), /additionalProperty.*trainingData/],
      ['metric value type', (b) => (b.metadata.component.modelCard.quantitativeAnalysis.performanceMetrics[0].value = 0.5), /performanceMetrics\/0\/value/],
      ['dataset type', (b) => (b.components[0].data[0].type = 'table'), /\/components\/0\/data\/0\/type/],
      ['serial number', (b) => (b.serialNumber = 'urn:uuid:XYZ'), /\/serialNumber/],
    ];
    for (const [what, mutate, where] of mutations) {
      const copy = structuredClone(bom);
      mutate(copy);
      const errors = cycloneDxErrors(copy);
      expect(errors.length, what).toBeGreaterThan(0);
      expect(errors.join('\n'), what).toMatch(where);
    }
  });

  it("agrees with the library's own strict JSON validator", async () => {
    const bom = await validBom();
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(JSON.stringify(bom))).toBeNull();
    const broken = structuredClone(bom) as any;
    broken.metadata.component.modelCard.considerations = { technicalLimitations: 'not a list' };
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });
});
