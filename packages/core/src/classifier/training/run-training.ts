import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CATEGORIES } from '../../taxonomy/categories.js';
import { decodeModelFile } from '../model-file.js';
import { decodeClassifier } from '../text-classifier.js';
import { createWordVectors, decodeWords } from '../word-vectors.js';
import { parseExamples, type LabeledExample } from './examples.js';
import { auroc, reliability, tprAtFpr } from './metrics.js';
import { assignSplits, deduplicate, type Split, type SplitPlan } from './split.js';
import { DEFAULT_TRAIN_OPTIONS, trainClassifier, type TrainOptions, type WordVectorTable } from './train.js';

/**
 * The split every published figure cites. Held out whole: AdvBench, JailbreakBench (and its
 * jailbreak artifacts, which reuse its behaviours), XSTest, WildGuardTest's benign prompts,
 * MT-Bench and HumanEval: unseen generators and styles on both sides. Plus 20% of the clusters
 * of our own hand-written data, which cover the taxonomy's hard cases. HarmBench trains: it is
 * the most varied public harmful set, and variety is what generalizes to unseen sources.
 */
export const SPLIT_PLAN: SplitPlan = {
  heldoutSources: ['advbench', 'jbb', 'jbb-artifacts', 'xstest', 'wildguardtest', 'mt-bench', 'humaneval'],
  calibrationShare: 0.15,
  ownSourcePrefix: 'rampart-',
  ownHeldoutShare: 0.2,
};

/** Malicious categories the category head predicts: the harmful part of the taxonomy. */
export const MODEL_CATEGORIES = Object.keys(CATEGORIES).filter((c) => !['obfuscation', 'limit', 'layer_error', 'uncertain'].includes(c));

export function loadExampleTree(root: string): LabeledExample[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.jsonl')) files.push(path);
    }
  };
  walk(root);
  return files.flatMap((file) => parseExamples(readFileSync(file, 'utf8'), relative(root, file)));
}

export function loadWordVectorTable(path: string): WordVectorTable {
  const { header, blobs } = decodeModelFile<{ dims: number }>(readFileSync(path), path);
  const words = decodeWords(blobs.get('words') as Uint8Array);
  const vectors = blobs.get('vectors') as Int8Array;
  const scales = blobs.get('scales') as Float32Array;
  return { words, vectors, scales, table: createWordVectors({ words, vectors, scales, dims: header.dims }) };
}

export interface SplitFigures {
  readonly n: number;
  readonly malicious: number;
  readonly auroc: number;
  readonly tprAtFpr1: number;
  readonly tprAtFpr5: number;
  /** At the model's own thresholds (classifier alone, before rules and policy). */
  readonly flaggedMalicious: number;
  readonly flaggedBenign: number;
  readonly ece: number;
}

export interface TrainingReport {
  readonly modelSha256: string;
  readonly dataSha256: string;
  readonly seed: number;
  readonly counts: Record<Split, { malicious: number; benign: number }>;
  /** Rows per source that trained or calibrated the model (what an ML-BOM lists as training data). */
  readonly trainBySource: Record<string, number>;
  readonly heldout: SplitFigures;
  readonly heldoutBySource: Record<string, { n: number; flagged: number; label: string }>;
  readonly reliability: ReturnType<typeof reliability>;
  readonly categoryAccuracy: number;
  readonly thresholds: Record<string, number>;
}

export function trainFromTree(input: { dataRoot: string; vectorsPath: string; seed?: number; epochs?: number }): {
  bytes: Buffer;
  report: TrainingReport;
  splits: Record<Split, readonly LabeledExample[]>;
} {
  const all = deduplicate(loadExampleTree(input.dataRoot));
  const dataSha256 = createHash('sha256')
    .update(all.map((e) => `${e.source}\t${e.label}\t${e.category}\t${e.text}`).join('\n'))
    .digest('hex');
  const splitOf = assignSplits(all, SPLIT_PLAN);
  const bySplit = (split: Split): LabeledExample[] => all.filter((_, i) => splitOf[i] === split);
  const train = bySplit('train');
  const calibration = bySplit('calibration');
  const heldout = bySplit('heldout');
  const vectors = loadWordVectorTable(input.vectorsPath);
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, seed: input.seed ?? DEFAULT_TRAIN_OPTIONS.seed, epochs: input.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs, categories: MODEL_CATEGORIES };
  const trainingMeta = { seed: options.seed, epochs: options.epochs, dataSha256, split: SPLIT_PLAN, trainRows: train.length, calibrationRows: calibration.length, heldoutRows: heldout.length };
  const { bytes } = trainClassifier({ train, calibration }, vectors, { ...options, metadata: trainingMeta });

  // Scored through the file as written, so the figures describe exactly what ships.
  const classifier = decodeClassifier(bytes, 'the trained model');
  const scored = heldout.map((e) => {
    const score = classifier.score(e.text);
    return { e, p: score.risk, category: score.category };
  });
  const p = scored.map((s) => s.p);
  const y = scored.map((s) => s.e.label === 'malicious');
  const flag = classifier.header.thresholds.uncertain;
  const bySource: Record<string, { n: number; flagged: number; label: string }> = {};
  for (const s of scored) {
    const key = `${s.e.source}:${s.e.label}`;
    const entry = (bySource[key] ??= { n: 0, flagged: 0, label: s.e.label });
    entry.n += 1;
    if (s.p >= flag) entry.flagged += 1;
  }
  const categorized = scored.filter((s) => s.e.label === 'malicious' && MODEL_CATEGORIES.includes(s.e.category));
  const count = (rows: readonly LabeledExample[]): { malicious: number; benign: number } => ({
    malicious: rows.filter((e) => e.label === 'malicious').length,
    benign: rows.filter((e) => e.label === 'benign').length,
  });
  const rel = reliability(p, y);
  const modelSha256 = createHash('sha256').update(bytes).digest('hex');
  const report: TrainingReport = {
    modelSha256,
    dataSha256,
    seed: options.seed,
    counts: { train: count(train), calibration: count(calibration), heldout: count(heldout) },
    trainBySource: Object.fromEntries(
      [...[...train, ...calibration].reduce((m, e) => m.set(e.source, (m.get(e.source) ?? 0) + 1), new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b)),
    ),
    heldout: {
      n: scored.length,
      malicious: y.filter(Boolean).length,
      auroc: auroc(p, y),
      tprAtFpr1: tprAtFpr(p, y, 0.01),
      tprAtFpr5: tprAtFpr(p, y, 0.05),
      flaggedMalicious: scored.filter((s) => s.e.label === 'malicious' && s.p >= flag).length / Math.max(1, y.filter(Boolean).length),
      flaggedBenign: scored.filter((s) => s.e.label === 'benign' && s.p >= flag).length / Math.max(1, y.filter((v) => !v).length),
      ece: rel.ece,
    },
    heldoutBySource: bySource,
    reliability: rel,
    categoryAccuracy: categorized.filter((s) => s.category === s.e.category).length / Math.max(1, categorized.length),
    thresholds: { ...classifier.header.thresholds },
  };
  return { bytes, report, splits: { train, calibration, heldout } };
}
