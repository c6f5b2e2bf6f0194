import type { ClassifierReport } from './classifier-report.js';
import { aurocInterval, wilsonInterval, type Interval } from './confidence-interval.js';
import type { DatasetSpec, MetricSpec, ModelCardSpec } from './model-card-spec.js';

/** Per-source figures below this many rows are too noisy to call a limitation. */
const MIN_SOURCE_ROWS = 20;
/** A held-out malicious source where the classifier flags fewer than this share is a stated weakness. */
const WEAK_DETECTION = 0.5;
/** A held-out benign source where it flags more than this share is a stated weakness. */
const HIGH_FALSE_POSITIVES = 0.05;

/**
 * The model card facts a Rampart classifier training report supports: held-out metrics (AUROC,
 * TPR at 1% and 5% FPR, ECE, detection and false-positive rates with 95% intervals, per source),
 * the training data and each held-out source as datasets, and the sources it handles badly as
 * limitations. Nothing is claimed that the report does not measure.
 *
 * @example
 * const card = modelCardFromReport(report, { reportFile: 'classifier.report.json' });
 * card.metrics?.[0] // { type: 'AUROC', value: '0.8836', slice: 'held-out split (4269 rows: 2234 malicious, 2035 benign)', ... }
 */
export function modelCardFromReport(report: ClassifierReport, source: { reportFile: string }): ModelCardSpec {
  const h = report.heldout;
  const benign = h.n - h.malicious;
  const slice = `held-out split (${h.n} rows: ${h.malicious} malicious, ${benign} benign)`;
  const threshold = report.thresholds?.['uncertain'];
  const at = threshold === undefined ? "at the model's flagging threshold" : `at the model's flagging threshold (risk >= ${fixed(threshold)})`;
  const bins = report.reliability?.bins.length;

  const metrics: MetricSpec[] = [
    metric({ type: 'AUROC', value: h.auroc, slice }, aurocInterval({ auroc: h.auroc, positives: h.malicious, negatives: benign })),
    metric({ type: 'TPR at 1% FPR', value: h.tprAtFpr1, slice }),
    metric({ type: 'TPR at 5% FPR', value: h.tprAtFpr5, slice }),
    metric({ type: `detection rate ${at}`, value: h.flaggedMalicious, slice: `${slice}, malicious rows` }, wilsonInterval({ successes: Math.round(h.flaggedMalicious * h.malicious), n: h.malicious })),
    metric({ type: `false-positive rate ${at}`, value: h.flaggedBenign, slice: `${slice}, benign rows` }, wilsonInterval({ successes: Math.round(h.flaggedBenign * benign), n: benign })),
    metric({ type: `expected calibration error${bins === undefined ? '' : ` (${bins} bins)`}`, value: h.ece, slice }),
  ];
  if (report.categoryAccuracy !== undefined) {
    metrics.push(metric({ type: 'harm category accuracy', value: report.categoryAccuracy, slice: `${slice}, malicious rows of a modelled category` }));
  }

  const limitations = [
    `Figures come from ${source.reportFile}: the classifier alone on its training run's held-out split, before Rampart's rules and policy; they are not a blind evaluation on data from another distribution.`,
  ];
  const bySource = Object.entries(report.heldoutBySource ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, s] of bySource) {
    const name = sourceName(key);
    const rate = s.n > 0 ? s.flagged / s.n : 0;
    const isMalicious = s.label === 'malicious';
    metrics.push(
      metric(
        { type: isMalicious ? `detection rate ${at}` : `false-positive rate ${at}`, value: rate, slice: `held-out source ${name}, ${s.n} ${s.label} rows` },
        wilsonInterval({ successes: s.flagged, n: s.n }),
      ),
    );
    if (s.n < MIN_SOURCE_ROWS) continue;
    if (isMalicious && rate < WEAK_DETECTION) limitations.push(`Flags only ${s.flagged} of ${s.n} held-out malicious prompts from ${name}.`);
    if (!isMalicious && rate > HIGH_FALSE_POSITIVES) limitations.push(`Flags ${s.flagged} of ${s.n} held-out benign prompts from ${name} (false positives).`);
  }

  return {
    approach: 'supervised',
    task: 'text classification: risk that a prompt is malicious',
    inputs: ['text: a prompt, or the user turns of a conversation'],
    outputs: ['risk score in [0, 1]'],
    datasets: datasetsOf(report, bySource),
    metrics,
    limitations,
  };
}

function datasetsOf(report: ClassifierReport, bySource: ReadonlyArray<readonly [string, { n: number; label: string }]>): DatasetSpec[] {
  const datasets: DatasetSpec[] = [];
  const train = report.counts?.['train'];
  const calibration = report.counts?.['calibration'];
  if (train !== undefined || report.dataSha256 !== undefined) {
    const parts = [
      train === undefined ? undefined : `${train.malicious + train.benign} training rows (${train.malicious} malicious, ${train.benign} benign)`,
      calibration === undefined ? undefined : `${calibration.malicious + calibration.benign} calibration rows (${calibration.malicious} malicious, ${calibration.benign} benign)`,
      report.trainBySource === undefined ? undefined : `sources: ${Object.entries(report.trainBySource).map(([source, n]) => `${source} (${n})`).join(', ')}`,
      report.dataSha256 === undefined ? undefined : `SHA-256 over all deduplicated rows of the run: ${report.dataSha256}`,
    ].filter((p): p is string => p !== undefined);
    datasets.push({ name: 'classifier training and calibration split', role: 'training', description: `${parts.join('; ')}.` });
  }
  // One dataset per held-out source, its labels merged: `advbench:malicious` and `advbench:benign` are one source.
  const rows = new Map<string, string[]>();
  for (const [key, s] of bySource) {
    const name = sourceName(key);
    rows.set(name, [...(rows.get(name) ?? []), `${s.n} ${s.label}`]);
  }
  for (const [name, counts] of rows) {
    // Only these rows were held out: a source can also have rows in training (clusters split by source).
    datasets.push({ name, role: 'evaluation', description: `Held-out evaluation rows from this source: ${counts.join(', ')}.` });
  }
  return datasets;
}

function sourceName(key: string): string {
  const colon = key.lastIndexOf(':');
  return colon > 0 ? key.slice(0, colon) : key;
}

function metric(base: { type: string; value: number; slice: string }, interval?: Interval): MetricSpec {
  const spec: MetricSpec = { type: base.type, value: fixed(base.value), slice: base.slice };
  return interval === undefined ? spec : { ...spec, lowerBound: fixed(interval.lower), upperBound: fixed(interval.upper) };
}

function fixed(value: number): string {
  return value.toFixed(4);
}
